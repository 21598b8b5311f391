"""Notebook set-up: one call that makes a notebook reproducible, and device choice."""
from __future__ import annotations

import os
import random

import numpy as np
import torch

from course_utils._validate import require_int, type_name

__all__ = ["DEVICE_ENV", "get_device", "setup_notebook"]

DEVICE_ENV = "COURSE_DEVICE"  # environment variable that overrides the default device
_KNOWN_DEVICES = ("cpu", "cuda", "mps")


def setup_notebook(seed: int = 0) -> None:
    """Seed everything, pin threads, set print options and plot defaults.

    Call it once in the first code cell of every notebook. It displays nothing.

    - seeds Python's `random`, NumPy and torch with `seed`;
    - `torch.set_num_threads(1)`: results are then bit-identical whatever
      OMP_NUM_THREADS is, so stored outputs stay comparable;
    - tensors print with 4 decimals and never in scientific notation;
    - matplotlib figures are small, PNG, with a light grid, laid out by matplotlib's constrained layout
      and, in a notebook, saved as laid out: without the inline backend's default bbox_inches="tight",
      which measures every text of a figure once more before saving it (about half of the drawing time).
      A figure placed by hand with fig.subplots_adjust(...) needs plt.subplots(..., layout="none"): under the
      constrained layout, subplots_adjust only warns and changes nothing.
    """
    require_int(seed, "seed", minimum=0)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.set_printoptions(precision=4, sci_mode=False)
    np.set_printoptions(precision=4, suppress=True)

    import matplotlib

    matplotlib.rcParams.update(
        {
            "figure.figsize": (6.0, 3.6),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.constrained_layout.use": True,  # figures placed by hand pass layout="none"
        }
    )
    _save_inline_figures_as_laid_out()


def _save_inline_figures_as_laid_out() -> None:
    """In IPython, show figures as laid out (bbox_inches=None); elsewhere do nothing."""
    import sys

    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    if get_ipython() is None:
        return
    import matplotlib.pyplot  # noqa: F401  (the inline backend sets its formats on import: do that first)
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png", bbox_inches=None)


def _available(kind: str) -> bool:
    if kind == "cpu":
        return True
    if kind == "cuda":
        return torch.cuda.is_available()
    return torch.backends.mps.is_available()


def get_device(name: str | None = None) -> torch.device:
    """The device the course runs on: CPU unless asked otherwise.

    name: "cpu", "cuda", "cuda:1" or "mps"; when None, the environment variable
          COURSE_DEVICE decides, and when that is unset too, the CPU is used.
    Raises ValueError for an unknown name and RuntimeError when the requested
    device is not available on this machine.
    """
    source = "name"
    if name is None:
        name = os.environ.get(DEVICE_ENV, "").strip() or "cpu"
        source = DEVICE_ENV
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as 'cpu' or 'cuda', got {type_name(name)}")
    kind = name.split(":", 1)[0].lower()
    if kind not in _KNOWN_DEVICES:
        raise ValueError(
            f"{source}={name!r} is not a device this course knows; expected one of {', '.join(_KNOWN_DEVICES)}")
    if not _available(kind):
        raise RuntimeError(
            f"{source}={name!r} asks for {kind}, but it is not available on this machine; "
            f"use 'cpu' (unset {DEVICE_ENV})"
        )
    return torch.device(name.lower())
