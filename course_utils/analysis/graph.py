"""Look inside autograd: print a computation graph, and check gradients numerically.

    graph_lines(z)            the graph behind tensor z, one indented line per node
    numerical_grad(f, x)      the gradient of f at x by central finite differences
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import torch

from course_utils._validate import require_positive_float, require_tensor, type_name

__all__ = ["graph_lines", "numerical_grad"]


def _node_label(fn: object, names: Mapping[int, str]) -> str:
    label = type_name(fn)  # e.g. "MulBackward0", "AccumulateGrad"
    variable = getattr(fn, "variable", None)  # AccumulateGrad nodes hold the leaf tensor
    if isinstance(variable, torch.Tensor):
        name = names.get(id(variable))
        label += f" ({name})" if name else f" (leaf of shape {tuple(variable.shape)})"
    return label


def graph_lines(
    tensor: torch.Tensor, names: Mapping[str, torch.Tensor] | None = None, *, indent: str = "  "
) -> list[str]:
    """The computation graph behind `tensor`, from the output back to the leaves.

    tensor: a result of operations on tensors with requires_grad=True
    names:  optional {"x": x, ...} to label the leaves by name
    indent: what each level down is indented by

    Each line is a node of the backward graph (`grad_fn` and, recursively,
    `grad_fn.next_functions`). A leaf tensor shows up as an `AccumulateGrad`
    node: that is where `backward()` adds into its `.grad`. A node reached by
    two paths (x used twice) is printed on both paths.
    """
    require_tensor(tensor, "tensor")
    if names is None:
        names = {}
    if not isinstance(names, Mapping):
        raise TypeError(f"names must be a dict of name -> tensor, got {type_name(names)}")
    for key, value in names.items():
        require_tensor(value, f"names[{key!r}]")
    by_id = {id(value): key for key, value in names.items()}
    if tensor.grad_fn is None:
        if tensor.requires_grad:
            name = by_id.get(id(tensor))
            return [f"leaf tensor{f' ({name})' if name else ''}: no grad_fn, backward() fills its .grad"]
        raise ValueError(
            "tensor has no grad_fn: it was not computed from tensors with requires_grad=True "
            "(or it was computed under torch.no_grad() / detached)"
        )
    lines: list[str] = []

    def walk(fn: object, depth: int) -> None:
        lines.append(indent * depth + _node_label(fn, by_id))
        for child, _ in getattr(fn, "next_functions", ()):
            if child is not None:  # None: an input that needs no gradient
                walk(child, depth + 1)

    walk(tensor.grad_fn, 0)
    return lines


def numerical_grad(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """The gradient of a scalar function f at x by central finite differences, in float64.

    f:   a function of one tensor that returns a single number (a 1-element tensor)
    x:   the point, a floating-point tensor of any shape (it is copied to float64)
    eps: the step h in (f(x + h e_i) - f(x - h e_i)) / (2h)

    Returns a float64 tensor of x's shape. Costs 2 * x.numel() calls of f.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one tensor, got {type_name(f)}")
    require_tensor(x, "x", floating=True)
    h = require_positive_float(eps, "eps")
    point = x.detach().to(torch.float64).clone()
    grad = torch.zeros_like(point)
    flat_point, flat_grad = point.view(-1), grad.view(-1)

    def value() -> float:
        out = f(point)
        if not isinstance(out, torch.Tensor) or out.numel() != 1:
            raise ValueError(f"f must return a single-number tensor, got {type_name(out)}"
                             + (f" of shape {tuple(out.shape)}" if isinstance(out, torch.Tensor) else ""))
        return float(out.detach())

    with torch.no_grad():
        for i in range(flat_point.numel()):
            old = flat_point[i].item()
            flat_point[i] = old + h
            up = value()
            flat_point[i] = old - h
            down = value()
            flat_point[i] = old
            flat_grad[i] = (up - down) / (2 * h)
    return grad
