"""Exercises of notebook 01 (affine maps)."""
import torch

from course_utils.checks import Case, Exercise


def _affine(x: torch.Tensor, A: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return x @ A.T + b  # rows in, rows out: what nn.Linear computes


def _cases_affine() -> list[Case]:
    g = torch.Generator().manual_seed(11)
    r = lambda *shape: torch.randn(*shape, generator=g)  # noqa: E731
    return [
        Case((r(2, 5), r(3, 5), r(3)), label="x of shape (2, 5), A of shape (3, 5), b of shape (3,)"),
        Case((r(1, 2), r(2, 2), r(2)), label="one point in the plane, A of shape (2, 2)"),
        Case((r(4, 3), r(1, 3), r(1)), label="x of shape (4, 3), A of shape (1, 3) (one output)"),
    ]


affine_by_hand = Exercise(
    "Exercise 1 (an affine map by hand)",
    reference=_affine,
    cases=_cases_affine(),
    hint="each ROW of x is one input; nn.Linear computes x @ A.T + b (A has shape [out, in])",
)


def _compose(A: torch.Tensor, b: torch.Tensor, C: torch.Tensor, d: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return A @ C, A @ d + b  # f(g(x)) = A(Cx + d) + b = (AC)x + (Ad + b)


def _cases_compose() -> list[Case]:
    g = torch.Generator().manual_seed(12)
    r = lambda *shape: torch.randn(*shape, generator=g)  # noqa: E731
    return [
        Case((r(3, 4), r(3), r(4, 5), r(4)), label="f: R^4 -> R^3 after g: R^5 -> R^4"),
        Case((r(2, 2), r(2), r(2, 2), r(2)), label="two maps of the plane"),
        Case((r(1, 6), r(1), r(6, 2), r(6)), label="f: R^6 -> R^1 after g: R^2 -> R^6"),
    ]


compose = Exercise(
    "Exercise 2 (compose two affine maps)",
    reference=_compose,
    cases=_cases_compose(),
    hint="expand f(g(x)) = A(Cx + d) + b and collect the terms with x; return the pair (matrix, vector)",
)
