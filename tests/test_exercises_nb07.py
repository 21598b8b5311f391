"""Notebook 07's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted". test_exercises_all.py runs the tables WRONG, ALTERNATIVES and
STUBS below, with the rules every exercise keeps (graded hints, the exercise cells after a restart).

one_hot_lookup forbids the lookup helpers by name and watches torch's aten operations: any lookup of the TABLE
(indexing, slicing, splitting, reading it out into Python, under any spelling) is rejected, a matrix product with
the table is required, and indexing the integer ids (or a one-hot matrix built from them) stays allowed.
my_features forbids course_utils.data.features' token_features / sentence_features; it takes lists of strings, so its
in-place answer changes a list.

ngram_model and cbow_model take a class: the checker builds it, gives every nn.Embedding / nn.Linear fixed seeded
numbers (by kind and shape, so names and the order the layers are made in do not matter) and compares the
log-probabilities with the tutorial's model under the same numbers; a wrong answer's output is matched against the
typical mistakes (sum for concat and back, mean for sum, no log_softmax, softmax, dim=0, no ReLU, a flat output).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import course_utils.data.features
from course_utils.data.features import sentence_features, token_features
from course_utils.exercises import nb07
from tools.notebooks import defined_in_cell

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "07_embeddings.ipynb"


def notebook_function(cell_id: str, name: str):
    """The function `name` as the notebook's cell `cell_id` defines it."""
    return defined_in_cell(NOTEBOOK, cell_id, name, {"torch": torch, "F": F, "nn": nn, "nb07": nb07})


LOOKUP, FEATURES = nb07.one_hot_lookup, nb07.my_features
FORBIDDEN = "is not allowed in this exercise: the task is a lookup WITHOUT indexing"
FEATURES_FORBIDDEN = "is not allowed in this exercise: the task is to build the feature strings yourself"
BY_INDEX = "picks rows out of the table by their index"
SLICING = "cuts rows out of the table, or out of something computed from it, by slicing"
SPLITTING = "splits the table into rows"
READ_OUT = "reads the table's numbers out into Python"
NO_PRODUCT = "no matrix product with the table ran"


# --- one_hot_lookup -----------------------------------------------------------------------------------
def as_float32(ids, weight):
    return F.one_hot(ids, num_classes=weight.shape[0]).float() @ weight


def float32_result(ids, weight):
    return F.one_hot(ids, num_classes=weight.shape[0]).float() @ weight.float()


def scales_the_table_in_place(ids, weight):
    weight.mul_(2)
    return F.one_hot(ids, num_classes=weight.shape[0]).to(weight.dtype) @ weight / 2


def one_hot_without_num_classes(ids, weight):
    return F.one_hot(ids).to(weight.dtype) @ weight


def integer_one_hot(ids, weight):
    return F.one_hot(ids, num_classes=weight.shape[0]) @ weight


def empty_rows(weight):
    return torch.zeros(0, weight.shape[1], dtype=weight.dtype)


def via_tolist(ids, weight):
    rows = weight.tolist()
    return torch.tensor([rows[i] for i in ids.tolist()], dtype=weight.dtype).reshape(-1, weight.shape[1])


def via_split(ids, weight):
    rows = weight.split(1)
    return torch.cat([rows[i] for i in ids.tolist()] or [empty_rows(weight)])


def via_chunk(ids, weight):
    rows = torch.chunk(weight, len(weight))
    return torch.cat([rows[i] for i in ids.tolist()] or [empty_rows(weight)])


def via_masked_select(ids, weight):
    rows = [torch.masked_select(weight, (torch.arange(len(weight)) == i).unsqueeze(1)) for i in ids]
    return torch.stack(rows) if rows else empty_rows(weight)


def via_list(ids, weight):
    rows = list(weight)
    return torch.stack([rows[k] for k in ids.tolist()]) if len(ids) else empty_rows(weight)


def via_numpy(ids, weight):
    return torch.from_numpy(np.asarray(weight)[ids.numpy()])


def via_items(ids, weight):
    return torch.tensor([[weight[i, j].item() for j in range(weight.shape[1])] for i in ids.tolist()],
                        dtype=weight.dtype).reshape(-1, weight.shape[1])


