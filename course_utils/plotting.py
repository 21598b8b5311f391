"""Plots of a training run. Each function returns the matplotlib Axes (plot_run: the Figure), so tests
(and curious students) can read back exactly what was drawn.

    plot_losses, plot_grad_norms        from a History (course_utils.training.fit)
    plot_update_ratios, plot_activations from a Health (course_utils.analysis.health.HealthRecorder)
    plot_run                            all of them side by side, for one run
    plain_log_scale                     a log axis labelled 0.1, 1, 10 (not 10^0, nor 4.35x10^0)
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from course_utils._validate import type_name
from course_utils.analysis.health import Health
from course_utils.training.loop import History

__all__ = [
    "plain_log_scale",
    "plot_activations",
    "plot_confusion_matrix",
    "plot_grad_norms",
    "plot_losses",
    "plot_run",
    "plot_update_ratios",
]


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


def _plain_number(value: float, _position: object = None) -> str:
    """0.01, 0.3, 4, 20, 1e+06: a tick label without powers of ten for everyday sizes."""
    if value <= 0 or not math.isfinite(value):
        return ""
    if 1e-3 <= value < 1e5:
        return f"{value:.3g}"
    return f"{value:.0e}"


def plain_log_scale(ax: Axes, axis: str = "y") -> Axes:
    """Make `axis` ("x" or "y") of `ax` logarithmic, with plain tick labels (0.1, 0.2, 1, 10).

    Matplotlib labels a log axis 10^0, 10^1, and one that spans less than a decade 4.35x10^0; plain numbers
    are easier to read. When the axis spans less than two decades the ticks at 2 and 5 times a power of ten
    are labelled too; over more, only the powers of ten.
    """
    ax = _axes(ax)
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', got {axis!r}")
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
    few_decades = low > 0 and high / low < 100
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0) if few_decades else (1.0,)))
    target.set_major_formatter(FuncFormatter(_plain_number))
    target.set_minor_formatter(NullFormatter())
    return ax


def plot_losses(history: History, ax: Axes | None = None) -> Axes:
    """Loss at every step, and each epoch's mean loss drawn at the epoch's last step.

    When every epoch is a single step (full-batch training) the epoch means are the step losses, so only the
    step loss is drawn.
    """
    _require_history(history)
    ax = _axes(ax)
    steps = range(1, len(history.losses) + 1)
    ax.plot(steps, history.losses, label="step loss", alpha=0.6)
    per_epoch = len(history.losses) // max(len(history.epoch_losses), 1)
    if history.epoch_losses and per_epoch > 1:
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


def _require_health(health: object) -> Health:
    if not isinstance(health, Health):
        raise TypeError(f"health must be the Health of a course_utils.analysis.health.HealthRecorder, "
                        f"got {type_name(health)}")
    if not health.steps:
        raise ValueError("health has no steps: record at least one optimizer step first")
    return health


def plot_update_ratios(health: Health, ax: Axes | None = None) -> Axes:
    """One line per parameter: log10(|update| / |parameter|) at every step (makemore part 3's update:data ratio).

    A grey dashed line marks -3, the rough "healthy" level makemore part 3 suggests for deep networks.
    """
    _require_health(health)
    ax = _axes(ax)
    for name, ratios in health.update_ratios.items():
        ax.plot(range(1, len(ratios) + 1), ratios, label=name)
    ax.axhline(-3.0, color="0.6", ls="--", lw=1)
    ax.set_xlabel("step")
    ax.set_ylabel(r"$\log_{10}(|\Delta\theta| \,/\, |\theta|)$")
    ax.set_title("Update:data ratio per parameter")
    ax.legend(fontsize="small")
    return ax


def plot_activations(health: Health, ax: Axes | None = None) -> Axes:
    """For each activation layer: its mean ± std (line and band) and its saturated fraction (dashed), per step."""
    _require_health(health)
    if not health.activations:
        raise ValueError("health has no activation layers: the model has no nn.Sigmoid, nn.Tanh or nn.ReLU")
    ax = _axes(ax)
    for name, stats in health.activations.items():
        steps = range(1, len(stats) + 1)
        mean = [s.mean for s in stats]
        (line,) = ax.plot(steps, mean, label=f"layer {name}: mean ± std")
        ax.fill_between(steps, [s.mean - s.std for s in stats], [s.mean + s.std for s in stats],
                        color=line.get_color(), alpha=0.2)
        ax.plot(steps, [s.saturated for s in stats], ls="--", color=line.get_color(),
                label=f"layer {name}: saturated fraction")
    ax.set_xlabel("step")
    ax.set_ylabel("activation")
    ax.set_title("Activations per layer")
    ax.legend(fontsize="small")
    return ax


def plot_run(history: History, health: Health | None = None, title: str = "") -> Figure:
    """One run: loss (log axis) and gradient norms side by side; with `health`, a second row with the
    update:data ratios and the activations. Returns the Figure (its axes in that order)."""
    _require_history(history)
    if health is not None:
        _require_health(health)
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type_name(title)}")
    rows = 1 if health is None else 2
    fig, grid = plt.subplots(rows, 2, figsize=(10, 3.4 * rows), squeeze=False, layout="none")
    # placed by hand: a constrained layout costs more time than drawing the lines
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13 / rows, top=1 - 0.16 / rows, wspace=0.22,
                        hspace=0.45)
    axes = grid.ravel()
    plot_losses(history, ax=axes[0])
    plain_log_scale(axes[0])
    plot_grad_norms(history, ax=axes[1])
    if health is not None:
        plot_update_ratios(health, ax=axes[2])
        plot_activations(health, ax=axes[3])
    if title:
        fig.suptitle(title)
    return fig


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
