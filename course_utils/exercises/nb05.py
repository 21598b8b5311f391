"""Exercises of notebook 05 (optimizers)."""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from course_utils.checks import Case, Exercise


def _momentum_step(param: torch.Tensor, grad: torch.Tensor, buf: torch.Tensor | None, lr: float, momentum: float):
    """torch's SGD with momentum, one step: returns (new_param, new_buf)."""
    new_buf = grad.clone() if buf is None else momentum * buf + grad
    return param - lr * new_buf, new_buf


momentum_step = Exercise(
    "Exercise 1 (the momentum update)",
    reference=_momentum_step,
    cases=[
        Case((torch.tensor([1.0, -2.0]), torch.tensor([0.5, 0.5]), None, 0.1, 0.9), label="the first step (buf is None)"),
        Case((torch.tensor([1.0, -2.0]), torch.tensor([0.5, 0.5]), torch.tensor([1.0, -1.0]), 0.1, 0.9),
             label="a later step (buf = [1, -1])"),
        Case((torch.zeros(3), torch.tensor([1.0, 2.0, 3.0]), torch.tensor([3.0, 2.0, 1.0]), 0.5, 0.0),
             label="momentum = 0 (plain SGD)"),
    ],
    hint="on the first step the buffer is the gradient itself; afterwards buf = momentum * buf + grad, "
         "and the parameter moves by -lr * buf. Return (new_param, new_buf).",
)

# --- Exercise 2: an LBFGS closure ------------------------------------------------------------
_LBFGS_STEPS = 3


def _lbfgs_problem() -> tuple[nn.Module, nn.Module, torch.Tensor, torch.Tensor]:
    """A small, seeded logistic regression: 40 points, 3 features, 2 classes."""
    gen = torch.Generator().manual_seed(5)
    inputs = torch.randn(40, 3, generator=gen)
    noise = torch.randn(40, generator=gen)  # noisy labels: the loss cannot reach 0
    targets = (inputs @ torch.tensor([1.0, -2.0, 0.5]) + 1.5 * noise > 0).long()
    torch.manual_seed(5)
    return nn.Linear(3, 2), nn.CrossEntropyLoss(), inputs, targets


def _reference_closure(optimizer, model, loss_fn, inputs, targets) -> Callable[[], torch.Tensor]:
    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        return loss
    return closure


def _run_lbfgs(make_closure) -> tuple[float, float]:
    """(loss before, loss after) LBFGS with closures made by make_closure; the global RNG is restored."""
    state = torch.random.get_rng_state()
    try:
        model, loss_fn, inputs, targets = _lbfgs_problem()
        optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=5)
        with torch.no_grad():
            before = float(loss_fn(model(inputs), targets))
        for _ in range(_LBFGS_STEPS):
            optimizer.step(make_closure(optimizer, model, loss_fn, inputs, targets))
        with torch.no_grad():
            after = float(loss_fn(model(inputs), targets))
        return before, after
    finally:
        torch.random.set_rng_state(state)


def _check_closure_maker(make_closure) -> str | None:
    if not callable(make_closure):
        return f"expected your function make_closure, got a {type(make_closure).__name__}"
    state = torch.random.get_rng_state()
    try:
        model, loss_fn, inputs, targets = _lbfgs_problem()
        optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=5)
        closure = make_closure(optimizer, model, loss_fn, inputs, targets)
    finally:
        torch.random.set_rng_state(state)
    if closure is None or closure is ...:
        raise NotImplementedError  # the stub: "not attempted yet"
    if not callable(closure):
        return f"make_closure must return a function (the closure), got a {type(closure).__name__}"
    loss = closure()
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        return "the closure must return the loss (a single-number tensor); LBFGS reads it"
    if any(p.grad is None for p in model.parameters()):
        return "after calling the closure the parameters have no gradient: call loss.backward() inside it"
    before, after = _run_lbfgs(make_closure)
    _, want = _run_lbfgs(_reference_closure)
    if abs(after - want) > 1e-4 + 1e-3 * want:
        return (f"LBFGS with your closure took the loss from {before:.4f} to {after:.4g}, but a correct closure "
                f"reaches {want:.4f}: does your closure clear the old gradients first?")
    return None


lbfgs_closure = Exercise(
    "Exercise 2 (an LBFGS closure)",
    reference=None,
    check_fn=_check_closure_maker,
    hint="the closure runs Steps 1-4 of the recipe (zero_grad, forward, loss, backward) and returns the loss",
)
