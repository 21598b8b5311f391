"""Exercises of notebook 07 (embeddings)."""

from __future__ import annotations

from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

from course_utils.checks import Case, Exercise, NotAttempted, StudentError, compare
from course_utils.checks.compare import ordinal
from course_utils.data.features import BOS

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
    Case(
        (torch.tensor([], dtype=torch.long), _table(5, 3, 5)),
        label="no ids at all (an empty [0] tensor) in a 5x3 table",
    ),
]

# Functions that are lookups whatever they are applied to: forbidden by name (clear message, any alias). Indexing,
# slicing, splitting or reading out the TABLE is caught below at the level of torch's aten operations, where every
# spelling ends up (`weight[ids]`, `list(weight)`, `weight.split(1)`, `torch.ops.aten.index_select`, ...); the
# integer `ids` may be indexed, sliced and iterated freely.
LOOKUP_FORBIDDEN = (
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
    "torch.masked_select",
    "torch.Tensor.masked_select",
)
LOOKUP_RULE = (
    "the task is a lookup WITHOUT indexing the table: build one-hot vectors and multiply them with the table. Nothing "
    "may take rows out of `weight` (or out of anything computed from it): no `[...]`, index_select, gather, take, "
    "masked_select, select, narrow, split, chunk, unbind, list(weight) or weight.tolist(), no nn.Embedding or "
    "F.embedding. Indexing, slicing or looping over the integer `ids` is fine"
)

# aten operations (what every Python spelling ends up as), by the kind of lookup they do when applied to the table.
_LOOKUP_OPS = {
    **dict.fromkeys(("embedding", "embedding_bag", "_embedding_bag", "_embedding_bag_forward_only"), "embedding"),
    **dict.fromkeys(
        (
            "index",
            "_unsafe_index",
            "index_select",
            "gather",
            "take",
            "take_along_dim",
            "masked_select",
            "_unsafe_masked_index",
        ),
        "index",
    ),
    **dict.fromkeys(("select", "slice", "narrow", "as_strided", "unfold"), "slice"),
    **dict.fromkeys(
        (
            "split",
            "split_with_sizes",
            "unsafe_split",
            "unsafe_split_with_sizes",
            "unbind",
            "chunk",
            "unsafe_chunk",
            "tensor_split",
        ),
        "split",
    ),
    "_local_scalar_dense": "read",  # .item(), float(...): reported as "`item` or `float`"
}
# Matrix products (torch.matmul, @, einsum, F.linear and tensordot all end up as one of these).
_PRODUCT_OPS = frozenset(
    (
        "mm",
        "addmm",
        "bmm",
        "baddbmm",
        "addbmm",
        "mv",
        "addmv",
        "dot",
        "vdot",
        "matmul",
        "_sparse_mm",
        "_sparse_addmm",
        "sspaddmm",
    )
)
# Tensor methods that hand the table's numbers to Python without an aten operation.
_READ_OUT = {
    torch.Tensor.tolist: "`tolist`",
    torch.Tensor.numpy: "`numpy`",
    torch.Tensor.__array__: "NumPy's `__array__`",
    torch.Tensor.untyped_storage: "`untyped_storage`",
    torch.Tensor.storage: "`storage`",
}

_LOOKUP_WHY = {
    "embedding": "your function does an embedding lookup on the table (torch ran `aten.{op}`): that is the very "
    "operation this exercise rebuilds; the rows must come out of a matrix product",
    "index": "your function picks rows out of the table by their index (torch ran `aten.{op}` on it; `[ids]`, "
    "index_select, gather, take and masked_select do that, under any name): the rows must come out of the matrix "
    "product instead",
    "slice": "your function cuts rows out of the table, or out of something computed from it, by slicing (torch ran "
    "`aten.{op}` on it; `[k]`, `[a:b]`, select and narrow do that): a lookup by index all the same. The rows must come "
    "out of the matrix product, whole",
    "split": "your function splits the table into rows (torch ran `aten.{op}` on it; split, chunk, unbind, "
    "`list(weight)` and `for row in weight` do that) to pick some of them: a lookup by index all the same. The rows "
    "must come out of the matrix product instead",
    "read": "your function reads the table's numbers out into Python ({op}) to pick the rows there: a lookup by "
    "index all the same. The rows must come out of the matrix product",
}
_NO_PRODUCT = (
    "no matrix product with the table ran: the rows must come out of multiplying the [N, V] one-hot matrix with the "
    "table (an elementwise `*` followed by a sum is not the matrix product the task asks for)"
)


def _storage(t: torch.Tensor) -> int:
    try:
        return t.untyped_storage().data_ptr()
    except (RuntimeError, NotImplementedError):  # sparse and other storage-less tensors
        return 0


