"""Optimizers from scratch: SGD (with momentum), Adagrad, Adadelta and Adam.

Each class follows the update rule documented for its torch.optim namesake,
with torch's default hyper-parameters, so that for the same model and data
it takes exactly the same steps (tests/test_scratch_optimizers.py checks 10 steps).
Only the plain variants are here: no weight decay, no Nesterov, no AMSGrad.

Usage is the same as torch.optim:
    opt = ScratchAdam(model.parameters(), lr=0.01)
    opt.zero_grad(); loss.backward(); opt.step()
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import torch

from course_utils._validate import type_name

__all__ = ["ScratchAdadelta", "ScratchAdagrad", "ScratchAdam", "ScratchOptimizer", "ScratchSGD"]


def _check_rate(value: object, name: str, *, low: float, high: float, high_open: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type_name(value)}")
    ok = math.isfinite(value) and low <= value and (value < high if high_open else value <= high)
    if not ok:
        bracket = ")" if high_open else "]"
        raise ValueError(f"{name} must be in [{low}, {high}{bracket}, got {value}")
    return float(value)


class ScratchOptimizer:
    """What every optimizer here shares: the parameter list, zero_grad, and per-parameter state."""

    def __init__(self, params: Iterable[torch.Tensor], lr: float) -> None:
        if isinstance(params, torch.Tensor) or not isinstance(params, Iterable):
            raise TypeError(f"params must be an iterable of tensors (e.g. model.parameters()), got {type_name(params)}")
        self.params = list(params)
        if not self.params:
            raise ValueError("params is empty: the optimizer got no parameters to update")
        for i, p in enumerate(self.params):
            if not isinstance(p, torch.Tensor):
                raise TypeError(f"params[{i}] must be a torch.Tensor, got {type_name(p)}")
            if not p.requires_grad:
                raise ValueError(f"params[{i}] does not require grad: the optimizer could never update it")
        self.lr = _check_rate(lr, "lr", low=0.0, high=math.inf)
        if self.lr == 0.0:
            raise ValueError("lr must be > 0, got 0.0")
        self.state: list[dict[str, torch.Tensor | int]] = [{} for _ in self.params]  # one dict per parameter
        self.steps = 0  # how many times step() was called (Adam counts its steps per parameter instead)

    def zero_grad(self) -> None:
        """Forget the gradients of the last step (set them to None, like torch.optim)."""
        for p in self.params:
            p.grad = None

    @torch.no_grad()  # the update itself must not be recorded in the graph
    def step(self) -> None:
        """Update every parameter that has a gradient."""
        self.steps += 1
        for p, state in zip(self.params, self.state, strict=True):
            if p.grad is not None:
                self.update(p, p.grad, state)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict[str, Any]) -> None:
        raise NotImplementedError


class ScratchSGD(ScratchOptimizer):
    """SGD, optionally with momentum (torch's form, without dampening).

        buf = grad                      on the first step (with momentum)
        buf = momentum * buf + grad     afterwards
        p   = p - lr * buf              (buf = grad when momentum = 0)
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3, momentum: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _check_rate(momentum, "momentum", low=0.0, high=1.0)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict[str, Any]) -> None:
        if self.momentum:
            if "buf" not in state:
                state["buf"] = grad.clone()
            else:
                state["buf"].mul_(self.momentum).add_(grad)
            grad = state["buf"]
        p.add_(grad, alpha=-self.lr)


class ScratchAdagrad(ScratchOptimizer):
    """Adagrad: each coordinate's step shrinks with the sum of its squared gradients.

        sum = sum + grad²
        p   = p - lr * grad / (sqrt(sum) + eps)
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-2, eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        self.eps = _check_rate(eps, "eps", low=0.0, high=math.inf)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict[str, Any]) -> None:
        state.setdefault("sum", torch.zeros_like(p)).addcmul_(grad, grad)
        std = state["sum"].sqrt().add_(self.eps)
        p.addcdiv_(grad, std, value=-self.lr)


class ScratchAdadelta(ScratchOptimizer):
    """Adadelta: a running mean of squared gradients, and of squared updates, set the step size.

        sq    = rho * sq + (1 - rho) * grad²
        delta = sqrt(acc + eps) / sqrt(sq + eps) * grad
        acc   = rho * acc + (1 - rho) * delta²
        p     = p - lr * delta
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> None:
        super().__init__(params, lr)
        self.rho = _check_rate(rho, "rho", low=0.0, high=1.0, high_open=False)
        self.eps = _check_rate(eps, "eps", low=0.0, high=math.inf)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict[str, Any]) -> None:
        sq = state.setdefault("square_avg", torch.zeros_like(p))
        acc = state.setdefault("acc_delta", torch.zeros_like(p))
        sq.mul_(self.rho).addcmul_(grad, grad, value=1 - self.rho)
        delta = acc.add(self.eps).sqrt_().div_(sq.add(self.eps).sqrt_()).mul_(grad)
        acc.mul_(self.rho).addcmul_(delta, delta, value=1 - self.rho)
        p.add_(delta, alpha=-self.lr)


class ScratchAdam(ScratchOptimizer):
    """Adam: momentum (m) and a per-coordinate scale (v), both bias-corrected for the first steps.

        t = t + 1                       this parameter's own step count (as torch: per parameter)
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad²
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    t counts the steps in which *this* parameter had a gradient: a parameter that first gets a
    gradient at the optimizer's 5th step starts with t = 1, whose bias correction undoes m and v
    starting at zero. (A step count shared by all parameters would use t = 5 there, and its first
    step would be too small: 1 - 0.9**5 = 0.41 instead of 1 - 0.9 = 0.1 in the correction of m.)
    """

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),  # decay of m and of v
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = _check_rate(betas[0], "betas[0]", low=0.0, high=1.0)
        self.beta2 = _check_rate(betas[1], "betas[1]", low=0.0, high=1.0)
        self.eps = _check_rate(eps, "eps", low=0.0, high=math.inf)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict[str, Any]) -> None:
        m = state.setdefault("m", torch.zeros_like(p))
        v = state.setdefault("v", torch.zeros_like(p))
        state["step"] = t = int(state.get("step", 0)) + 1  # this parameter's steps, not the optimizer's
        m.lerp_(grad, 1 - self.beta1)  # = beta1 * m + (1 - beta1) * grad
        v.mul_(self.beta2).addcmul_(grad, grad, value=1 - self.beta2)
        step_size = self.lr / (1 - self.beta1**t)
        denom = (v.sqrt() / math.sqrt(1 - self.beta2**t)).add_(self.eps)
        p.addcdiv_(m, denom, value=-step_size)
