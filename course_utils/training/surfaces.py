"""2-D loss surfaces, and the path an optimizer takes on them (notebook 05's optimizer race).

    elongated_bowl(xy), rosenbrock(xy)    the surfaces: a [..., 2] tensor -> [...] losses
    trajectory(name, lr, steps, start, surface, momentum)  the points visited by a torch.optim optimizer
    losses_along(path, surface)           the loss at each point of a path
"""
from __future__ import annotations

import math
from collections.abc import Callable

import torch

from course_utils._validate import require_finite_float, require_int, require_positive_float, require_tensor, type_name

__all__ = [
    "DIVERGED",
    "GOOD_LR",
    "MOMENTUM",
    "OPTIMIZERS",
    "SURFACES",
    "contour_grid",
    "elongated_bowl",
    "losses_along",
    "rosenbrock",
    "trajectory",
]

Surface = Callable[[torch.Tensor], torch.Tensor]


def _check_xy(xy: torch.Tensor) -> torch.Tensor:
    require_tensor(xy, "xy", floating=True)
    if xy.dim() == 0 or xy.shape[-1] != 2:
        raise ValueError(f"xy must have a last dimension of size 2 (x, y), got shape {tuple(xy.shape)}")
    return xy


def elongated_bowl(xy: torch.Tensor) -> torch.Tensor:
    """An ill-conditioned quadratic: f(x, y) = x²/10 + 2 y², minimum 0 at (0, 0).

    It is 20 times steeper along y than along x, so one learning rate cannot
    suit both directions: plain SGD zig-zags across the valley and crawls along it.
    """
    _check_xy(xy)
    x, y = xy[..., 0], xy[..., 1]
    return x**2 / 10 + 2 * y**2


def rosenbrock(xy: torch.Tensor) -> torch.Tensor:
    """A Rosenbrock-like banana valley: f(x, y) = (1 - x)² + 10 (y - x²)², minimum 0 at (1, 1).

    (The classic Rosenbrock function has 100 instead of 10; 10 keeps the race short.)
    """
    _check_xy(xy)
    x, y = xy[..., 0], xy[..., 1]
    return (1 - x) ** 2 + 10 * (y - x**2) ** 2


# name -> (surface, a good start, the plotted (xmin, xmax, ymin, ymax), the minimum)
SURFACES: dict[str, tuple[Surface, tuple[float, float], tuple[float, float, float, float], tuple[float, float]]] = {
    "elongated bowl": (elongated_bowl, (-4.5, 1.5), (-5.0, 5.0, -2.0, 2.0), (0.0, 0.0)),
    "rosenbrock": (rosenbrock, (-1.5, 2.0), (-2.0, 2.0, -1.0, 3.0), (1.0, 1.0)),
}

MOMENTUM = 0.9  # the default momentum of the "Momentum" optimizer (trajectory's `momentum` changes it)

# name -> how to make the torch.optim optimizer for one parameter tensor, a learning rate and a momentum
# (the momentum is used by "Momentum" only). Both LBFGS take one iteration per step (max_iter=1), so that
# a step is comparable with the others'; "LBFGS" moves by lr times its quasi-Newton direction, "LBFGS +
# line search" searches along that direction for a step satisfying the strong Wolfe conditions (up to 20
# evaluations of the loss per step: max_eval=20; with the default max_eval = max_iter * 5 // 4 = 1 the
# search could not evaluate anything and would keep the step lr).
OPTIMIZERS: dict[str, Callable[[list[torch.Tensor], float, float], torch.optim.Optimizer]] = {
    "SGD": lambda params, lr, momentum: torch.optim.SGD(params, lr=lr),
    "Momentum": lambda params, lr, momentum: torch.optim.SGD(params, lr=lr, momentum=momentum),
    "Adagrad": lambda params, lr, momentum: torch.optim.Adagrad(params, lr=lr),
    "Adadelta": lambda params, lr, momentum: torch.optim.Adadelta(params, lr=lr),
    "Adam": lambda params, lr, momentum: torch.optim.Adam(params, lr=lr),
    "LBFGS": lambda params, lr, momentum: torch.optim.LBFGS(params, lr=lr, max_iter=1, history_size=10),
    "LBFGS + line search": lambda params, lr, momentum: torch.optim.LBFGS(
        params, lr=lr, max_iter=1, max_eval=20, history_size=10, line_search_fn="strong_wolfe"),
}
DIVERGED = 1e6  # a coordinate beyond this counts as diverged


