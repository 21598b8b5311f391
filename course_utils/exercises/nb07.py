"""Exercises of notebook 07 (embeddings)."""

from __future__ import annotations

from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

from course_utils.checks import Case, Exercise, NotAttempted, StudentError, compare
from course_utils.checks.compare import ordinal
from course_utils.checks.guards import is_empty_function
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

# ---------------------------------------------------------------------------------------------------------------
# Exercises 3 and 4: the tutorial's N-gram language model and CBOW, written by the student
# ---------------------------------------------------------------------------------------------------------------
# The student's class is built, then every nn.Embedding / nn.Linear in it gets fixed, seeded numbers (keyed by the
# layer's kind and shape), and so does the reference: two right answers then give the same log-probabilities,
# whatever the attributes are called and in whatever order the layers were made. A wrong answer's output is
# compared with the outputs of typical mistakes (sum for concat, no log_softmax, softmax, ...) to say which it is.

HIDDEN = 128  # the tutorial's hidden layer
_MODEL_SIZES = {"vocab_size": 13, "embedding_dim": 6, "context_size": 2}  # all distinct from HIDDEN and each other


def _seeded(kind: str, shape: tuple[int, ...]) -> torch.Tensor:
    seed = {"embedding": 1, "weight": 2, "bias": 3, "param": 4}[kind] * 100_000 + sum(
        (31**k) * n for k, n in enumerate(shape))
    return 0.5 * torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def _fill(model: torch.nn.Module) -> list[tuple[str, tuple[int, ...]]]:
    """Give the model's parameters fixed, seeded values; returns their (kind, shape), sorted."""
    keys = []
    done: set[int] = set()
    with torch.no_grad():
        for module in model.modules():
            for name, p in module.named_parameters(recurse=False):
                if id(p) in done:
                    continue
                done.add(id(p))
                if isinstance(module, torch.nn.Embedding | torch.nn.EmbeddingBag):
                    kind = "embedding"
                elif isinstance(module, torch.nn.Linear):
                    kind = name  # weight or bias
                else:
                    kind = "param"
                p.copy_(_seeded(kind, tuple(p.shape)))
                keys.append((kind, tuple(p.shape)))
    return sorted(keys)


def _ngram_parts(V: int, d: int, C: int) -> dict[str, torch.Tensor]:
    return {"E": _seeded("embedding", (V, d)), "W1": _seeded("weight", (HIDDEN, C * d)),
            "b1": _seeded("bias", (HIDDEN,)), "W2": _seeded("weight", (V, HIDDEN)), "b2": _seeded("bias", (V,))}


def _cbow_parts(V: int, d: int) -> dict[str, torch.Tensor]:
    return {"E": _seeded("embedding", (V, d)), "A": _seeded("weight", (V, d)), "b": _seeded("bias", (V,))}


def _ngram_outputs(inputs: torch.Tensor, V: int, d: int, C: int) -> dict[str, torch.Tensor]:
    """The reference log-probabilities [1, V] ("right") and the outputs of typical mistakes."""
    p = _ngram_parts(V, d, C)
    embeds = p["E"][inputs].reshape(1, -1)  # [1, C*d]: the context vectors concatenated
    hidden = torch.relu(embeds @ p["W1"].T + p["b1"])
    scores = hidden @ p["W2"].T + p["b2"]
    no_relu = (embeds @ p["W1"].T + p["b1"]) @ p["W2"].T + p["b2"]
    return {"right": torch.log_softmax(scores, dim=1), "scores": scores, "softmax": torch.softmax(scores, dim=1),
            "dim0": torch.log_softmax(scores, dim=0), "no_relu": torch.log_softmax(no_relu, dim=1),
            "sigmoid": torch.log_softmax(torch.sigmoid(embeds @ p["W1"].T + p["b1"]) @ p["W2"].T + p["b2"], dim=1),
            "tanh": torch.log_softmax(torch.tanh(embeds @ p["W1"].T + p["b1"]) @ p["W2"].T + p["b2"], dim=1),
            "flat": torch.log_softmax(scores, dim=1).reshape(-1)}


