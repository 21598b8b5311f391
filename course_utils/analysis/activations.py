"""Non-linearities, their derivatives, and what they do to signals in a deep stack.

    derivative(name, x)        autograd's derivative of an activation at the points x
    closed_form_derivative     the same, from the textbook formulas
    mean_derivative(name, s)   E[f'(z)] for z ~ N(0, s^2): how much gradient a layer passes on average
    mean_derivatives           the same at several s at once
    rms_derivative(name, s)    sqrt(E[f'(z)^2]): the factor that sets a gradient's size through many layers
    rms_derivatives            the same at several s at once
    stack_statistics           per-layer pre-activation std and weight-gradient norm of a deep stack
    layer_grad_norms           just the weight-gradient norms of stack_statistics
    dead_units(pre)            how many ReLU units are negative on every example (they get no gradient)
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils._validate import require_int, require_positive_float, require_tensor, type_name

__all__ = [
    "ACTIVATIONS", "LEAKY_SLOPE", "StackStatistics", "closed_form_derivative", "dead_units", "derivative",
    "get_activation", "layer_grad_norms", "mean_derivative", "mean_derivatives", "rms_derivative", "rms_derivatives",
    "stack_statistics",
]

LEAKY_SLOPE = 0.01  # F.leaky_relu's default slope for negative inputs

# name -> the function (all are element-wise and have no parameters)
ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "leaky_relu": F.leaky_relu,  # x for x > 0, 0.01 x otherwise
    "gelu": F.gelu,  # x * Phi(x), Phi the standard normal CDF (BERT, GPT-2)
    "silu": F.silu,  # x * sigmoid(x), also called swish (inside SwiGLU: LLaMA and most recent LLMs)
}

# torch's recommended gain (nn.init.calculate_gain) for the activations it knows
_GAINS = {
    "tanh": nn.init.calculate_gain("tanh"),
    "sigmoid": nn.init.calculate_gain("sigmoid"),
    "relu": nn.init.calculate_gain("relu"),
    "leaky_relu": nn.init.calculate_gain("leaky_relu", LEAKY_SLOPE),
}


def get_activation(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """The function called `name`: one of the keys of ACTIVATIONS."""
    if not isinstance(name, str):
        raise TypeError(f"activation must be a str such as 'tanh', got {type_name(name)}")
    if name not in ACTIVATIONS:
        raise ValueError(f"activation={name!r} is unknown; expected one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def derivative(name: str, x: torch.Tensor) -> torch.Tensor:
    """d activation(x) / dx at every entry of x, computed by autograd.

    The function is element-wise, so the gradient of sum(activation(x)) with
    respect to x is exactly the vector of derivatives.
    """
    fn = get_activation(name)
    require_tensor(x, "x", floating=True)
    x = x.detach().clone().requires_grad_(True)
    fn(x).sum().backward()
    return x.grad


def closed_form_derivative(name: str, x: torch.Tensor) -> torch.Tensor:
    """The textbook derivatives.

    tanh' = 1 - tanh^2, sigmoid' = s (1 - s), relu' = [x > 0], leaky_relu' = 1 or 0.01,
    gelu' = Phi(x) + x phi(x) (Phi, phi: the standard normal CDF and density), silu' = s (1 + x (1 - s)).
    """
    get_activation(name)  # validates the name
    require_tensor(x, "x", floating=True)
    if name == "tanh":
        return 1 - torch.tanh(x) ** 2
    if name in ("sigmoid", "silu"):
        s = torch.sigmoid(x)
        return s * (1 - s) if name == "sigmoid" else s * (1 + x * (1 - s))
    if name == "gelu":
        cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
        pdf = torch.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)
        return cdf + x * pdf
    positive = (x > 0).to(x.dtype)  # torch uses the left derivative at x = 0
    if name == "leaky_relu":
        return positive + LEAKY_SLOPE * (1 - positive)
    return positive  # relu


def mean_derivative(name: str, scale: float, *, points: int = 4000) -> float:
    """E[f'(z)] for z ~ N(0, scale^2): the average factor a layer's gradient is multiplied by.

    name:   the activation
    scale:  the standard deviation s of the pre-activations z (> 0)
    points: grid points for the integral over [-8s, 8s] (a deterministic quadrature, no sampling; an even
            number keeps z = 0, where relu has a kink, off the grid)
    """
    return mean_derivatives(name, [scale], points=points)[0]


def mean_derivatives(name: str, scales: Sequence[float], *, points: int = 4000) -> list[float]:
    """mean_derivative at every scale of `scales` (one autograd pass for all of them)."""
    return _gaussian_averages(name, scales, points, power=1)


def rms_derivative(name: str, scale: float, *, points: int = 4000) -> float:
    """sqrt(E[f'(z)^2]) for z ~ N(0, scale^2): the root mean square of the factor a layer's gradient is
    multiplied by. Through many layers the gradient's mean square is multiplied by E[f'^2] per layer (times
    n sigma^2 from the weights), so this, not E[f'], sets the gradient's size. Arguments as mean_derivative.
    """
    return rms_derivatives(name, [scale], points=points)[0]


def rms_derivatives(name: str, scales: Sequence[float], *, points: int = 4000) -> list[float]:
    """rms_derivative at every scale of `scales` (one autograd pass for all of them)."""
    return [math.sqrt(m) for m in _gaussian_averages(name, scales, points, power=2)]


def _gaussian_averages(name: str, scales: Sequence[float], points: int, power: int) -> list[float]:
    """E[f'(z)^power] for z ~ N(0, s^2) at every s of `scales`, by quadrature on [-8s, 8s]."""
    get_activation(name)
    if isinstance(scales, (str, torch.Tensor)) or not isinstance(scales, Sequence) or not scales:
        raise TypeError(f"scales must be a non-empty list of positive numbers, got {type_name(scales)}")
    scales = [require_positive_float(s, "scale") for s in scales]
    require_int(points, "points", minimum=100)
    u = torch.linspace(-8, 8, points, dtype=torch.float64)  # z / s
    weight = torch.exp(-0.5 * u**2)  # the normal density, up to a constant
    grads = derivative(name, torch.tensor(scales, dtype=torch.float64).unsqueeze(1) * u)  # [scales, points]
    return ((grads**power * weight).sum(dim=1) / weight.sum()).tolist()


@dataclass(frozen=True)
class StackStatistics:
    """What one forward and backward pass through a deep stack measured, first (input) layer first."""

    pre_std: list[float]  # std of each layer's pre-activation z = W h + b (over the batch and the units)
    grad_norms: list[float]  # norm of each layer's weight gradient


def _make_layers(activation: str, depth: int, width: int, init: str | float, batch: int,
                 generator: torch.Generator) -> tuple[list[nn.Linear], torch.Tensor]:
    """The layers and the input batch of stack_statistics (the global RNG is untouched)."""
    if init == "default":
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(generator.initial_seed())
            layers = [nn.Linear(width, width) for _ in range(depth)]  # torch's own init: U(+-1/sqrt(fan_in))
            return layers, torch.randn(batch, width)
    if init == "gain":
        if activation not in _GAINS:
            raise ValueError(f"init='gain': torch has no recommended gain for {activation!r}; "
                             f"use init='default' or a float std (gains exist for {', '.join(_GAINS)})")
        std = _GAINS[activation] / width**0.5
    else:
        std = init
    layers = []
    for _ in range(depth):
        layer = nn.utils.skip_init(nn.Linear, width, width)  # no draw from the global generator
        with torch.no_grad():
            layer.weight.copy_(torch.randn(width, width, generator=generator) * std)
            layer.bias.zero_()
        layers.append(layer)
    return layers, torch.randn(batch, width, generator=generator)


def stack_statistics(activation: str, depth: int, width: int, seed: int, *, init: str | float = "gain",
                     batch: int = 64) -> StackStatistics:
    """One forward and backward pass through `depth` layers Linear(width, width) + activation.

    activation: a key of ACTIVATIONS
    depth:      number of layers (>= 1)
    width:      units per layer (>= 1)
    seed:       seeds the weights and the input (the global RNG is untouched)
    init:       how the weights start:
                "default": what nn.Linear(width, width) does by itself, W and b ~ U(-1/sqrt(width), 1/sqrt(width))
                "gain":    W ~ N(0, gain^2 / width), b = 0, with torch's recommended gain for the activation
                           (nn.init.calculate_gain: tanh 5/3, relu sqrt(2), sigmoid 1, leaky_relu ~sqrt(2))
                a float:   W ~ N(0, init^2), b = 0 (the std you choose)
    batch:      number of random inputs, x ~ N(0, 1)

    The loss is the mean over the batch of the sum of the last layer's outputs.
    """
    fn = get_activation(activation)
    require_int(depth, "depth", minimum=1)
    require_int(width, "width", minimum=1)
    require_int(seed, "seed", minimum=0)
    require_int(batch, "batch", minimum=1)
    if isinstance(init, str):
        if init not in ("default", "gain"):
            raise ValueError(f"init={init!r} is unknown; expected 'default', 'gain' or a float std")
    else:
        init = require_positive_float(init, "init")
    generator = torch.Generator().manual_seed(seed)
    layers, h = _make_layers(activation, depth, width, init, batch, generator)
    pre_std = []
    for layer in layers:
        z = layer(h)
        pre_std.append(z.detach().std().item())
        h = fn(z)
    loss = h.sum(dim=1).mean()
    loss.backward()
    return StackStatistics(pre_std, [layer.weight.grad.norm().item() for layer in layers])


def layer_grad_norms(activation: str, depth: int, width: int, seed: int, *, init: str | float = "gain",
                     batch: int = 64) -> list[float]:
    """The norm of each layer's weight gradient, first layer first (see stack_statistics for the arguments)."""
    return stack_statistics(activation, depth, width, seed, init=init, batch=batch).grad_norms


def dead_units(pre: torch.Tensor) -> int:
    """How many units (columns of `pre`) are <= 0 on every example (rows): after a ReLU they output 0 on all
    of them and get no gradient, so they cannot come back to life on this data.

    pre: the pre-activations z of one layer, shape [examples, units]
    """
    require_tensor(pre, "pre", floating=True, ndim=2)
    if pre.shape[0] == 0:
        raise ValueError("pre has no rows: give the pre-activations of at least one example")
    return int((pre <= 0).all(dim=0).sum())
