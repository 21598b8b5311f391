"""Exercises of notebook 05 (optimizers)."""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, NotAttempted, StudentError, compare
from course_utils.checks.compare import article
from course_utils.checks.guards import ForbiddenCall, is_empty_function
from course_utils.exercises.nb05_adam import adam_from_scratch

__all__ = ["SOLUTION_KEYS", "adam_from_scratch", "lbfgs_closure", "momentum_step"]


# --- Exercise 1: the momentum update --------------------------------------------------------
def _momentum_step(param: torch.Tensor, grad: torch.Tensor, buf: torch.Tensor | None, lr: float, momentum: float):
    """torch's SGD with momentum, one step: returns (new_param, new_buf)."""
    new_buf = grad.clone() if buf is None else momentum * buf + grad
    return param - lr * new_buf, new_buf


# lr is never 1 - momentum: a buffer that includes lr would then equal one with dampening (1 - momentum) * grad.
_MOMENTUM_CASES = [
    Case(
        (torch.tensor([1.0, -2.0]), torch.tensor([0.5, 0.5]), None, 0.2, 0.9),
        label="the first step (buf is None, lr = 0.2, momentum = 0.9)",
    ),
    Case(
        (torch.tensor([1.0, -2.0]), torch.tensor([0.5, 0.5]), torch.tensor([1.0, -1.0]), 0.2, 0.9),
        label="a later step (buf = [1, -1], lr = 0.2, momentum = 0.9)",
    ),
    Case(
        (torch.zeros(3), torch.tensor([1.0, 2.0, 3.0]), torch.tensor([3.0, 2.0, 1.0]), 0.5, 0.0),
        label="momentum = 0 (plain SGD)",
    ),
    Case(
        (
            torch.tensor([[0.5, -1.0, 2.0], [0.0, 3.0, -0.5]]),
            torch.tensor([[-0.2, 0.4, 1.0], [2.0, -1.0, 0.3]]),
            torch.tensor([[1.0, 0.5, -2.0], [0.25, 0.0, 4.0]]),
            0.05,
            0.5,
        ),
        label="a later step on a 2x3 weight matrix (lr = 0.05, momentum = 0.5)",
    ),
    Case(
        (torch.tensor([[2.0, -3.0], [1.0, 0.0]]), torch.tensor([[1.0, -1.0], [0.5, 4.0]]), None, 0.5, 0.99),
        label="the first step on a 2x2 matrix (lr = 0.5, momentum = 0.99)",
    ),
]

_MOMENTUM_RULE = (
    "write the update yourself from the rule in 'The update rules': no torch.optim.SGD (nor its "
    "functional form, torch.optim._functional.sgd) and no ScratchSGD"
)


def _same(a: Any, b: torch.Tensor) -> bool:
    return (
        isinstance(a, torch.Tensor)
        and a.shape == b.shape
        and bool(torch.allclose(a.detach().double(), b.double(), atol=1e-6, rtol=1e-5))
    )


def _diagnose_momentum(got: Any, want: tuple, case: Case) -> str | None:
    """Name the mistake a wrong result shows, only when exactly one typical mistake gives it here."""
    param, grad, buf, lr, mu = case.args
    if isinstance(got, torch.Tensor):
        return "it returned one tensor, but the task asks for two: (new_param, new_buf)"
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    new_param, new_buf = got
    want_param, want_buf = want
    if _same(new_param, want_buf) and _same(new_buf, want_param):
        return "it returned (new_buf, new_param): the order is (new_param, new_buf)"
    old = torch.zeros_like(grad) if buf is None else buf
    if _same(new_buf, want_buf):
        param_mistakes = [
            (
                param - lr * grad,
                "the parameter moved by the gradient alone: with momentum it moves by the new buffer (times lr)",
            ),
            (
                param - lr * old,
                "the parameter moved with the old buffer: update the buffer first, then move the "
                "parameter with the new one",
            ),
            (param + lr * want_buf, "the parameter moved uphill: a step goes against the buffer (minus lr times it)"),
            (param - want_buf, "the learning rate is missing from the parameter update"),
            (
                param - lr * (grad + mu * want_buf),
                "that is Nesterov momentum: the task is PyTorch's default form (nesterov=False)",
            ),
        ]
        why = _only_match(new_param, want_param, param_mistakes)
        return None if why is None else f"the new buffer is right, but {why}"
    buf_mistakes = [
        (
            lr * want_buf,
            "your buffer includes the learning rate: in PyTorch's form the buffer adds up gradients "
            "only, and lr multiplies it when the parameter moves",
        ),
        (
            mu * old + (1 - mu) * grad,
            "your buffer adds (1 - momentum) times the gradient (that is dampening, an "
            "average): PyTorch's default adds the gradient itself",
        ),
        (
            mu * grad + grad,
            "on the first step the buffer is the gradient itself: there is no earlier buffer to multiply by momentum",
        ),
        (
            grad,
            "your buffer is just the gradient: after the first step it must also remember the old buffer, "
            "multiplied by momentum",
        ),
        (mu * old, "your buffer forgot to add the new gradient"),
        (old, "your buffer is the old buffer, unchanged: every step adds the new gradient to it"),
        (old + mu * grad, "the momentum factor multiplies the old buffer, not the new gradient"),
    ]
    return _only_match(new_buf, want_buf, buf_mistakes)


