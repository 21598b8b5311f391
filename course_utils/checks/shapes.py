"""Shape asserts: the lecture's hint "add asserts to check tensor shapes"."""
from __future__ import annotations

from collections.abc import Sequence

import torch

from course_utils._validate import type_name


def _fmt(shape: Sequence[int | None]) -> str:
    inner = ", ".join("*" if s is None else str(s) for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def assert_shape(tensor: torch.Tensor, expected: Sequence[int | None], name: str = "tensor") -> None:
    """Raise ValueError unless `tensor.shape` matches `expected`.

    expected: one entry per dimension; None matches any size, e.g. (None, 5)
              is "any number of rows, 5 columns".
    name:     what to call the tensor in the error message

    Unlike a bare `assert`, this check is not removed by `python -O`.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type_name(tensor)}")
    if isinstance(expected, (str, bytes)) or not isinstance(expected, Sequence):
        raise TypeError(f"expected must be a tuple of ints or None, e.g. (None, 5), got {type_name(expected)}")
    for i, size in enumerate(expected):
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise TypeError(f"expected[{i}] must be a non-negative int or None, got {size!r}")
    actual = tuple(tensor.shape)
    ok = len(actual) == len(expected) and all(e is None or e == a for e, a in zip(expected, actual, strict=False))
    if not ok:
        note = " (* = any size)" if None in expected else ""
        raise ValueError(f"{name} has shape {_fmt(actual)}, expected {_fmt(tuple(expected))}{note}")
