"""Exercises of notebook 04 (autograd and computation graphs)."""
from __future__ import annotations

import copy
import inspect
from typing import Any

import torch

from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, NotAttempted, StudentError, call_student, compare
from course_utils.checks.compare import article
from course_utils.checks.guards import is_empty_function, same_code

# Autograd in every form, reverse and forward mode: the tasks of this notebook are to do its work by hand.
_AUTOGRAD = [
    "torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad",
    # torch.func: reverse mode, forward mode (jvp, jacfwd, linearize) and both (hessian)
    "torch.func.grad", "torch.func.grad_and_value", "torch.func.vjp", "torch.func.jacrev",
    "torch.func.jvp", "torch.func.jacfwd", "torch.func.linearize", "torch.func.hessian",
    # forward-mode AD with dual numbers
    "torch.autograd.forward_ad.dual_level", "torch.autograd.forward_ad.enter_dual_level",
    "torch.autograd.forward_ad.make_dual", "torch.autograd.forward_ad.unpack_dual",
    "torch._make_dual", "torch._unpack_dual",
    # the functional API
    "torch.autograd.functional.jacobian", "torch.autograd.functional.hessian",
    "torch.autograd.functional.vjp", "torch.autograd.functional.jvp",
    "torch.autograd.functional.vhp", "torch.autograd.functional.hvp",
]


