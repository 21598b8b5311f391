"""The three classic non-linearities, their derivatives, and the vanishing-gradient experiment.

    derivative(name, x)       autograd's derivative of tanh / sigmoid / relu at the points x
    closed_form_derivative    the same, from the textbook formulas
    layer_grad_norms          gradient norm of every layer of a deep stack after one backward pass
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn as nn

from course_utils._validate import require_int, require_tensor, type_name

__all__ = ["ACTIVATIONS", "closed_form_derivative", "derivative", "get_activation", "layer_grad_norms"]

# name -> the function (all three are element-wise and have no parameters)
ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
}


def get_activation(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """The function called `name`: one of "tanh", "sigmoid", "relu"."""
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
    """The textbook derivatives: tanh' = 1 - tanh^2, sigmoid' = s(1 - s), relu' = [x > 0]."""
    get_activation(name)  # validates the name
    require_tensor(x, "x", floating=True)
    if name == "tanh":
        return 1 - torch.tanh(x) ** 2
    if name == "sigmoid":
        s = torch.sigmoid(x)
        return s * (1 - s)
    return (x > 0).to(x.dtype)  # relu: 1 for x > 0, else 0 (torch also uses 0 at x = 0)


def layer_grad_norms(activation: str, depth: int, width: int, seed: int, *, batch: int = 64) -> list[float]:
    """One forward and backward pass through `depth` layers Linear(width, width) + activation.

    Returns the norm of each layer's weight gradient, first (input) layer first.

    activation: "tanh", "sigmoid" or "relu"
    depth:      number of layers (>= 1)
    width:      units per layer (>= 1)
    seed:       seeds a private generator for the weights and the input (the global RNG is untouched)
    batch:      number of random inputs

    Weights start from N(0, gain^2 / width) with torch's recommended gain for the
    activation (nn.init.calculate_gain: tanh 5/3, relu sqrt(2), sigmoid 1) and zero
    bias, so each activation gets a fair start. The loss is the mean over the batch
    of the sum of the last layer's outputs.
    """
    fn = get_activation(activation)
    require_int(depth, "depth", minimum=1)
    require_int(width, "width", minimum=1)
    require_int(seed, "seed", minimum=0)
    require_int(batch, "batch", minimum=1)
    generator = torch.Generator().manual_seed(seed)
    std = nn.init.calculate_gain(activation) / width**0.5
    layers = []
    for _ in range(depth):
        layer = nn.utils.skip_init(nn.Linear, width, width)  # no draw from the global generator
        with torch.no_grad():
            layer.weight.copy_(torch.randn(width, width, generator=generator) * std)
            layer.bias.zero_()
        layers.append(layer)
    h = torch.randn(batch, width, generator=generator)
    for layer in layers:
        h = fn(layer(h))
    loss = h.sum(dim=1).mean()
    loss.backward()
    return [layer.weight.grad.norm().item() for layer in layers]
