"""Which trained parameters never went to the course's device? Run inside a notebook's kernel.

`install()` wraps `nn.Module.to` so that a module moved to `course_utils.get_device()` marks its parameters,
and registers a global optimizer step hook that records every parameter an optimizer updates without that
mark. `report()` lists them. Used by tests/test_notebooks_rerun.py: a notebook that trains a model it never
moved with `.to(device)` (directly or through course_utils.training.fit) fails there, even on a CPU machine.
"""
from __future__ import annotations

import os
import sys

import torch
from torch.optim.optimizer import register_optimizer_step_pre_hook

from course_utils._validate import type_name
from course_utils.runtime import get_device

_MARK = "_course_device"
_offenders: dict[int, str] = {}
_installed: list[object] = []


def _mark(module: torch.nn.Module, args: tuple, kwargs: dict) -> None:
    device = torch._C._nn._parse_to(*args, **kwargs)[0]
    if device is not None and device == get_device():
        for p in module.parameters():
            setattr(p, _MARK, True)


def _inside_a_checker() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if f"{os.sep}course_utils{os.sep}checks{os.sep}" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def install() -> None:
    """Start recording (idempotent)."""
    if _installed:
        return
    original_to = torch.nn.Module.to

    def to(self, *args, **kwargs):
        out = original_to(self, *args, **kwargs)
        _mark(self, args, kwargs)
        return out

    torch.nn.Module.to = to

    def hook(optimizer, args, kwargs):
        if _inside_a_checker():
            return  # an exercise checker's own small models are its business, not the notebook's
        for group in optimizer.param_groups:
            for p in group["params"]:
                if isinstance(p, torch.nn.Parameter) and not getattr(p, _MARK, False):  # a model's, not a point's
                    _offenders[id(p)] = f"{type_name(optimizer)} updates a parameter of shape {tuple(p.shape)}"

    _installed.append(register_optimizer_step_pre_hook(hook))


def report() -> list[str]:
    """What was trained off the course's device, one line per parameter."""
    return sorted(set(_offenders.values()))
