import math

import pytest
import torch
from torch import nn

from course_utils.scratch.optimizers import ScratchAdadelta, ScratchAdagrad, ScratchAdam, ScratchSGD


def _train(make_optimizer, steps=10):
    """10 steps on a small model; returns all parameters and the losses."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x, y = torch.randn(8, 4), torch.randint(0, 2, (8,))
    optimizer = make_optimizer(model.parameters())
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    return torch.cat([p.detach().flatten() for p in model.parameters()]), losses


PAIRS = {
    "SGD": (lambda p: ScratchSGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "SGD default lr": (lambda p: ScratchSGD(p), lambda p: torch.optim.SGD(p)),
    "SGD momentum": (lambda p: ScratchSGD(p, lr=0.1, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    "Adagrad": (lambda p: ScratchAdagrad(p, lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1)),
    "Adagrad defaults": (lambda p: ScratchAdagrad(p), lambda p: torch.optim.Adagrad(p)),
    "Adadelta": (lambda p: ScratchAdadelta(p), lambda p: torch.optim.Adadelta(p)),
    "Adadelta rho": (lambda p: ScratchAdadelta(p, lr=2.0, rho=0.5), lambda p: torch.optim.Adadelta(p, lr=2.0, rho=0.5)),
    "Adam": (lambda p: ScratchAdam(p, lr=0.05), lambda p: torch.optim.Adam(p, lr=0.05)),
    "Adam betas": (lambda p: ScratchAdam(p, lr=0.01, betas=(0.5, 0.9), eps=1e-6),
                   lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.5, 0.9), eps=1e-6)),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_scratch_optimizer_matches_torch_for_10_steps(name):
    scratch, torch_optim = PAIRS[name]
    ours, our_losses = _train(scratch)
    theirs, their_losses = _train(torch_optim)
    start, _ = _train(scratch, steps=0)
    assert (ours - start).abs().max() > 1e-4  # it really moved
    torch.testing.assert_close(ours, theirs, atol=1e-6, rtol=0)
    assert our_losses == pytest.approx(their_losses, abs=1e-6)


def test_momentum_first_step_uses_the_gradient_then_accumulates():
    p = torch.tensor([1.0], requires_grad=True)
    opt = ScratchSGD([p], lr=0.1, momentum=0.5)
    for expected in (1.0 - 0.1 * 2.0, 0.8 - 0.1 * (0.5 * 2.0 + 2.0)):
        opt.zero_grad()
        (2 * p).sum().backward()  # gradient 2 every step
        opt.step()
        assert float(p.detach()) == pytest.approx(expected)


def test_zero_grad_sets_none_and_step_skips_parameters_without_gradient():
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = ScratchAdam([a, b], lr=0.1)
    (a * 3).sum().backward()
    opt.step()
    assert torch.equal(b.detach(), torch.ones(2)) and not torch.equal(a.detach(), torch.ones(2))
    opt.zero_grad()
    assert a.grad is None and b.grad is None and opt.steps == 1


@pytest.mark.parametrize("make, error, match", [
    (lambda: ScratchSGD(torch.ones(2, requires_grad=True)), TypeError, "params must be an iterable"),
    (lambda: ScratchSGD([]), ValueError, "params is empty"),
    (lambda: ScratchSGD([3.0]), TypeError, r"params\[0\] must be a torch.Tensor"),
    (lambda: ScratchSGD([torch.ones(2)]), ValueError, r"params\[0\] does not require grad"),
    (lambda: ScratchSGD([torch.ones(2, requires_grad=True)], lr=0), ValueError, "lr must be > 0"),
    (lambda: ScratchSGD([torch.ones(2, requires_grad=True)], lr=-1.0), ValueError, "lr must be in"),
    (lambda: ScratchSGD([torch.ones(2, requires_grad=True)], lr="0.1"), TypeError, "lr must be a number"),
    (lambda: ScratchSGD([torch.ones(2, requires_grad=True)], momentum=1.0), ValueError, "momentum must be in"),
    (lambda: ScratchAdagrad([torch.ones(2, requires_grad=True)], eps=math.nan), ValueError, "eps must be in"),
    (lambda: ScratchAdadelta([torch.ones(2, requires_grad=True)], rho=1.5), ValueError, "rho must be in"),
    (lambda: ScratchAdam([torch.ones(2, requires_grad=True)], betas=0.9), TypeError, "betas must be a pair"),
    (lambda: ScratchAdam([torch.ones(2, requires_grad=True)], betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in"),
])
def test_bad_arguments_name_the_argument(make, error, match):
    with pytest.raises(error, match=match):
        make()


def _late_gradient_run(make_optimizer, first_step_of_b=5, steps=10):
    """`a` gets a gradient at every step, `b` only from step `first_step_of_b` on (like an unused embedding row)."""
    a = torch.tensor([1.0, -2.0], requires_grad=True)
    b = torch.tensor([0.5, 3.0], requires_grad=True)
    optimizer = make_optimizer([a, b])
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        loss = (a**2).sum()
        if step >= first_step_of_b:  # before that b is not in the graph: its .grad stays None, like an unused row
            loss = loss + ((b - 1) ** 2).sum()
        loss.backward()
        optimizer.step()
    return a.detach().clone(), b.detach().clone()


def test_adam_counts_steps_per_parameter_like_torch():
    ours = _late_gradient_run(lambda p: ScratchAdam(p, lr=0.1))
    theirs = _late_gradient_run(lambda p: torch.optim.Adam(p, lr=0.1))
    torch.testing.assert_close(ours, theirs, atol=1e-6, rtol=0)
    # the case matters: a step count shared by all parameters would leave b far from torch's b
    shared = _late_gradient_run(lambda p: _SharedStepAdam(p, lr=0.1))
    torch.testing.assert_close(shared[0], theirs[0], atol=1e-6, rtol=0)
    assert (shared[1] - theirs[1]).abs().max() > 0.05


class _SharedStepAdam(ScratchAdam):
    """The old, wrong ScratchAdam: its bias correction used the optimizer's step count for every parameter."""

    def update(self, p, grad, state):
        state["step"] = self.steps - 1  # ScratchAdam.update adds 1: t = self.steps, shared by all parameters
        super().update(p, grad, state)


def test_adam_step_count_is_kept_in_each_parameters_state():
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = ScratchAdam([a, b], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (a * 3).sum().backward()
        opt.step()
    assert opt.steps == 3 and opt.state[0]["step"] == 3 and "step" not in opt.state[1]
