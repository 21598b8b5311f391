"""Exercises of notebook 04 (autograd and computation graphs)."""
from __future__ import annotations

import copy
import inspect
from typing import Any

import torch

from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, NotAttempted, StudentError, call_student, compare
from course_utils.checks.compare import article
from course_utils.checks.guards import AUTOGRAD, is_empty_function, same_code

# Autograd in every form, reverse and forward mode (guards.AUTOGRAD): the tasks of this notebook are to do its
# work by hand.
_AUTOGRAD = list(AUTOGRAD)


def _kind(value: Any) -> str:
    """How a message names what the student gave: "None", or "a float", "an int", ..."""
    return "None" if value is None else article(type_name(value))


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
        raise StudentError(f"expected a function, got {_kind(answer)}")
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
    """Name the mistake of a float gradient of x's shape and dtype whose values are wrong (never its value)."""
    g = got.detach().double()
    want = grad_output * 3 * x**2
    bad = ~torch.isfinite(g)
    if bad.any():  # first: a nan or inf says more than any ratio (it hides the other entries' mistakes)
        where = ", ".join(f"{v:g}" for v in x[bad].tolist())
        return (f"your gradient is {'nan' if g[bad].isnan().any() else 'infinite'} at x = {where}: dy/dx is finite "
                "there, so a division by zero (by x, or by y = x^3) has crept in; write dy/dx without dividing by x")
    candidates = [
        (3 * x**2, "your backward ignores grad_output: by the chain rule dL/dx = dL/dy * dy/dx, and grad_output "
                   "is dL/dy (it is all ones only when the loss is y.sum())"),
        (grad_output, "your backward passes grad_output through unchanged (like the straight-through estimator): "
                      "it must be multiplied by the local derivative dy/dx"),
        (grad_output * x**3, "your backward multiplies grad_output by y = x^3 itself, not by its derivative"),
    ]
    for value, why in candidates:  # (a mistake that gives the right numbers on this case is not one here)
        if torch.allclose(g, value, atol=1e-6, rtol=1e-6) and not torch.allclose(value, want, atol=1e-6, rtol=1e-6):
            return why
    ratio = g / want
    ratio = ratio[torch.isfinite(ratio) & (x.abs() > 0.5)]
    if ratio.numel() and torch.allclose(ratio, ratio[0].expand_as(ratio), atol=1e-6) \
            and not torch.allclose(ratio[0], torch.ones((), dtype=ratio.dtype), atol=1e-6):
        return "your gradient is off by a constant factor: check the derivative of x^3 (the power rule)"
    return "your gradient is not dL/dx = grad_output * dy/dx for y = x^3: check the derivative of x^3 (the power rule)"


_FORBIDDEN_MARK = "is not allowed in this exercise"  # in the message of a call the rule forbids (checks.guards)


def _check_cube(cube: Any, run: Any) -> list[tuple[str, str | None]] | str:
    if not (inspect.isclass(cube) and issubclass(cube, torch.autograd.Function)):
        return f"expected your class Cube (a torch.autograd.Function), got {_kind(cube)}"
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

    broke_rule = False  # a backward that calls autograd: its run through autograd below would count as passed
    for label, grad_output in _CUBE_GRADS:
        want = grad_output * 3 * _CUBE_X**2
        try:
            result = run(call_backward, grad_output.clone(), who="your backward")
        except StudentError as exc:
            results.append((label, str(exc)))
            broke_rule = broke_rule or _FORBIDDEN_MARK in str(exc)
            continue
        if result is ...:
            raise NotAttempted
        got, problem = _gradients(result)
        if problem is None and got.shape != want.shape:
            problem = (f"your gradient has shape {tuple(got.shape)}, but x has shape {tuple(want.shape)}: dL/dx has "
                       "one entry for each entry of x")
        if problem is None:
            problem = compare(got, want, atol=1e-6, rtol=1e-6)
            # A gradient of another dtype keeps compare's message (it says so): that comes first.
            if problem is not None and got.shape == want.shape and got.dtype == want.dtype:
                problem = _diagnose_cube(got, _CUBE_X, grad_output)
        results.append((label, problem))
    if broke_rule:
        return results
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
        "grad_output; return one tensor of x's shape. NumpySinCos's backward above has the same structure: "
        "each incoming gradient times its output's local derivative at the saved input.",
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