def elementwise_product(ids, weight):
    one_hot = F.one_hot(ids, weight.shape[0]).to(weight.dtype)
    return (one_hot.unsqueeze(2) * weight.unsqueeze(0)).sum(dim=1)


def batched_product_then_indexed(ids, weight):
    one_hot = F.one_hot(ids, weight.shape[0]).to(weight.dtype)
    return (one_hot.unsqueeze(0) @ weight.unsqueeze(0))[0]


def summed_rows(ids, weight):
    return (F.one_hot(ids, num_classes=weight.shape[0]).to(weight.dtype) @ weight).sum(dim=0)


LOOKUP_WRONG = [
    pytest.param(as_float32, ("5 of 6 passed", "float64 table", "same dtype", "the table's dtype"),
                 id="lookup-float-on-a-float64-table"),
    pytest.param(float32_result, ("5 of 6 passed", "dtype torch.float32, but dtype torch.float64 was expected"),
                 id="lookup-float32-result"),
    pytest.param(one_hot_without_num_classes, ("raised RuntimeError",), id="lookup-one_hot-without-num_classes"),
    pytest.param(integer_one_hot, ("raised RuntimeError", "the table's dtype"), id="lookup-integer-one-hot"),
    pytest.param(summed_rows, ("shape (5,), but shape (1, 5)",), id="lookup-summed"),
    pytest.param(lambda ids, weight: weight.T @ F.one_hot(ids, weight.shape[0]).to(weight.dtype).T,
                 ("shape (5, 1), but shape (1, 5)",), id="lookup-transposed"),
    pytest.param(scales_the_table_in_place, ("changed its input `weight` in place",), id="lookup-in-place"),
    # the indexing helpers the task forbids (issue 10)
    pytest.param(lambda ids, weight: weight[ids], (BY_INDEX, "`aten.index`"), id="lookup-indexing"),
    pytest.param(lambda ids, weight: weight.data[ids], (BY_INDEX,), id="lookup-indexing-.data"),
    pytest.param(lambda ids, weight: weight.T[:, ids].T, (BY_INDEX,), id="lookup-indexing-the-transpose"),
    pytest.param(lambda ids, weight: F.embedding(ids, weight), ("`torch.nn.functional.embedding` " + FORBIDDEN,),
                 id="lookup-F.embedding"),
    pytest.param(lambda ids, weight: nn.Embedding.from_pretrained(weight)(ids),
                 ("`torch.nn.functional.embedding` " + FORBIDDEN,), id="lookup-nn.Embedding"),
    pytest.param(lambda ids, weight: torch.index_select(weight, 0, ids), ("`torch.index_select` " + FORBIDDEN,),
                 id="lookup-torch.index_select"),
    pytest.param(lambda ids, weight: weight.index_select(0, ids), ("`torch.Tensor.index_select` " + FORBIDDEN,),
                 id="lookup-Tensor.index_select"),
    pytest.param(lambda ids, weight: torch.gather(weight, 0, ids.unsqueeze(1).expand(-1, weight.shape[1])),
                 ("`torch.gather` " + FORBIDDEN,), id="lookup-gather"),
    pytest.param(lambda ids, weight: torch.take(weight, ids.unsqueeze(1) * weight.shape[1] + torch.arange(weight.shape[1])),
                 ("`torch.take` " + FORBIDDEN,), id="lookup-take"),
    pytest.param(lambda ids, weight: torch.stack([weight.select(0, i) for i in ids.tolist()] or [empty_rows(weight)]),
                 (SLICING, "`aten.select`"), id="lookup-select"),
    pytest.param(lambda ids, weight: torch.cat([weight.narrow(0, i, 1) for i in ids.tolist()] or [empty_rows(weight)]),
                 (SLICING, "`aten.slice`"), id="lookup-narrow"),
    # the six that passed the name-based guard (review of issue 10): every alias ends up as an aten operation
    pytest.param(via_tolist, ("0 of 6 passed", READ_OUT, "`tolist`"), id="lookup-tolist"),
    pytest.param(via_split, (SPLITTING, "`aten.split`"), id="lookup-split"),
    pytest.param(via_chunk, (SPLITTING, "`aten.split`"), id="lookup-torch.chunk"),
    pytest.param(via_masked_select, ("`torch.masked_select` " + FORBIDDEN,), id="lookup-masked_select"),
    pytest.param(lambda ids, weight: torch.ops.aten.index_select(weight, 0, ids), (BY_INDEX, "`aten.index_select`"),
                 id="lookup-aten.index_select"),
    pytest.param(lambda ids, weight: torch.ops.aten.embedding(weight, ids), ("embedding lookup", "`aten.embedding`"),
                 id="lookup-aten.embedding"),
    pytest.param(via_list, (SPLITTING, "`aten.unbind`"), id="lookup-list-of-the-table"),
    pytest.param(via_numpy, (READ_OUT, "__array__"), id="lookup-numpy"),
    pytest.param(via_items, (SLICING,), id="lookup-item-by-item"),
    pytest.param(elementwise_product, ("1 of 6 passed", NO_PRODUCT, "elementwise"), id="lookup-elementwise-product"),
    pytest.param(batched_product_then_indexed, (SLICING, "`aten.select`"), id="lookup-product-then-indexed"),
]


