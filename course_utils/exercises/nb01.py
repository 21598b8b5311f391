"""Exercises of notebook 01 (affine maps)."""
from __future__ import annotations

import torch

from course_utils.checks import Case, Exercise


def _random(seed: int):
    g = torch.Generator().manual_seed(seed)
    return lambda *shape: torch.randn(*shape, generator=g)


# --- Exercise 1: an affine map by hand --------------------------------------------------------------
def _affine(x: torch.Tensor, A: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return x @ A.T + b  # rows in, rows out: what nn.Linear computes


def _cases_affine() -> list[Case]:
    r = _random(11)
    return [
        # Square shapes first: there the wrong conventions (x @ A, A @ x, b added to the wrong axis) give a
        # result of the right shape with the wrong values, instead of a shape error.
        Case((r(3, 3), r(3, 3), r(3)), label="x of shape (3, 3), A of shape (3, 3) (square: every product fits)"),
        Case((r(4, 3), r(3, 3), r(3)), label="x of shape (4, 3), A of shape (3, 3)"),
        Case((r(3, 5), r(3, 5), r(3)), label="x of shape (3, 5), A of shape (3, 5) (as many rows as outputs)"),
        Case((r(2, 5), r(3, 5), r(3)), label="x of shape (2, 5), A of shape (3, 5), b of shape (3,)"),
        Case((r(1, 2), r(2, 2), r(2)), label="one point in the plane, A of shape (2, 2)"),
        Case((r(4, 3), r(1, 3), r(1)), label="x of shape (4, 3), A of shape (1, 3) (one output)"),
        Case((r(0, 3), r(2, 3), r(2)), label="an empty batch: x of shape (0, 3), A of shape (2, 3)"),
    ]


affine_by_hand = Exercise(
    "Exercise 1 (an affine map by hand)",
    reference=_affine,
    cases=_cases_affine(),
    forbidden=["torch.nn.functional.linear"],
    rule="the task is to write the affine map yourself, without nn.Linear or F.linear (nn.Linear calls F.linear)",
    hints=[
        "Each ROW of x is one input, and A has shape [m, n] = [outputs, inputs], as nn.Linear's weight. "
        "Check the shapes: which product of x and A has one row per input and one column per output?",
        "Section 2 writes the batched formula for rows, with a transpose: rows of x meet rows of A. The bias is "
        "added to every row, so it must line up with the columns of the product, not with its rows.",
    ],
)


# --- Exercise 2: compose two affine maps ------------------------------------------------------------
def _compose(A: torch.Tensor, b: torch.Tensor, C: torch.Tensor, d: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return A @ C, A @ d + b  # f(g(x)) = A(Cx + d) + b = (AC)x + (Ad + b)


def _cases_compose() -> list[Case]:
    r = _random(12)
    return [
        # Square shapes first: there a wrong order or a forgotten A gives the right shapes with the wrong values.
        Case((r(2, 2), r(2), r(2, 2), r(2)), label="two maps of the plane (all square: every product fits)"),
        Case((r(3, 3), r(3), r(3, 3), r(3)), label="two maps of R^3 (all square)"),
        Case((r(3, 4), r(3), r(4, 5), r(4)), label="f: R^4 -> R^3 after g: R^5 -> R^4"),
        Case((r(1, 6), r(1), r(6, 2), r(6)), label="f: R^6 -> R^1 after g: R^2 -> R^6"),
        Case((r(2, 3), r(2), r(3, 3), r(3)), label="f: R^3 -> R^2 after g: R^3 -> R^3"),
    ]


compose = Exercise(
    "Exercise 2 (compose two affine maps)",
    reference=_compose,
    cases=_cases_compose(),
    hints=[
        "Substitute g into f: write f(g(x)) out, expand the brackets, and sort the terms into the part that "
        "multiplies x and the part that does not. Return the pair (matrix, vector).",
        "Section 3 does this expansion step by step. Matrix products do not commute: in f(g(x)), g acts first, and "
        "everything g outputs (its bias too) goes through f's matrix. Check the shapes: M is [rows of A, columns "
        "of C], and e is as long as b.",
    ],
)

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb01.py and the shared test).
SOLUTION_KEYS = {
    "affine_by_hand": ["x @ A.T + b", "x @ A.T", "A.T + b", "A.t()", "F.linear(x"],
    "compose": ["A @ C", "A @ d + b", "A @ d", "torch.matmul(A, C)"],
}
