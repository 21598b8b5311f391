import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.data import UNK, Vocabulary, bow_matrix, bow_vector

TUTORIAL = [
    "me gusta comer en la cafeteria".split(),
    "Give it to me".split(),
    "No creo que sea una buena idea".split(),
    "No it is not a good idea to get lost at sea".split(),
    "Yo creo que si".split(),
    "it is lost on me".split(),
]


def tutorial_word_to_ix():
    word_to_ix = {}
    for sent in TUTORIAL:
        for word in sent:
            if word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    return word_to_ix


def test_ids_follow_first_seen_order_after_unk():
    vocab = Vocabulary.build(TUTORIAL)
    assert list(vocab)[0] == UNK and vocab.unk_id == 0
    assert list(vocab)[1:] == list(tutorial_word_to_ix())  # same order as the tutorial
    assert len(vocab) == 27


def test_unknown_word_maps_to_unk_instead_of_keyerror():
    vocab = Vocabulary.build(TUTORIAL)
    assert vocab["zebra"] == vocab.unk_id
    assert "zebra" not in vocab and "creo" in vocab


def test_min_count_drops_rare_words():
    vocab = Vocabulary.build([["a", "b", "a"], ["c", "a", "b"]], min_count=2)
    assert list(vocab) == [UNK, "a", "b"]
    assert vocab["c"] == vocab.unk_id


def test_encode_decode_round_trip():
    vocab = Vocabulary.build(TUTORIAL)
    ids = vocab.encode(["creo", "que", "zebra"])
    assert ids == [11, 12, 0]
    assert vocab.decode(ids) == ["creo", "que", UNK]
    assert vocab.decode(torch.tensor(ids)) == ["creo", "que", UNK]


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda v: Vocabulary.build([]), ValueError, "sentences is empty"),
        (lambda v: Vocabulary.build("a b c"), TypeError, "single str"),
        (lambda v: Vocabulary.build(["a b"]), TypeError, r"sentences\[0\] must be a list"),
        (lambda v: Vocabulary.build([["a", 1]]), TypeError, r"sentences\[0\]\[1\] must be a str"),
        (lambda v: Vocabulary.build([["a"]], min_count=0), ValueError, "min_count"),
        (lambda v: Vocabulary([1]), TypeError, "words must contain only str"),
        (lambda v: v[3], TypeError, "word must be a str"),
        (lambda v: v.encode("me gusta"), TypeError, "tokens must be a list"),
        (lambda v: v.decode([999]), ValueError, r"ids\[0\]=999 is out of range"),
        (lambda v: v.decode(["me"]), TypeError, r"ids\[0\] must be an int"),
    ],
)
def test_bad_inputs(call, error, match):
    vocab = Vocabulary.build(TUTORIAL)
    with pytest.raises(error, match=match):
        call(vocab)


def tutorial_make_bow_vector(sentence, word_to_ix):
    vec = torch.zeros(len(word_to_ix))
    for word in sentence:
        vec[word_to_ix[word]] += 1
    return vec.view(1, -1)


def test_bow_vector_matches_the_tutorial_apart_from_the_unk_slot():
    vocab, word_to_ix = Vocabulary.build(TUTORIAL), tutorial_word_to_ix()
    for sent in TUTORIAL:
        ours = bow_vector(sent, vocab)
        assert ours.dtype == torch.float32 and ours.shape == (len(vocab),)
        assert ours[0] == 0
        assert torch.equal(ours[1:], tutorial_make_bow_vector(sent, word_to_ix)[0])


def test_bow_vector_counts_unknown_words_in_unk():
    vocab = Vocabulary.build(TUTORIAL)
    vec = bow_vector(["creo", "creo", "zebra"], vocab)
    assert vec[vocab["creo"]] == 2 and vec[0] == 1 and vec.sum() == 3


words = st.sampled_from(["a", "b", "c", "d", "zz"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(words, max_size=8), min_size=1, max_size=6))
def test_bow_matrix_equals_stacked_vectors(sentences):
    vocab = Vocabulary.build([["a", "b", "c", "d"]])
    matrix = bow_matrix(sentences, vocab)
    assert matrix.dtype == torch.float32 and matrix.shape == (len(sentences), len(vocab))
    assert torch.equal(matrix, torch.stack([bow_vector(s, vocab) for s in sentences]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(words, max_size=8), min_size=1, max_size=6))
def test_sparse_bow_matrix_has_the_same_values(sentences):
    vocab = Vocabulary.build([["a", "b", "c", "d"]])
    sparse = bow_matrix(sentences, vocab, sparse=True)
    assert sparse.layout == torch.sparse_coo and sparse.is_coalesced()
    assert torch.equal(sparse.to_dense(), bow_matrix(sentences, vocab))


def test_linear_on_sparse_rows_matches_dense_rows_and_gradients():
    vocab = Vocabulary.build(TUTORIAL)
    torch.manual_seed(0)
    linear = torch.nn.Linear(len(vocab), 2)
    dense_out = linear(bow_matrix(TUTORIAL, vocab))
    dense_out.sum().backward()
    dense_grad = linear.weight.grad.clone()
    linear.weight.grad = None
    sparse_out = linear(bow_matrix(TUTORIAL, vocab, sparse=True))
    sparse_out.sum().backward()
    torch.testing.assert_close(sparse_out, dense_out)
    torch.testing.assert_close(linear.weight.grad, dense_grad)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda v: bow_matrix([["me"]], v, sparse="yes"), TypeError, "sparse must be True or False"),
        (lambda v: bow_vector(["a"], {"a": 0}), TypeError, "vocab must be a course_utils.data.Vocabulary"),
        (lambda v: bow_vector("me gusta", v), TypeError, "tokens must be a list"),
        (lambda v: bow_matrix([], v), ValueError, "sentences is empty"),
        (lambda v: bow_matrix("me gusta", v), TypeError, "sentences must be a list"),
        (lambda v: bow_matrix([["me"], "gusta"], v), TypeError, r"sentences\[1\]"),
    ],
)
def test_bow_bad_inputs(call, error, match):
    vocab = Vocabulary.build(TUTORIAL)
    with pytest.raises(error, match=match):
        call(vocab)