class _TableWatch(TorchDispatchMode):
    """Follow the table's values through the aten operations: record lookups on them and matrix products with them.

    A tensor holds the table's values when it is the table, shares its memory (a view, `.data`), or comes out of an
    operation with such an input. Tensors made from `ids` alone (one-hot vectors, comparisons) do not.
    """

    def __init__(self, table: torch.Tensor) -> None:
        super().__init__()
        self.held: dict[int, torch.Tensor] = {}  # kept alive during the call, so ids and memory are not reused
        self.memory: set[int] = set()
        self.lookups: list[tuple[str, str]] = []  # (kind, aten op)
        self.products = 0
        self._mark(table)

    def _mark(self, t: torch.Tensor) -> None:
        self.held[id(t)] = t
        if t.numel():
            self.memory.add(_storage(t))
        self.memory.discard(0)

    def holds_table(self, t: Any) -> bool:
        return isinstance(t, torch.Tensor) and (id(t) in self.held or (t.numel() > 0 and _storage(t) in self.memory))

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = func.overloadpacket.__name__
        from_table = any(self.holds_table(t) for t in tree_leaves((args, kwargs)))
        if from_table and name in _LOOKUP_OPS and args and self.holds_table(args[0]):
            self.lookups.append((_LOOKUP_OPS[name], name))
        if from_table and name in _PRODUCT_OPS:
            self.products += 1
        out = func(*args, **kwargs)
        if from_table:
            for t in tree_leaves((out, kwargs.get("out"), args[0] if name.endswith("_") and args else None)):
                if isinstance(t, torch.Tensor):
                    self._mark(t)
        return out


class _ReadOutWatch(TorchFunctionMode):
    """Record the Tensor methods that hand the table's numbers to Python (tolist, numpy...)."""

    def __init__(self, table_watch: _TableWatch) -> None:
        super().__init__()
        self.table_watch = table_watch

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = _READ_OUT.get(func)
        if name is not None and args and self.table_watch.holds_table(args[0]):
            self.table_watch.lookups.append(("read", name))
        return func(*args, **(kwargs or {}))


def _watched(lookup):
    """lookup, called with both watches on; returns (its result, the table watch)."""

    def call(ids, weight):
        watch = _TableWatch(weight)
        with watch, _ReadOutWatch(watch):
            result = lookup(ids, weight)
        return result, watch

    return call


def _check_lookup(lookup, run):
    if not callable(lookup):
        return f"expected a function lookup(ids, weight), got {type(lookup).__name__!r}"
    results = []
    for case in LOOKUP_CASES:
        ids, weight = case.args
        want = _one_hot_lookup(ids, weight)
        try:
            got, watch = run(_watched(lookup), ids.clone(), weight.clone())
        except StudentError as exc:
            problem = str(exc)
            if "dtype" in problem or "Double" in problem or "Float" in problem:
                problem += f" (the table here is {weight.dtype}: the one-hot matrix must have the table's dtype)"
            results.append((case.describe(), problem))
            continue
        if got is ...:
            raise NotAttempted
        if watch.lookups:
            kind, op = watch.lookups[0]
            op = "`item` or `float`" if op == "_local_scalar_dense" else op
            problem = _LOOKUP_WHY[kind].format(op=op)
        elif len(ids) and not watch.products:
            problem = _NO_PRODUCT
        else:
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
        "the [N, V] matrix has a single 1 in each row, in the column its id names, and zeros elsewhere. torch can "
        "build it from the ids for you (look in torch.nn.functional); a matrix product then needs both sides in the "
        "same dtype.",
        "torch.nn.functional.one_hot builds the [N, V] matrix (tell it V, the number of rows of the table). It gives "
        "integers, and a matrix product needs both sides in the same dtype: the table's, whatever it is.",
    ],
)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 2: features with a conjunction
# ---------------------------------------------------------------------------------------------------------------


def _features_with_conjunction(tokens: list[str], tags: list[str], i: int) -> list[str]:
    # Written out, not through course_utils.data.features: the answer may not use it, and the reference must not either
    # (it would trip the guard when a test passes the reference as an answer).
    pw, pt = (tokens[i - 1], tags[i - 1]) if i > 0 else (BOS, BOS)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}&pt={pt}"]


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
_SLOTS = (
    "the word (w=...)",
    "the previous word (pw=...)",
    "the previous tag (pt=...)",
    "the conjunction of the word and the previous tag (w=...&pt=...)",
)


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


FEATURES_FORBIDDEN = ("course_utils.data.features.token_features", "course_utils.data.features.sentence_features")
FEATURES_RULE = (
    "the task is to build the feature strings yourself, so course_utils.data.features' token_features and "
    "sentence_features (which already build them) are off limits"
)

my_features = Exercise(
    "Exercise 2 (features with a conjunction)",
    check_fn=_check_features,
    forbidden=FEATURES_FORBIDDEN,
    rule=FEATURES_RULE,
    hints=[
        "four strings in a fixed order: the word, the previous word, the previous tag, and the word joined with the "
        "previous tag. The first word has no previous word or tag: the start marker stands in for both.",
        "find where the previous word and the previous tag sit in the two lists, and ask what that position means "
        "for the very first word of a sentence (Python does not complain about it, which makes it a quiet bug). "
        "Check the separator of the conjunction in the task's example.",
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
