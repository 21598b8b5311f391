"""Notebook 02: how much gradient a non-linearity lets through when its inputs have spread s."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils.analysis.activations import (
    ACTIVATIONS,
    derivative,
    mean_derivative,
    mean_derivatives,
    rms_derivative,
    rms_derivatives,
)
from course_utils.widgets.base import PlotWidget

__all__ = ["NonlinearityWidget", "SCALES", "X_RANGE"]

X_RANGE = 10.0  # the left plot shows z in [-X_RANGE, X_RANGE]
SCALES = torch.logspace(-1, 1, 41).tolist()  # the pre-activation stds s of the right plot's curves (0.1 to 10)
SMALL_S = 1e-6  # E[f'] at this s stands for its limit as s -> 0: f'(0) for a smooth f, (f'(0-) + f'(0+)) / 2 at a kink


class NonlinearityWidget(PlotWidget):
    """Pick an activation f and the spread s of its inputs z ~ N(0, s^2).

    Left: f'(z) and the density of the inputs. Right: the average gradient factor E[f'(z)] and its root mean
    square sqrt(E[f'(z)^2]) (what sets a gradient's size through many layers) as functions of s, with the chosen
    s marked. The readout gives both at the chosen s, and the limit of E[f'(z)] as s -> 0.
    """

    figsize = (8.0, 3.2)

    def __init__(self, **initial: Any) -> None:
        self._curves: dict[str, tuple[list[float], list[float]]] = {}  # function -> (E[f'], rms f') on SCALES
        super().__init__(**initial)

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "function": widgets.Dropdown(options=list(ACTIVATIONS), value="sigmoid", description="function"),
            # a log slider under the log axis: 10^-1 to 10^1 in steps of 10^0.05, the grid of SCALES
            "scale": widgets.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05, description="input std s",
                                            readout_format=".3g"),
        }

    def compute(self, function: str, scale: float) -> dict[str, Any]:
        z = torch.linspace(-X_RANGE, X_RANGE, 400)
        if function not in self._curves:
            self._curves[function] = (mean_derivatives(function, SCALES), rms_derivatives(function, SCALES))
        return {
            "function": function,
            "scale": scale,
            "z": z,
            "grad": derivative(function, z),  # autograd
            "density": torch.exp(-0.5 * (z / scale) ** 2),  # N(0, s^2), scaled to a peak of 1
            "scales": SCALES,
            "curve": self._curves[function][0],
            "rms_curve": self._curves[function][1],
            "mean_grad": mean_derivative(function, scale),  # E[f'(z)], z ~ N(0, s^2)
            "rms_grad": rms_derivative(function, scale),  # sqrt(E[f'(z)^2])
            "small_s_limit": mean_derivative(function, SMALL_S),  # the limit of E[f'(z)] as s -> 0
        }

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        if not figure.axes:
            # Animated: every line and text that a control changes, drawn over a cached picture of the axes
            # (PlotWidget.render_png): no control changes the static part, so it is drawn once.
            left, right = figure.subplots(1, 2)
            left.set_xlabel("z")
            left.set_xlim(-X_RANGE, X_RANGE)
            left.set_ylim(-0.2, 1.15)  # gelu and silu dip below 0
            (self._grad,) = left.plot([], [], color="tab:orange", lw=2, label="f'(z) (autograd)", animated=True)
            (self._density,) = left.plot([], [], color="tab:blue", lw=1, label="density of z (peak = 1)", animated=True)
            left.legend(loc="upper left", fontsize=7).set_animated(True)  # drawn after (over) the lines
            right.set_xscale("log")
            right.set_xlabel("input std s")
            right.set_ylim(0, 1.05)
            (self._curve,) = right.plot([], [], color="tab:orange", lw=2, label="E[f'(z)]", animated=True)
            (self._rms_curve,) = right.plot([], [], "--", color="tab:purple", lw=1.5, label="sqrt(E[f'(z)²])",
                                            animated=True)
            (self._dot,) = right.plot([], [], "o", color="black", ms=6, animated=True)
            (self._rms_dot,) = right.plot([], [], "o", color="tab:purple", ms=4, animated=True)
            right.legend(loc="upper right", fontsize=7).set_animated(True)
            left.title.set_animated(True)  # they name the function and s
            right.title.set_animated(True)
        left, right = figure.axes
        z = data["z"].numpy()
        self._grad.set_data(z, data["grad"].numpy())
        self._density.set_data(z, data["density"].numpy())
        self._curve.set_data(data["scales"], data["curve"])
        self._rms_curve.set_data(data["scales"], data["rms_curve"])
        self._dot.set_data([data["scale"]], [data["mean_grad"]])
        self._rms_dot.set_data([data["scale"]], [data["rms_grad"]])
        right.set_xlim(data["scales"][0] / 1.3, data["scales"][-1] * 1.3)  # room for the whole dot at both ends
        left.set_title(f"{data['function']}'(z), z ~ N(0, {data['scale']:.3g}²)", fontsize=9)
        right.set_title(f"gradient factor of {data['function']}: mean and root mean square", fontsize=9)

    def describe(self, data: dict[str, Any]) -> str:
        return (f"{data['function']}: E[f'(z)] = {data['mean_grad']:.3f}, sqrt(E[f'(z)²]) = {data['rms_grad']:.3f} "
                f"for z ~ N(0, {data['scale']:.3g}²); E[f'(z)] -> {data['small_s_limit']:.3f} as s -> 0")
