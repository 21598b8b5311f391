"""The training loop, written out in numbered steps, with a record of what happened."""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from course_utils._validate import require_int, type_name
from course_utils.runtime import get_device

__all__ = ["History", "NonFiniteLossError", "fit"]


class NonFiniteLossError(ValueError):
    """The loss became inf or nan during training (usually: learning rate too large)."""


@dataclass
class History:
    """What `fit` recorded.

    losses:       the loss of every optimisation step, in order
    epoch_losses: the mean step loss of each epoch
    grad_norms:   for each named parameter, the L2 norm of its gradient at
                  every step (nan where it got no gradient); empty when
                  fit(record_grads=False)
    """

    losses: list[float] = field(default_factory=list)
    epoch_losses: list[float] = field(default_factory=list)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)

    @property
    def steps(self) -> int:
        """Number of optimisation steps taken."""
        return len(self.losses)


def _check_loss(loss: object, step: int, epoch: int, optimizer: torch.optim.Optimizer) -> float:
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise TypeError(f"loss_fn must return a single-number tensor, got {type_name(loss)}")
    value = float(loss.detach())
    if not math.isfinite(value):
        lr = optimizer.param_groups[0].get("lr", "?")
        raise NonFiniteLossError(
            f"the loss became {value} at step {step} (epoch {epoch + 1}); training stopped. "
            f"The usual cause is a learning rate that is too large (lr={lr}): try a smaller one."
        )
    return value


def _record_grad_norms(model: nn.Module, grad_norms: dict[str, list[float]]) -> None:
    for name, p in model.named_parameters():
        if name in grad_norms:
            grad_norms[name].append(float("nan") if p.grad is None else float(p.grad.detach().norm()))


def _steps_1_to_4(
    model: nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    inputs: Any,
    targets: torch.Tensor,
    step: int,
    epoch: int,
) -> Callable[[], torch.Tensor]:
    """Steps 1-4 of one training step on one batch, as the closure an optimizer's step() may call."""

    def closure() -> torch.Tensor:
        optimizer.zero_grad()  # Step 1. clear the gradients of the previous step
        outputs = model(*inputs) if isinstance(inputs, tuple) else model(inputs)  # Step 2. forward pass
        loss = loss_fn(outputs, targets)  # Step 3. compute the loss
        _check_loss(loss, step, epoch, optimizer)
        loss.backward()  # Step 4. backward pass: gradients of the loss
        return loss

    return closure


def _to_device(inputs: Any, device: torch.device) -> Any:
    """A batch's inputs on `device`: a tensor, or a tuple of tensors such as (ids, offsets)."""
    if isinstance(inputs, tuple):
        return tuple(x.to(device) if isinstance(x, torch.Tensor) else x for x in inputs)
    return inputs.to(device) if isinstance(inputs, torch.Tensor) else inputs


def fit(
    model: nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    batches: Iterable[tuple[Any, torch.Tensor]],
    epochs: int,
    *,
    record_grads: bool = True,
    progress: bool = False,
    device: torch.device | str | None = None,
) -> History:
    """Train `model` and return a History of losses and gradient norms.

    model:        the network to train (its parameters must be in `optimizer`)
    loss_fn:      e.g. nn.CrossEntropyLoss()
    optimizer:    e.g. torch.optim.SGD(model.parameters(), lr=0.1)
    batches:      (inputs, targets) pairs: a list or a DataLoader
    epochs:       passes over `batches`
    record_grads: keep each parameter's gradient norm at every step
    progress:     show a tqdm progress bar
    device:       where to train; default: the course's device, get_device() (COURSE_DEVICE). The model
                  is moved there (in place, so the optimizer keeps its parameters) and so is each batch

    Every step is the recipe from the lecture and the tutorial:
    1. clear old gradients, 2. forward pass, 3. loss, 4. backward pass, 5. update.
    Optimizers that need a closure (LBFGS) get one that runs steps 1-4.
    `inputs` may be a tuple, e.g. (ids, offsets) for nn.EmbeddingBag: it is
    passed as separate arguments, model(*inputs).
    A loss of inf or nan stops training with a NonFiniteLossError (a
    ValueError) naming the step and suggesting a smaller learning rate.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type_name(model)}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable (e.g. nn.CrossEntropyLoss()), got {type_name(loss_fn)}")
    if isinstance(loss_fn, type):
        raise TypeError(f"loss_fn must be a loss object such as {loss_fn.__name__}(), not the class itself")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type_name(optimizer)}")
    require_int(epochs, "epochs", minimum=1)
    if isinstance(batches, torch.Tensor) or not isinstance(batches, Iterable):
        raise TypeError(f"batches must be an iterable of (inputs, targets) pairs, got {type_name(batches)}")

    device = get_device() if device is None else torch.device(device)
    model.to(device)
    history = History()
    if record_grads:
        history.grad_norms = {name: [] for name, p in model.named_parameters() if p.requires_grad}
    needs_closure = isinstance(optimizer, torch.optim.LBFGS)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        total = epochs * len(batches) if hasattr(batches, "__len__") else None
        bar = tqdm(total=total, desc="training", unit="step")

    model.train()
    for epoch in range(epochs):
        epoch_start = len(history.losses)
        for item in batches:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise TypeError(f"each batch must be an (inputs, targets) pair, got {type_name(item)}")
            if not isinstance(item[1], torch.Tensor):
                raise TypeError(f"the targets of a batch must be a torch.Tensor, got {type_name(item[1])}")
            inputs, targets = _to_device(item[0], device), item[1].to(device)
            step = len(history.losses) + 1
            closure = _steps_1_to_4(model, loss_fn, optimizer, inputs, targets, step, epoch)
            if needs_closure:
                loss = optimizer.step(closure)  # Step 5. LBFGS calls closure (steps 1-4) itself
            else:
                loss = closure()  # Steps 1-4
            if record_grads:
                _record_grad_norms(model, history.grad_norms)
            if not needs_closure:
                optimizer.step()  # Step 5. update the parameters
            history.losses.append(_check_loss(loss, step, epoch, optimizer))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history.losses[-1]:.4f}")
        epoch_losses = history.losses[epoch_start:]
        if not epoch_losses:
            raise ValueError("batches yielded no (inputs, targets) pair: an empty data set cannot be trained on")
        history.epoch_losses.append(sum(epoch_losses) / len(epoch_losses))
    if bar is not None:
        bar.close()
    return history