def _surface_fn(surface: str | Surface) -> Surface:
    if isinstance(surface, str):
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {list(SURFACES)} or a function, got {surface!r}")
        return SURFACES[surface][0]
    if not callable(surface):
        raise TypeError(f"surface must be a surface name or a function of a [2] tensor, got {type_name(surface)}")
    return surface


def trajectory(
    optimizer_name: str,
    lr: float,
    steps: int,
    start: tuple[float, float],
    surface: str | Surface,
    momentum: float = MOMENTUM,
) -> torch.Tensor:
    """The points an optimizer visits on a 2-D surface: a float64 tensor [steps + 1, 2].

    optimizer_name: a key of OPTIMIZERS, e.g. "Adam"
    lr:             the learning rate
    steps:          how many optimizer steps to take
    start:          the starting point (x, y)
    surface:        a key of SURFACES or a function of a [2] tensor
    momentum:       the momentum of "Momentum", in [0, 1) (the other optimizers ignore it)

    Row 0 is `start`, row k the point after k steps. If the optimizer diverges
    (a non-finite loss or a coordinate beyond 1e6), the rows from there on are nan.
    """
    if optimizer_name not in OPTIMIZERS:
        raise ValueError(f"optimizer_name must be one of {list(OPTIMIZERS)}, got {optimizer_name!r}")
    lr = require_positive_float(lr, "lr")
    require_int(steps, "steps", minimum=0)
    if not isinstance(start, (tuple, list)) or len(start) != 2:
        raise TypeError(f"start must be a pair of finite numbers (x, y), got {start!r}")
    x0, y0 = (require_finite_float(v, f"start[{i}]") for i, v in enumerate(start))
    f = _surface_fn(surface)
    momentum = require_finite_float(momentum, "momentum")
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum}")

    point = torch.tensor([x0, y0], dtype=torch.float64, requires_grad=True)
    optimizer = OPTIMIZERS[optimizer_name]([point], lr, momentum)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = f(point)
        loss.backward()
        return loss

    path = torch.full((steps + 1, 2), math.nan, dtype=torch.float64)
    path[0] = point.detach()
    needs_closure = isinstance(optimizer, torch.optim.LBFGS)
    for k in range(1, steps + 1):
        if needs_closure:
            optimizer.step(closure)  # LBFGS evaluates the loss itself, several times per step
        else:
            closure()
            optimizer.step()
        now = point.detach()
        if not bool(torch.isfinite(now).all()) or float(now.abs().max()) > DIVERGED:
            break
        path[k] = now
    return path


def losses_along(path: torch.Tensor, surface: str | Surface) -> torch.Tensor:
    """The loss at every point of `path` ([n, 2]); nan where the path is nan."""
    require_tensor(path, "path", floating=True, ndim=2)
    _check_xy(path)
    f = _surface_fn(surface)
    with torch.no_grad():
        return f(path)

# A reasonable learning rate for each optimizer on each surface (found by trying a few).
GOOD_LR: dict[str, dict[str, float]] = {
    "elongated bowl": {"SGD": 0.1, "Momentum": 0.05, "Adagrad": 0.5, "Adadelta": 50.0, "Adam": 0.1, "LBFGS": 1.0,
                       "LBFGS + line search": 1.0},
    "rosenbrock": {"SGD": 0.02, "Momentum": 0.01, "Adagrad": 2.0, "Adadelta": 50.0, "Adam": 0.3, "LBFGS": 1.0,
                   "LBFGS + line search": 1.0},
}


def contour_grid(surface: str, n: int = 80) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(X, Y, Z) on an n x n grid over the plotted box of a named surface, for plt.contour."""
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {list(SURFACES)}, got {surface!r}")
    require_int(n, "n", minimum=2)
    f, _, (x0, x1, y0, y1), _ = SURFACES[surface]
    X, Y = torch.meshgrid(torch.linspace(x0, x1, n, dtype=torch.float64),
                          torch.linspace(y0, y1, n, dtype=torch.float64), indexing="xy")
    return X, Y, f(torch.stack([X, Y], dim=-1))