# --- my_features --------------------------------------------------------------------------------------
def previous(tokens, tags, i):
    return (tokens[i - 1], tags[i - 1]) if i > 0 else ("<s>", "<s>")


def wrong_order(tokens, tags, i):
    pw, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pt={pt}", f"pw={pw}", f"w={tokens[i]}&pt={pt}"]


def no_start_marker(tokens, tags, i):
    return [f"w={tokens[i]}", f"pw={tokens[i - 1]}", f"pt={tags[i - 1]}", f"w={tokens[i]}&pt={tags[i - 1]}"]


def current_tag(tokens, tags, i):
    pw, _ = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={tags[i]}", f"w={tokens[i]}&pt={tags[i]}"]


def current_tag_in_conjunction(tokens, tags, i):
    pw, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}&pt={tags[i]}"]


def current_word(tokens, tags, i):
    _, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={tokens[i]}", f"pt={pt}", f"w={tokens[i]}&pt={pt}"]


def no_conjunction(tokens, tags, i):
    pw, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}"]


def underscore_conjunction(tokens, tags, i):
    pw, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}_pt={pt}"]


def other_marker(tokens, tags, i):
    pw, pt = (tokens[i - 1], tags[i - 1]) if i > 0 else ("<S>", "<S>")
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}&pt={pt}"]


def found_by_index(tokens, tags, i):
    j = tokens.index(tokens[i])  # the FIRST occurrence of the word: wrong for a repeated word
    pw, pt = previous(tokens, tags, j)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}&pt={pt}"]


def pads_the_sentence(tokens, tags, i):
    tokens.insert(0, "<s>")  # changes the caller's list
    tags.insert(0, "<s>")
    return [f"w={tokens[i + 1]}", f"pw={tokens[i]}", f"pt={tags[i]}", f"w={tokens[i + 1]}&pt={tags[i]}"]


FEATURES_WRONG = [
    pytest.param(wrong_order, ("0 of 6 passed", "in the wrong order"), id="features-wrong-order"),
    pytest.param(no_start_marker, ("start marker '<s>'", "LAST word"), id="features-no-start-marker"),
    pytest.param(other_marker, ("start marker '<s>'",), id="features-other-marker"),
    pytest.param(current_tag, ("third feature", "tag of the word itself"), id="features-current-tag"),
    pytest.param(current_tag_in_conjunction, ("fourth feature", "tag of the word itself"),
                 id="features-current-tag-in-conjunction"),
    pytest.param(current_word, ("second feature", "uses the word itself"), id="features-current-word"),
    pytest.param(no_conjunction, ("returned 3 features, but four were expected",), id="features-no-conjunction"),
    pytest.param(underscore_conjunction, ("joined with '&'",), id="features-underscore"),
    pytest.param(found_by_index, ("5 of 6 passed", "the second 'the'"), id="features-index-of-first-occurrence"),
    pytest.param(lambda tokens, tags, i: " ".join(["w=" + tokens[i]]), ("a list of four strings",), id="features-str"),
    pytest.param(pads_the_sentence, ("changed its input `tokens` in place",), id="features-in-place"),
    # the library's own feature functions (review of issue 10)
    pytest.param(lambda tokens, tags, i: token_features(tokens, tags, i)[:4],
                 ("`course_utils.data.features.token_features` " + FEATURES_FORBIDDEN,),
                 id="features-token_features-sliced"),
    pytest.param(lambda tokens, tags, i: course_utils.data.features.token_features(tokens, tags, i, conjunctions=False)
                 + [f"w={tokens[i]}&pt=?"], ("`course_utils.data.features.token_features` " + FEATURES_FORBIDDEN,),
                 id="features-token_features-via-module"),
    pytest.param(lambda tokens, tags, i: sentence_features(tokens, tags)[i][:4],
                 ("`course_utils.data.features.sentence_features` " + FEATURES_FORBIDDEN,), id="features-sentence_features"),
]

