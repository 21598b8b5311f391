import pytest
import torch
from torch import nn

from course_utils.analysis.metrics import accuracy, confusion_matrix, top_words
from course_utils.data import Vocabulary, ids_and_offsets, label_ids
from course_utils.models import EmbeddingBagClassifier
from course_utils.plotting import plot_confusion_matrix

SENTS = [["a", "b"], ["c"], ["a", "zz", "b"]]


def test_ids_and_offsets_feed_embedding_bag_like_a_manual_mean():
    vocab = Vocabulary.build(SENTS[:2])  # "zz" is unknown: it maps to <unk> (0)
    ids, offsets = ids_and_offsets(SENTS, vocab)
    assert ids.tolist() == [1, 2, 3, 1, 0, 2] and offsets.tolist() == [0, 2, 3]
    torch.manual_seed(0)
    bag = nn.EmbeddingBag(len(vocab), 3, mode="mean")
    manual = torch.stack([bag.weight[vocab.encode(s)].mean(0) for s in SENTS])
    torch.testing.assert_close(bag(ids, offsets), manual)


def test_label_ids():
    assert label_ids(["b", "a", "b"], ["a", "b"]).tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match=r"labels\[1\]='c' is not one of"):
        label_ids(["a", "c"], ["a", "b"])
    with pytest.raises(TypeError, match="labels must be a list"):
        label_ids("ab", ["a", "b"])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda v: ids_and_offsets([], v), ValueError, "sentences is empty"),
        (lambda v: ids_and_offsets("a b", v), TypeError, "sentences must be a list"),
        (lambda v: ids_and_offsets(SENTS, {"a": 1}), TypeError, "vocab must be"),
        (lambda v: ids_and_offsets([["a"], "b"], v), TypeError, r"sentences\[1\]"),
    ],
)
def test_ids_and_offsets_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call(Vocabulary.build(SENTS))


def test_embedding_bag_classifier_matches_manual_computation_and_freezes():
    torch.manual_seed(0)
    pretrained = torch.randn(5, 3)
    model = EmbeddingBagClassifier(5, 3, 2, pretrained=pretrained, freeze=True)
    ids, offsets = torch.tensor([1, 2, 4]), torch.tensor([0, 2])
    expected = model.linear(torch.stack([pretrained[[1, 2]].mean(0), pretrained[[4]].mean(0)]))
    torch.testing.assert_close(model(ids, offsets), expected)
    assert not model.embedding.weight.requires_grad
    assert EmbeddingBagClassifier(5, 3, 2).embedding.weight.requires_grad
    assert not EmbeddingBagClassifier(5, 3, 2, freeze=True).embedding.weight.requires_grad
    pretrained.zero_()  # the model keeps its own copy
    assert model.embedding.weight.abs().sum() > 0


def test_padding_idx_row_is_zero_left_out_of_the_mean_and_never_trained():
    torch.manual_seed(0)
    plain = EmbeddingBagClassifier(5, 3, 2)
    torch.manual_seed(0)
    padded = EmbeddingBagClassifier(5, 3, 2, padding_idx=0)
    assert torch.equal(padded.embedding.weight[0], torch.zeros(3))
    assert torch.equal(padded.embedding.weight[1:], plain.embedding.weight[1:])  # the same draws otherwise
    torch.testing.assert_close(padded.linear.weight, plain.linear.weight)
    ids, offsets = torch.tensor([0, 1, 2, 0, 0]), torch.tensor([0, 3, 4])  # [unk, 1, 2], [unk], [unk]
    table = padded.embedding.weight.detach()
    means = torch.stack([table[[1, 2]].mean(0), torch.zeros(3), torch.zeros(3)])  # unk is skipped, not averaged in
    torch.testing.assert_close(padded(ids, offsets), padded.linear(means))
    want = torch.nn.EmbeddingBag.from_pretrained(table.clone(), padding_idx=0)(ids, offsets)
    torch.testing.assert_close(padded.embedding(ids, offsets), want)
    padded(ids, offsets).sum().backward()
    grad = padded.embedding.weight.grad
    assert torch.equal(grad[0], torch.zeros(3)) and grad[1].abs().sum() > 0