def _cbow_outputs(inputs: torch.Tensor, V: int, d: int) -> dict[str, torch.Tensor]:
    p = _cbow_parts(V, d)
    vectors = p["E"][inputs]  # [2C, d]
    summed = vectors.sum(dim=0, keepdim=True)
    scores = summed @ p["A"].T + p["b"]
    mean_scores = vectors.mean(dim=0, keepdim=True) @ p["A"].T + p["b"]
    return {"right": torch.log_softmax(scores, dim=1), "scores": scores, "softmax": torch.softmax(scores, dim=1),
            "dim0": torch.log_softmax(scores, dim=0), "mean": torch.log_softmax(mean_scores, dim=1),
            "relu": torch.log_softmax(torch.relu(scores), dim=1), "flat": torch.log_softmax(scores, dim=1).reshape(-1)}


_OUTPUT_WHY = {
    "scores": "it returns the raw scores of the last linear layer: the task asks for log-probabilities, so the "
    "scores still need a log_softmax over the words (NLLLoss expects log-probabilities)",
    "softmax": "it returns probabilities (softmax), but NLLLoss expects log-probabilities: use log_softmax, not "
    "softmax (a log of a softmax is fine too, but less exact)",
    "dim0": "the log_softmax runs over the wrong dimension: the output is [1, vocab_size], so the words are along "
    "dim=1 (over dim=0, a batch of one, every entry becomes 0)",
    "no_relu": "the hidden layer has no non-linearity: the tutorial's model applies a ReLU after the first linear "
    "layer",
    "sigmoid": "the hidden layer's non-linearity is not the tutorial's ReLU",
    "tanh": "the hidden layer's non-linearity is not the tutorial's ReLU",
    "mean": "it averages the context vectors, but the tutorial's CBOW formula sums them: "
    "-log Softmax(A(sum of q_w) + b)",
    "relu": "there is a ReLU on the scores: CBOW's scores go straight from the affine map A(...) + b into "
    "log_softmax, with no hidden non-linearity",
    "flat": "the output has shape [vocab_size]: keep the batch dimension, [1, vocab_size], as the tutorial does "
    "(NLLLoss takes it with a target tensor([word_id]))",
}

NGRAM_CASES = [
    Case((torch.tensor([3, 7]),), label="the context ids [3, 7]"),
    Case((torch.tensor([0, 12]),), label="the context ids [0, 12] (the first and the last word)"),
    Case((torch.tensor([5, 5]),), label="the context ids [5, 5] (the same word twice)"),
    Case((torch.tensor([9, 2]),), label="the context ids [9, 2] (the order matters)"),
]
CBOW_CASES = [
    Case((torch.tensor([3, 7, 1, 10]),), label="the context ids [3, 7, 1, 10]"),
    Case((torch.tensor([0, 12, 12, 4]),), label="the context ids [0, 12, 12, 4] (a repeated word)"),
    Case((torch.tensor([6, 2, 11, 8]),), label="the context ids [6, 2, 11, 8]"),
]
# A second build with other sizes: a class that hard-codes context_size (or a forward that hard-codes the number of
# context words) passes the first build and fails here.
_OTHER_SIZES = {"vocab_size": 11, "embedding_dim": 5, "context_size": 3}
NGRAM_CASES_OTHER = [
    Case((torch.tensor([4, 10, 1]),), label="the context ids [4, 10, 1] (a model built with context_size=3)"),
    Case((torch.tensor([0, 7, 7]),), label="the context ids [0, 7, 7] (a model built with context_size=3)"),
]
CBOW_CASES_OTHER = [
    Case((torch.tensor([4, 10]),), label="the context ids [4, 10] (two context words)"),
    Case((torch.tensor([9, 0, 3, 3, 6, 1]),), label="the context ids [9, 0, 3, 3, 6, 1] (six context words)"),
]


