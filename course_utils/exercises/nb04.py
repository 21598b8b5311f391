"""Exercises of notebook 04 (autograd and computation graphs)."""
from __future__ import annotations

import torch
from torch.autograd.gradcheck import GradcheckError

from course_utils.checks import Case, Exercise


def _grad_by_autograd(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """dL/dw for L = mean((w*x - y)^2), computed by autograd (the oracle)."""
    w = w.detach().clone().requires_grad_(True)
    loss = ((w * x - y) ** 2).mean()
    loss.backward()
    return w.grad


_gen = torch.Generator().manual_seed(4)
grad_by_hand = Exercise(
    "Exercise 1 (a gradient by hand)",
    reference=_grad_by_autograd,
    cases=[
        Case((torch.tensor(2.0), torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 1.0, 1.0])), label="w=2, x=[1,2,3], y=[1,1,1]"),
        Case((torch.tensor(0.0), torch.tensor([1.0, -1.0]), torch.tensor([0.5, 2.0])), label="w=0, x=[1,-1], y=[0.5,2]"),
        Case((torch.tensor(-0.7), torch.randn(10, generator=_gen), torch.randn(10, generator=_gen)), label="w=-0.7 and 10 random points"),
    ],
    hint="use the chain rule on each term (w*x_i - y_i)^2, then take the mean over i; return a tensor",
)


def _cube_gradcheck(cube: object) -> str | None:
    """Run the student's Cube Function through a forward check and gradcheck."""
    if not (isinstance(cube, type) and issubclass(cube, torch.autograd.Function)):
        return f"expected your class Cube (a torch.autograd.Function), got a {type(cube).__name__}"
    x = torch.tensor([-1.5, -0.2, 0.0, 0.7, 2.0], dtype=torch.float64, requires_grad=True)
    y = cube.apply(x)
    if not isinstance(y, torch.Tensor) or not torch.allclose(y, x.detach() ** 3):
        return "forward should return x ** 3 (keep the forward as given)"
    y.sum().backward()
    if x.grad is None:
        return "your backward returned None for x: replace the `...` with your code and `return` the gradient"
    try:
        torch.autograd.gradcheck(cube.apply, (x.detach().clone().requires_grad_(True),), eps=1e-6, atol=1e-5)
    except GradcheckError:
        return "gradcheck failed: your backward's gradient differs from the numerical one"
    return None


cube_backward = Exercise(
    "Exercise 2 (write a backward)",
    reference=None,
    check_fn=_cube_gradcheck,
    hint="backward gets dL/dy (grad_output) and returns dL/dx = dL/dy * dy/dx; what is dy/dx for y = x³?",
)
