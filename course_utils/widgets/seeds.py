"""Notebook 00: the numbers a seed gives depend on the sequence and the sizes of the calls that draw them."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils._validate import require_int
from course_utils.widgets.base import PlotWidget

__all__ = ["SeedWidget", "draw_in_calls", "seeded_normals"]


def seeded_normals(seed: int, n: int) -> torch.Tensor:
    """n draws from N(0, 1) made by a generator seeded with `seed` (the global RNG is untouched)."""
    require_int(seed, "seed", minimum=0)
    require_int(n, "n", minimum=1)
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, generator=generator)


def draw_in_calls(seed: int, sizes: Sequence[int] = (3, 3)) -> list[torch.Tensor]:
    """What `torch.manual_seed(seed)` followed by `torch.randn(k)` for each k in `sizes`, in order, returns.

    seed:  the seed of a new generator of its own (the global RNG is untouched)
    sizes: how many numbers each successive call draws (default: two calls of 3, as in notebook 00)
    Returns one tensor per call.
    """
    require_int(seed, "seed", minimum=0)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError(f"sizes must be a non-empty sequence of ints, got {sizes!r}")
    for i, size in enumerate(sizes):
        require_int(size, f"sizes[{i}]", minimum=1)
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(size, generator=generator) for size in sizes]


# What the widget compares `randn(n)` (one call, right after the seed) with: label -> the sizes of the calls,
# and which call's numbers to compare (the others are drawn and thrown away).
_COMPARISONS: dict[str, Any] = {
    "randn(n) again after the same seed": lambda n: ((n,), 0),
    "n calls of randn(1)": lambda n: ((1,) * n, None),  # None: all calls, joined
    "randn(3) first, then randn(n)": lambda n: ((3, n), 1),
}


class SeedWidget(PlotWidget):
    """Draw `randn(n)` right after a seed, and the same n numbers in another sequence of calls.

    Blue dots: one call `torch.randn(n)` after `manual_seed(seed)`; orange crosses: the comparison. The
    readout says whether the two are identical: they are when the calls are the same, and they may not be
    when the sizes or the sequence of the calls differ (CPU randn switches method at 16 numbers).
    """

    figsize = (5.6, 3.0)

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "seed": widgets.IntSlider(value=1, min=0, max=20, description="seed"),
            "n": widgets.IntSlider(value=10, min=1, max=32, description="n"),
            "compare": widgets.Dropdown(
                options=list(_COMPARISONS), value="n calls of randn(1)", description="compare with",
                layout=widgets.Layout(width="330px"), style={"description_width": "80px"},
            ),
        }

    def compute(self, seed: int, n: int, compare: str) -> dict[str, Any]:
        one_call = draw_in_calls(seed, [n])[0]
        sizes, which = _COMPARISONS[compare](n)
        calls = draw_in_calls(seed, list(sizes))
        other = torch.cat(calls) if which is None else calls[which]
        return {
            "seed": seed, "n": n, "compare": compare, "one_call": one_call, "other": other,
            "identical": bool(torch.equal(one_call, other)),
        }

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        index = torch.arange(1, data["n"] + 1)
        if not figure.axes:  # first call: create the axes and the markers once
            ax = figure.add_subplot()
            self._one = ax.plot([], [], "o", color="tab:blue", markersize=7, label="randn(n), one call")[0]
            self._other = ax.plot([], [], "x", color="tab:orange", markersize=7, mew=2, label="compared with")[0]
            ax.set_xlim(0, 33)
            ax.set_ylim(-4, 4)  # seeds 0..20, n <= 32: every draw lies within ±3.6
            ax.set_xlabel("position in the draw")
            ax.set_ylabel("value")
            ax.legend(loc="lower right", fontsize=8, ncol=2)
        ax = figure.axes[0]
        self._one.set_data(index.tolist(), data["one_call"].tolist())
        self._other.set_data(index.tolist(), data["other"].tolist())
        self._other.set_label(data["compare"])
        ax.legend(loc="lower right", fontsize=8, ncol=2)
        ax.set_title(f"seed {data['seed']}, n = {data['n']}", fontsize=10)

    def describe(self, data: dict[str, Any]) -> str:
        def first(t: torch.Tensor) -> str:
            return ", ".join(f"{v:.4f}" for v in t[:3].tolist()) + (" …" if len(t) > 3 else "")

        verdict = "identical" if data["identical"] else "NOT identical"
        return (f"randn({data['n']}): {first(data['one_call'])} | {data['compare']}: {first(data['other'])} "
                f"| {verdict}")