# --- ngram_model and cbow_model --------------------------------------------------------------------------
class NGram(nn.Module):
    """The tutorial's N-gram language model (a correct answer; the wrong ones below change one thing)."""

    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.linear1 = nn.Linear(context_size * embedding_dim, 128)
        self.linear2 = nn.Linear(128, vocab_size)

    def scores(self, inputs):
        return self.linear2(F.relu(self.linear1(self.embeddings(inputs).view((1, -1)))))

    def forward(self, inputs):
        return F.log_softmax(self.scores(inputs), dim=1)


class NGramSum(NGram):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__(vocab_size, embedding_dim, context_size)
        self.linear1 = nn.Linear(embedding_dim, 128)

    def forward(self, inputs):
        summed = self.embeddings(inputs).sum(dim=0, keepdim=True)
        return F.log_softmax(self.linear2(F.relu(self.linear1(summed))), dim=1)


class NGramNoLogSoftmax(NGram):
    def forward(self, inputs):
        return self.scores(inputs)


class NGramSoftmax(NGram):
    def forward(self, inputs):
        return F.softmax(self.scores(inputs), dim=1)


class NGramDim0(NGram):
    def forward(self, inputs):
        return F.log_softmax(self.scores(inputs), dim=0)


class NGramWrongOutputSize(NGram):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__(vocab_size, embedding_dim, context_size)
        self.linear2 = nn.Linear(128, embedding_dim)


class NGramNoRelu(NGram):
    def forward(self, inputs):
        return F.log_softmax(self.linear2(self.linear1(self.embeddings(inputs).view((1, -1)))), dim=1)


class NGramFlat(NGram):
    def forward(self, inputs):
        return F.log_softmax(self.scores(inputs), dim=1).squeeze(0)


class NGramReversedContext(NGram):
    def forward(self, inputs):
        return F.log_softmax(self.scores(inputs.flip(0)), dim=1)


class NGramHidden64(NGram):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__(vocab_size, embedding_dim, context_size)
        self.linear1 = nn.Linear(context_size * embedding_dim, 64)
        self.linear2 = nn.Linear(64, vocab_size)


class NGramEmbeddingTransposed(NGram):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__(vocab_size, embedding_dim, context_size)
        self.embeddings = nn.Embedding(embedding_dim, vocab_size)


class NGramChangesInputs(NGram):
    def forward(self, inputs):
        inputs.clamp_(max=3)
        return super().forward(inputs)


class NGramNoSuper(nn.Module):  # parameters never registered: forgot super().__init__() ... or built them in forward
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__()
        self.sizes = (vocab_size, embedding_dim, context_size)

    def forward(self, inputs):
        return torch.zeros(1, self.sizes[0])


class NGramFixedContext(NGram):  # ignores context_size: right only for a context of 2 words
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__(vocab_size, embedding_dim, 2)


class CBOW(nn.Module):
    """The tutorial's CBOW formula, -log Softmax(A(sum of q_w) + b) (a correct answer)."""

    def __init__(self, vocab_size, embedding_dim):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.linear = nn.Linear(embedding_dim, vocab_size)

    def scores(self, inputs):
        return self.linear(self.embeddings(inputs).sum(dim=0, keepdim=True))

    def forward(self, inputs):
        return F.log_softmax(self.scores(inputs), dim=1)


class CBOWFourWords(CBOW):  # adds up exactly four context vectors
    def forward(self, inputs):
        e = self.embeddings
        total = e(inputs[0:1]) + e(inputs[1:2]) + e(inputs[2:3]) + e(inputs[3:4])
        return F.log_softmax(self.linear(total), dim=1)


