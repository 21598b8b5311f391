"""Notebook 01: an affine map f(x) = Ax + b acting on a grid of points in the plane."""
from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils._validate import require_int, require_positive_float, require_tensor
from course_utils.widgets.base import PlotWidget

__all__ = ["AffineWidget", "affine_rows", "grid_points", "letter_f"]


def grid_points(n: int = 9, extent: float = 1.0) -> torch.Tensor:
    """An n x n grid of points covering [-extent, extent]^2, one point per ROW: shape [n*n, 2].

    n:      points per side (at least 2)
    extent: half the side of the square
    """
    require_int(n, "n", minimum=2)
    extent = require_positive_float(extent, "extent")
    ticks = torch.linspace(-extent, extent, n)
    xs, ys = torch.meshgrid(ticks, ticks, indexing="xy")
    return torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1)


def letter_f() -> torch.Tensor:
    """The corners of a letter "F" inside [-1, 1]^2, in drawing order, one point per ROW: shape [6, 2].

    The F has no mirror symmetry, so a map that flips the plane shows it as a mirrored F. The path runs
    along the middle bar twice, so one unbroken line draws the whole letter.
    """
    return torch.tensor([[0.5, 1.0], [-0.5, 1.0], [-0.5, 0.1], [0.2, 0.1], [-0.5, 0.1], [-0.5, -1.0]])


def affine_rows(points: torch.Tensor, A: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Apply f(x) = Ax + b to every ROW x of `points`, as nn.Linear does: points @ A.T + b.

    points: [N, d_in]
    A:      [d_out, d_in]
    b:      [d_out]
    """
    require_tensor(points, "points", floating=True, ndim=2)
    require_tensor(A, "A", floating=True, ndim=2)
    require_tensor(b, "b", floating=True, ndim=1)
    if A.shape[1] != points.shape[1]:
        raise ValueError(
            f"A must have {points.shape[1]} columns (one per input coordinate), got shape {tuple(A.shape)}")
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"b must have {A.shape[0]} entries (one per row of A), got shape {tuple(b.shape)}")
    return points @ A.T + b


class AffineWidget(PlotWidget):
    """Move the four entries of A and the two of b; watch a grid and a letter F move.

    Grey: the grid and the F before; blue: after. The F has no mirror symmetry, so a flip (det A < 0)
    shows as a mirrored F. Arrows: where the basis vectors e1, e2 go (columns of A), drawn from b.
    The axes grow with the picture, so the whole image is always in view.
    """

    figsize = (4.6, 4.0)
    min_limit = 2.0  # the axes show at least [-2, 2]^2, more when the image reaches further

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        def slider(name: str, value: float) -> widgets.FloatSlider:
            return widgets.FloatSlider(
                value=value, min=-2.0, max=2.0, step=0.1, description=name,
                readout_format=".1f", layout=widgets.Layout(width="240px"),
                style={"description_width": "40px"},
            )

        return {
            "a11": slider("a11", 1.0), "a12": slider("a12", 0.0), "b1": slider("b1", 0.0),
            "a21": slider("a21", 0.0), "a22": slider("a22", 1.0), "b2": slider("b2", 0.0),
        }

    def __init__(self, **initial: Any) -> None:
        super().__init__(**initial)
        self.children[0].layout.flex_flow = "row wrap"  # six sliders: two rows of three
        self.children[0].layout.width = "760px"

    def compute(self, a11: float, a12: float, a21: float, a22: float, b1: float, b2: float) -> dict[str, Any]:
        A = torch.tensor([[a11, a12], [a21, a22]])
        b = torch.tensor([b1, b2])
        points, letter = grid_points(9, 1.0), letter_f()
        transformed = affine_rows(points, A, b)
        det = float(torch.linalg.det(A))  # how areas scale (negative: the plane is flipped)
        # Entries are multiples of 0.1, so det is 0 or at least 0.01 away from it; 1e-6 absorbs rounding.
        rank = 0 if not A.any() else 1 if abs(det) < 1e-6 else 2
        tips = torch.stack([b, b + A[:, 0], b + A[:, 1]])  # where the arrows start and end
        reach = float(torch.cat([transformed, tips]).abs().max())
        return {
            "A": A,
            "b": b,
            "points": points,
            "transformed": transformed,
            "letter": letter,
            "letter_moved": affine_rows(letter, A, b),
            "det": det,
            "rank": rank,
            "limit": max(self.min_limit, math.ceil(reach * 1.1 * 2) / 2),  # half-units, 10% margin
        }

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        moved, letter = data["transformed"].numpy(), data["letter_moved"].numpy()
        if not figure.axes:
            ax = figure.add_subplot()
            ax.set_aspect("equal")
            ax.scatter(*data["points"].numpy().T, s=8, color="0.8", label="x")
            ax.plot(*data["letter"].numpy().T, color="0.6", lw=2, linestyle="--")
            self._moved = ax.scatter(*moved.T, s=12, color="tab:blue", alpha=0.5, label="Ax + b")
            self._letter = ax.plot(*letter.T, color="tab:blue", lw=3)[0]
            self._e1, self._e2 = (
                ax.annotate("", xy=(0, 0), xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": color, "lw": 2})
                for color in ("tab:red", "tab:orange")
            )
            ax.legend(loc="upper left", fontsize=8)
        ax = figure.axes[0]
        ax.set_xlim(-data["limit"], data["limit"])
        ax.set_ylim(-data["limit"], data["limit"])
        self._moved.set_offsets(moved)
        self._letter.set_data(*letter.T)
        b, A = data["b"].numpy(), data["A"].numpy()
        for arrow, column in ((self._e1, A[:, 0]), (self._e2, A[:, 1])):
            arrow.xy = tuple(b + column)
            arrow.set_position(tuple(b))
        ax.set_title(f"f(x) = Ax + b,  det A = {data['det'] + 0.0:.2f}")

    def describe(self, data: dict[str, Any]) -> str:
        (a11, a12), (a21, a22) = (data["A"] + 0.0).tolist()  # + 0.0: never print -0.0
        b1, b2 = (data["b"] + 0.0).tolist()
        det = data["det"] + 0.0
        if data["rank"] == 0:
            kind = "det A = 0: it collapses the whole plane onto one point (b)"
        elif data["rank"] == 1:
            kind = "det A = 0: it collapses the plane onto a line; points that differ can land on the same image"
        elif det < 0:
            kind = "det A < 0: it flips the plane (the F is mirrored)"
        else:
            kind = "det A > 0: it keeps orientation"
        return (f"A = [[{a11:.1f}, {a12:.1f}], [{a21:.1f}, {a22:.1f}]], b = [{b1:.1f}, {b2:.1f}] | "
                f"areas scale by |det A| = {abs(det):.2f}; {kind}")