def _shape_problem(keys: list[tuple[str, tuple[int, ...]]], want: list[tuple[str, tuple[int, ...]]],
                   V: int, d: int, C: int, model: str) -> str | None:
    if keys == sorted(want):
        return None
    shapes = {shape for _, shape in keys}
    embedding = [shape for kind, shape in keys if kind == "embedding"]
    weights = [shape for kind, shape in keys if kind == "weight"]
    if not keys:
        return "the model has no parameters: build the layers in __init__ (and call super().__init__() first)"
    bare = sorted(shape for kind, shape in keys if kind == "param")
    if bare:
        return (f"the model has bare nn.Parameter tensors of shapes {bare}: build it from nn.Embedding and "
                "nn.Linear layers, as the task says. The checker gives those layers fixed numbers and compares "
                "your model with the tutorial's under the same numbers; it cannot tell what a bare parameter is for "
                "(the math may well be right)")
    if (V, d) not in embedding:
        return (f"the model needs an nn.Embedding with one row of embedding_dim numbers per word "
                f"(vocab_size x embedding_dim = {V} x {d}); its parameters have shapes {sorted(shapes)}")
    if model == "ngram":
        if (HIDDEN, d) in weights:
            return ("the first linear layer takes embedding_dim inputs, as if the context vectors were summed or "
                    "averaged: the N-gram model concatenates them (view them as one row of context_size * "
                    "embedding_dim numbers), so the order of the context words matters")
        if not any(w[1] == C * d for w in weights):
            return "the first linear layer must take the concatenated context: context_size * embedding_dim inputs"
        if not any(w == (HIDDEN, C * d) for w in weights):
            return f"the hidden layer must have the tutorial's {HIDDEN} units"
    else:
        if any(w[1] == 2 * C * d for w in weights):
            return ("the linear layer takes 2 * context_size * embedding_dim inputs, as if the context vectors were "
                    "concatenated: CBOW sums them into one embedding_dim vector (a bag: the order is lost)")
        if any(w[0] == HIDDEN for w in weights) or len(weights) > 1:
            return "CBOW has no hidden layer: a single affine map A(...) + b from the summed vector to the scores"
    if not any(w[0] == V for w in weights):
        return (f"the output layer must give one score per word of the vocabulary ({V} outputs), got weights of "
                f"shapes {weights}")
    extra = sorted(set(keys) - set(want))
    return f"the model has parameters the tutorial's does not: {extra}" if extra else (
        "a layer is missing (does every nn.Linear have its bias?)")


def _check_model(answer, run, *, model: str):
    if isinstance(answer, type) and is_empty_function(getattr(answer, "forward", None)):
        raise NotAttempted
    results = _check_build(answer, run, model, _MODEL_SIZES, NGRAM_CASES if model == "ngram" else CBOW_CASES)
    if isinstance(results, str):
        return results
    other = _check_build(answer, run, model, _OTHER_SIZES, NGRAM_CASES_OTHER if model == "ngram" else CBOW_CASES_OTHER)
    if isinstance(other, str):  # right for one size, wrong for another: a size is written into the class
        return (f"built with vocab_size={_OTHER_SIZES['vocab_size']}, embedding_dim={_OTHER_SIZES['embedding_dim']}"
                + (f", context_size={_OTHER_SIZES['context_size']}" if model == "ngram" else "")
                + f": {other} (use the constructor's arguments, never fixed sizes)")
    return results + other


