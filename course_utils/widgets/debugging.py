"""Notebook 06: what a training bug does to the loss and to each parameter's gradient norm."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from course_utils.training.faults import BUGS, train_variant
from course_utils.widgets.base import PlotWidget

__all__ = ["FLOOR", "GRAD_RANGE", "GradNormWidget", "LOSS_RANGE", "STEPS"]

STEPS = 40  # gradient steps per run: a few dozen keeps one update well under 50 ms
FLOOR = 1e-12  # values are clipped here so that a zero can be drawn on a log axis
LOSS_RANGE = (1e-2, 1e3)  # fixed axes: a diverging loss leaves through the top
GRAD_RANGE = (1e-9, 1e3)  # vanishing gradients leave through the bottom


class GradNormWidget(PlotWidget):
    """Pick a learning rate and a bug; see the loss and the gradient norm of every parameter.

    The model is `course_utils.training.faults.tiny_model` (Linear -> Sigmoid -> Linear)
    trained full-batch with SGD on synthetic regression data.
    """

    figsize = (8.0, 3.0)

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "lr": widgets.FloatLogSlider(value=0.2, base=10, min=-2, max=1, step=0.1, description="lr",
                                         readout_format=".2g"),
            "bug": widgets.Dropdown(options=list(BUGS), value="none", description="bug"),
        }

    def compute(self, lr: float, bug: str) -> dict[str, Any]:
        history = train_variant(bug, lr=lr, steps=STEPS)
        return {
            "lr": lr,
            "bug": bug,
            "losses": history.losses,
            "grad_norms": history.grad_norms,
            "diverged": history.steps < STEPS,
        }

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        if not figure.axes:
            figure.set_layout_engine("none")  # the axes are placed by hand, once
            loss_ax, grad_ax = figure.subplots(
                1, 2, gridspec_kw={"left": 0.08, "right": 0.98, "bottom": 0.18, "top": 0.9, "wspace": 0.25})
            loss_ax.set_ylim(*LOSS_RANGE)
            grad_ax.set_ylim(*GRAD_RANGE)
            for ax in (loss_ax, grad_ax):
                ax.set_yscale("log")
                ax.set_xlim(0, STEPS + 1)
                ax.set_xlabel("step")
                ax.grid(True, alpha=0.3)
            grad_ax.set_title("gradient norm per parameter")
            # animated: redrawn on every update over the cached axes (see PlotWidget.render_png)
            (self._loss_line,) = loss_ax.plot([], [], color="tab:blue", animated=True)
            self._grad_lines = {name: grad_ax.plot([], [], label=name, animated=True)[0] for name in data["grad_norms"]}
            legend = grad_ax.legend(handles=list(self._grad_lines.values()), fontsize=7, loc="lower left")
            legend.set_animated(True)  # drawn after (over) the animated lines
            loss_ax.title.set_animated(True)
        loss_ax, grad_ax = figure.axes
        steps = np.arange(1, len(data["losses"]) + 1)
        self._loss_line.set_data(steps, np.clip(data["losses"], FLOOR, None))
        for name, line in self._grad_lines.items():
            norms = data["grad_norms"][name]
            line.set_data(np.arange(1, len(norms) + 1), np.clip(norms, FLOOR, None))
        loss_ax.set_title("training loss" + ("  (diverged!)" if data["diverged"] else ""))

    def describe(self, data: dict[str, Any]) -> str:
        losses = data["losses"]
        head = f"lr={data['lr']:.2g}, bug={data['bug']}: "
        if data["diverged"]:
            return head + f"the loss became inf/nan after {len(losses)} steps (it diverged)"
        medians = ", ".join(f"{name} {float(np.median(norms)):.1e}" for name, norms in data["grad_norms"].items())
        return head + (f"loss {losses[0]:.3g} -> {losses[-1]:.3g} in {len(losses)} steps | "
                       f"median gradient norms: {medians}")