def test_padding_idx_with_pretrained_zeroes_that_row_of_a_copy():
    pretrained = torch.ones(5, 3)
    model = EmbeddingBagClassifier(5, 3, 2, pretrained=pretrained, padding_idx=2)
    assert torch.equal(model.embedding.weight[2], torch.zeros(3)) and torch.equal(pretrained, torch.ones(5, 3))
    assert model.embedding.padding_idx == 2 and model.embedding.weight.requires_grad


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"padding_idx": 5}, ValueError, r"padding_idx must be a word id in \[0, 4\]"),
        ({"padding_idx": -1}, ValueError, "padding_idx must be >= 0"),
        ({"padding_idx": 0.0}, TypeError, "padding_idx must be an int"),
        ({"vocab_size": 0}, ValueError, "vocab_size"),
        ({"num_labels": 1}, ValueError, "num_labels"),
        ({"mode": "max"}, ValueError, "mode must be"),
        ({"pretrained": torch.zeros(4, 3)}, ValueError, r"pretrained must have shape \(5, 3\)"),
        ({"pretrained": torch.zeros(5, 3, dtype=torch.long)}, TypeError, "pretrained must be a floating"),
    ],
)
def test_embedding_bag_classifier_bad_arguments(kwargs, error, match):
    args = {"vocab_size": 5, "embed_dim": 3, "num_labels": 2} | kwargs
    with pytest.raises(error, match=match):
        EmbeddingBagClassifier(args.pop("vocab_size"), args.pop("embed_dim"), args.pop("num_labels"), **args)


def test_accuracy_from_scores_and_from_predictions():
    scores = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0], [0.0, 1.0]])
    targets = torch.tensor([0, 1, 1, 1])
    assert accuracy(scores, targets) == 0.75
    assert accuracy(torch.tensor([0, 1, 1, 1]), targets) == 1.0


def test_confusion_matrix_matches_a_counting_loop():
    torch.manual_seed(0)
    preds, targets = torch.randint(0, 3, (50,)), torch.randint(0, 3, (50,))
    expected = torch.zeros(3, 3, dtype=torch.long)
    for t, p in zip(targets, preds, strict=True):
        expected[t, p] += 1
    assert torch.equal(confusion_matrix(preds, targets, 3), expected)
    assert confusion_matrix(preds, targets, 3).sum() == 50


def test_top_words_picks_largest_weights_per_row():
    weight = torch.tensor([[0.1, 0.9, 0.5], [0.8, -1.0, 0.0]])
    assert top_words(weight, ["x", "y", "z"], ["A", "B"], k=2) == {"A": ["y", "z"], "B": ["x", "z"]}


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: accuracy([0, 1], torch.tensor([0, 1])), TypeError, "outputs must be a torch.Tensor"),
        (lambda: accuracy(torch.zeros(2, 2, 2), torch.tensor([0, 1])), ValueError, "outputs must be"),
        (lambda: accuracy(torch.zeros(2, 2), torch.tensor([0, 1, 1])), ValueError, "targets must have 2"),
        (lambda: accuracy(torch.zeros(2, 2), torch.tensor([0.0, 1.0])), TypeError, "integer class ids"),
        (lambda: accuracy(torch.zeros(0, 2), torch.tensor([], dtype=torch.long)), ValueError, "empty"),
        (lambda: confusion_matrix(torch.tensor([0, 5]), torch.tensor([0, 1]), 3), ValueError, r"\[0, 2\]"),
        (lambda: confusion_matrix(torch.tensor([0]), torch.tensor([0]), 0), ValueError, "num_classes"),
        (lambda: top_words(torch.zeros(2, 3), ["a", "b"], ["A", "B"]), ValueError, "weight must have shape"),
        (lambda: top_words(torch.zeros(2, 3), ["a", "b", "c"], ["A", "B"], k=4), ValueError, "k=4"),
        (lambda: plot_confusion_matrix(torch.zeros(2, 3), ["a", "b"]), TypeError, "square"),
        (lambda: plot_confusion_matrix(torch.zeros(2, 2), ["a"]), ValueError, "labels must have 2"),
    ],
)
def test_evaluation_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_plot_confusion_matrix_writes_every_count():
    matrix = torch.tensor([[5, 1], [2, 7]])
    ax = plot_confusion_matrix(matrix, ["en", "es"])
    assert [t.get_text() for t in ax.texts] == ["5", "1", "2", "7"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["en", "es"]
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"