def _check_build(answer, run, model: str, sizes: dict[str, int], cases: list[Case]):
    """Build the answer with `sizes`, fill its parameters, compare its outputs on `cases` (a message: wrong shape)."""
    V, d, C = sizes["vocab_size"], sizes["embedding_dim"], sizes["context_size"]
    if model == "ngram":
        instance = run(answer, V, d, C, who="your class")
        want_keys = [("embedding", (V, d)), ("weight", (HIDDEN, C * d)), ("bias", (HIDDEN,)),
                     ("weight", (V, HIDDEN)), ("bias", (V,))]
    else:
        instance = run(answer, V, d, who="your class")
        want_keys = [("embedding", (V, d)), ("weight", (V, d)), ("bias", (V,))]
    if not isinstance(instance, torch.nn.Module):
        return f"expected a class that builds an nn.Module (class ...(nn.Module)), got {type(instance).__name__!r}"
    problem = _shape_problem(_fill(instance), want_keys, V, d, C, model)
    if problem:
        return problem
    results = []
    for case in cases:
        (inputs,) = case.args
        outputs = _ngram_outputs(inputs, V, d, C) if model == "ngram" else _cbow_outputs(inputs, V, d)
        try:
            got = run(instance, inputs.clone(), who="your model")
        except StudentError as exc:
            results.append((case.describe(), str(exc)))
            continue
        problem = compare(got, outputs["right"])
        if problem and isinstance(got, torch.Tensor):
            for name, value in outputs.items():
                if name != "right" and got.shape == value.shape and torch.allclose(
                        got.detach().double(), value.double(), atol=1e-5, rtol=1e-4):
                    problem = _OUTPUT_WHY[name]
                    break
            else:
                if got.shape == outputs["right"].shape and model == "ngram":
                    problem += (" (same layers as the tutorial's, different numbers: are the context vectors "
                                "concatenated in the order of `inputs`, and the layers applied in order?)")
        results.append((case.describe(), problem))
    return results


def _check_ngram(answer, run):
    return _check_model(answer, run, model="ngram")


def _check_cbow(answer, run):
    return _check_model(answer, run, model="cbow")


ngram_model = Exercise(
    "Exercise 3 (the tutorial's N-gram language model)",
    check_fn=_check_ngram,
    hints=[
        "three layers: a table of word vectors, a hidden layer that sees the whole context at once, and an output "
        "layer with one score per word of the vocabulary; forward returns log-probabilities, because the loss is "
        "NLLLoss.",
        "the hidden layer sees the context vectors side by side, one row of context_size * embedding_dim numbers "
        "(not their sum), then a ReLU; the log-probabilities are taken over the words, the last dimension of a "
        "[1, vocab_size] output.",
        "look up the context ids (a [context_size, embedding_dim] tensor), reshape it to one row with .view((1, -1)), "
        "apply the first linear layer and F.relu, then the second linear layer, then F.log_softmax over dim=1.",
    ],
)

cbow_model = Exercise(
    "Exercise 4 (the tutorial's CBOW)",
    check_fn=_check_cbow,
    hints=[
        "CBOW has only a table of word vectors and one affine map A(...) + b to a score per word; forward returns "
        "log-probabilities, because the loss is NLLLoss.",
        "the formula adds up the context words' vectors into one vector of embedding_dim numbers (so the order of "
        "the context is lost), with no non-linearity before the log-probabilities over the words.",
        "look up the 2 * context_size context ids, add the rows up with .sum(dim=0, keepdim=True) to get [1, "
        "embedding_dim], apply the linear layer, then F.log_softmax over dim=1.",
    ],
)

SOLUTION_KEYS = {
    "one_hot_lookup": ["F.one_hot(ids, num_classes=weight.shape[0])", "one_hot @ weight", ".to(weight.dtype)"],
    "my_features": ['f"w={word}&pt={previous_tag}"', 'tokens[i - 1] if i > 0 else "<s>"'],
    "ngram_model": ["self.embeddings(inputs).view((1, -1))", "nn.Linear(context_size * embedding_dim, 128)",
                    "F.log_softmax(self.linear2(out), dim=1)"],
    "cbow_model": ["self.embeddings(inputs).sum(dim=0, keepdim=True)", "nn.Linear(embedding_dim, vocab_size)",
                   "F.log_softmax(self.linear(summed), dim=1)"],
}

__all__ = ["CBOW_CASES", "FEATURE_CASES", "LOOKUP_CASES", "NGRAM_CASES", "cbow_model", "my_features", "ngram_model",
           "one_hot_lookup"]
