"""Notebook 04's exercises: wrong answers are rejected with the right message, correct alternatives pass.

test_exercises_all.py runs the tables WRONG and ALTERNATIVES ({exercise: table}) and STUBS below, with the rules
every exercise keeps (graded hints, the exercise cells after a restart).
"""
from pathlib import Path

import pytest
import torch
import torch.autograd.forward_ad as fwAD
from torch.func import jacfwd

from course_utils.analysis.graph import numerical_grad
from course_utils.exercises import nb04
from tools.notebooks import defined_in_cell


def _stub(w, x, y):
    ...


# --- Exercise 1: a gradient by hand -----------------------------------------------------------
def _solution(w, x, y):  # the notebook's solution
    return (2 * (w * x - y) * x).mean()


def _with_backward(w, x, y):
    w = w.detach().clone().requires_grad_(True)
    ((w * x - y) ** 2).mean().backward()
    return w.grad


def _with_autograd_backward(w, x, y):
    w = w.detach().clone().requires_grad_(True)
    torch.autograd.backward(((w * x - y) ** 2).mean())
    return w.grad


def _with_autograd_grad(w, x, y):
    w = w.detach().clone().requires_grad_(True)
    return torch.autograd.grad(((w * x - y) ** 2).mean(), w)[0]


def _loss(x, y):
    return lambda v: ((v * x - y) ** 2).mean()


def _with_dual_numbers(w, x, y):  # forward-mode AD
    with fwAD.dual_level():
        return fwAD.unpack_dual(_loss(x, y)(fwAD.make_dual(w, torch.ones_like(w)))).tangent


def _with_enter_dual_level(w, x, y):
    fwAD.enter_dual_level()
    try:
        return fwAD.unpack_dual(_loss(x, y)(fwAD.make_dual(w, torch.ones_like(w)))).tangent
    finally:
        fwAD.exit_dual_level()


def _inplace(w, x, y):
    x *= 2 * (w * x - y)
    return x.mean()


def _loop(w, x, y):
    total = torch.zeros((), dtype=x.dtype)
    for xi, yi in zip(x, y, strict=False):
        total = total + 2 * (w * xi - yi) * xi
    return total / len(x)


# (The reference, nb04._grad_by_autograd, uses backward(): the very thing the task forbids.)
GRAD_RIGHT = [
    _solution,
    lambda w, x, y: 2 * ((w * x - y) * x).sum() / len(x),
    lambda w, x, y: 2 * (w * (x * x).mean() - (x * y).mean()),  # expanded
    lambda w, x, y: torch.dot(2 * (w * x - y), x) / x.numel(),
    _loop,
]

