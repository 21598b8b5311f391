"""Evaluating a classifier: accuracy, confusion matrix, most informative words, predictions on sentences."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from course_utils._validate import require_int, require_tensor, type_name
from course_utils.data import LANGID_LABELS, Vocabulary, bow_matrix, ids_and_offsets, label_ids
from course_utils.models import EmbeddingBagClassifier

__all__ = ["Evaluation", "accuracy", "confusion_matrix", "evaluate", "predict_proba", "top_words"]


def _predictions(outputs: torch.Tensor) -> torch.Tensor:
    require_tensor(outputs, "outputs")
    outputs = outputs.detach().cpu()  # the model may live on another device (COURSE_DEVICE)
    if outputs.dim() == 2:
        return outputs.argmax(dim=1)  # scores or log-probs per class -> predicted class
    if outputs.dim() == 1 and not outputs.is_floating_point():
        return outputs
    raise ValueError(f"outputs must be [N, C] scores or [N] predicted class ids, got shape {tuple(outputs.shape)}")


def _targets(targets: torch.Tensor, n: int) -> torch.Tensor:
    require_tensor(targets, "targets", ndim=1)
    if targets.is_floating_point():
        raise TypeError(f"targets must hold integer class ids, got dtype {targets.dtype}")
    if targets.shape[0] != n:
        raise ValueError(f"targets must have {n} entries (one per output row), got {targets.shape[0]}")
    if n == 0:
        raise ValueError("outputs is empty: nothing to evaluate")
    return targets.cpu()


def accuracy(outputs: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of rows whose predicted class equals the target.

    outputs: [N, C] scores (logits or log-probs) or [N] predicted class ids, on any device
    targets: [N] class ids, on any device
    """
    preds = _predictions(outputs)
    targets = _targets(targets, preds.shape[0])
    return float((preds == targets).float().mean())


def confusion_matrix(outputs: torch.Tensor, targets: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Counts [num_classes, num_classes]: row = true class, column = predicted class."""
    require_int(num_classes, "num_classes", minimum=1)
    preds = _predictions(outputs)
    targets = _targets(targets, preds.shape[0])
    if int(targets.max()) >= num_classes or int(preds.max()) >= num_classes or int(targets.min()) < 0:
        raise ValueError(f"class ids must be in [0, {num_classes - 1}]")
    flat = targets.long() * num_classes + preds.long()
    return torch.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def top_words(weight: torch.Tensor, words: Sequence[str], labels: Sequence[str], k: int = 5) -> dict[str, list[str]]:
    """For each label (a row of `weight`), the k words (columns) with the largest weights.

    weight: [num_labels, vocab_size], e.g. a BoW model's linear.weight
    words:  the vocabulary's words in id order (list(vocab))
    labels: the name of each row
    """
    require_tensor(weight, "weight", floating=True, ndim=2)
    words, labels = list(words), list(labels)
    if weight.shape != (len(labels), len(words)):
        raise ValueError(f"weight must have shape (len(labels), len(words)) = ({len(labels)}, {len(words)}), "
                         f"got {tuple(weight.shape)}")
    require_int(k, "k", minimum=1)
    if k > len(words):
        raise ValueError(f"k={k} is larger than the number of words ({len(words)})")
    top = weight.detach().topk(k, dim=1).indices
    return {label: [words[int(j)] for j in top[i]] for i, label in enumerate(labels)}


def predict_proba(model: nn.Module, sentences: Sequence[Sequence[str]], vocab: Vocabulary) -> torch.Tensor:
    """Probability of each label for each sentence: [N, num_labels], rows sum to 1.

    model: from train_bow_classifier or train_embedding_bag_classifier, on any device
    Returns the probabilities on the CPU.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type_name(model)}")
    device = next(model.parameters()).device  # the inputs go where the model is (COURSE_DEVICE)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        if isinstance(model, EmbeddingBagClassifier):
            logits = model(*(t.to(device) for t in ids_and_offsets(sentences, vocab)))
        else:
            logits = model(bow_matrix(sentences, vocab).to(device))
    model.train(was_training)
    return torch.softmax(logits, dim=1).cpu()


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
    """Accuracy and confusion matrix of `model` on labelled sentences (course_utils.analysis.metrics)."""
    if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) != len(sentences):
        raise ValueError(f"labels must be a list with one label per sentence ({len(sentences)})")
    probs = predict_proba(model, sentences, vocab)
    targets = label_ids(labels, label_names)
    return Evaluation(accuracy(probs, targets), confusion_matrix(probs, targets, len(label_names)))
