"""Notebook 00: the same seed gives the same random numbers."""
from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils._validate import require_int
from course_utils.widgets.base import PlotWidget

__all__ = ["SeedWidget", "seeded_normals"]


def seeded_normals(seed: int, n: int) -> torch.Tensor:
    """n draws from N(0, 1) made by a generator seeded with `seed` (the global RNG is untouched)."""
    require_int(seed, "seed", minimum=0)
    require_int(n, "n", minimum=1)
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, generator=generator)


class SeedWidget(PlotWidget):
    """Pick a seed and a sample size; see the histogram and the first numbers.

    Move the seed away and back: the numbers come back exactly.
    """

    bins = 30  # histogram bars over [-4, 4]

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "seed": widgets.IntSlider(value=1, min=0, max=20, description="seed"),
            "n": widgets.IntSlider(value=200, min=10, max=2000, step=10, description="samples"),
        }

    def compute(self, seed: int, n: int) -> dict[str, Any]:
        samples = seeded_normals(seed, n)
        again = seeded_normals(seed, n)  # a second draw with the same seed
        return {"samples": samples, "identical": bool(torch.equal(samples, again)), "seed": seed}

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        counts = torch.histc(data["samples"], bins=self.bins, min=-4, max=4)
        if not figure.axes:  # first call: create the axes and the bars once
            ax = figure.add_subplot()
            edges = torch.linspace(-4, 4, self.bins + 1)
            self._bars = ax.bar(edges[:-1].tolist(), counts.tolist(), width=8 / self.bins, align="edge")
            ax.set_xlim(-4, 4)
            ax.set_xlabel("value")
            ax.set_ylabel("count")
        ax = figure.axes[0]
        for bar, count in zip(self._bars, counts.tolist(), strict=True):
            bar.set_height(count)
        ax.set_ylim(0, max(counts.max().item(), 1.0) * 1.1)
        ax.set_title(f"{len(data['samples'])} draws of torch.randn, seed {data['seed']}")

    def describe(self, data: dict[str, Any]) -> str:
        first = ", ".join(f"{v:.4f}" for v in data["samples"][:4].tolist())
        return f"first values: {first} … | same seed again gives identical numbers: {data['identical']}"
