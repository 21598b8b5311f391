"""Notebook 03: softmax with a temperature, softmax(logits / T), as a bar chart."""
from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils._validate import require_finite_float, require_positive_float, require_tensor
from course_utils.scratch.functions import softmax
from course_utils.widgets.base import PlotWidget

__all__ = ["TUTORIAL_LOGITS", "TemperatureWidget", "entropy", "softmax_with_temperature"]

# The tutorial's softmax example: torch.randn(5) in its seeded session.
TUTORIAL_LOGITS = (1.3800, -1.3505, 0.3455, 0.5046, 1.8213)
TEMPERATURE_RANGE = (0.1, 10.0)  # the temperature slider's range (log scale)
FIRST_LOGIT_RANGE = (-3.0, 5.0)  # the logit 0 slider's range


def softmax_with_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(logits / T) along the last dimension.

    logits:      floating tensor of raw scores
    temperature: T > 0; T < 1 sharpens the distribution, T > 1 flattens it
    """
    require_tensor(logits, "logits", floating=True)
    if logits.dim() == 0 or logits.shape[-1] == 0:
        raise ValueError(f"logits must have at least one entry in its last dimension, got shape {tuple(logits.shape)}")
    temperature = require_positive_float(temperature, "temperature")
    return softmax(logits / temperature, dim=-1)


def entropy(probs: torch.Tensor) -> float:
    """Entropy -sum p log p of one distribution, in nats (0 * log 0 counts as 0)."""
    require_tensor(probs, "probs", floating=True, ndim=1)
    return torch.special.entr(probs).sum().item() + 0.0  # entr(p) = -p log p, and 0 at p = 0


class TemperatureWidget(PlotWidget):
    """Bars of softmax(logits / T) for the tutorial's five logits.

    Move the temperature (log scale, 0.1 to 10) and the first logit; the title gives the entropy
    (uniform = log 5 = 1.61 nats), the readout the largest probability and the entropy.
    """

    def __init__(self, **initial: Any) -> None:
        """initial: starting values, within the sliders' ranges

        temperature: T, from 0.1 to 10 (default 1)
        first_logit: the score of class 0, from -3 to 5 (default the tutorial's 1.38)
        """
        # A slider would silently clamp a value outside its range (0 would become 0.1): refuse it instead.
        for name, (low, high) in (("temperature", TEMPERATURE_RANGE), ("first_logit", FIRST_LOGIT_RANGE)):
            if name in initial:
                value = require_finite_float(initial[name], name)
                if not low <= value <= high:
                    raise ValueError(f"{name} must be between {low:g} and {high:g} (the slider's range), got {value:g}")
        super().__init__(**initial)

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        (t_low, t_high), (l_low, l_high) = TEMPERATURE_RANGE, FIRST_LOGIT_RANGE
        return {
            "temperature": widgets.FloatLogSlider(value=1.0, base=10, min=math.log10(t_low), max=math.log10(t_high),
                                                  step=0.05, description="temperature", readout_format=".2f"),
            "first_logit": widgets.FloatSlider(value=TUTORIAL_LOGITS[0], min=l_low, max=l_high, step=0.1,
                                               description="logit 0", readout_format=".2f"),
        }

    def compute(self, temperature: float, first_logit: float) -> dict[str, Any]:
        logits = torch.tensor((first_logit,) + TUTORIAL_LOGITS[1:])
        probs = softmax_with_temperature(logits, temperature)
        return {
            "logits": logits,
            "temperature": temperature,
            "probs": probs,
            "top": int(probs.argmax()),
            "entropy": entropy(probs),
            "max_entropy": math.log(len(probs)),  # entropy of the uniform distribution
        }

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        probs = data["probs"].tolist()
        if not figure.axes:
            ax = figure.add_subplot()
            self._bars = ax.bar(range(len(probs)), probs, color="tab:blue")
            ax.axhline(1 / len(probs), color="0.5", linestyle="--", lw=1, label="uniform")
            ax.set_ylim(0, 1)
            ax.set_xticks(range(len(probs)))
            ax.set_xlabel("class")
            ax.set_ylabel("probability")
            # Outside the axes: inside, a bar near 1 (small T) would hide it or be hidden by it.
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        ax = figure.axes[0]
        for i, (bar, p) in enumerate(zip(self._bars, probs, strict=True)):
            bar.set_height(p)
            bar.set_color("tab:orange" if i == data["top"] else "tab:blue")
        ax.set_title(self.title(data), fontsize=10)

    @staticmethod
    def title(data: dict[str, Any]) -> str:
        """The figure's title: T and the entropy, so that the picture alone (a static page) shows them too."""
        return (f"softmax(logits / T), T = {data['temperature']:.2f}\n"
                f"entropy {data['entropy']:.3f} nats (uniform: {data['max_entropy']:.3f})")

    def describe(self, data: dict[str, Any]) -> str:
        return (f"T = {data['temperature']:.2f}: largest probability {data['probs'].max():.3f} (class {data['top']}); "
                f"entropy {data['entropy']:.3f} nats (uniform: {data['max_entropy']:.3f})")