# --- Exercise 3: backpropagation by hand through a small network ------------------------------
# The model of the exercise: affine -> tanh -> affine -> cross-entropy (mean over the batch), as in
# Karpathy's makemore part 4. The student gets the forward's tensors and returns every gradient.
_FORWARD_KEYS = ("X", "Y", "W1", "b1", "h_pre", "h", "W2", "b2", "logits", "probs")
# The gradients asked for, in backprop order, each with the gradients it is computed from.
_BACKPROP_ORDER = {"logits": (), "W2": ("logits",), "b2": ("logits",), "h": ("logits",), "h_pre": ("h",),
                   "W1": ("h_pre",), "b1": ("h_pre",)}


def backprop_forward(X: torch.Tensor, Y: torch.Tensor, W1: torch.Tensor, b1: torch.Tensor, W2: torch.Tensor,
                     b2: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The exercise's network on a batch: (mean cross-entropy loss, the forward's tensors by name).

    X:      [B, D] inputs;  Y: [B] class indices (torch.long)
    W1, b1: [D, H] and [H]: the first affine map;  W2, b2: [H, C] and [C]: the second

    The returned dict holds X, Y, the parameters and h_pre = X @ W1 + b1, h = tanh(h_pre),
    logits = h @ W2 + b2, probs = softmax(logits) (what the exercise gives the student).
    """
    for name, t in {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2}.items():
        if not isinstance(t, torch.Tensor) or not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor, got {type_name(t)}")
    if not isinstance(Y, torch.Tensor) or Y.dtype != torch.long:
        raise TypeError(f"Y must be a torch.long tensor of class indices, got {type_name(Y)}")
    if X.ndim != 2 or W1.shape[0] != X.shape[1] or b1.shape != W1.shape[1:] or W2.shape[0] != W1.shape[1] \
            or b2.shape != W2.shape[1:] or Y.shape != X.shape[:1]:
        raise ValueError("shapes must be X [B, D], Y [B], W1 [D, H], b1 [H], W2 [H, C], b2 [C], got "
                         + ", ".join(str(tuple(t.shape)) for t in (X, Y, W1, b1, W2, b2)))
    h_pre = X @ W1 + b1
    h = torch.tanh(h_pre)
    logits = h @ W2 + b2
    loss = torch.nn.functional.cross_entropy(logits, Y)
    tensors = {"X": X, "Y": Y, "W1": W1, "b1": b1, "h_pre": h_pre, "h": h, "W2": W2, "b2": b2,
               "logits": logits, "probs": logits.softmax(dim=1)}
    return loss, tensors


def _backprop_case(seed: int, batch: int, dims: tuple[int, int, int], targets: list[int]) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    d, h, c = dims
    params = [torch.randn(*shape, generator=g) * scale for shape, scale in
              [((batch, d), 1.0), ((d, h), 0.8), ((h,), 0.3), ((h, c), 0.8), ((c,), 0.3)]]
    X, W1, b1, W2, b2 = params
    return {"X": X, "Y": torch.tensor(targets), "W1": W1, "b1": b1, "W2": W2, "b2": b2}


_BACKPROP_CASES = [  # (label, the batch and the parameters); every size differs, so a transposed shape shows
    ("a batch of 4 (D=3, H=5, C=6)", _backprop_case(1, 4, (3, 5, 6), [0, 2, 5, 2])),
    ("a batch of 7 (D=2, H=3, C=4)", _backprop_case(2, 7, (2, 3, 4), [3, 3, 0, 1, 2, 3, 1])),
    ("a batch of 1 (D=6, H=2, C=3)", _backprop_case(3, 1, (6, 2, 3), [1])),
]


def _autograd_gradients(inputs: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """(the forward's tensors, detached; the gradient of the loss for each of _BACKPROP_ORDER), by autograd."""
    params = {k: (v.clone().requires_grad_(True) if v.is_floating_point() and k != "X" else v.clone())
              for k, v in inputs.items()}
    with torch.enable_grad():
        loss, tensors = backprop_forward(**params)
        for name in ("h_pre", "h", "logits"):
            tensors[name].retain_grad()  # .grad of a tensor that is not a leaf
        loss.backward()
    grads = {name: tensors[name].grad.detach() for name in _BACKPROP_ORDER}
    return {k: v.detach().clone() for k, v in tensors.items()}, grads


def _diagnose_backprop(name: str, got: torch.Tensor, fwd: dict[str, torch.Tensor],
                       want: dict[str, torch.Tensor]) -> str | None:
    """A named mistake for a gradient of the right shape whose upstream gradients are right."""
    n = fwd["X"].shape[0]
    g = got.detach().double()
    one_hot = torch.nn.functional.one_hot(fwd["Y"], fwd["probs"].shape[1]).double()
    probs, h, h_pre = fwd["probs"].double(), fwd["h"].double(), fwd["h_pre"].double()
    w = {k: v.double() for k, v in want.items()}
    candidates = {
        "logits": [
            (n * w["logits"], "it is B times too large (B = the batch size): the loss is the MEAN over the batch"),
            (probs / n, "it is the softmax alone: the correct class of each row also gets -1 (from the -log p of "
                        "the target)"),
            (-w["logits"], "it has the wrong sign: the loss is MINUS the log-probability of the target"),
            (-one_hot / n, "it ignores the softmax's normalisation: every logit, not only the target's, changes "
                           "the loss through the sum in the softmax's denominator"),
        ],
        "h_pre": [
            (w["h"] * (1 - h_pre**2), "the derivative of tanh is 1 - tanh(u)^2, that is 1 minus the square of "
                                      "the OUTPUT h, not of h_pre"),
            (w["h"] * (1 - h), "the derivative of tanh is 1 minus the SQUARE of tanh"),
            (w["h"], "the tanh step is missing: multiply by the local derivative of tanh"),
            (w["h"] * h, "multiply by the derivative of tanh, not by tanh itself"),
        ],
        "h": [(w["h"] / n, "it is divided by the batch size once more: the 1/B is already in dlogits")],
        "W2": [(w["W2"] / n, "it is divided by the batch size once more: the 1/B is already in dlogits")],
        "W1": [(w["W1"] / n, "it is divided by the batch size once more: the 1/B is already in dlogits")],
        "b2": [(w["b2"] / n, "it is the mean over the batch: the 1/B is already in dlogits, so SUM the rows")],
        "b1": [(w["b1"] / n, "it is the mean over the batch: the 1/B is already in dh_pre, so SUM the rows")],
    }
    for value, why in candidates[name]:
        if torch.allclose(g, value, atol=1e-6, rtol=1e-4) and not torch.allclose(value, w[name], atol=1e-6, rtol=1e-4):
            return why
    return None


def _shape_problem(name: str, got: torch.Tensor, want: torch.Tensor) -> str:
    text = (f"d{name} has shape {tuple(got.shape)}, but {name} has shape {tuple(want.shape)}: a gradient has "
            "the shape of the tensor it belongs to")
    if name in ("b1", "b2") and got.ndim == 2:
        text += f" (b{name[-1]} was added to every row of the batch, so its gradient collects every row)"
    elif got.ndim == 2 and got.shape == want.shape[::-1]:
        text += " (it is transposed: check the order of the matrix product)"
    return text


def _check_backprop(answer: Any, run: Any) -> list[tuple[str, str | None]]:
    if not callable(answer):
        raise StudentError(f"expected a function backprop_by_hand(fwd), got {_kind(answer)}")
    results: list[tuple[str, str | None]] = []
    for label, inputs in _BACKPROP_CASES:
        fwd, want = _autograd_gradients(inputs)
        got = run(answer, {k: v.clone() for k, v in fwd.items()})
        if got is None:  # (the untouched stub never gets here: the exercise sees it is empty)
            raise StudentError("your function returned None: did you forget to `return` the dict of gradients?")
        if not isinstance(got, dict):
            raise StudentError(f"your function returned {article(type_name(got))}, but a dict of gradients "
                               f"{{'logits': dlogits, ...}} was expected")
        missing = [k for k in _BACKPROP_ORDER if k not in got]
        if missing:
            raise StudentError(f"your dict has no gradient for {', '.join(map(repr, missing))}: it needs one for "
                               f"each of {', '.join(map(repr, _BACKPROP_ORDER))}")
        wrong: list[str] = []
        case_results = []
        for name, upstream in _BACKPROP_ORDER.items():
            value = got[name]
            if not isinstance(value, torch.Tensor):
                problem = f"d{name} is {_kind(value)}, but a tensor was expected"
            elif value.shape != want[name].shape:
                problem = _shape_problem(name, value, want[name])
            else:
                problem = compare(value, want[name], atol=1e-6, rtol=1e-4)
                if problem is not None:
                    bad_upstream = [u for u in upstream if u in wrong]
                    if bad_upstream:
                        problem = (f"the values are off, but d{name} is computed from d{bad_upstream[0]}, "
                                   f"which is wrong too: fix d{bad_upstream[0]} first")
                    else:
                        why = (_diagnose_backprop(name, value, fwd, want) if value.is_floating_point() else None)
                        problem = why or problem
            if problem is not None:
                wrong.append(name)
            case_results.append((f"d{name}, {label}", problem))
        if wrong:  # the first wrong tensor's message also says which of them are right and which are wrong
            right = [f"d{k}" for k in _BACKPROP_ORDER if k not in wrong]
            summary = (f" [right: {', '.join(right) or 'none'}; wrong: {', '.join('d' + k for k in wrong)}]")
            first = next(i for i, (_, p) in enumerate(case_results) if p)
            case_results[first] = (case_results[first][0], case_results[first][1] + summary)
        results.extend(case_results)
    return results


backprop_by_hand = Exercise(
    "Exercise 3 (backpropagation by hand)",
    reference=None,
    check_fn=_check_backprop,
    forbidden=_AUTOGRAD,
    rule="write every gradient from the chain rule yourself: no backward(), torch.autograd or torch.func "
         "(reverse or forward mode) inside your function",
    hints=[
        "Go backwards through the forward, one line at a time, starting from the loss: each line's gradients "
        "are built from the gradient of the line's output (the chain rule), and each gradient has the shape of "
        "its tensor.",
        "Let the shapes guide you (a gradient has its tensor's shape). Which matrix product turns h [B, H] and "
        "dlogits [B, C] into dW2 [H, C]? Which turns dlogits [B, C] and W2 [H, C] into dh [B, H]? b2 [C] was "
        "added to each of the B rows of logits: how do B rows of dlogits become one [C]? The first layer asks "
        "the same questions with X, dh_pre and W1.",
        "The two steps that are not affine maps. Softmax + NLL: for one example the loss is "
        "-logits[y] + log(sum_j exp(logits[j])); differentiate that with respect to each logit (the second term "
        "gives back the softmax), then remember the 1/B of the mean. tanh: its derivative can be written with its "
        "output h, which fwd holds. Then compare each of your tensors with autograd_grads of the cell above, in "
        "backprop order: the first one that differs is the line to fix.",
    ],
)

SOLUTION_KEYS["backprop_by_hand"] = [
    "probs - F.one_hot(Y", "h.T @ dlogits", "dlogits.sum(0)", "dlogits @ W2.T", "dh * (1 - h**2)", "1 - h**2",
    "X.T @ dh_pre", "dh_pre.sum(0)",
]
