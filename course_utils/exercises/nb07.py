"""Exercises of notebook 07 (embeddings)."""
from __future__ import annotations

import torch

from course_utils.checks import Case, Exercise, StudentError, compare
from course_utils.checks.compare import ordinal
from course_utils.features import BOS, token_features

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1: lookup as a matrix product
# ---------------------------------------------------------------------------------------------------------------


def _one_hot_lookup(ids: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    one_hot = torch.nn.functional.one_hot(ids, num_classes=weight.shape[0]).to(weight.dtype)
    return one_hot @ weight


def _table(rows: int, cols: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(rows, cols, generator=torch.Generator().manual_seed(seed), dtype=dtype)


LOOKUP_CASES = [
    Case((torch.tensor([0]), _table(2, 5, 0)), label="the id of 'hello' in a 2x5 table"),
    Case((torch.tensor([3, 1, 3]), _table(4, 3, 1)), label="ids [3, 1, 3] (a repeated id) in a 4x3 table"),
    Case((torch.tensor([6, 0]), _table(7, 2, 2)), label="ids [6, 0] (the last id) in a 7x2 table"),
    Case((torch.tensor([2, 2, 0, 1]), _table(3, 4, 3, torch.float64)), label="ids [2, 2, 0, 1] in a 3x4 float64 table"),
    Case((torch.tensor([49, 0, 17, 49]), _table(50, 8, 4)), label="ids [49, 0, 17, 49] in a 50x8 table"),
    Case((torch.tensor([], dtype=torch.long), _table(5, 3, 5)), label="no ids at all (an empty [0] tensor) in a 5x3 table"),
]

LOOKUP_FORBIDDEN = (
    "torch.Tensor.__getitem__",
    "torch.nn.functional.embedding",  # nn.Embedding goes through it
    "torch.embedding",
    "torch.nn.functional.embedding_bag",
    "torch.index_select",
    "torch.Tensor.index_select",
    "torch.gather",
    "torch.Tensor.gather",
    "torch.take",
    "torch.Tensor.take",
    "torch.take_along_dim",
    "torch.Tensor.take_along_dim",
    "torch.select",
    "torch.Tensor.select",
    "torch.narrow",
    "torch.Tensor.narrow",
    "torch.unbind",
    "torch.Tensor.unbind",
)
LOOKUP_RULE = (
    "the task is a lookup WITHOUT indexing: no `[...]` on tensors, no index_select/gather/take/select/narrow, no "
    "nn.Embedding or F.embedding; build one-hot vectors and multiply them with the table"
)


def _check_lookup(lookup, run):
    if not callable(lookup):
        return f"expected a function lookup(ids, weight), got {type(lookup).__name__!r}"
    results = []
    for case in LOOKUP_CASES:
        ids, weight = case.args
        want = _one_hot_lookup(ids, weight)
        try:
            got = run(lookup, ids.clone(), weight.clone())
        except StudentError as exc:
            problem = str(exc)
            if "dtype" in problem or "Double" in problem or "Float" in problem:
                problem += f" (the table here is {weight.dtype}: the one-hot matrix must have the table's dtype)"
            results.append((case.describe(), problem))
            continue
        problem = compare(got, want)  # also checks the dtype: the result must keep the table's
        results.append((case.describe(), problem))
    return results


one_hot_lookup = Exercise(
    "Exercise 1 (lookup as a matrix product)",
    check_fn=_check_lookup,
    forbidden=LOOKUP_FORBIDDEN,
    rule=LOOKUP_RULE,
    hints=[
        "a one-hot row vector with a 1 at position k, multiplied by the table, picks out row k of the table. Build "
        "one such row per id, stack them into an [N, V] matrix, and do a single matrix product.",
        "torch.nn.functional.one_hot builds the [N, V] matrix (tell it V, the number of rows of the table). It gives "
        "integers, and a matrix product needs both sides in the same dtype: the table's, whatever it is.",
    ],
)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 2: features with a conjunction
# ---------------------------------------------------------------------------------------------------------------


def _features_with_conjunction(tokens: list[str], tags: list[str], i: int) -> list[str]:
    w, _pw, pt = token_features(tokens, tags, i, conjunctions=False)
    return [w, _pw, pt, f"{w}&{pt}"]


_DOG = ["the", "dog", "barks"], ["DET", "NOUN", "VERB"]
_SAW = ["the", "cat", "saw", "the", "dog"], ["DET", "NOUN", "VERB", "DET", "NOUN"]
FEATURE_CASES = [
    Case((*_DOG, 1), label="'dog' in 'the dog barks'"),
    Case((*_DOG, 2), label="'barks' in 'the dog barks'"),
    Case((*_DOG, 0), label="'the', the first word of 'the dog barks'"),
    Case((["Hi"], ["INTJ"], 0), label="'Hi', the only word of a one-word sentence"),
    Case((*_SAW, 3), label="the second 'the' in 'the cat saw the dog'"),
    Case((*_SAW, 4), label="'dog', the last word of 'the cat saw the dog'"),
]
_SLOTS = ("the word (w=...)", "the previous word (pw=...)", "the previous tag (pt=...)",
          "the conjunction of the word and the previous tag (w=...&pt=...)")


def _feature_problem(got, tokens: list[str], tags: list[str], i: int, want: list[str]) -> str | None:
    if got is None:
        return "it returned None: did you forget to `return` the list?"
    if not isinstance(got, (list, tuple)):
        return f"it returned {type(got).__name__!r}, but a list of four strings was expected"
    if not all(isinstance(f, str) for f in got):
        return "every feature must be a string such as 'w=dog'"
    if len(got) != 4:
        return f"it returned {len(got)} features, but four were expected: w, pw, pt and the conjunction"
    if list(got) == want:
        return None
    if sorted(got) == sorted(want):
        return "the four features are right but in the wrong order: w, pw, pt, then the conjunction"
    k = next(k for k in range(4) if got[k] != want[k])
    why = f"the {ordinal(k)} feature should be {_SLOTS[k]}"
    if k in (1, 2, 3) and i == 0:
        why += f"; before the first word the previous word and tag are the start marker '{BOS}'"
        if got[k] in (f"pw={tokens[-1]}", f"pt={tags[-1]}", f"w={tokens[i]}&pt={tags[-1]}"):
            why += " (index i - 1 = -1 would silently give the LAST word of the sentence)"
    elif k == 1 and got[k] == f"pw={tokens[i]}":
        why += ", but it uses the word itself"
    elif k in (2, 3) and got[k] in (f"pt={tags[i]}", f"w={tokens[i]}&pt={tags[i]}"):
        why += ", but it uses the tag of the word itself, not of the previous word"
    elif k == 3 and "&" not in got[k]:
        why += ": the two parts are joined with '&'"
    return why


def _check_features(features, run):
    if not callable(features):
        return f"expected a function features(tokens, tags, i), got {type(features).__name__!r}"
    results = []
    for case in FEATURE_CASES:
        tokens, tags, i = case.args
        want = _features_with_conjunction(list(tokens), list(tags), i)
        try:
            got = run(features, list(tokens), list(tags), i)
            problem = _feature_problem(got, tokens, tags, i, want)
        except StudentError as exc:
            problem = str(exc)
        results.append((case.describe(), problem))
    return results


my_features = Exercise(
    "Exercise 2 (features with a conjunction)",
    check_fn=_check_features,
    hints=[
        "four strings in a fixed order: the word, the previous word, the previous tag, and the word joined with the "
        "previous tag. The first word has no previous word or tag: the start marker stands in for both.",
        "for i > 0 the previous word and tag sit at position i - 1 of `tokens` and `tags`; for i == 0 Python's index "
        "-1 would silently give the last word, so treat that case on its own. The conjunction is the word feature "
        "and the previous-tag feature joined by '&'.",
    ],
)

SOLUTION_KEYS = {
    "one_hot_lookup": ["F.one_hot(ids, num_classes=weight.shape[0])", "one_hot @ weight", ".to(weight.dtype)"],
    "my_features": ['f"w={word}&pt={previous_tag}"', 'tokens[i - 1] if i > 0 else "<s>"'],
}

__all__ = ["LOOKUP_CASES", "FEATURE_CASES", "my_features", "one_hot_lookup"]
