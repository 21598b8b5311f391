"""Exercises of notebook 07 (embeddings)."""
from __future__ import annotations

import torch

from course_utils.checks import Case, Exercise
from course_utils.features import token_features


def _one_hot_lookup(ids: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    one_hot = torch.nn.functional.one_hot(ids, num_classes=weight.shape[0]).to(weight.dtype)
    return one_hot @ weight


def _table(rows: int, cols: int, seed: int) -> torch.Tensor:
    return torch.randn(rows, cols, generator=torch.Generator().manual_seed(seed))


one_hot_lookup = Exercise(
    "Exercise 1 (lookup as a matrix product)",
    reference=_one_hot_lookup,
    cases=[
        Case((torch.tensor([0]), _table(2, 5, 0)), label="the id of 'hello' in a 2x5 table"),
        Case((torch.tensor([3, 1, 3]), _table(4, 3, 1)), label="ids [3, 1, 3] in a 4x3 table"),
        Case((torch.tensor([6, 0]), _table(7, 2, 2)), label="ids [6, 0] in a 7x2 table"),
    ],
    hint="torch.nn.functional.one_hot(ids, num_classes=V) gives [N, V] integers: make them float, then @ weight",
)


def _features_with_conjunction(tokens: list[str], tags: list[str], i: int) -> list[str]:
    return token_features(tokens, tags, i, conjunctions=False) + [f"w={tokens[i]}&pt={tags[i - 1] if i > 0 else '<s>'}"]


_TOKENS, _TAGS = ["the", "dog", "barks"], ["DET", "NOUN", "VERB"]
my_features = Exercise(
    "Exercise 2 (features with a conjunction)",
    reference=_features_with_conjunction,
    cases=[
        Case((_TOKENS, _TAGS, 1), label="'dog' in 'the dog barks'"),
        Case((_TOKENS, _TAGS, 2), label="'barks' in 'the dog barks'"),
        Case((_TOKENS, _TAGS, 0), label="'the', the first word"),
    ],
    hint="four strings: 'w=...', 'pw=...', 'pt=...' and 'w=...&pt=...'; before the first word use '<s>'",
)
