"""Train a bag-of-words language classifier on a real corpus (notebook 08, part 2).

Two models of the same idea, both trained with `course_utils.training.fit`
in shuffled minibatches:

- `train_bow_classifier`: logistic regression on bag-of-words count vectors,
  i.e. the tutorial's BoWClassifier (an `nn.Linear(vocab_size, num_labels)`;
  the log-softmax is inside `nn.CrossEntropyLoss`).
- `train_embedding_bag_classifier`: the mean of small learned word vectors
  (`nn.EmbeddingBag`), then an affine map: no [N, vocab_size] matrix is built.
  By default the <unk> vector is held at zero (padding_idx): with a vocabulary of
  every training word, <unk> never occurs in training, so a learned <unk> row
  would keep its random start and be averaged into every sentence with unseen words.

`course_utils.analysis.metrics.predict_proba` and `evaluate` work for both models.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn
from torch.utils.data import DataLoader

from course_utils._validate import require_int, require_positive_float, require_sentences, require_vocab, type_name
from course_utils.data import LANGID_LABELS, Vocabulary, bow_matrix, label_ids
from course_utils.models import EmbeddingBagClassifier
from course_utils.training.loop import History, fit

__all__ = [
    "shuffled_batches",
    "train_bow_classifier",
    "train_embedding_bag_classifier",
]

Batch = tuple[object, torch.Tensor]  # (model inputs, target class ids)


def shuffled_batches(
    n: int, batch_size: int, make_batch: Callable[[torch.Tensor], Batch], seed: int = 0
) -> DataLoader:
    """Minibatches in a new random order every epoch, the same orders for the same seed: a DataLoader.

    n:          number of examples
    batch_size: examples per batch (the last batch may be smaller)
    make_batch: turns a LongTensor of example indices into an (inputs, targets) pair (e.g. sparse rows)
    seed:       seeds the loader's own generator: the global random state is left alone
    """
    require_int(n, "n", minimum=1)
    require_int(batch_size, "batch_size", minimum=1)
    require_int(seed, "seed", minimum=0)
    return DataLoader(
        range(n),  # the dataset is the example indices; make_batch builds each batch from them
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
        collate_fn=lambda indices: make_batch(torch.tensor(indices, dtype=torch.long)),
        num_workers=0,
    )


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
    batches = shuffled_batches(len(targets), batch_size, lambda idx: (features[idx], targets[idx]), seed)
    with torch.random.fork_rng(devices=[]):  # seeded here; the caller's global random state is left as it was
        torch.default_generator.manual_seed(seed)  # the CPU generator only: models are built on the CPU
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
    zero_unk: bool = True,
) -> tuple[EmbeddingBagClassifier, History]:
    """The mean of learned word vectors, then an affine map; returns (model, history).

    embed_dim: size of each word vector
    zero_unk:  True: <unk>'s vector is held at zero and unknown words are left out of the mean
               (padding_idx=vocab.unk_id). False: <unk> is an ordinary learned row, which learns only if
               <unk> occurs in the training sentences (e.g. a vocabulary built with min_count=2); with a
               vocabulary of every training word it keeps its random start: the bug notebook 08 shows.

    The model is called as model(ids, offsets) (see course_utils.data.ids_and_offsets).
    """
    _check_data(train_sentences, train_labels, vocab)
    require_positive_float(lr, "lr")
    if not isinstance(zero_unk, bool):
        raise TypeError(f"zero_unk must be True or False, got {type_name(zero_unk)}")
    targets = label_ids(train_labels, label_names)
    encoded = [torch.tensor(vocab.encode(s), dtype=torch.long) for s in train_sentences]  # once, not every epoch

    def make_batch(idx: torch.Tensor) -> Batch:  # the same (ids, offsets) as ids_and_offsets(those sentences, vocab)
        chosen = [encoded[i] for i in idx.tolist()]
        lengths = torch.tensor([0] + [len(ids) for ids in chosen[:-1]], dtype=torch.long)
        return (torch.cat(chosen), torch.cumsum(lengths, dim=0)), targets[idx]

    batches = shuffled_batches(len(targets), batch_size, make_batch, seed)
    with torch.random.fork_rng(devices=[]):  # seeded here; the caller's global random state is left as it was
        torch.default_generator.manual_seed(seed)  # the CPU generator only: models are built on the CPU
        padding_idx = vocab.unk_id if zero_unk else None
        model = EmbeddingBagClassifier(len(vocab), embed_dim, len(label_names), padding_idx=padding_idx)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        history = fit(model, nn.CrossEntropyLoss(), optimizer, batches, epochs)  # calls model(ids, offsets)
    return model, history