GRAD_WRONG = [
    (lambda w, x, y: (2 * (w * x - y) * x).sum(), "it is n times too large: L is the MEAN"),  # sum, not mean
    (lambda w, x, y: ((w * x - y) * x).mean(), "it is half the right size"),  # missing 2
    (lambda w, x, y: (2 * (w * x - y)).mean(), "the inner derivative is missing"),  # missing x
    (lambda w, x, y: (2 * (y - w * x) * x).mean(), "it has the wrong sign"),  # sign error
    (lambda w, x, y: -(2 * (w * x - y) * x).mean(), "it has the wrong sign"),
    (lambda w, x, y: (2 * (w * x - y) * w).mean(), "you differentiated with respect to x?"),
    (lambda w, x, y: (2 * (w * x - y)).mean() * x.mean(), "the mean of a product is not the product of the means"),
    (lambda w, x, y: ((w * x - y) ** 2).mean(), "it is the loss L itself"),
    (lambda w, x, y: (4 * (w * x - y) * x).mean(), "it is twice the right size"),
    (lambda w, x, y: 2 * (w * x - y) * x, "it returned 3 numbers, one per point"),  # no mean
    (lambda w, x, y: (2 * (w * x - y) * x).mean().item(), "the task asks for a tensor (0-dim, like w.grad)"),
    (lambda w, x, y: (2 * (w * x + y) * x).mean(), "the gradient is not right yet"),
    (_inplace, "your function changed its input `x` in place"),
    (_with_backward, "`torch.Tensor.backward` is not allowed in this exercise"),
    (_with_autograd_backward, "`torch.autograd.backward` is not allowed"),
    (_with_autograd_grad, "`torch.autograd.grad` is not allowed"),
    (lambda w, x, y: torch.func.grad(lambda v: ((v * x - y) ** 2).mean())(w), "is not allowed in this exercise"),
    (lambda w, x, y: numerical_grad(lambda v: ((v * x - y) ** 2).mean(), w).to(x.dtype),
     "`course_utils.analysis.graph.numerical_grad` is not allowed"),
    # Review item 3: forward-mode AD and the functional API passed (each gives the right gradient unguarded).
    (lambda w, x, y: torch.func.jacfwd(_loss(x, y))(w), "`torch.func.jacfwd` is not allowed in this exercise: "
     "compute the gradient from your own formula: no backward(), torch.autograd or torch.func (reverse or forward "
     "mode)"),
    (lambda w, x, y: jacfwd(_loss(x, y))(w), "`torch.func.jacfwd` is not allowed"),  # imported by its name
    (lambda w, x, y: torch.func.jvp(_loss(x, y), (w,), (torch.ones_like(w),))[1], "`torch.func.jvp` is not allowed"),
    (lambda w, x, y: torch.func.linearize(_loss(x, y), w)[1](torch.ones_like(w)),
     "`torch.func.linearize` is not allowed"),
    (lambda w, x, y: torch.func.hessian(_loss(x, y))(w) * w - 2 * (x * y).mean(),
     "`torch.func.hessian` is not allowed"),
    (_with_dual_numbers, "`torch.autograd.forward_ad.dual_level` is not allowed"),
    (_with_enter_dual_level, "`torch.autograd.forward_ad.enter_dual_level` is not allowed"),
    (lambda w, x, y: torch.autograd.functional.jacobian(_loss(x, y), w),
     "`torch.autograd.functional.jacobian` is not allowed"),
    (lambda w, x, y: torch.autograd.functional.vjp(_loss(x, y), w)[1],
     "`torch.autograd.functional.vjp` is not allowed"),
    (lambda w, x, y: torch.autograd.functional.jvp(_loss(x, y), w, torch.ones_like(w))[1],
     "`torch.autograd.functional.jvp` is not allowed"),
    (lambda w, x, y: torch.autograd.functional.hessian(_loss(x, y), w) * w - 2 * (x * y).mean(),
     "`torch.autograd.functional.hessian` is not allowed"),
    (lambda w, x, y: torch.autograd.functional.hvp(_loss(x, y), w, w)[1] - 2 * (x * y).mean(),
     "`torch.autograd.functional.hvp` is not allowed"),
    (lambda w, x, y: torch.autograd.functional.vhp(_loss(x, y), w, w)[1] - 2 * (x * y).mean(),
     "`torch.autograd.functional.vhp` is not allowed"),
    # Review item 4: the right value in another shape or dtype is told so, not "the gradient is not right yet".
    (lambda w, x, y: (2 * (w * x - y) * x).mean().reshape(1),
     "on w=2, x=[1,2,4], y=[1,1,1]: the result has shape (1,), but shape () was expected"),
    (lambda w, x, y: (2 * (w * x - y) * x).mean().float(),
     "on float64 tensors, w=0.25 and 7 points: the result has dtype torch.float32, but dtype torch.float64 was "
     "expected"),
]


def _forward_mode_answers_are_right_unguarded():
    return [wrong for wrong, message in GRAD_WRONG if "forward" in message or "functional" in message
            or "torch.func." in message]


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")  # torch.func internals
@pytest.mark.parametrize("answer", _forward_mode_answers_are_right_unguarded())
def test_the_forbidden_answers_would_pass_without_the_rule(answer, monkeypatch):
    monkeypatch.setattr(nb04.grad_by_hand, "forbidden", ())
    assert nb04.grad_by_hand.check(answer).ok