class CBOWMean(CBOW):
    def forward(self, inputs):
        return F.log_softmax(self.linear(self.embeddings(inputs).mean(dim=0, keepdim=True)), dim=1)


class CBOWConcat(CBOW):
    def __init__(self, vocab_size, embedding_dim):
        super().__init__(vocab_size, embedding_dim)
        self.linear = nn.Linear(4 * embedding_dim, vocab_size)

    def forward(self, inputs):
        return F.log_softmax(self.linear(self.embeddings(inputs).view((1, -1))), dim=1)


class CBOWNoLogSoftmax(CBOW):
    def forward(self, inputs):
        return self.scores(inputs)


class CBOWSoftmax(CBOW):
    def forward(self, inputs):
        return F.softmax(self.scores(inputs), dim=1)


class CBOWHidden(CBOW):
    def __init__(self, vocab_size, embedding_dim):
        super().__init__(vocab_size, embedding_dim)
        self.hidden = nn.Linear(embedding_dim, 128)
        self.linear = nn.Linear(128, vocab_size)

    def forward(self, inputs):
        return F.log_softmax(self.linear(F.relu(self.hidden(self.embeddings(inputs).sum(0, keepdim=True)))), dim=1)


class CBOWRelu(CBOW):
    def forward(self, inputs):
        return F.log_softmax(F.relu(self.scores(inputs)), dim=1)


class CBOWWrongOutputSize(CBOW):
    def __init__(self, vocab_size, embedding_dim):
        super().__init__(vocab_size, embedding_dim)
        self.linear = nn.Linear(embedding_dim, 2 * vocab_size)


class CBOWFlat(CBOW):
    def forward(self, inputs):
        return F.log_softmax(self.scores(inputs)[0], dim=0)


class CBOWFirstWordOnly(CBOW):
    def forward(self, inputs):
        return F.log_softmax(self.linear(self.embeddings(inputs[:1])), dim=1)


class CBOWBareParameters(nn.Module):  # the formula's A and b as bare parameters: right math, not checkable
    def __init__(self, vocab_size, embedding_dim):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.A = nn.Parameter(torch.randn(vocab_size, embedding_dim))
        self.b = nn.Parameter(torch.zeros(vocab_size))

    def forward(self, inputs):
        return F.log_softmax(self.embeddings(inputs).sum(dim=0, keepdim=True) @ self.A.T + self.b, dim=1)


class NGramBareParameters(NGram):  # the hidden layer's weights as bare parameters
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__(vocab_size, embedding_dim, context_size)
        self.W1 = nn.Parameter(torch.randn(128, context_size * embedding_dim))
        self.b1 = nn.Parameter(torch.zeros(128))
        del self.linear1

    def scores(self, inputs):
        return self.linear2(F.relu(self.embeddings(inputs).view((1, -1)) @ self.W1.T + self.b1))


