"""Is training healthy? Two measurements from makemore part 3, recorded at every optimizer step.

    activation_stats(output, kind)  mean, std and saturated fraction of one layer's activations
    HealthRecorder(model, optimizer) records, at every step of a training loop,
        - the statistics of every activation layer's output (nn.Sigmoid, nn.Tanh, nn.ReLU), and
        - every parameter's update:data ratio, log10(|Δθ| / |θ|): how large the step was, relative to the
          parameter it changed. For plain SGD, Δθ = lr·grad, so this is log10(lr·|grad| / |θ|).
    Health                          what the recorder collected

A rough guide (makemore part 3): update:data ratios near -3 (each step changes a parameter by about 1/1000 of
its size) train well; far below (-5 and less) the parameter hardly moves, well above (-1 and more) each step
rewrites it. A saturated fraction near 1 means the layer passes back almost no gradient.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from course_utils._validate import require_tensor, type_name

__all__ = ["ACTIVATION_KINDS", "SATURATION", "Health", "HealthRecorder", "LayerStats", "activation_stats"]

# The activation modules the recorder watches, and the name of each kind.
ACTIVATION_KINDS: dict[type[nn.Module], str] = {nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.ReLU: "relu"}

# When an output counts as saturated (its local slope is ~0, so almost no gradient flows back through it):
SATURATION = {
    "sigmoid": 0.01,  # sigmoid output below 0.01 or above 0.99: slope s(1 - s) < 0.0099
    "tanh": 0.97,  # |tanh| above 0.97: slope 1 - t^2 < 0.06 (the threshold makemore part 3 uses)
    "relu": 0.0,  # a ReLU output of exactly 0: slope 0 (a "dead" unit for this input)
}


@dataclass(frozen=True)
class LayerStats:
    """Statistics of one layer's activations on one batch."""

    mean: float  # mean over all entries
    std: float  # standard deviation over all entries
    saturated: float  # fraction of entries in the flat part of the activation (see SATURATION)


def activation_stats(output: torch.Tensor, kind: str) -> LayerStats:
    """Mean, std and saturated fraction of the activations `output` of a layer of type `kind`.

    output: the layer's output, any shape, floating point
    kind:   "sigmoid", "tanh" or "relu" (decides what counts as saturated, see SATURATION)
    """
    require_tensor(output, "output", floating=True)
    if kind not in SATURATION:
        raise ValueError(f"kind must be one of {', '.join(SATURATION)}, got {kind!r}")
    if output.numel() == 0:
        raise ValueError("output: expected at least one activation, got an empty tensor")
    a = output.detach().float()
    if kind == "sigmoid":
        flat = (a < SATURATION["sigmoid"]) | (a > 1 - SATURATION["sigmoid"])
    elif kind == "tanh":
        flat = a.abs() > SATURATION["tanh"]
    else:
        flat = a <= SATURATION["relu"]
    std = float(a.std()) if a.numel() > 1 else 0.0
    return LayerStats(mean=float(a.mean()), std=std, saturated=float(flat.float().mean()))


@dataclass
class Health:
    """What a HealthRecorder collected: one entry per optimizer step.

    activations:   for each activation layer (by module name, e.g. "1"), its LayerStats at every step
    update_ratios: for each parameter (by name, e.g. "0.weight"), log10(|Δθ| / |θ|) at every step
                   (-inf where the step left the parameter unchanged)
    """

    activations: dict[str, list[LayerStats]] = field(default_factory=dict)
    update_ratios: dict[str, list[float]] = field(default_factory=dict)

    @property
    def steps(self) -> int:
        """Number of optimizer steps recorded."""
        return max((len(v) for v in self.update_ratios.values()), default=0)

    def saturated(self, layer: str) -> list[float]:
        """The saturated fraction of `layer` at every step."""
        if layer not in self.activations:
            raise ValueError(f"layer must be one of {sorted(self.activations)}, got {layer!r}")
        return [s.saturated for s in self.activations[layer]]


class HealthRecorder:
    """Record activation statistics and update:data ratios while a model trains.

        with HealthRecorder(model, optimizer) as recorder:
            history = fit(model, loss_fn, optimizer, batches, epochs=3)
        recorder.health.update_ratios["0.weight"]   # one value per step

    model:     the network; every nn.Sigmoid / nn.Tanh / nn.ReLU submodule is watched
    optimizer: the optimizer that trains it (its step() is watched: the parameters before and after)
    Works with any loop that calls optimizer.step(). The activations recorded for a step are those of the last
    forward pass before that step; forward passes under torch.no_grad() (evaluation) are not recorded.
    """

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type_name(model)}")
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type_name(optimizer)}")
        self.model, self.optimizer = model, optimizer
        # module name -> kind, for every activation layer (e.g. {"1": "sigmoid"})
        self.layers = {name: ACTIVATION_KINDS[type(m)] for name, m in model.named_modules()
                       if type(m) in ACTIVATION_KINDS}
        self.params = {name: p for name, p in model.named_parameters() if p.requires_grad}
        self.health = Health(activations={name: [] for name in self.layers},
                             update_ratios={name: [] for name in self.params})
        self._latest: dict[str, LayerStats] = {}
        self._before: dict[str, torch.Tensor] = {}
        self._handles: list = []

    def __enter__(self) -> HealthRecorder:
        modules = dict(self.model.named_modules())
        for name in self.layers:
            self._handles.append(modules[name].register_forward_hook(self._forward_hook(name)))
        self._handles.append(self.optimizer.register_step_pre_hook(self._before_step))
        self._handles.append(self.optimizer.register_step_post_hook(self._after_step))
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _forward_hook(self, name: str):
        def hook(module: nn.Module, inputs: object, output: torch.Tensor) -> None:
            if torch.is_grad_enabled():
                self._latest[name] = activation_stats(output, self.layers[name])

        return hook

    def _before_step(self, optimizer: torch.optim.Optimizer, args: object, kwargs: object) -> None:
        self._before = {name: p.detach().clone() for name, p in self.params.items()}

    def _after_step(self, optimizer: torch.optim.Optimizer, args: object, kwargs: object) -> None:
        for name, p in self.params.items():
            before = self._before[name]
            change, size = float((p.detach() - before).norm()), float(before.norm())
            if change == 0.0:
                ratio = -math.inf
            elif size == 0.0:
                ratio = math.inf
            else:
                ratio = math.log10(change / size)
            self.health.update_ratios[name].append(ratio)
        for name in self.layers:
            if name in self._latest:
                self.health.activations[name].append(self._latest[name])
