"""Part 2 of notebook 08: train a bag-of-words language classifier on a real corpus.

Two models of the same idea, both trained with `course_utils.training.fit`
in shuffled minibatches:

- `train_bow_classifier`: logistic regression on bag-of-words count vectors,
  i.e. the tutorial's BoWClassifier (an `nn.Linear(vocab_size, num_labels)`;
  the log-softmax is inside `nn.CrossEntropyLoss`).
- `train_embedding_bag_classifier`: the mean of small learned word vectors
  (`nn.EmbeddingBag`), then an affine map: no [N, vocab_size] matrix is built.

`predict_proba` and `evaluate` work for both models.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from course_utils._validate import require_int, require_positive_float, require_sentences, require_vocab, type_name
from course_utils.data import LANGID_LABELS, Vocabulary, bow_matrix, ids_and_offsets, label_ids
from course_utils.evaluation import accuracy, confusion_matrix
from course_utils.models import EmbeddingBagClassifier
from course_utils.training import History, fit

__all__ = [
    "Evaluation",
    "ShuffledBatches",
    "evaluate",
    "predict_proba",
    "train_bow_classifier",
    "train_embedding_bag_classifier",
]

Batch = tuple[object, torch.Tensor]  # (model inputs, target class ids)


class ShuffledBatches:
    """Minibatches in a new random order every epoch, the same orders for the same seed.

    n:          number of examples
    batch_size: examples per batch (the last batch may be smaller)
    make_batch: turns a LongTensor of example indices into an (inputs, targets) pair
    seed:       seeds this object's own generator (the global RNG is untouched)
    """

    def __init__(self, n: int, batch_size: int, make_batch: Callable[[torch.Tensor], Batch], seed: int = 0) -> None:
        self.n = require_int(n, "n", minimum=1)
        self.batch_size = require_int(batch_size, "batch_size", minimum=1)
        self.make_batch = make_batch
        self.generator = torch.Generator().manual_seed(require_int(seed, "seed", minimum=0))

    def __len__(self) -> int:
        return -(-self.n // self.batch_size)  # ceil(n / batch_size)

    def __iter__(self) -> Iterator[Batch]:
        order = torch.randperm(self.n, generator=self.generator)
        for start in range(0, self.n, self.batch_size):
            yield self.make_batch(order[start : start + self.batch_size])


def _check_data(sentences: object, labels: object, vocab: object) -> None:
    require_vocab(vocab)
    require_sentences(sentences, "train_sentences")
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"train_labels must be a list of label names, got {type_name(labels)}")
    if len(sentences) != len(labels):
        raise ValueError(f"train_labels must have one label per sentence ({len(sentences)}), got {len(labels)}")


def train_bow_classifier(
    train_sentences: Sequence[Sequence[str]],
    train_labels: Sequence[str],
    *,
    vocab: Vocabulary,
    label_names: Sequence[str] = LANGID_LABELS,
    epochs: int = 5,
    batch_size: int = 32,
    lr: float = 0.01,
    seed: int = 0,
) -> tuple[nn.Linear, History]:
    """Logistic regression on bag-of-words vectors; returns (model, history).

    train_sentences: tokenised sentences
    train_labels:    one label name per sentence
    vocab:           built from the TRAINING sentences only
    label_names:     label name -> class index (its position)
    lr:              Adam's learning rate
    seed:            seeds the initial weights and the batch order (the global RNG is left as it was)

    The model maps a [N, len(vocab)] count matrix to [N, len(label_names)] logits.
    """
    _check_data(train_sentences, train_labels, vocab)
    require_positive_float(lr, "lr")
    features = bow_matrix(train_sentences, vocab)  # [N, V]
    targets = label_ids(train_labels, label_names)  # [N]
    batches = ShuffledBatches(len(targets), batch_size, lambda idx: (features[idx], targets[idx]), seed)
    with torch.random.fork_rng(devices=[]):  # seeded here; the caller's global random state is left as it was
        torch.manual_seed(seed)
        model = nn.Linear(len(vocab), len(label_names))
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        history = fit(model, nn.CrossEntropyLoss(), optimizer, batches, epochs)
    return model, history


def train_embedding_bag_classifier(
    train_sentences: Sequence[Sequence[str]],
    train_labels: Sequence[str],
    *,
    vocab: Vocabulary,
    label_names: Sequence[str] = LANGID_LABELS,
    embed_dim: int = 16,
    epochs: int = 5,
    batch_size: int = 32,
    lr: float = 0.01,
    seed: int = 0,
) -> tuple[EmbeddingBagClassifier, History]:
    """The mean of learned word vectors, then an affine map; returns (model, history).

    embed_dim: size of each word vector

    The model is called as model(ids, offsets) (see course_utils.data.ids_and_offsets).
    """
    _check_data(train_sentences, train_labels, vocab)
    require_positive_float(lr, "lr")
    targets = label_ids(train_labels, label_names)
    sentences = list(train_sentences)

    def make_batch(idx: torch.Tensor) -> Batch:
        return ids_and_offsets([sentences[i] for i in idx.tolist()], vocab), targets[idx]

    batches = ShuffledBatches(len(targets), batch_size, make_batch, seed)
    with torch.random.fork_rng(devices=[]):  # seeded here; the caller's global random state is left as it was
        torch.manual_seed(seed)
        model = EmbeddingBagClassifier(len(vocab), embed_dim, len(label_names))
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        history = fit(model, nn.CrossEntropyLoss(), optimizer, batches, epochs)  # calls model(ids, offsets)
    return model, history


def predict_proba(model: nn.Module, sentences: Sequence[Sequence[str]], vocab: Vocabulary) -> torch.Tensor:
    """Probability of each label for each sentence: [N, num_labels], rows sum to 1.

    model: from train_bow_classifier or train_embedding_bag_classifier
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type_name(model)}")
    was_training = model.training
    model.eval()
    with torch.no_grad():
        if isinstance(model, EmbeddingBagClassifier):
            logits = model(*ids_and_offsets(sentences, vocab))
        else:
            logits = model(bow_matrix(sentences, vocab))
    model.train(was_training)
    return torch.softmax(logits, dim=1)


@dataclass
class Evaluation:
    """accuracy: fraction correct; confusion: [C, C] counts, row = true label, column = predicted."""

    accuracy: float
    confusion: torch.Tensor


def evaluate(
    model: nn.Module,
    sentences: Sequence[Sequence[str]],
    labels: Sequence[str],
    *,
    vocab: Vocabulary,
    label_names: Sequence[str] = LANGID_LABELS,
) -> Evaluation:
    """Accuracy and confusion matrix of `model` on labelled sentences (course_utils.evaluation)."""
    if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) != len(sentences):
        raise ValueError(f"labels must be a list with one label per sentence ({len(sentences)})")
    probs = predict_proba(model, sentences, vocab)
    targets = label_ids(labels, label_names)
    return Evaluation(accuracy(probs, targets), confusion_matrix(probs, targets, len(label_names)))