NGRAM, CBOW_EX = nb07.ngram_model, nb07.cbow_model
SUMMED = "as if the context vectors were summed or averaged: the N-gram model concatenates them"
NO_LOG_SOFTMAX = "raw scores of the last linear layer"
SOFTMAX = "use log_softmax, not softmax"
MODEL_WRONG = [
    pytest.param(NGRAM, NGramSum, (SUMMED,), id="ngram-sum-of-context"),
    pytest.param(NGRAM, NGramNoLogSoftmax, ("0 of 6 passed", NO_LOG_SOFTMAX), id="ngram-no-log_softmax"),
    pytest.param(NGRAM, NGramSoftmax, (SOFTMAX,), id="ngram-softmax"),
    pytest.param(NGRAM, NGramDim0, ("wrong dimension", "dim=1"), id="ngram-log_softmax-dim0"),
    pytest.param(NGRAM, NGramWrongOutputSize, ("one score per word of the vocabulary (13 outputs)",),
                 id="ngram-wrong-output-size"),
    pytest.param(NGRAM, NGramNoRelu, ("applies a ReLU",), id="ngram-no-relu"),
    pytest.param(NGRAM, NGramFlat, ("keep the batch dimension",), id="ngram-flat-output"),
    pytest.param(NGRAM, NGramReversedContext, ("1 of 6 passed", "in the order of `inputs`"), id="ngram-reversed"),
    pytest.param(NGRAM, NGramHidden64, ("the tutorial's 128 units",), id="ngram-hidden-64"),
    pytest.param(NGRAM, NGramFixedContext, ("context_size=3", "never fixed sizes"), id="ngram-fixed-context"),
    pytest.param(NGRAM, NGramEmbeddingTransposed, ("vocab_size x embedding_dim = 13 x 6",),
                 id="ngram-embedding-transposed"),
    pytest.param(NGRAM, NGramChangesInputs, ("changed its input",), id="ngram-changes-inputs"),
    pytest.param(NGRAM, NGramNoSuper, ("has no parameters",), id="ngram-no-layers"),
    pytest.param(NGRAM, NGram(13, 6, 2), ("your class raised TypeError",), id="ngram-an-instance"),
    pytest.param(CBOW_EX, CBOWMean, ("0 of 5 passed", "averages the context vectors"), id="cbow-mean"),
    pytest.param(CBOW_EX, CBOWConcat, ("as if the context vectors were concatenated",), id="cbow-concat"),
    pytest.param(CBOW_EX, CBOWNoLogSoftmax, (NO_LOG_SOFTMAX,), id="cbow-no-log_softmax"),
    pytest.param(CBOW_EX, CBOWSoftmax, (SOFTMAX,), id="cbow-softmax"),
    pytest.param(CBOW_EX, CBOWHidden, ("CBOW has no hidden layer",), id="cbow-hidden-layer"),
    pytest.param(CBOW_EX, CBOWRelu, ("ReLU on the scores",), id="cbow-relu"),
    pytest.param(CBOW_EX, CBOWFourWords, ("two context words",), id="cbow-four-words"),
    pytest.param(CBOW_EX, CBOWWrongOutputSize, ("one score per word of the vocabulary",), id="cbow-output-size"),
    pytest.param(CBOW_EX, CBOWFlat, ("keep the batch dimension",), id="cbow-flat-output"),
    pytest.param(CBOW_EX, CBOWFirstWordOnly, ("the values are off",), id="cbow-first-word-only"),
    pytest.param(CBOW_EX, NGram, ("your class raised TypeError",), id="cbow-given-the-ngram-model"),
    pytest.param(CBOW_EX, CBOWBareParameters, ("bare nn.Parameter tensors", "build it from nn.Embedding and nn.Linear layers"), id="cbow-bare-parameters"),
    pytest.param(NGRAM, NGramBareParameters, ("bare nn.Parameter tensors", "build it from nn.Embedding and nn.Linear layers"), id="ngram-bare-parameters"),
]

WRONG = [pytest.param(LOOKUP, *p.values, id=p.id) for p in LOOKUP_WRONG] + [
    pytest.param(FEATURES, *p.values, id=p.id) for p in FEATURES_WRONG
] + MODEL_WRONG


def test_the_forbidden_functions_are_back_after_the_check():
    FEATURES.check(lambda tokens, tags, i: token_features(tokens, tags, i)[:4])
    assert token_features(["the", "dog"], ["DET", "NOUN"], 1)[:3] == ["w=dog", "pw=the", "pt=DET"]
    LOOKUP.check(lambda ids, weight: F.embedding(ids, weight))
    weight = torch.arange(6.0).reshape(3, 2)
    assert torch.equal(weight[torch.tensor([2])], torch.tensor([[4.0, 5.0]]))
    assert torch.equal(F.embedding(torch.tensor([1]), weight), torch.tensor([[2.0, 3.0]]))


def test_lookup_cases_cover_repeats_the_last_id_and_float64():
    cases = [case.args for case in nb07.LOOKUP_CASES]
    assert any(len(set(ids.tolist())) < len(ids) for ids, _ in cases)
    assert any(weight.shape[0] - 1 in ids.tolist() for ids, weight in cases)
    assert any(weight.dtype == torch.float64 for _, weight in cases)


# --- correct alternatives -----------------------------------------------------------------------------
def lookup_by_comparison(ids, weight):
    one_hot = (ids.unsqueeze(1) == torch.arange(weight.shape[0])).to(weight.dtype)
    return one_hot @ weight


def lookup_einsum(ids, weight):
    return torch.einsum("nv,vd->nd", F.one_hot(ids, len(weight)).type_as(weight), weight)


