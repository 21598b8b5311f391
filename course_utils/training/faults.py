"""Broken training runs on purpose, to learn what their gradient pictures look like.

The lecture's last hint is "plot gradients per variable". To read such a plot
you need to have seen a few: `train_variant` trains a tiny network on synthetic
data, either correctly or with one classic bug, and returns the same `History`
as `course_utils.training.fit` (losses and per-parameter gradient norms).

Bugs (BUGS):
    "none"               the correct loop
    "no zero_grad"       Step 1 forgotten: gradients of all past steps pile up
    "saturated sigmoid"  a bad initialisation puts every hidden pre-activation
                         near -10, where the sigmoid is flat (slope ~5e-5)
A learning rate that is too large (or too small) needs no special variant: pass a large (small) `lr`.

`train_variant_with_health` trains the same runs and also records, with
course_utils.analysis.health.HealthRecorder, the hidden sigmoid's activation
statistics and every parameter's update:data ratio at every step.
"""
from __future__ import annotations

import contextlib
import math

import torch
from torch import nn

from course_utils._validate import require_int, require_positive_float, type_name
from course_utils.analysis.health import Health, HealthRecorder
from course_utils.data.synthetic import make_linear_data
from course_utils.runtime import get_device
from course_utils.training.loop import History

__all__ = ["BUGS", "SATURATION_BIAS", "tiny_data", "tiny_model", "train_variant", "train_variant_with_health"]

BUGS: tuple[str, ...] = ("none", "no zero_grad", "saturated sigmoid")
SATURATION_BIAS = -10.0  # "saturated sigmoid" starts the hidden bias here: sigmoid(-10) = 4.5e-5, slope 4.5e-5


def tiny_data(n: int = 64, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The task of `train_variant`: y = 2 x0 - x1 + 0.5 + noise, shapes X [n, 2], y [n, 1]."""
    X, y = make_linear_data(n, torch.tensor([2.0, -1.0]), 0.5, noise=0.1, seed=seed)
    return X, y.unsqueeze(1)


def tiny_model(hidden: int = 8, saturated: bool = False, seed: int = 0) -> nn.Sequential:
    """Linear(2, hidden) -> Sigmoid -> Linear(hidden, 1), initialised from `seed`.

    saturated: start the hidden bias at SATURATION_BIAS, so every sigmoid
               outputs ~0 and passes back almost no gradient
    """
    require_int(hidden, "hidden", minimum=1)
    if not isinstance(saturated, bool):
        raise TypeError(f"saturated must be True or False, got {type_name(saturated)}")
    require_int(seed, "seed", minimum=0)
    with torch.random.fork_rng(devices=[]):  # seeded here; the caller's global random state is left as it was
        torch.default_generator.manual_seed(seed)  # the CPU generator only: models are built on the CPU
        model = nn.Sequential(nn.Linear(2, hidden), nn.Sigmoid(), nn.Linear(hidden, 1))
    if saturated:
        with torch.no_grad():
            model[0].bias.fill_(SATURATION_BIAS)
    return model


def train_variant(
    bug: str = "none",
    lr: float = 0.2,
    steps: int = 40,
    seed: int = 0,
    device: torch.device | str | None = None,
) -> History:
    """Train `tiny_model` on `tiny_data` with MSE and SGD, with the chosen bug.

    bug:   one of BUGS
    lr:    SGD learning rate
    steps: full-batch gradient steps (each step sees all the data: one step is one epoch)
    seed:  seeds the data and the initial weights
    device: where to train; default: the course's device, get_device()

    Returns a History (losses, grad_norms per parameter) like `fit` on one full batch: one epoch per step, so
    `epoch_losses` equals `losses`. Unlike `fit`, a loss that becomes inf or nan does not raise: training stops
    there, so a diverging run can still be plotted (then `history.steps < steps`).
    """
    return _train(bug, lr, steps, seed, device, record_health=False)[0]


def train_variant_with_health(
    bug: str = "none",
    lr: float = 0.2,
    steps: int = 40,
    seed: int = 0,
    device: torch.device | str | None = None,
) -> tuple[History, Health]:
    """The run of `train_variant(bug, lr, steps, seed, device)`, plus its Health: the hidden sigmoid's
    activation statistics (layer "1") and the update:data ratio of every parameter, at every step."""
    history, health = _train(bug, lr, steps, seed, device, record_health=True)
    assert health is not None
    return history, health


def _train(
    bug: str, lr: float, steps: int, seed: int, device: torch.device | str | None, record_health: bool
) -> tuple[History, Health | None]:
    if bug not in BUGS:
        raise ValueError(f"bug must be one of {BUGS}, got {bug!r}")
    lr = require_positive_float(lr, "lr")
    require_int(steps, "steps", minimum=1)
    require_int(seed, "seed", minimum=0)
    device = get_device() if device is None else torch.device(device)
    X, y = (t.to(device) for t in tiny_data(seed=seed))
    model = tiny_model(saturated=bug == "saturated sigmoid", seed=seed).to(device)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = History(grad_norms={name: [] for name, _ in model.named_parameters()})
    recorder = HealthRecorder(model, optimizer)
    with recorder if record_health else contextlib.nullcontext():
        for _ in range(steps):
            if bug != "no zero_grad":
                optimizer.zero_grad()  # Step 1. clear old gradients (the bug skips this)
            prediction = model(X)  # Step 2. forward pass
            loss = loss_fn(prediction, y)  # Step 3. loss
            value = float(loss.detach())
            if not math.isfinite(value):
                break  # diverged: keep what we have
            loss.backward()  # Step 4. backward pass
            for name, p in model.named_parameters():
                history.grad_norms[name].append(float(p.grad.norm()))
            optimizer.step()  # Step 5. update
            history.losses.append(value)
    history.epoch_losses = list(history.losses)  # full batch: every step is a whole epoch
    return history, recorder.health if record_health else None
