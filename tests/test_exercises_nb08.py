import torch

from course_utils.data import Vocabulary, bow_vector
from course_utils.exercises import nb08


def test_bow_by_hand_accepts_the_reference_and_a_correct_loop():
    def mine(tokens, vocab):
        vec = torch.zeros(len(vocab))
        for word in tokens:
            vec[vocab[word]] += 1
        return vec

    assert nb08.bow_by_hand.check(bow_vector).ok
    assert nb08.bow_by_hand.check(mine).ok


def test_bow_by_hand_rejects_the_tutorials_keyerror_version_and_a_stub():
    def tutorial(tokens, vocab):
        word_to_ix = {w: i for i, w in enumerate(vocab)}
        vec = torch.zeros(len(vocab))
        for word in tokens:
            vec[word_to_ix[word]] += 1  # KeyError on an unknown word
        return vec

    feedback = nb08.bow_by_hand.check(tutorial)
    assert not feedback.ok and "KeyError" in feedback.message() and feedback.passed == 2
    assert "not attempted" in nb08.bow_by_hand.check(lambda tokens, vocab: ...).message()


def test_bow_by_hand_rejects_ones_instead_of_counts():
    def presence(tokens, vocab):
        vec = torch.zeros(len(vocab))
        for word in tokens:
            vec[vocab[word]] = 1
        return vec

    feedback = nb08.bow_by_hand.check(presence)
    assert not feedback.ok and "values are off" in feedback.message()


def test_accuracy_by_hand():
    def mine(log_probs, targets):
        return (log_probs.argmax(dim=1) == targets).float().mean().item()

    assert nb08.accuracy_by_hand.check(mine).ok
    wrong = nb08.accuracy_by_hand.check(lambda lp, t: (lp.argmin(dim=1) == t).float().mean().item())
    assert not wrong.ok and "not right yet" in wrong.message()
    assert "returned None" in nb08.accuracy_by_hand.check(lambda lp, t: None).message()


def test_unknown_rate():
    def mine(sentences, vocab):
        words = [w for s in sentences for w in s]
        return sum(w not in vocab for w in words) / len(words)

    assert nb08.unknown_rate.check(mine).ok
    # counting distinct words instead of every occurrence is a different number
    def distinct(sentences, vocab):
        words = list(dict.fromkeys(w for s in sentences for w in s))
        return sum(w not in vocab for w in words) / len(words)

    assert not nb08.unknown_rate.check(distinct).ok
    assert not nb08.unknown_rate.check(lambda s, v: 0.0).ok


def test_tiny_vocabulary_is_the_tutorials_training_vocabulary():
    assert len(nb08._TINY) == 1 + 23 and "creo" in nb08._TINY and "Yo" not in nb08._TINY
    assert isinstance(nb08._TINY, Vocabulary)
