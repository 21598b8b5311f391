"""From-scratch versions of formulas that torch provides, to compare with torch.

Each function is a few lines of plain tensor arithmetic: read them next to the
math in the notebooks. tests/test_scratch.py checks each against torch.
"""
from __future__ import annotations

from collections.abc import Iterable

import torch

from course_utils._validate import require_dim, require_positive_float, require_tensor, type_name

__all__ = ["cross_entropy", "log_softmax", "nll_loss", "sgd_step", "softmax"]


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """softmax(x)_i = exp(x_i) / sum_j exp(x_j), along `dim`.

    Subtracting the maximum first changes nothing mathematically (it cancels
    in the ratio) but keeps exp() from overflowing for large inputs.
    """
    require_tensor(x, "x", floating=True)
    require_dim(dim, x)
    shifted = x - x.amax(dim=dim, keepdim=True)  # largest entry becomes 0
    exps = shifted.exp()
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """log softmax(x)_i = x_i - log sum_j exp(x_j), computed stably (max-shift)."""
    require_tensor(x, "x", floating=True)
    require_dim(dim, x)
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def _check_targets(targets: torch.Tensor, n: int, num_classes: int) -> None:
    require_tensor(targets, "targets", ndim=1)
    if targets.dtype != torch.long:
        raise TypeError(f"targets must be a torch.long tensor of class indices, got dtype {targets.dtype}")
    if targets.shape[0] != n:
        raise ValueError(f"targets must have one entry per row ({n}), got {targets.shape[0]}")
    if n and (targets.min() < 0 or targets.max() >= num_classes):
        raise ValueError(f"targets must be class indices in [0, {num_classes - 1}], got values outside")


def nll_loss(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean negative log-likelihood: -(1/N) sum_n log_probs[n, targets[n]].

    log_probs: [N, C] log-probabilities (e.g. from log_softmax)
    targets:   [N] class indices (torch.long)
    """
    require_tensor(log_probs, "log_probs", floating=True, ndim=2)
    n, num_classes = log_probs.shape
    if n == 0:
        raise ValueError("log_probs must have at least one row, got shape (0, C)")
    _check_targets(targets, n, num_classes)
    picked = log_probs[torch.arange(n), targets]  # log-probability of each correct class
    return -picked.mean()


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy = NLL of log_softmax(logits): what nn.CrossEntropyLoss computes.

    logits:  [N, C] raw scores (NOT log-probabilities)
    targets: [N] class indices (torch.long)
    """
    require_tensor(logits, "logits", floating=True, ndim=2)
    return nll_loss(log_softmax(logits, dim=1), targets)


def sgd_step(params: Iterable[torch.Tensor], lr: float) -> None:
    """One plain gradient step, in place: theta <- theta - lr * grad.

    params: tensors with requires_grad=True (e.g. model.parameters());
            those whose .grad is None are skipped, as torch.optim.SGD does.
    lr:     learning rate, > 0
    """
    if isinstance(params, torch.Tensor):
        raise TypeError("params must be an iterable of tensors (e.g. model.parameters()), "
                        "got a single Tensor; wrap it in a list")
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"params must be an iterable of tensors, got {type_name(params)}") from None
    if not params:
        raise ValueError("params is empty: pass the tensors to update, e.g. model.parameters()")
    for i, p in enumerate(params):
        require_tensor(p, f"params[{i}]")
    lr = require_positive_float(lr, "lr")
    with torch.no_grad():  # the update itself must not be recorded by autograd
        for p in params:
            if p.grad is not None:
                p.sub_(lr * p.grad)