def _only_match(got: Any, want: torch.Tensor, mistakes: list[tuple[torch.Tensor, str]]) -> str | None:
    """What the one mistake that gives `got` is; None when none, or several, give it (then it stays unexplained)."""
    matches = [why for value, why in mistakes if not _same(value, want) and _same(got, value)]
    return matches[0] if len(matches) == 1 else None


def _shares_memory(a: Any, b: Any) -> bool:
    return (
        isinstance(a, torch.Tensor)
        and isinstance(b, torch.Tensor)
        and a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
    )


def _check_momentum(answer: Any, run: Any) -> list[tuple[str, str | None]]:
    if not callable(answer):
        raise StudentError(f"expected a function, got {article(type_name(answer))}")
    results = []
    for case in _MOMENTUM_CASES:
        want = _momentum_step(*copy.deepcopy(case.args))
        args = copy.deepcopy(case.args)
        try:
            got = run(answer, *args)
        except StudentError as exc:
            results.append((case.describe(), str(exc)))
            continue
        if got is ...:
            raise NotAttempted
        problem = compare(got, want)
        if problem is not None and got is not None:
            problem = _diagnose_momentum(got, want, case) or problem
        elif problem is None:
            param, grad, buf = args[:3]
            new_param, new_buf = got
            for name, tensor in (("grad", grad), ("param", param), ("buf", buf)):
                if any(_shares_memory(out, tensor) for out in (new_param, new_buf)):
                    problem = (
                        f"a returned tensor is the input `{name}` itself (the same memory), not a new "
                        f"tensor: an optimizer keeps the buffer across steps, and `backward()` and "
                        f"`zero_grad()` change `.grad` in place, so your buffer would change with it"
                    )
                    break
        results.append((case.describe(), problem))
    return results


momentum_step = Exercise(
    "Exercise 1 (the momentum update)",
    reference=_momentum_step,
    cases=_MOMENTUM_CASES,
    check_fn=_check_momentum,
    forbidden=[
        "torch.optim.SGD",
        "torch.optim.sgd.SGD",
        "torch.optim._functional.sgd",
        "torch.optim.sgd.sgd",
        "course_utils.scratch.optimizers.ScratchSGD",
    ],
    rule=_MOMENTUM_RULE,
    hints=[
        "PyTorch's momentum keeps a buffer, a decaying sum of past gradients. Each step first updates the buffer "
        "with the new gradient, then moves the parameter against the buffer (not against the raw gradient).",
        "Translate the rule for 'SGD with momentum' in the section 'The update rules' line by line: the first "
        "step (buf is None), the buffer update, then the parameter update, in that order. Return the new "
        "parameter first, then the new buffer.",
        "Build new tensors: don't change param, grad or buf in place (no -=, += or methods ending in _), and "
        "don't return the gradient tensor itself as the buffer; make a copy of it.",
    ],
)


# --- Exercise 2: an LBFGS closure ------------------------------------------------------------
_LBFGS_STEPS, _LBFGS_ITER = 1, 3  # few enough that a closure with wrong gradients ends elsewhere