def test_grad_by_hand_reference_is_autograd_and_the_rule_is_restored():
    nb04.grad_by_hand.check(_with_backward)
    w = torch.tensor(2.0, requires_grad=True)
    ((w * torch.tensor([1.0, 2.0]) - 1) ** 2).mean().backward()  # backward works again after the check
    torch.testing.assert_close(w.grad, _solution(torch.tensor(2.0), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0])))


def test_grad_by_hand_never_shows_the_gradient():
    case = nb04.grad_by_hand.cases[0]
    want = float(nb04._grad_by_autograd(*case.args))
    message = nb04.grad_by_hand.check(lambda w, x, y: (2 * (w * x + y) * x).mean()).message()
    assert f"{want:.3g}" not in message and f"{want:.2f}" not in message
    assert "largest difference" not in message  # with one number the difference gives the answer away


# --- Exercise 2: a backward for y = x^3 -------------------------------------------------------
def _cube(backward, forward=None):
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

    Cube.backward = staticmethod(backward)
    if forward is not None:
        Cube.forward = staticmethod(forward)
    return Cube


def _x(ctx):
    return ctx.saved_tensors[0]


NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "04_autograd.ipynb"
NotebookSolution = defined_in_cell(NOTEBOOK, "d0bdeea3", "CubeSolution", {"torch": torch, "nb04": nb04})
NotebookStub = defined_in_cell(NOTEBOOK, "3428d837", "Cube", {"torch": torch, "nb04": nb04})