def lookup_row_by_row(ids, weight):
    rows = [F.one_hot(i, weight.shape[0]).to(weight.dtype) @ weight for i in ids]  # iterating ids is fine
    return torch.stack(rows) if rows else torch.zeros(0, weight.shape[1], dtype=weight.dtype)


def lookup_one_hot_by_hand(ids, weight):
    one_hot = torch.zeros(len(ids), weight.shape[0], dtype=weight.dtype)
    for n, i in enumerate(ids.tolist()):
        one_hot[n, i] = 1.0  # writing into the one-hot matrix is not a lookup of the table
    return one_hot @ weight


def features_concatenated(tokens, tags, i):
    word = "w=" + tokens[i]
    if i == 0:
        pw, pt = "pw=<s>", "pt=<s>"
    else:
        pw, pt = "pw=" + tokens[i - 1], "pt=" + tags[i - 1]
    return [word, pw, pt, word + "&" + pt]


class NGramLayersInOtherOrder(nn.Module):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__()
        self.out = nn.Linear(128, vocab_size)  # made first, other names: the same model
        self.hidden = nn.Linear(context_size * embedding_dim, 128)
        self.table = nn.Embedding(vocab_size, embedding_dim)

    def forward(self, inputs):
        return torch.log_softmax(self.out(torch.relu(self.hidden(self.table(inputs).reshape(1, -1)))), dim=-1)


class NGramSequential(nn.Module):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super().__init__()
        self.net = nn.Sequential(nn.Embedding(vocab_size, embedding_dim), nn.Flatten(0), nn.Unflatten(0, (1, -1)),
                                 nn.Linear(context_size * embedding_dim, 128), nn.ReLU(),
                                 nn.Linear(128, vocab_size), nn.LogSoftmax(dim=1))

    def forward(self, inputs):
        return self.net(inputs)


class NGramLogOfSoftmax(NGram):
    def forward(self, inputs):
        return torch.log(F.softmax(self.scores(inputs), dim=1))


class CBOWMatrixSum(CBOW):
    def forward(self, inputs):
        ones = torch.ones(1, len(inputs))
        return F.log_softmax(self.linear(ones @ self.embeddings(inputs)), dim=1)


class CBOWEmbeddingBag(nn.Module):
    def __init__(self, vocab_size, embedding_dim):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, embedding_dim, mode="sum")
        self.linear = nn.Linear(embedding_dim, vocab_size)

    def forward(self, inputs):
        return F.log_softmax(self.linear(self.bag(inputs.unsqueeze(0))), dim=1)


ALTERNATIVES = [
    pytest.param(LOOKUP, notebook_function("52de589f", "lookup_solution"), id="lookup-notebook-solution"),
    pytest.param(LOOKUP, nb07._one_hot_lookup, id="lookup-reference"),
    pytest.param(LOOKUP, lookup_by_comparison, id="lookup-comparison-with-arange"),
    pytest.param(LOOKUP, lookup_einsum, id="lookup-einsum"),
    pytest.param(LOOKUP, lambda ids, weight: torch.matmul(F.one_hot(ids, weight.shape[0]).to(weight), weight),
                 id="lookup-matmul"),
    pytest.param(LOOKUP, lambda ids, weight: F.linear(F.one_hot(ids, len(weight)).to(weight), weight.T),
                 id="lookup-F.linear"),
    pytest.param(LOOKUP, lambda ids, weight: (ids[:, None] == torch.arange(len(weight))).to(weight) @ weight,
                 id="lookup-slicing-ids"),
    pytest.param(LOOKUP, lambda ids, weight: torch.eye(weight.shape[0], dtype=weight.dtype)[ids] @ weight,
                 id="lookup-rows-of-the-identity"),
    pytest.param(LOOKUP, lambda ids, weight: torch.tensordot(F.one_hot(ids, len(weight)).to(weight), weight, dims=1),
                 id="lookup-tensordot"),
    pytest.param(LOOKUP, lambda ids, weight: (weight.T @ F.one_hot(ids, len(weight)).to(weight).T).T,
                 id="lookup-transposed-product"),
    pytest.param(LOOKUP, lookup_row_by_row, id="lookup-row-by-row"),
    pytest.param(LOOKUP, lookup_one_hot_by_hand, id="lookup-one-hot-by-hand"),
    pytest.param(FEATURES, notebook_function("ac5c814e", "features_solution"), id="features-notebook-solution"),
    pytest.param(FEATURES, nb07._features_with_conjunction, id="features-reference"),
    pytest.param(FEATURES, features_concatenated, id="features-concatenated"),
    pytest.param(FEATURES, lambda tokens, tags, i: tuple(features_concatenated(tokens, tags, i)), id="features-tuple"),
    pytest.param(NGRAM, notebook_function("e3sol001", "NGramLanguageModelerSolution"), id="ngram-notebook-solution"),
    pytest.param(NGRAM, NGram, id="ngram-tests-own"),
    pytest.param(NGRAM, NGramLayersInOtherOrder, id="ngram-layers-made-in-another-order"),
    pytest.param(NGRAM, NGramSequential, id="ngram-sequential-and-flatten"),
    pytest.param(NGRAM, NGramLogOfSoftmax, id="ngram-log-of-softmax"),
    pytest.param(CBOW_EX, notebook_function("e4sol001", "CBOWSolution"), id="cbow-notebook-solution"),
    pytest.param(CBOW_EX, CBOW, id="cbow-tests-own"),
    pytest.param(CBOW_EX, CBOWMatrixSum, id="cbow-sum-by-a-row-of-ones"),
    pytest.param(CBOW_EX, CBOWEmbeddingBag, id="cbow-embedding-bag-sum"),
]