def _lbfgs_problem() -> tuple[nn.Module, nn.Module, torch.Tensor, torch.Tensor]:
    """A small logistic regression: 40 points, 3 features, 2 classes (seeded; the global RNG is not used)."""
    gen = torch.Generator().manual_seed(5)
    inputs = torch.randn(40, 3, generator=gen)
    noise = torch.randn(40, generator=gen)  # noisy labels: the loss cannot reach 0
    targets = (inputs @ torch.tensor([1.0, -2.0, 0.5]) + 1.5 * noise > 0).long()
    model = nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(0.5 * torch.randn(2, 3, generator=gen))
        model.bias.copy_(0.5 * torch.randn(2, generator=gen))
    return model, nn.CrossEntropyLoss(), inputs, targets


def _reference_closure(optimizer, model, loss_fn, inputs, targets) -> Callable[[], torch.Tensor]:
    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        return loss

    return closure


def _run_lbfgs(make_closure: Callable[..., Any]) -> list[torch.Tensor]:
    """The parameters after _LBFGS_STEPS steps of LBFGS with closures made by make_closure."""
    model, loss_fn, inputs, targets = _lbfgs_problem()
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=_LBFGS_ITER)
    closure = make_closure(optimizer, model, loss_fn, inputs, targets)
    for _ in range(_LBFGS_STEPS):
        optimizer.step(closure)
    return [p.detach().clone() for p in model.parameters()]


def _loss_and_grads(model: nn.Module, loss_fn: nn.Module, inputs: torch.Tensor, targets: torch.Tensor):
    """The loss at the model's current parameters and its gradients (computed on a copy)."""
    model = copy.deepcopy(model)
    model.zero_grad(set_to_none=True)
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    return loss.item(), [p.grad.detach().clone() for p in model.parameters()]


def _step_called(*args: Any, **kwargs: Any) -> Any:
    raise ForbiddenCall(
        "your code calls optimizer.step(): the closure must only evaluate the loss and its gradients. LBFGS "
        "calls the closure from inside optimizer.step(closure), several times per step"
    )


def _make(make_closure: Any, run: Any, optimizer, model, loss_fn, inputs, targets) -> Callable[[], Any]:
    optimizer.step = _step_called  # an instance attribute: hides LBFGS.step from the student's code
    closure = run(make_closure, optimizer, model, loss_fn, inputs, targets, who="your make_closure")
    if closure is ...:
        raise NotAttempted
    if closure is None:
        raise StudentError(
            "make_closure returned None: define the closure inside it and return it (the function itself, not called)"
        )
    if isinstance(closure, (torch.Tensor, int, float)):
        raise StudentError(
            f"make_closure returned {article(type_name(closure))}: return the function closure "
            "itself, without calling it (LBFGS calls it)"
        )
    if not callable(closure):
        raise StudentError(f"make_closure must return a function (the closure), got {article(type_name(closure))}")
    if inspect.isfunction(closure) and is_empty_function(closure):
        raise NotAttempted
    return closure


def _call(closure: Callable[[], Any], run: Any) -> Any:
    try:
        return run(closure, who="your closure")
    except StudentError as exc:
        if "backward through the graph a second time" in str(exc):
            raise StudentError(
                "your closure raised RuntimeError (backward through the graph a second time): it reuses a result "
                "computed before it was called. Compute the forward pass and the loss inside the closure, at "
                "every call: LBFGS changes the parameters between calls"
            ) from None
        raise


# What LBFGS does with the value the closure returns (torch 2.13, LBFGS.step): it converts it with float(), stops
# when it changes by less than tolerance_change between iterations, and returns the first one from step(); only
# with line_search_fn="strong_wolfe" does it also decide how far to go (comparing values with the gradients).
_VALUE_USE = (
    "LBFGS converts it with float(), and one of its stopping tests compares it from one iteration to the "
    "next (it stops when the value changes by less than tolerance_change); with "
    'line_search_fn="strong_wolfe" the values also decide how far LBFGS goes'
)