# --- Exercise 1: a gradient by hand ---------------------------------------------------------
def _grad_by_autograd(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """dL/dw for L = mean((w*x - y)^2), computed by autograd (the oracle)."""
    w = w.detach().clone().requires_grad_(True)
    loss = ((w * x - y) ** 2).mean()
    loss.backward()
    return w.grad


_gen = torch.Generator().manual_seed(4)
_GRAD_CASES = [
    Case((torch.tensor(2.0), torch.tensor([1.0, 2.0, 4.0]), torch.tensor([1.0, 1.0, 1.0])),
         label="w=2, x=[1,2,4], y=[1,1,1]"),
    Case((torch.tensor(0.0), torch.tensor([1.0, -1.0]), torch.tensor([0.5, 2.0])), label="w=0, x=[1,-1], y=[0.5,2]"),
    Case((torch.tensor(-0.7), torch.randn(10, generator=_gen), torch.randn(10, generator=_gen)),
         label="w=-0.7 and 10 random points"),
    Case((torch.tensor(1.5), torch.tensor([4.0, 0.5, -2.0, 3.0]), torch.tensor([-1.0, 2.0, 0.0, 5.0])),
         label="w=1.5, x=[4,0.5,-2,3], y=[-1,2,0,5]"),
    Case((torch.tensor(0.25, dtype=torch.float64), torch.linspace(-1.0, 2.0, 7, dtype=torch.float64),
          torch.linspace(3.0, -1.0, 7, dtype=torch.float64)), label="float64 tensors, w=0.25 and 7 points"),
]
del _gen


def _per_point(got: Any, case: Case) -> bool:
    """Does the answer return one number per point (the terms, not their mean)?"""
    return isinstance(got, torch.Tensor) and got.numel() > 1 and got.shape == case.args[1].shape


def _diagnose_grad(got: Any, want: torch.Tensor, case: Case) -> str | None:
    """Name the mistake a wrong gradient shows, without giving its value."""
    w, x, y = (t.double() for t in case.args)
    n = x.numel()
    if isinstance(got, (int, float)) and not isinstance(got, bool):
        return ("it returned a Python number, but the task asks for a tensor (0-dim, like w.grad): keep the "
                "computation in tensors, without .item() or float()")
    if not isinstance(got, torch.Tensor):
        return None
    if _per_point(got, case):
        return (f"it returned {n} numbers, one per point: L is a single number (a mean over the points), so "
                "its derivative with respect to w is a single number too")
    if got.numel() != 1 or not got.is_floating_point():
        return None
    g = float(got.detach().double().reshape(()))
    residual = w * x - y
    mistakes = [
        (n * want.double(), "it is n times too large: L is the MEAN over the points (1/n times the sum), so its "
                            "derivative is a mean too, not a sum"),
        (-want.double(), "it has the wrong sign: check the derivative of the inner expression w*x_i - y_i with "
                         "respect to w (and the order of the subtraction)"),
        (want.double() / 2, "it is half the right size: what is the derivative of u squared?"),
        (2 * want.double(), "it is twice the right size: check the factor that the power rule gives"),
        ((2 * residual).mean(), "the inner derivative is missing: by the chain rule, the derivative of u^2 is "
                                "multiplied by du/dw, where u = w*x_i - y_i"),
        ((2 * residual * w).mean(), "it multiplies by w, but the derivative of w*x_i - y_i with respect to w is "
                                    "not w (you differentiated with respect to x?)"),
        ((2 * residual).mean() * x.mean(), "the mean of a product is not the product of the means: multiply "
                                           "point by point, then take the mean"),
        ((residual**2).mean(), "it is the loss L itself, not its derivative"),
    ]
    matches = [why for value, why in mistakes
               if abs(g - float(value)) <= 1e-4 + 1e-4 * abs(float(value)) and abs(float(value) - float(want)) > 1e-3]
    if len(matches) == 1:  # two mistakes that give the same number here: say nothing specific
        return matches[0]
    return "the gradient is not right yet (test your formula against numerical_grad at a few values of w)"


def _check_grad(answer: Any, run: Any) -> list[tuple[str, str | None]]:
    if not callable(answer):
        raise StudentError(f"expected a function, got {article(type_name(answer))}")
    results = []
    for case in _GRAD_CASES:
        want = _grad_by_autograd(*copy.deepcopy(case.args))
        try:
            got = run(answer, *copy.deepcopy(case.args))
        except StudentError as exc:
            results.append((case.describe(), str(exc)))
            continue
        if got is ...:
            raise NotAttempted
        problem = compare(got, want)
        wrong_value = isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype == want.dtype
        if problem is not None and (wrong_value or isinstance(got, (int, float)) or _per_point(got, case)):
            # A single number: never say by how much it differs (that would give the right value away). A
            # result of another shape or dtype keeps compare's message, which says that.
            problem = _diagnose_grad(got, want, case) or problem
        results.append((case.describe(), problem))
    return results


grad_by_hand = Exercise(
    "Exercise 1 (a gradient by hand)",
    reference=_grad_by_autograd,
    cases=_GRAD_CASES,
    check_fn=_check_grad,
    forbidden=[*_AUTOGRAD, "course_utils.analysis.graph.numerical_grad"],
    rule="compute the gradient from your own formula: no backward(), torch.autograd or torch.func (reverse or "
         "forward mode), and no numerical_grad (use it to test your function, not inside it)",
    hints=[
        "Differentiate one term (w*x_i - y_i)^2 with respect to w with the chain rule (an outer function u^2 of "
        "an inner function u = w*x_i - y_i), then remember that L averages the terms over i.",
        "Chain rule: the derivative of f(u(w)) is f'(u) times u'(w). Work out f' for f(u) = u^2 and u' for "
        "u(w) = w*x_i - y_i, multiply them, and average over the points. Whole tensors x and y work "
        "element-wise: no loop is needed.",
        "Test your function yourself: compare it with numerical_grad (the central finite difference of this "
        "notebook) at two or three values of w, on the data of the case that fails.",
    ],
)


# --- Exercise 2: a backward for y = x^3 -----------------------------------------------------
class _StubCube(torch.autograd.Function):
    """The notebook's untouched stub: its backward's `...` is "not attempted yet"."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        ...  # your code here: return the gradient with respect to x


_CUBE_X = torch.tensor([-1.5, -0.2, 0.0, 0.7, 2.0], dtype=torch.float64)
_CUBE_GRADS = [  # (label, grad_output)
    ("grad_output of ones (the backward of y.sum())", torch.ones(5, dtype=torch.float64)),
    ("a grad_output that is not all ones", torch.tensor([0.5, -2.0, 3.0, 1.5, -0.25], dtype=torch.float64)),
]


def _gradients(result: Any) -> tuple[Any, str | None]:
    """The gradient for x that a backward returned (a tensor, or a tuple of one), or a problem."""
    if isinstance(result, (tuple, list)):
        extra = [g for g in result[1:] if g is not None]
        if not result:
            return None, "your backward returned an empty tuple: return the gradient with respect to x"
        if extra:
            return None, (f"your backward returned {len(result)} gradients, but forward has one input (x): return "
                          "one gradient, the one with respect to x")
        result = result[0]
    if result is None:
        return None, "your backward returned None: `return` the gradient with respect to x"
    if not isinstance(result, torch.Tensor):
        return None, (f"your backward returned {article(type_name(result))}, but a tensor (the gradient for x) "
                      "was expected")
    return result, None


def _diagnose_cube(got: torch.Tensor, x: torch.Tensor, grad_output: torch.Tensor) -> str:
    g = got.detach().double()
    candidates = [
        (3 * x**2, "your backward ignores grad_output: by the chain rule dL/dx = dL/dy * dy/dx, and grad_output "
                   "is dL/dy (it is all ones only when the loss is y.sum())"),
        (grad_output, "your backward passes grad_output through unchanged (like the straight-through estimator): "
                      "it must be multiplied by the local derivative dy/dx"),
        (grad_output * x**3, "your backward multiplies grad_output by y = x^3 itself, not by its derivative"),
    ]
    for value, why in candidates:
        if torch.allclose(g, value, atol=1e-6, rtol=1e-6):
            return why
    ratio = g / (grad_output * 3 * x**2)
    ratio = ratio[torch.isfinite(ratio) & (x.abs() > 0.5)]
    if ratio.numel() and torch.allclose(ratio, ratio[0].expand_as(ratio), atol=1e-6):
        return "your gradient is off by a constant factor: check the derivative of x^3 (the power rule)"
    return "your gradient is not dL/dx = grad_output * dy/dx for y = x^3: check the derivative of x^3 (the power rule)"


def _check_cube(cube: Any, run: Any) -> list[tuple[str, str | None]] | str:
    if not (inspect.isclass(cube) and issubclass(cube, torch.autograd.Function)):
        return f"expected your class Cube (a torch.autograd.Function), got {article(type_name(cube))}"
    backward = inspect.getattr_static(cube, "backward", None)
    backward = getattr(backward, "__func__", backward)
    if backward is None or backward is torch.autograd.Function.backward:
        return "your class Cube has no backward method: keep the class as given and complete its backward"
    if same_code(backward, _StubCube.__dict__["backward"].__func__) or is_empty_function(backward):
        raise NotAttempted
    results: list[tuple[str, str | None]] = []
    x = _CUBE_X.clone().requires_grad_(True)
    y = run(cube.apply, x, who="your forward")
    if not isinstance(y, torch.Tensor) or y.shape != x.shape or not torch.allclose(y.detach(), _CUBE_X**3):
        return "forward should return x ** 3 (keep the forward as given)"
    if y.grad_fn is None:
        return "forward's result is not connected to the graph (keep the forward as given)"
    ctx = y.grad_fn  # what autograd passes to backward as ctx

    def call_backward(grad_output):
        return cube.backward(ctx, grad_output)

    for label, grad_output in _CUBE_GRADS:
        want = grad_output * 3 * _CUBE_X**2
        try:
            result = run(call_backward, grad_output.clone(), who="your backward")
        except StudentError as exc:
            results.append((label, str(exc)))
            continue
        if result is ...:
            raise NotAttempted
        got, problem = _gradients(result)
        if problem is None and got.shape != want.shape:
            problem = (f"your gradient has shape {tuple(got.shape)}, but x has shape {tuple(want.shape)}: dL/dx has "
                       "one entry for each entry of x")
        if problem is None:
            problem = compare(got, want, atol=1e-6, rtol=1e-6)
            if problem is not None and got.shape == want.shape and got.is_floating_point():
                problem = _diagnose_cube(got, _CUBE_X, grad_output)
        results.append((label, problem))
    # Finally a real backward pass through autograd. `run` would forbid autograd here too (the rule is about
    # the student's code), so this one call goes through the guards without the forbidden list.
    x = _CUBE_X.clone().requires_grad_(True)
    weights = _CUBE_GRADS[1][1]

    def backward_pass():
        return torch.autograd.grad((cube.apply(x) * weights).sum(), x)[0]

    try:
        grad = call_student(backward_pass, who="autograd with your Cube")
    except StudentError as exc:
        results.append(("a backward pass through autograd", str(exc)))
    else:
        problem = compare(grad, weights * 3 * _CUBE_X**2, atol=1e-6, rtol=1e-6)
        results.append(("a backward pass through autograd",
                        None if problem is None else "the gradient autograd computes with your backward is wrong"))
    return results


cube_backward = Exercise(
    "Exercise 2 (write a backward)",
    reference=None,
    check_fn=_check_cube,
    forbidden=_AUTOGRAD,
    rule="write the backward yourself, from the derivative of x^3: a custom Function exists for the cases "
         "where autograd cannot compute the gradient, so its backward must not call autograd (backward(), "
         "torch.autograd or torch.func, reverse or forward mode)",
    hints=[
        "backward receives grad_output = dL/dy and must return dL/dx; the chain rule links them through the "
        "local derivative dy/dx of the forward.",
        "Work out dy/dx for y = x^3 (the power rule), at the saved x, and combine it element-wise with "
        "grad_output; return one tensor of x's shape. The Clip example above has the same structure.",
        "The checker calls your backward with a grad_output that is not all ones, and checks that grad_output "
        "is left unchanged: build a new tensor instead of changing it in place.",
    ],
)

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb04.py).
SOLUTION_KEYS = {
    "grad_by_hand": ["(2 * (w * x - y) * x).mean()", "2 * (w * x - y) * x", "(w * x - y) * x",
                     "2 * (w*x_i - y_i) * x_i"],
    "cube_backward": ["grad_output * 3 * x**2", "3 * x**2", "3*x^2", "3 * x ** 2", "grad_output * 3"],
}
