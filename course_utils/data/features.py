"""Feature embeddings: the lecture's "w=dog", "pw=the", "pt=DET" and their conjunctions.

Each feature is a string; a feature vocabulary gives it an id; an nn.Embedding
gives each id a d-dim vector; the vectors of one token's features are then
summed or concatenated into the token's input vector.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch

from course_utils._validate import require_int, require_str_tokens, require_tensor, type_name

__all__ = ["BOS", "combine", "sentence_features", "token_features"]

BOS = "<s>"  # the "previous word/tag" of the first token


def token_features(tokens: Sequence[str], tags: Sequence[str], i: int, conjunctions: bool = True) -> list[str]:
    """The features of token i, always in the same order (one per "slot").

    tokens, tags: the sentence's words and their part-of-speech tags (same length)
    i:            position of the token
    conjunctions: also add the pairs w&pt and w&pw
    Returns e.g. ["w=dog", "pw=the", "pt=DET", "w=dog&pt=DET", "w=dog&pw=the"]
    (w: word, pw: previous word, pt: previous tag; before the first token they are "<s>").
    """
    tokens = require_str_tokens(tokens, "tokens")
    tags = require_str_tokens(tags, "tags")
    if len(tags) != len(tokens):
        raise ValueError(f"tags must have one tag per token ({len(tokens)}), got {len(tags)}")
    require_int(i, "i", minimum=0)
    if i >= len(tokens):
        raise ValueError(f"i={i} is out of range for a sentence of {len(tokens)} tokens")
    if not isinstance(conjunctions, bool):
        raise TypeError(f"conjunctions must be True or False, got {type_name(conjunctions)}")
    w = tokens[i]
    pw = tokens[i - 1] if i > 0 else BOS
    pt = tags[i - 1] if i > 0 else BOS
    features = [f"w={w}", f"pw={pw}", f"pt={pt}"]
    if conjunctions:
        features += [f"w={w}&pt={pt}", f"w={w}&pw={pw}"]
    return features


def sentence_features(tokens: Sequence[str], tags: Sequence[str], conjunctions: bool = True) -> list[list[str]]:
    """token_features for every position of the sentence."""
    tokens = require_str_tokens(tokens, "tokens")
    if not tokens:
        raise ValueError("tokens is empty: need at least one token")
    return [token_features(tokens, tags, i, conjunctions) for i in range(len(tokens))]


def combine(vectors: torch.Tensor, how: str = "sum") -> torch.Tensor:
    """Combine the feature vectors of each token into one input vector.

    vectors: [..., k, d]: k feature embeddings of size d per token
    how:     "sum"    -> [..., d]      (order of the features is lost)
             "concat" -> [..., k * d]  (each slot keeps its own part of the vector)
    """
    require_tensor(vectors, "vectors", floating=True)
    if vectors.dim() < 2:
        raise ValueError(f"vectors must have shape [..., k, d], got shape {tuple(vectors.shape)}")
    if how == "sum":
        return vectors.sum(dim=-2)
    if how == "concat":
        return vectors.flatten(start_dim=-2)
    raise ValueError(f"how must be 'sum' or 'concat', got {how!r}")
