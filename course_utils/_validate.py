"""Argument checks shared by course_utils (internal).

Every public function checks its inputs with these helpers, so a student gets
an error that names the argument and says what was expected.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from course_utils.data.vocab import Vocabulary

__all__ = [
    "require_dim",
    "require_finite_float",
    "require_int",
    "require_positive_float",
    "require_sentences",
    "require_str_tokens",
    "require_tensor",
    "require_vocab",
    "type_name",
]


def type_name(value: Any) -> str:
    """A short, readable name for the type of `value`."""
    return type(value).__name__


def require_tensor(value: Any, name: str, *, floating: bool = False, ndim: int | None = None) -> torch.Tensor:
    """Check that `value` is a torch.Tensor (optionally floating, of a given ndim)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type_name(value)}")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor (e.g. torch.float32), got dtype {value.dtype}")
    if ndim is not None and value.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {tuple(value.shape)}")
    return value


def require_int(value: Any, name: str, *, minimum: int | None = None) -> int:
    """Check that `value` is an int (bool is refused) and at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type_name(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def require_finite_float(value: Any, name: str, *, minimum: float | None = None) -> float:
    """Check that `value` is a real number (bool is refused: TypeError), finite and at least `minimum` (ValueError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type_name(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be a finite number >= {minimum}, got {value}")
    return float(value)


def require_positive_float(value: Any, name: str) -> float:
    """Check that `value` is a finite real number greater than zero."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type_name(value)}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return float(value)


def require_dim(dim: Any, tensor: torch.Tensor, name: str = "dim") -> int:
    """Check that `dim` is a valid dimension index of `tensor`."""
    require_int(dim, name)
    if not -tensor.dim() <= dim < max(tensor.dim(), 1):
        raise ValueError(f"{name}={dim} is out of range for a tensor with {tensor.dim()} dimension(s)")
    return dim


def require_str_tokens(tokens: Any, name: str) -> list[str]:
    """Check that `tokens` is a list or tuple of strings (one sentence)."""
    if isinstance(tokens, str) or not isinstance(tokens, (list, tuple)):
        raise TypeError(f"{name} must be a list of str tokens (e.g. 'a b'.split()), got {type_name(tokens)}")
    for i, token in enumerate(tokens):
        if not isinstance(token, str):
            raise TypeError(f"{name}[{i}] must be a str, got {type_name(token)}")
    return list(tokens)


def require_sentences(sentences: Any, name: str = "sentences", *, allow_empty: bool = False) -> Sequence[list[str]]:
    """Check that `sentences` is a list (or tuple) of token lists, e.g. [["me", "gusta"], ["hola"]]."""
    if isinstance(sentences, (str, bytes)) or not isinstance(sentences, Sequence):
        raise TypeError(f"{name} must be a list of token lists, got {type_name(sentences)}")
    if not allow_empty and len(sentences) == 0:
        raise ValueError(f"{name} is empty: need at least one sentence")
    for i, sentence in enumerate(sentences):
        require_str_tokens(sentence, f"{name}[{i}]")
    return sentences


def require_vocab(vocab: Any, name: str = "vocab") -> Vocabulary:
    """Check that `vocab` is a course_utils.data.Vocabulary (a plain dict such as word_to_ix is refused)."""
    from course_utils.data.vocab import Vocabulary  # here: course_utils.data itself uses this module

    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"{name} must be a course_utils.data.Vocabulary, got {type_name(vocab)}")
    return vocab
