import pytest
import torch
from torch import nn

import course_utils.training.classifiers as classifiers
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


def test_an_unk_that_never_occurs_in_training_keeps_its_random_start_unless_held_at_zero(corpus):
    tr, trl, _, _, vocab = corpus  # every training word is in vocab: <unk> never occurs in the training ids
    unk = vocab.unk_id
    buggy, _ = train_embedding_bag_classifier(tr[:96], trl[:96], vocab=vocab, epochs=1, seed=3, zero_unk=False)
    torch.manual_seed(3)
    start = EmbeddingBagClassifier(len(vocab), 16, 4).embedding.weight
    assert torch.equal(buggy.embedding.weight[unk], start[unk])  # never trained
    assert not torch.equal(buggy.embedding.weight[vocab["mi"]], start[vocab["mi"]])  # a training word was
    assert buggy.embedding.padding_idx is None
    fixed, _ = train_embedding_bag_classifier(tr[:96], trl[:96], vocab=vocab, epochs=1, seed=3)
    assert fixed.embedding.padding_idx == unk and torch.equal(fixed.embedding.weight[unk], torch.zeros(16))
    rare = Vocabulary.build(tr[:96], min_count=2)  # rare-word replacement: words seen once become <unk>
    learned, _ = train_embedding_bag_classifier(tr[:96], trl[:96], vocab=rare, epochs=1, seed=3, zero_unk=False)
    torch.manual_seed(3)
    rare_start = EmbeddingBagClassifier(len(rare), 16, 4).embedding.weight
    assert not torch.equal(learned.embedding.weight[unk], rare_start[unk])  # now <unk> learns


def test_the_unk_fix_lifts_dev_accuracy_over_seeds(corpus):
    tr, trl, dev, devl, vocab = corpus

    def dev_accuracy(**options):
        return [evaluate(train_embedding_bag_classifier(tr, trl, vocab=vocab, seed=s, **options)[0], dev, devl,
                         vocab=vocab).accuracy for s in range(3)]

    buggy, fixed = dev_accuracy(zero_unk=False), dev_accuracy()
    assert sum(fixed) / 3 > sum(buggy) / 3 + 0.02


def test_the_batches_are_the_ids_and_offsets_of_the_chosen_sentences(corpus, monkeypatch):
    tr, trl, _, _, vocab = corpus
    seen = []
    real_fit = classifiers.fit

    def spy_fit(model, loss_fn, optimizer, batches, epochs):
        seen.extend(list(batches)[:2])
        return real_fit(model, loss_fn, optimizer, batches, epochs)

    monkeypatch.setattr(classifiers, "fit", spy_fit)
    train_embedding_bag_classifier(tr[:40], trl[:40], vocab=vocab, epochs=1, batch_size=16, seed=0)
    order = list(shuffled_batches(40, 16, lambda idx: idx, seed=0))[:2]  # the first epoch's first two batches
    for (inputs, targets), idx in zip(seen, order, strict=True):
        want = ids_and_offsets([tr[i] for i in idx.tolist()], vocab)
        assert torch.equal(inputs[0], want[0]) and torch.equal(inputs[1], want[1])
        assert torch.equal(targets, label_ids([trl[i] for i in idx.tolist()], LANGID_LABELS))


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
    with pytest.raises(TypeError, match="zero_unk must be True or False"):
        train_embedding_bag_classifier(tr[:2], trl[:2], vocab=vocab, zero_unk=1)
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
