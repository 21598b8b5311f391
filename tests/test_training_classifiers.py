import pytest
import torch
from torch import nn

from course_utils.analysis.metrics import Evaluation, accuracy, confusion_matrix, evaluate, predict_proba
from course_utils.data import LANGID_LABELS, Vocabulary, bow_matrix, ids_and_offsets, label_ids, load_langid
from course_utils.models import EmbeddingBagClassifier
from course_utils.training.classifiers import shuffled_batches, train_bow_classifier, train_embedding_bag_classifier


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """As in the notebooks (setup_notebook): one thread is fast and bit-reproducible here."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def corpus():
    train, train_labels = load_langid("train")
    dev, dev_labels = load_langid("dev")
    return train, train_labels, dev, dev_labels, Vocabulary.build(train)


def test_shuffled_batches_cover_every_example_once_per_epoch_and_reshuffle():
    batches = shuffled_batches(10, 4, lambda idx: (idx, idx), seed=3)
    assert len(batches) == 3
    first = [b[0] for b in batches]
    assert [len(b) for b in first] == [4, 4, 2]
    assert sorted(torch.cat(first).tolist()) == list(range(10))
    second = torch.cat([b[0] for b in batches])
    assert not torch.equal(torch.cat(first), second)  # a new order each epoch
    again = shuffled_batches(10, 4, lambda idx: (idx, idx), seed=3)
    assert torch.equal(torch.cat([b[0] for b in again]), torch.cat(first))  # same seed, same orders


def test_shuffled_batches_leave_the_global_rng_alone():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    list(shuffled_batches(10, 3, lambda idx: (idx, idx), seed=1))
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("train", [train_bow_classifier, train_embedding_bag_classifier])
def test_training_beats_chance_on_dev_and_is_deterministic(corpus, train):
    tr, trl, dev, devl, vocab = corpus
    model, history = train(tr, trl, vocab=vocab, epochs=3, seed=0)
    assert history.steps == 3 * 27  # ceil(848 / 32) steps per epoch
    assert history.epoch_losses[-1] < history.epoch_losses[0]
    result = evaluate(model, dev, devl, vocab=vocab)
    assert isinstance(result, Evaluation)
    assert result.accuracy > 0.8  # chance is 0.25
    assert result.confusion.sum() == len(dev)
    again, history_again = train(tr, trl, vocab=vocab, epochs=3, seed=0)
    assert history_again.losses == history.losses
    for p, q in zip(model.parameters(), again.parameters(), strict=True):
        assert torch.equal(p, q)
    other, _ = train(tr, trl, vocab=vocab, epochs=3, seed=1)
    assert not torch.equal(next(other.parameters()), next(model.parameters()))


def test_grad_norms_are_named_after_the_models_own_parameters(corpus):
    tr, trl, _, _, vocab = corpus
    _, history = train_bow_classifier(tr[:64], trl[:64], vocab=vocab, epochs=1)
    assert list(history.grad_norms) == ["weight", "bias"]
    model, history = train_embedding_bag_classifier(tr[:64], trl[:64], vocab=vocab, epochs=1)
    assert list(history.grad_norms) == [name for name, _ in model.named_parameters()]
    assert all(len(v) == 2 for v in history.grad_norms.values())


def test_predict_proba_matches_the_models_own_forward_and_evaluate_matches_course_utils(corpus):
    tr, trl, dev, devl, vocab = corpus
    torch.manual_seed(0)
    linear = nn.Linear(len(vocab), 4)
    bag = EmbeddingBagClassifier(len(vocab), 8, 4)
    with torch.no_grad():
        want_linear = torch.softmax(linear(bow_matrix(dev, vocab)), dim=1)
        want_bag = torch.softmax(bag(*ids_and_offsets(dev, vocab)), dim=1)
    assert torch.allclose(predict_proba(linear, dev, vocab), want_linear)
    assert torch.allclose(predict_proba(bag, dev, vocab), want_bag)
    assert torch.allclose(predict_proba(bag, dev, vocab).sum(dim=1), torch.ones(len(dev)))
    targets = label_ids(devl, LANGID_LABELS)
    result = evaluate(bag, dev, devl, vocab=vocab)
    assert result.accuracy == accuracy(want_bag, targets)
    assert torch.equal(result.confusion, confusion_matrix(want_bag, targets, 4))


def test_predict_proba_restores_training_mode(corpus):
    *_, vocab = corpus
    model = nn.Linear(len(vocab), 4)
    model.train()
    predict_proba(model, [["hello"]], vocab)
    assert model.training


def test_bad_arguments_name_the_argument(corpus):
    tr, trl, dev, devl, vocab = corpus
    with pytest.raises(TypeError, match="vocab"):
        train_bow_classifier(tr, trl, vocab={"a": 1})
    with pytest.raises(ValueError, match="train_labels"):
        train_bow_classifier(tr, trl[:-1], vocab=vocab)
    with pytest.raises(ValueError, match="train_sentences is empty"):
        train_embedding_bag_classifier([], [], vocab=vocab)
    with pytest.raises(ValueError, match="lr"):
        train_bow_classifier(tr, trl, vocab=vocab, lr=0.0)
    with pytest.raises(ValueError, match="batch_size"):
        train_bow_classifier(tr, trl, vocab=vocab, batch_size=0)
    with pytest.raises(ValueError, match="not one of label_names"):
        train_bow_classifier(tr[:2], ["english", "klingon"], vocab=vocab)
    with pytest.raises(TypeError, match="model"):
        predict_proba("model", dev, vocab)
    with pytest.raises(ValueError, match="labels"):
        evaluate(nn.Linear(len(vocab), 4), dev, devl[:3], vocab=vocab)


def test_shuffled_batches_are_a_seeded_shuffling_dataloader():
    loader = shuffled_batches(10, 4, lambda idx: (idx, idx), seed=3)
    assert isinstance(loader, torch.utils.data.DataLoader)
    assert isinstance(loader.sampler, torch.utils.data.RandomSampler) and loader.generator is not None
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        shuffled_batches(10, 0, lambda idx: (idx, idx))
