"""Notebook 04: the derivative is the slope of the tangent line, and autograd computes it."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils._validate import require_finite_float
from course_utils.widgets.base import PlotWidget

__all__ = ["FUNCTIONS", "TangentWidget", "X_RANGE", "tangent_at"]

# The functions to choose from: name -> f (built from torch operations, so autograd can differentiate them).
FUNCTIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sin(x)": torch.sin,
    "x²/4": lambda x: x**2 / 4,
    "tanh(x)": torch.tanh,
    "x³/8 - x": lambda x: x**3 / 8 - x,
    "relu(x)": torch.relu,
}
X_RANGE = (-3.0, 3.0)  # the plotted interval


def tangent_at(name: str, x: float) -> tuple[float, float]:
    """(f(x), f'(x)) for the function called `name` in FUNCTIONS; the slope comes from autograd."""
    if name not in FUNCTIONS:
        raise ValueError(f"name must be one of {list(FUNCTIONS)}, got {name!r}")
    point = torch.tensor(require_finite_float(x, "x"), dtype=torch.float64, requires_grad=True)
    y = FUNCTIONS[name](point)
    y.backward()  # fills point.grad with dy/dx
    return float(y.detach()), float(point.grad)


class TangentWidget(PlotWidget):
    """Pick a function and a point x: see f, the point and the tangent line of slope f'(x)."""

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "function": widgets.Dropdown(options=list(FUNCTIONS), value="sin(x)", description="f"),
            "x": widgets.FloatSlider(value=1.0, min=-2.5, max=2.5, step=0.1, description="x"),
        }

    def compute(self, function: str, x: float) -> dict[str, Any]:
        y, slope = tangent_at(function, x)
        grid = torch.linspace(*X_RANGE, 121, dtype=torch.float64)
        with torch.no_grad():
            curve = FUNCTIONS[function](grid)
        tangent = y + slope * (grid - x)  # the line through (x, y) with slope f'(x)
        return {"function": function, "x": float(x), "y": y, "slope": slope,
                "grid": grid, "curve": curve, "tangent": tangent}

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        if not figure.axes:
            ax = figure.add_subplot()
            ax.set_xlim(*X_RANGE)
            ax.set_ylim(-3, 3)
            ax.set_xlabel("x")
            (self._curve,) = ax.plot([], [], color="tab:blue", label="f(x)")
            (self._tangent,) = ax.plot([], [], color="tab:orange", linestyle="--", label="tangent")
            (self._point,) = ax.plot([], [], "o", color="black")
            ax.legend(loc="upper left")
        grid = data["grid"].numpy()
        self._curve.set_data(grid, data["curve"].numpy())
        self._tangent.set_data(grid, data["tangent"].numpy())
        self._point.set_data([data["x"]], [data["y"]])
        figure.axes[0].set_title(f"f = {data['function']}, slope at x = {data['x']:.1f}: {data['slope']:.3f}")

    def describe(self, data: dict[str, Any]) -> str:
        return (f"f({data['x']:.2f}) = {data['y'] + 0.0:.4f}, "
                f"f'({data['x']:.2f}) = {data['slope'] + 0.0:.4f} (from autograd)")
