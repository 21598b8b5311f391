"""Notebook 02: a non-linearity and its derivative over a range of inputs you choose."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils.analysis.activations import ACTIVATIONS, derivative
from course_utils.widgets.base import PlotWidget

__all__ = ["NonlinearityWidget", "SMALL_GRADIENT"]

SMALL_GRADIENT = 0.01  # below this, we call the gradient "vanished"


class NonlinearityWidget(PlotWidget):
    """Pick tanh / sigmoid / relu and the input range [-scale, scale]; see f and f'.

    The readout says where the gradient is largest and on which share of the
    range it is below 0.01 (where learning nearly stops).
    """

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "function": widgets.Dropdown(options=list(ACTIVATIONS), value="sigmoid", description="function"),
            "scale": widgets.FloatSlider(value=4.0, min=1.0, max=20.0, step=0.5, description="input scale"),
        }

    def compute(self, function: str, scale: float) -> dict[str, Any]:
        x = torch.linspace(-scale, scale, 401)
        y = ACTIVATIONS[function](x)
        grad = derivative(function, x)  # autograd
        return {
            "function": function,
            "scale": scale,
            "x": x,
            "y": y,
            "grad": grad,
            "max_grad": grad.max().item(),
            "small_share": (grad < SMALL_GRADIENT).float().mean().item(),  # share of the range with a tiny gradient
        }

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        if not figure.axes:
            ax = figure.add_subplot()
            ax.set_xlabel("x")
            (self._f,) = ax.plot([], [], color="tab:blue", lw=2, label="f(x)")
            (self._g,) = ax.plot([], [], color="tab:orange", lw=2, linestyle="--", label="f'(x) (autograd)")
            ax.axhline(0, color="0.6", lw=0.8)
            ax.legend(loc="upper left", fontsize=8)
        ax = figure.axes[0]
        x = data["x"].numpy()
        self._f.set_data(x, data["y"].numpy())
        self._g.set_data(x, data["grad"].numpy())
        top = max(data["y"].max().item(), 1.0)
        bottom = min(data["y"].min().item(), 0.0)
        ax.set_xlim(-data["scale"], data["scale"])
        ax.set_ylim(bottom - 0.1 * (top - bottom), top + 0.1 * (top - bottom))
        ax.set_title(f"{data['function']} on [-{data['scale']:.1f}, {data['scale']:.1f}]")

    def describe(self, data: dict[str, Any]) -> str:
        return (f"{data['function']}: largest gradient {data['max_grad']:.3f}; "
                f"gradient < {SMALL_GRADIENT} on {100 * data['small_share']:.0f}% of the range")