# --- stubs (run, with `...` for every exercise, by test_exercises_all.py) and secrecy -----------------
STUBS = [
    pytest.param(LOOKUP, notebook_function("b1d69639", "lookup"), id="lookup-notebook-stub"),
    pytest.param(FEATURES, notebook_function("fbd6967a", "features"), id="features-notebook-stub"),
    pytest.param(NGRAM, notebook_function("e3stub01", "NGramLanguageModeler"), id="ngram-notebook-stub"),
    pytest.param(CBOW_EX, notebook_function("e4stub01", "CBOW"), id="cbow-notebook-stub"),
]


def test_messages_never_show_the_reference_values():
    values = set()
    for case in nb07.LOOKUP_CASES:
        values |= {f"{v:.3f}" for v in nb07._one_hot_lookup(*case.args).flatten().tolist()}
    for wrong in (float32_result, summed_rows, lambda ids, weight: torch.zeros(len(ids), weight.shape[1], dtype=weight.dtype)):
        LOOKUP.reset()
        message = LOOKUP.check(wrong).message()
        assert not any(v in message for v in values)
    for wrong in (current_tag, current_word, no_start_marker, found_by_index):
        FEATURES.reset()
        message = FEATURES.check(wrong).message()
        for case in nb07.FEATURE_CASES:
            for feature in nb07._features_with_conjunction(*case.args):
                assert feature not in message, feature


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb07.one_hot_lookup: as_float32,
    nb07.my_features: current_tag,
    nb07.ngram_model: NGramNoLogSoftmax,
    nb07.cbow_model: CBOWMean,
}


def test_model_checks_leave_the_random_state_and_the_seeded_numbers_distinct():
    state = torch.random.get_rng_state()
    assert NGRAM.check(NGram).ok and CBOW_EX.check(CBOW).ok
    assert torch.equal(torch.random.get_rng_state(), state)
    embedding, weight = nb07._seeded("embedding", (13, 6)), nb07._seeded("weight", (13, 6))
    assert not torch.allclose(embedding, weight)  # CBOW's table and its output weight get different numbers
    assert torch.equal(embedding, nb07._seeded("embedding", (13, 6)))


def test_the_reference_outputs_are_the_tutorial_models_under_the_same_weights():
    for model, cls, sizes, cases, outputs in [
        ("ngram", NGram, (13, 6, 2), nb07.NGRAM_CASES, lambda x: nb07._ngram_outputs(x, 13, 6, 2)),
        ("cbow", CBOW, (13, 6), nb07.CBOW_CASES, lambda x: nb07._cbow_outputs(x, 13, 6)),
    ]:
        instance = cls(*sizes)
        nb07._fill(instance)
        for case in cases:
            (inputs,) = case.args
            assert torch.allclose(instance(inputs), outputs(inputs)["right"], atol=1e-6), model
