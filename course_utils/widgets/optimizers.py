"""Notebook 05: pick an optimizer, a learning rate and a momentum, watch its path on a 2-D loss surface."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from course_utils.training.surfaces import (
    DIVERGED,
    GOOD_LR,
    MOMENTUM,
    OPTIMIZERS,
    SURFACES,
    contour_grid,
    losses_along,
    trajectory,
)
from course_utils.widgets.base import PlotWidget

__all__ = ["LOSS_FLOOR", "OptimizerWidget", "STEPS"]

STEPS = 60  # optimizer steps per trajectory
LOSS_FLOOR = 1e-8  # the loss axis is logarithmic; smaller losses are drawn at this floor


class OptimizerWidget(PlotWidget):
    """Left: the contour of a loss surface and the optimizer's path. Right: the loss at each step.

    The contour is drawn once per surface; moving the controls only updates the two lines.
    """

    figsize = (8.0, 3.2)

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            # the momentum mu of "Momentum" (the other optimizers ignore it)
            "momentum": widgets.FloatSlider(value=MOMENTUM, min=0.0, max=0.99, step=0.01, description="μ (Momentum)",
                                            readout_format=".2f"),
            "optimizer": widgets.Dropdown(options=list(OPTIMIZERS), value="SGD", description="optimizer"),
            "lr": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=2, step=0.1, description="lr",
                                         readout_format=".3g"),
            "surface": widgets.Dropdown(options=list(SURFACES), value="elongated bowl", description="surface"),
        }

    @classmethod
    def example(cls) -> OptimizerWidget:
        """Momentum on the bowl: there every control, the μ slider included, changes the picture."""
        return cls(optimizer="Momentum", lr=0.05)

    def compute(self, optimizer: str, lr: float, surface: str, momentum: float = MOMENTUM) -> dict[str, Any]:
        start = SURFACES[surface][1]
        path = trajectory(optimizer, float(lr), STEPS, start, surface, momentum=float(momentum))
        losses = losses_along(path, surface)
        finite = torch.isfinite(losses)
        diverged_at = None if bool(finite.all()) else int((~finite).nonzero()[0, 0])
        return {"optimizer": optimizer, "lr": float(lr), "surface": surface, "momentum": float(momentum),
                "path": path, "losses": losses, "diverged_at": diverged_at}

    def _draw_surface(self, figure: Figure, surface: str) -> None:
        left, right = figure.axes
        for artist in list(left.collections):  # the previous surface's contour, if any
            artist.remove()
        X, Y, Z = contour_grid(surface)
        levels = np.logspace(-2, np.log10(float(Z.max())), 15)
        left.contour(X.numpy(), Y.numpy(), Z.numpy(), levels=levels, cmap="viridis", linewidths=0.8)
        x0, x1, y0, y1 = SURFACES[surface][2]
        left.set_xlim(x0, x1)
        left.set_ylim(y0, y1)
        self._minimum.set_data([SURFACES[surface][3][0]], [SURFACES[surface][3][1]])
        self._surface = surface

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        if not figure.axes:
            left, right = figure.subplots(1, 2)
            left.set_xlabel("x")
            left.set_ylabel("y")
            # animated: redrawn on every update over the cached contour (see PlotWidget.render_png)
            (self._path,) = left.plot([], [], ".-", color="tab:red", markersize=3, linewidth=1, animated=True)
            (self._minimum,) = left.plot([], [], "*", color="black", markersize=10)
            right.set_yscale("log")
            right.set_xlim(0, STEPS)
            right.set_ylim(LOSS_FLOOR, 1e4)
            right.set_xlabel("step")
            right.set_ylabel("loss")
            (self._loss,) = right.plot([], [], color="tab:red", animated=True)
            left.title.set_animated(True)
            self._surface = None
        if data["surface"] != self._surface:
            self._draw_surface(figure, data["surface"])
        path = data["path"].numpy()
        self._path.set_data(path[:, 0], path[:, 1])
        losses = data["losses"].clamp(min=LOSS_FLOOR).numpy()
        self._loss.set_data(np.arange(len(losses)), losses)
        figure.axes[0].set_title(self._name(data))

    @staticmethod
    def _name(data: dict[str, Any]) -> str:
        """e.g. "Momentum (μ = 0.9), lr = 0.05": the momentum is named only where it is used."""
        mu = f" (μ = {data['momentum']:.2f})" if data["optimizer"] == "Momentum" else ""
        return f"{data['optimizer']}{mu}, lr = {data['lr']:.3g}"

    def background_key(self, data: dict[str, Any]) -> Any:
        return data["surface"]  # the contour is the static part

    def describe(self, data: dict[str, Any]) -> str:
        name, losses = self._name(data), data["losses"]
        first = float(losses[0])
        if data["diverged_at"] is not None:
            return (f"{name}: diverged, at step {data['diverged_at']} a coordinate went beyond {DIVERGED:.0e} or "
                    "became nan (the run stops there): try a smaller lr")
        last = float(losses[-1])
        good = GOOD_LR[data["surface"]][data["optimizer"]]
        if last > first:
            return (f"{name}: the loss grew from {first:.3f} to {last:.3g} in {STEPS} steps: diverging, "
                    "try a smaller lr")
        return (f"{name}: loss {first:.3f} -> {last:.2e} after {STEPS} steps (a good start for this optimizer: "
                f"lr={good:g})")
