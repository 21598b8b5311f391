"""Plots of a training run. Each function returns the matplotlib Axes, so tests
(and curious students) can read back exactly what was drawn."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from course_utils._validate import type_name
from course_utils.training.loop import History

__all__ = ["plot_confusion_matrix", "plot_grad_norms", "plot_losses"]


def _require_history(history: object) -> History:
    if not isinstance(history, History):
        raise TypeError(f"history must be the History returned by course_utils.training.fit, got {type_name(history)}")
    if not history.losses:
        raise ValueError("history has no steps: train for at least one step first")
    return history


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots()
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type_name(ax)}")
    return ax


def plot_losses(history: History, ax: Axes | None = None) -> Axes:
    """Loss at every step, and each epoch's mean loss drawn at the epoch's last step."""
    _require_history(history)
    ax = _axes(ax)
    steps = range(1, len(history.losses) + 1)
    ax.plot(steps, history.losses, label="step loss", alpha=0.6)
    per_epoch = len(history.losses) // max(len(history.epoch_losses), 1)
    if history.epoch_losses and per_epoch:
        epoch_ends = [per_epoch * (e + 1) for e in range(len(history.epoch_losses))]
        ax.plot(epoch_ends, history.epoch_losses, "o-", label="epoch mean")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("Training loss")
    ax.legend()
    return ax


def plot_grad_norms(history: History, ax: Axes | None = None, log: bool = True) -> Axes:
    """One line per parameter: the L2 norm of its gradient at every step.

    log: use a logarithmic y axis (vanishing and exploding gradients span
         many orders of magnitude, so this is usually what you want)
    """
    _require_history(history)
    if not history.grad_norms:
        raise ValueError("history has no gradient norms: train with fit(..., record_grads=True)")
    if not isinstance(log, bool):
        raise TypeError(f"log must be True or False, got {type_name(log)}")
    ax = _axes(ax)
    for name, norms in history.grad_norms.items():
        ax.plot(range(1, len(norms) + 1), norms, label=name)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("gradient L2 norm")
    ax.set_title("Gradient norm per parameter")
    ax.legend(fontsize="small")
    return ax


def plot_confusion_matrix(matrix, labels, ax: Axes | None = None) -> Axes:
    """Heat map of a confusion matrix (row = true class, column = predicted), with counts written in.

    matrix: [C, C] counts from course_utils.analysis.metrics.confusion_matrix
    labels: the C class names
    """
    import torch

    if not isinstance(matrix, torch.Tensor) or matrix.dim() != 2 or matrix.shape[0] != matrix.shape[1]:
        raise TypeError(f"matrix must be a square [C, C] torch.Tensor, got {type_name(matrix)}")
    labels = list(labels)
    if len(labels) != matrix.shape[0]:
        raise ValueError(f"labels must have {matrix.shape[0]} names, got {len(labels)}")
    ax = _axes(ax)
    ax.imshow(matrix.numpy(), cmap="Blues")
    ax.grid(False)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    high = matrix.max().item()
    for i in range(len(labels)):
        for j in range(len(labels)):
            value = int(matrix[i, j])
            ax.text(j, i, str(value), ha="center", va="center", color="white" if value > high / 2 else "black")
    return ax