class SavesTheDerivative(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.dydx = 3 * x**2
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        return ctx.dydx * grad_output


def _inplace_backward(ctx, grad_output):
    return grad_output.mul_(3 * _x(ctx) ** 2)


def _autograd_backward(ctx, grad_output):
    (x,) = ctx.saved_tensors
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        return torch.autograd.grad(x**3, x, grad_output)[0]


def _backward_backward(ctx, grad_output):
    (x,) = ctx.saved_tensors
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        (x**3).backward(grad_output)
        return x.grad


def _dual_backward(ctx, grad_output):  # forward-mode AD: the tangent of x^3 along grad_output
    with fwAD.dual_level():
        return fwAD.unpack_dual(fwAD.make_dual(_x(ctx), grad_output) ** 3).tangent


def _forgot_return(ctx, grad_output):
    (x,) = ctx.saved_tensors
    grad_x = grad_output * 3 * x**2  # noqa: F841


def _saves_y(ctx, x):  # a forward that also saves y, for a backward that computes 3 x^2 as 3 y / x
    y = x**3
    ctx.save_for_backward(x, y)
    return y


def _makemore_inplace(fwd):  # makemore part 4 without the .clone(): dlogits is another name for fwd["probs"]
    n = fwd["X"].shape[0]
    dlogits = fwd["probs"]
    dlogits[range(n), fwd["Y"]] -= 1
    return _bp_with(logits=lambda f, g: dlogits / n)(fwd)


CUBE_RIGHT = [
    NotebookSolution,
    SavesTheDerivative,
    _cube(lambda ctx, g: 3 * g * _x(ctx) * _x(ctx)),
    _cube(lambda ctx, g: torch.mul(g, 3 * _x(ctx).pow(2))),
    _cube(lambda ctx, g: (g * 3 * _x(ctx) ** 2,)),  # a tuple of one gradient
    _cube(lambda ctx, g: (g * 3 * _x(ctx) ** 2, None)),  # an extra None: autograd accepts it too
]

CUBE_WRONG = [
    (_cube(lambda ctx, g: 3 * _x(ctx) ** 2), "your backward ignores grad_output"),
    (_cube(lambda ctx, g: g * _x(ctx) ** 2), "off by a constant factor"),
    (_cube(lambda ctx, g: g * 6 * _x(ctx) ** 2), "off by a constant factor"),
    (_cube(lambda ctx, g: g * 3 * _x(ctx)), "check the derivative of x^3 (the power rule)"),
    (_cube(lambda ctx, g: g), "passes grad_output through unchanged"),
    (_cube(lambda ctx, g: g * _x(ctx) ** 3), "multiplies grad_output by y = x^3 itself"),
    (_cube(lambda ctx, g: (g * 3 * _x(ctx) ** 2, g)), "your backward returned 2 gradients, but forward has one input"),
    (_cube(lambda ctx, g: (g * 3 * _x(ctx) ** 2).sum()), "your gradient has shape (), but x has shape (5,)"),
    (_cube(_forgot_return), "your backward returned None: `return` the gradient"),
    (_cube(lambda ctx, g: 3.0), "your backward returned a float"),
    (_cube(_inplace_backward), "your backward changed its input `grad_output` in place"),
    (_cube(_autograd_backward), "`torch.autograd.grad` is not allowed in this exercise"),
    (_cube(_backward_backward), "`torch.Tensor.backward` is not allowed in this exercise"),
    # Review item 3: forward-mode AD and the functional API in the backward.
    (_cube(lambda ctx, g: torch.func.jvp(lambda v: v**3, (_x(ctx),), (g,))[1]), "`torch.func.jvp` is not allowed"),
    (_cube(lambda ctx, g: torch.func.jacfwd(lambda v: v**3)(_x(ctx)).diagonal() * g),
     "`torch.func.jacfwd` is not allowed"),
    (_cube(lambda ctx, g: torch.func.hessian(lambda v: (v**4).sum() / 4)(_x(ctx)).diagonal() * g),
     "`torch.func.hessian` is not allowed"),
    (_cube(_dual_backward), "`torch.autograd.forward_ad.dual_level` is not allowed"),
    (_cube(lambda ctx, g: torch.autograd.functional.jvp(lambda v: v**3, _x(ctx), g)[1]),
     "`torch.autograd.functional.jvp` is not allowed"),
    (_cube(lambda ctx, g: torch.autograd.functional.vjp(lambda v: v**3, _x(ctx), g)[1]),
     "`torch.autograd.functional.vjp` is not allowed"),
    (_cube(lambda ctx, g: torch.autograd.functional.jacobian(lambda v: v**3, _x(ctx)).diagonal() * g),
     "`torch.autograd.functional.jacobian` is not allowed"),
    (_cube(lambda ctx, g: g, forward=lambda ctx, x: x**2), "forward should return x ** 3"),
    (lambda x: x**3, "expected your class Cube (a torch.autograd.Function), got a function"),
    (None, "expected your class Cube (a torch.autograd.Function), got None"),  # not "a NoneType"
    (_cube(lambda ctx, g: 1 / 0), "your backward raised ZeroDivisionError"),
    # Review (second edition): the right values in float32 are told their dtype, not "ignores grad_output"
    (_cube(lambda ctx, g: (g * 3 * _x(ctx) ** 2).float()),
     "on grad_output of ones (the backward of y.sum()): the result has dtype torch.float32, but dtype torch.float64"),
    # 3 y / x is 3 x^2 except at x = 0 (0/0): told about the nan, not "off by a constant factor"
    (_cube(lambda ctx, g: g * 3 * ctx.saved_tensors[1] / ctx.saved_tensors[0], forward=_saves_y),
     "your gradient is nan at x = 0: dy/dx is finite there, so a division by zero"),
    (_cube(lambda ctx, g: g * 3 * _x(ctx) ** 4 / _x(ctx) ** 2), "your gradient is nan at x = 0"),
    (_cube(lambda ctx, g: torch.func.grad(lambda v: (v**3 * g).sum())(_x(ctx))), "`torch.func.grad` is not allowed"),
]


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")  # torch.func internals
@pytest.mark.parametrize("answer", [wrong for wrong, message in CUBE_WRONG
                                    if "torch.func." in message or "forward_ad" in message or "functional" in message])
def test_the_forbidden_backwards_would_pass_without_the_rule(answer, monkeypatch):
    monkeypatch.setattr(nb04.cube_backward, "forbidden", ())
    assert nb04.cube_backward.check(answer).ok


def test_cube_check_uses_a_grad_output_that_is_not_all_ones():
    feedback = nb04.cube_backward.check(_cube(lambda ctx, g: 3 * _x(ctx) ** 2))
    assert 0 < feedback.passed < feedback.total  # right for y.sum(), wrong otherwise: counted truthfully


def test_a_backward_that_breaks_the_rule_passes_nothing():
    for answer in (_cube(_autograd_backward), _cube(_backward_backward), _cube(_dual_backward)):
        feedback = nb04.cube_backward.check(answer)
        assert feedback.passed == 0 and feedback.total == len(nb04._CUBE_GRADS)  # no run through autograd counted


def test_cube_diagnosis_never_names_a_mistake_that_gives_the_right_numbers():
    x, ones = nb04._CUBE_X, nb04._CUBE_GRADS[0][1]
    right_in_float32 = (ones * 3 * x**2).float()  # with grad_output = 1, "3 x^2" and a factor 1 are the right answer
    why = nb04._diagnose_cube(right_in_float32, x, ones)
    assert "ignores grad_output" not in why and "constant factor" not in why


# --- Exercise 3: backpropagation by hand ------------------------------------------------------
import torch.nn.functional as F  # noqa: E402


def _bp_solution(fwd):
    X, Y, h, W2, probs = (fwd[k] for k in ("X", "Y", "h", "W2", "probs"))
    dlogits = (probs - F.one_hot(Y, probs.shape[1])) / X.shape[0]
    dh = dlogits @ W2.T
    dh_pre = dh * (1 - h**2)
    return {"logits": dlogits, "W2": h.T @ dlogits, "b2": dlogits.sum(0), "h": dh, "h_pre": dh_pre,
            "W1": X.T @ dh_pre, "b1": dh_pre.sum(0)}


def _bp_makemore_style(fwd):  # index the targets in a copy, as in makemore part 4; tanh' from h_pre
    n = fwd["X"].shape[0]
    dlogits = fwd["probs"].clone()
    dlogits[torch.arange(n), fwd["Y"]] -= 1
    dlogits /= n
    dh = torch.einsum("bc,hc->bh", dlogits, fwd["W2"])
    dh_pre = dh / torch.cosh(fwd["h_pre"]) ** 2
    return {"logits": dlogits, "W2": torch.einsum("bh,bc->hc", fwd["h"], dlogits), "b2": dlogits.sum(dim=0),
            "h": dh, "h_pre": dh_pre, "W1": fwd["X"].t() @ dh_pre, "b1": dh_pre.sum(dim=0),
            "extra": torch.zeros(1)}  # more keys than asked for do no harm


def _bp_softmax_from_logits(fwd):  # the probabilities recomputed from the logits
    changed = dict(fwd, probs=torch.softmax(fwd["logits"], dim=1))
    return _bp_solution(changed)


def _bp_with(**changes):
    """The solution with some gradients replaced: changes maps a name to f(fwd, grads) -> tensor."""
    def answer(fwd):
        grads = _bp_solution(fwd)
        for name, change in changes.items():
            grads[name] = change(fwd, grads)
            if name == "h_pre":  # what follows from it, recomputed from the wrong dh_pre
                grads["W1"], grads["b1"] = fwd["X"].T @ grads["h_pre"], grads["h_pre"].sum(0)
            if name == "logits":
                grads["W2"], grads["b2"] = fwd["h"].T @ grads["logits"], grads["logits"].sum(0)
                grads["h"] = grads["logits"] @ fwd["W2"].T
                grads["h_pre"] = grads["h"] * (1 - fwd["h"] ** 2)
                grads["W1"], grads["b1"] = fwd["X"].T @ grads["h_pre"], grads["h_pre"].sum(0)
        return grads
    return answer


def _bp_with_backward(fwd):
    params = {k: (v.clone().requires_grad_(True) if k in ("W1", "b1", "W2", "b2") else v) for k, v in fwd.items()}
    loss, tensors = nb04.backprop_forward(**{k: params[k] for k in ("X", "Y", "W1", "b1", "W2", "b2")})
    for name in ("h_pre", "h", "logits"):
        tensors[name].retain_grad()
    loss.backward()
    return {k: tensors[k].grad for k in ("logits", "W2", "b2", "h", "h_pre", "W1", "b1")}


def _bp_inplace(fwd):
    grads = _bp_solution(fwd)
    fwd["probs"] -= F.one_hot(fwd["Y"], fwd["probs"].shape[1])  # changes the caller's tensor
    return grads


def _bp_forgot_return(fwd):
    grads = _bp_solution(fwd)  # noqa: F841


def _bp_stub(fwd):
    """Return the gradients."""
    ...


BACKPROP_RIGHT = [_bp_solution, _bp_makemore_style, _bp_softmax_from_logits]

BACKPROP_WRONG = [
    (_bp_with(logits=lambda f, g: f["probs"] - F.one_hot(f["Y"], f["probs"].shape[1])),
     ("on dlogits, a batch of 4", "B times too large", "[right: none; wrong: dlogits, dW2, db2, dh, dh_pre, dW1, db1]")),
    (_bp_with(logits=lambda f, g: f["probs"] / f["X"].shape[0]), "the correct class of each row also gets -1"),
    (_bp_with(logits=lambda f, g: -g["logits"]), "it has the wrong sign"),
    (_bp_with(W2=lambda f, g: g["logits"].T @ f["h"]), ("dW2 has shape (6, 5), but W2 has shape (5, 6)", "transposed")),
    (_bp_with(b2=lambda f, g: g["logits"]), ("db2 has shape (4, 6), but b2 has shape (6,)", "collects every row")),
    (_bp_with(b2=lambda f, g: g["logits"].mean(0)), "so SUM the rows"),
    (_bp_with(b1=lambda f, g: g["h_pre"].mean(0)), "so SUM the rows"),
    (_bp_with(W2=lambda f, g: g["W2"] / f["X"].shape[0]), "divided by the batch size once more"),
    (_bp_with(h_pre=lambda f, g: g["h"] * (1 - f["h_pre"] ** 2)),
     ("on dh_pre, a batch of 4 (D=3, H=5, C=6): the derivative of tanh is 1 - tanh(u)^2", "not of h_pre",
      "[right: dlogits, dW2, db2, dh; wrong: dh_pre, dW1, db1]")),
    (_bp_with(h_pre=lambda f, g: g["h"] * (1 - f["h"])), "1 minus the SQUARE of tanh"),
    (_bp_with(h_pre=lambda f, g: g["h"]), "the tanh step is missing"),
    (_bp_with(h=lambda f, g: g["h"] * 2), ("on dh, a batch of 4", "the values are off")),
    # a wrong dh, with dh_pre computed from it: the message points at dh, and says dh_pre follows from it
    (_bp_with(h=lambda f, g: g["logits"] @ f["W2"].T * 2, h_pre=lambda f, g: g["h"] * (1 - f["h"] ** 2)),
     ("on dh, a batch of 4", "the values are off")),
    (_bp_with(W1=lambda f, g: g["h_pre"].T @ f["X"]), ("dW1 has shape (5, 3), but W1 has shape (3, 5)", "transposed")),
    (lambda fwd: {k: v for k, v in _bp_solution(fwd).items() if k != "b1"}, "your dict has no gradient for 'b1'"),
    (lambda fwd: list(_bp_solution(fwd).values()), "your function returned a list, but a dict of gradients"),
    (lambda fwd: dict(_bp_solution(fwd), W1=0.0), "dW1 is a float, but a tensor was expected"),
    (lambda fwd: dict(_bp_solution(fwd), W1=None), "dW1 is None, but a tensor was expected"),
    (_bp_with_backward, "`torch.Tensor.backward` is not allowed in this exercise"),
    (_bp_inplace, "changed its input `fwd` in place"),
    # Review (second edition): the makemore line without .clone() is told which tensor changed, and the fix
    (_makemore_inplace, ('changed its input `fwd` in place. Its tensor `fwd["probs"]` changed',
                         '`fwd["probs"].clone()`')),
    (lambda fwd: 1 / 0, "your function raised ZeroDivisionError"),
    (_bp_forgot_return, "your function returned None: did you forget to `return`"),
]


def test_backprop_names_the_later_tensor_that_follows_from_a_wrong_one():
    answer = BACKPROP_WRONG[12][0]
    results = nb04._check_backprop(answer, lambda fn, *args, **kwargs: fn(*args, **kwargs))
    problems = dict(results)
    assert "computed from dh, which is wrong too: fix dh first" in problems["dh_pre, a batch of 4 (D=3, H=5, C=6)"]
    assert problems["dW2, a batch of 4 (D=3, H=5, C=6)"] is None  # upstream of the mistake: still right


def test_backprop_reference_gradients_are_autograd_and_the_forward_matches_torch():
    fwd, grads = nb04._autograd_gradients(nb04._BACKPROP_CASES[0][1])
    loss, tensors = nb04.backprop_forward(*(fwd[k] for k in ("X", "Y", "W1", "b1", "W2", "b2")))
    torch.testing.assert_close(loss, F.cross_entropy(torch.tanh(fwd["X"] @ fwd["W1"] + fwd["b1"]) @ fwd["W2"]
                                                     + fwd["b2"], fwd["Y"]))
    torch.testing.assert_close(tensors["probs"].sum(1), torch.ones(4))
    for name, value in _bp_solution(fwd).items():
        torch.testing.assert_close(value, grads[name])


@pytest.mark.parametrize("args, error, match", [
    ((torch.ones(2, 3), torch.tensor([0, 1]), torch.ones(3, 4), torch.ones(4), torch.ones(4, 2), torch.ones(3)),
     ValueError, "shapes must be"),
    ((torch.ones(2, 3), torch.tensor([0.0, 1.0]), torch.ones(3, 4), torch.ones(4), torch.ones(4, 2), torch.ones(2)),
     TypeError, "Y must be a torch.long"),
    (([[1.0]], torch.tensor([0]), torch.ones(1, 1), torch.ones(1), torch.ones(1, 1), torch.ones(1)),
     TypeError, "X must be a floating-point"),
])
def test_backprop_forward_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        nb04.backprop_forward(*args)


# --- Both: the tables test_exercises_all.py runs, no leak -------------------------------------
WRONG = {nb04.grad_by_hand: GRAD_WRONG, nb04.cube_backward: CUBE_WRONG, nb04.backprop_by_hand: BACKPROP_WRONG}
ALTERNATIVES = {nb04.grad_by_hand: GRAD_RIGHT, nb04.cube_backward: CUBE_RIGHT,
                nb04.backprop_by_hand: BACKPROP_RIGHT}
STUBS = [
    pytest.param(nb04.grad_by_hand, _stub, id="grad-stub"),
    pytest.param(nb04.cube_backward, NotebookStub, id="cube-notebook-stub"),
    pytest.param(nb04.cube_backward, _cube(lambda ctx, g: None), id="cube-backward-returns-None"),
    pytest.param(nb04.backprop_by_hand, _bp_stub, id="backprop-stub-with-docstring"),
]


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb04.grad_by_hand: lambda w, x, y: (2 * (w * x - y) * x).sum(),
    nb04.cube_backward: _cube(lambda ctx, g: g),
    nb04.backprop_by_hand: BACKPROP_WRONG[8][0],  # tanh's derivative from h_pre
}