def _value_problem(value: Any, want: float, n: int) -> str | None:
    """What is wrong with the value a closure returned (want: the loss), or None."""
    if value is None:
        return f"your closure returned None: return the loss ({_VALUE_USE})"
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            return (
                f"your closure returned a tensor of shape {tuple(value.shape)}: return the loss, one number "
                "(the mean that loss_fn computes)"
            )
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"your closure returned {article(type_name(value))}: return the loss (a tensor, or loss.item())"
    if math.isclose(value, want, rel_tol=1e-5, abs_tol=1e-6):
        return None
    if math.isclose(value, n * want, rel_tol=1e-4):
        return (
            "your closure returns the SUM of the examples' losses: use the loss_fn you are given (it takes "
            f"the mean). The value matters: {_VALUE_USE}"
        )
    factor = round(value / want, 1) if want else 0.0
    if factor not in (0.0, 1.0) and math.isclose(value / want, factor, rel_tol=1e-4):
        return (
            f"your closure returns {factor:g} times the loss: return the loss itself, unscaled. The value "
            f"matters: {_VALUE_USE}"
        )
    return "the value your closure returns is not the loss of model(inputs) against targets"


def _grad_problem(
    grads: list[Any], want: list[torch.Tensor], old: list[torch.Tensor], n: int, backpropagated: bool
) -> str | None:
    """What is wrong with the .grad a closure left, or None.

    want: the loss's gradients; old: what .grad held before the call; backpropagated: whether a nonzero gradient
    reached the parameters during the call (a backward pass through them ran)
    """
    cleared = (
        "you cleared the gradients after backpropagating: clear them BEFORE the backward pass (Step 1 "
        "comes first), so that the closure leaves this loss's gradients in .grad for LBFGS to read"
    )
    if any(g is None for g in grads):
        if backpropagated:
            return f"after your closure the parameters have no gradient (.grad is None): {cleared}"
        return (
            "after your closure the parameters have no gradient: no backward pass reached them. Backpropagate "
            "the loss computed from model(inputs) inside the closure (Step 4)"
        )
    flat = torch.cat([g.detach().flatten() for g in grads]).double()
    ref = torch.cat([g.flatten() for g in want]).double()
    if torch.allclose(flat, ref, atol=1e-6, rtol=1e-4):
        return None
    before = torch.cat([g.flatten() for g in old]).double()
    if before.abs().max() > 0 and torch.allclose(flat, ref + before, atol=1e-6, rtol=1e-4):
        return (
            "the gradients your closure leaves include the ones that were already in .grad: clear the "
            "gradients at the start of the closure (Step 1), or every call adds onto the last"
        )
    if not flat.abs().max() > 0 and backpropagated:
        return f"the gradients your closure leaves are all zero: {cleared}"
    ratio = (flat @ ref) / (ref @ ref)
    if torch.allclose(flat, ratio * ref, atol=1e-6, rtol=1e-4):
        if math.isclose(float(ratio), n, rel_tol=1e-4):
            return (
                "the gradients your closure leaves are those of the SUM of the examples' losses: use the "
                "loss_fn you are given (it takes the mean)"
            )
        return (
            f"the gradients your closure leaves are {float(ratio):.3g} times those of the loss: backpropagate "
            "the loss itself, the same one the closure returns"
        )
    return "the gradients your closure leaves are not the gradients of the loss"


class _BackwardWatch:
    """Records whether a nonzero gradient reaches the parameters (a tensor hook on each), until removed."""

    def __init__(self, parameters: list[torch.Tensor]) -> None:
        self.reached = False
        self._handles = [p.register_hook(self._seen) for p in parameters]

    def _seen(self, grad: torch.Tensor) -> None:
        self.reached = self.reached or bool(grad.detach().abs().sum() > 0)

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()


