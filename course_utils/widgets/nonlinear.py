"""Notebook 02: how much gradient a non-linearity lets through when its inputs have spread s."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils.analysis.activations import ACTIVATIONS, derivative, mean_derivative, mean_derivatives
from course_utils.widgets.base import PlotWidget

__all__ = ["NonlinearityWidget", "SCALES", "X_RANGE"]

X_RANGE = 10.0  # the left plot shows z in [-X_RANGE, X_RANGE]
SCALES = torch.logspace(-1, 1, 41).tolist()  # the pre-activation stds s of the right plot's curve (0.1 to 10)


class NonlinearityWidget(PlotWidget):
    """Pick an activation f and the spread s of its inputs z ~ N(0, s^2).

    Left: f'(z) and the density of the inputs. Right: the average gradient factor E[f'(z)] as a function
    of s, with the chosen s marked. The readout gives E[f'(z)] at the chosen s.
    """

    figsize = (8.0, 3.2)

    def __init__(self, **initial: Any) -> None:
        self._curves: dict[str, list[float]] = {}  # function -> E[f'] at every s of SCALES (computed once)
        super().__init__(**initial)

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "function": widgets.Dropdown(options=list(ACTIVATIONS), value="sigmoid", description="function"),
            "scale": widgets.FloatSlider(value=1.0, min=0.1, max=10.0, step=0.1, description="input std s"),
        }

    def compute(self, function: str, scale: float) -> dict[str, Any]:
        z = torch.linspace(-X_RANGE, X_RANGE, 400)
        if function not in self._curves:
            self._curves[function] = mean_derivatives(function, SCALES)
        return {
            "function": function,
            "scale": scale,
            "z": z,
            "grad": derivative(function, z),  # autograd
            "density": torch.exp(-0.5 * (z / scale) ** 2),  # N(0, s^2), scaled to a peak of 1
            "scales": SCALES,
            "curve": self._curves[function],
            "mean_grad": mean_derivative(function, scale),  # E[f'(z)], z ~ N(0, s^2)
            "grad_at_0": derivative(function, torch.zeros(1)).item(),  # f'(0): the limit of E[f'(z)] as s -> 0
        }

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        if not figure.axes:
            left, right = figure.subplots(1, 2)
            left.set_xlabel("z")
            left.set_xlim(-X_RANGE, X_RANGE)
            left.set_ylim(-0.2, 1.15)  # gelu and silu dip below 0
            (self._grad,) = left.plot([], [], color="tab:orange", lw=2, label="f'(z) (autograd)")
            (self._density,) = left.plot([], [], color="tab:blue", lw=1, label="density of z (peak = 1)")
            left.legend(loc="upper left", fontsize=7)
            right.set_xscale("log")
            right.set_xlabel("input std s")
            right.set_ylabel("E[f'(z)]")
            right.set_ylim(0, 1.05)
            (self._curve,) = right.plot([], [], color="tab:orange", lw=2)
            (self._dot,) = right.plot([], [], "o", color="black", ms=6)
        left, right = figure.axes
        z = data["z"].numpy()
        self._grad.set_data(z, data["grad"].numpy())
        self._density.set_data(z, data["density"].numpy())
        self._curve.set_data(data["scales"], data["curve"])
        self._dot.set_data([data["scale"]], [data["mean_grad"]])
        right.set_xlim(data["scales"][0], data["scales"][-1])
        left.set_title(f"{data['function']}'(z), z ~ N(0, {data['scale']:.1f}²)", fontsize=9)
        right.set_title(f"average gradient factor of {data['function']}", fontsize=9)

    def describe(self, data: dict[str, Any]) -> str:
        return (f"{data['function']}: E[f'(z)] = {data['mean_grad']:.3f} for z ~ N(0, {data['scale']:.1f}²); "
                f"{data['function']}'(0) = {data['grad_at_0']:.3f} (the limit as s -> 0)")
