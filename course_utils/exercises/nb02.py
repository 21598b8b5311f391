"""Exercises of notebook 02 (non-linearities)."""
import torch

from course_utils.activations import closed_form_derivative
from course_utils.checks import Case, Exercise


def _sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    return closed_form_derivative("sigmoid", x)  # sigma'(x) = sigma(x) (1 - sigma(x))


_INPUTS = [
    Case((torch.linspace(-6.0, 6.0, 13),), label="13 points from -6 to 6"),
    Case((torch.tensor([[0.0, 1.0], [-2.0, 30.0]]),), label="a 2x2 matrix with a large entry (30)"),
    Case((torch.tensor([-0.5404, -2.2102, 2.1130, -0.0040]),), label="the tutorial's four numbers"),
]

sigmoid_derivative = Exercise(
    "Exercise 1 (the derivative of sigmoid)",
    reference=_sigmoid_derivative,
    cases=_INPUTS,
    hint="sigma'(x) = sigma(x) * (1 - sigma(x)); compute sigma(x) with torch.sigmoid first",
)


def _relu(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def _keeps_dtype(answer) -> str | None:
    """relu(x) of a float64 tensor must stay float64 (e.g. no hidden float32 zeros tensor)."""
    if not callable(answer):
        return None  # the case checks report it
    x = torch.tensor([-3.0, 0.0, 2.5], dtype=torch.float64)
    got = answer(x.clone())
    if isinstance(got, torch.Tensor) and got.dtype != x.dtype:
        return f"on a float64 input, the result has dtype {got.dtype}: keep the input's dtype"
    return None


relu = Exercise(
    "Exercise 2 (ReLU by hand)",
    reference=_relu,
    cases=_INPUTS,
    hint="ReLU(x) = max(0, x) element-wise: try torch.clamp(x, min=0) or torch.where(x > 0, x, 0.0)",
    check_fn=_keeps_dtype,
)