def _check_closure_maker(make_closure: Any, run: Any) -> list[tuple[str, str | None]]:
    if not callable(make_closure):
        raise StudentError(f"expected your function make_closure, got {article(type_name(make_closure))}")
    results: list[tuple[str, str | None]] = []

    def evaluate(label: str, calls: int, move: bool, old_grads: bool) -> None:
        model, loss_fn, inputs, targets = _lbfgs_problem()
        optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=_LBFGS_ITER)
        try:
            closure = _make(make_closure, run, optimizer, model, loss_fn, inputs, targets)
            for i in range(calls):
                if move and i == calls - 1:
                    with torch.no_grad():
                        for k, p in enumerate(model.parameters()):
                            p.add_(torch.linspace(-0.3, 0.4, p.numel()).reshape(p.shape) * (k + 1))
                if old_grads and i == calls - 1:
                    for p in model.parameters():
                        p.grad = torch.linspace(0.5, -1.0, p.numel()).reshape(p.shape)
                old = [torch.zeros_like(p) if p.grad is None else p.grad.detach().clone() for p in model.parameters()]
                want_loss, want_grads = _loss_and_grads(model, loss_fn, inputs, targets)
                params = [p.detach().clone() for p in model.parameters()]
                watch = _BackwardWatch(list(model.parameters()))
                try:
                    value = _call(closure, run)
                finally:
                    watch.remove()
                if any(not torch.equal(p.detach(), q) for p, q in zip(model.parameters(), params, strict=False)):
                    raise StudentError(
                        "your closure changed the parameters: it must only evaluate the loss and "
                        "its gradients; LBFGS moves the parameters itself, inside step()"
                    )
                grads = [p.grad for p in model.parameters()]
                problem = _value_problem(value, want_loss, len(targets)) or _grad_problem(
                    grads, want_grads, old, len(targets), watch.reached
                )
                if problem is not None:
                    results.append((label, problem))
                    return
        except StudentError as exc:
            results.append((label, str(exc)))
            return
        results.append((label, None))

    evaluate("a first call (the parameters still hold gradients from an earlier evaluation)", 1, False, True)
    evaluate("a second call at the same parameters", 2, False, False)
    evaluate("a call after the parameters moved (as LBFGS moves them)", 2, True, False)
    # Finally the real thing: LBFGS with the student's closure ends where it ends with a correct one.
    label = f"an LBFGS step ({_LBFGS_ITER} iterations) with your closure"
    model, loss_fn, inputs, targets = _lbfgs_problem()
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=_LBFGS_ITER)
    try:
        closure = _make(make_closure, run, optimizer, model, loss_fn, inputs, targets)
        del optimizer.step  # the real LBFGS.step again

        def lbfgs_steps() -> None:
            for _ in range(_LBFGS_STEPS):
                optimizer.step(closure)

        run(lbfgs_steps, who="LBFGS with your closure")
    except StudentError as exc:
        results.append((label, str(exc)))
        return results
    want = _run_lbfgs(_reference_closure)
    same = all(
        torch.allclose(p.detach(), q, atol=1e-4, rtol=1e-3) for p, q in zip(model.parameters(), want, strict=False)
    )
    results.append(
        (label, None if same else "LBFGS with your closure ends at other parameters than with a correct one")
    )
    return results


lbfgs_closure = Exercise(
    "Exercise 2 (an LBFGS closure)",
    reference=None,
    check_fn=_check_closure_maker,
    hints=[
        "LBFGS calls the closure several times per step, each time at new parameter values. Each call must "
        "recompute the loss from scratch and leave that loss's gradients, and only those, in .grad.",
        "Inside the closure, run Steps 1-4 of the training recipe above (not Step 5: LBFGS takes the step "
        "itself), with the model, loss_fn, inputs and targets given to make_closure, and return the loss. "
        "make_closure returns the closure itself, without calling it.",
        "Try it yourself: call your closure twice in a row and print a parameter's .grad after each call; they "
        "must be equal. And the value it returns must be exactly what loss_fn gives: not scaled, not summed.",
    ],
)

# Exercise 3 (Adam from scratch) lives in nb05_adam.py, to keep each exercise readable.
# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb05.py).
SOLUTION_KEYS = {
    "momentum_step": ["grad.clone() if buf is None", "momentum * buf + grad", "param - lr * new_buf", "grad.clone()"],
    "lbfgs_closure": [
        "optimizer.zero_grad()",
        "loss.backward()",
        "loss = loss_fn(model(inputs), targets)",
        "return loss",
        "return closure",
    ],
    "adam_from_scratch": [
        "1 - beta1 ** s[\"step\"]",
        "1 - beta2 ** s[\"step\"]",
        "v_hat.sqrt() + self.eps",
        "s[\"step\"] += 1",
    ],
}
