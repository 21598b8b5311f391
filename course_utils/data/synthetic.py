"""Synthetic data from KNOWN parameters: the lecture's first debugging hint.

"Start with synthetic, small data: you know the parameters, make inference
rediscover them." If a model cannot recover weights you chose yourself, the bug
is in the training code, not in the data.
"""
from __future__ import annotations

import torch

from course_utils._validate import require_finite_float, require_int, require_tensor

__all__ = ["make_classification_data", "make_linear_data", "make_xor_data"]


def _check_params(true_weight: torch.Tensor, true_bias: float, noise: float) -> float:
    require_tensor(true_weight, "true_weight", floating=True, ndim=1)
    if true_weight.numel() == 0:
        raise ValueError("true_weight is empty: give at least one weight (one per input feature)")
    require_finite_float(noise, "noise", minimum=0.0)
    return require_finite_float(true_bias, "true_bias")


def make_linear_data(
    n: int,
    true_weight: torch.Tensor,
    true_bias: float = 0.0,
    noise: float = 0.1,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Regression data y = X w* + b* + noise, with X ~ N(0, 1).

    n:           number of examples (rows)
    true_weight: w*, shape [d]: the weights the model should rediscover
    true_bias:   b*
    noise:       standard deviation of the Gaussian noise added to y
    seed:        the data depend only on the seed (the global RNG is untouched)

    Returns (X [n, d], y [n]), both float32.
    """
    require_int(n, "n", minimum=1)
    true_bias = _check_params(true_weight, true_bias, noise)
    require_int(seed, "seed", minimum=0)
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, true_weight.numel(), generator=generator)
    y = X @ true_weight.float() + true_bias + noise * torch.randn(n, generator=generator)
    return X, y


def make_classification_data(
    n: int,
    true_weight: torch.Tensor,
    true_bias: float = 0.0,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Binary labels drawn from a logistic model: P(y=1 | x) = sigmoid(x . w* + b*).

    n:           number of examples
    true_weight: w*, shape [d]
    true_bias:   b*

    Returns (X [n, d] float32, y [n] float32 of 0s and 1s), ready for nn.BCEWithLogitsLoss.
    """
    require_int(n, "n", minimum=1)
    true_bias = _check_params(true_weight, true_bias, 0.0)
    require_int(seed, "seed", minimum=0)
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, true_weight.numel(), generator=generator)
    p = torch.sigmoid(X @ true_weight.float() + true_bias)
    y = torch.bernoulli(p, generator=generator)
    return X, y


def make_xor_data(n: int, noise: float = 0.3, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """XOR in 2-D: four clouds around (+-1, +-1); the label is 1 where the two coordinates have opposite signs.

    No straight line separates the two classes (a line gets at most three of the four clouds right), but a
    small network with a non-linearity can.

    n:     number of points
    noise: standard deviation of the Gaussian noise around each corner
    seed:  the data depend only on the seed (the global RNG is untouched)

    Returns (X [n, 2] float32, y [n] float32 of 0s and 1s, the label of the point's corner), ready for
    nn.BCEWithLogitsLoss.
    """
    require_int(n, "n", minimum=1)
    noise = require_finite_float(noise, "noise", minimum=0.0)
    require_int(seed, "seed", minimum=0)
    generator = torch.Generator().manual_seed(seed)
    corners = torch.randint(0, 2, (n, 2), generator=generator).float() * 2 - 1
    X = corners + noise * torch.randn(n, 2, generator=generator)
    y = (corners[:, 0] != corners[:, 1]).float()
    return X, y
