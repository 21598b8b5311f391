"""Notebook 06, Exercise 4: label several unlabelled broken runs from their pictures and numbers.

Each run is one of course_utils.training.faults' runs (a bug and a learning rate), with its own seed so that its
pictures differ from the ones the notebook showed. The check tells a wrong label apart from the run's evidence:
what a run with that fault would show, and which of those things this run does not show. It never names the
right fault.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from course_utils.analysis.health import Health
from course_utils.checks import Exercise, NotAttempted
from course_utils.training import History
from course_utils.training.faults import train_variant_with_health

__all__ = ["FAULTS", "RUN_NAMES", "Evidence", "diagnose_runs", "mystery_runs", "run_evidence", "show_mystery_runs"]

# The labels a student may give, and how each may be spelled (after removing case, spaces and punctuation).
FAULTS = ("none", "lr too high", "lr too low", "no zero_grad", "saturated sigmoid")
_SPELLINGS = {
    "none": ("none", "healthy"),
    "lr too high": ("lrtoohigh", "learningratetoohigh"),
    "lr too low": ("lrtoolow", "learningratetoolow"),
    "no zero_grad": ("nozerograd",),
    "saturated sigmoid": ("saturatedsigmoid",),
}

# run name -> (fault, bug given to train_variant, lr, seed). Secret: the notebook shows only the pictures.
_RUNS = {
    "A": ("lr too low", "none", 0.005, 1),
    "B": ("lr too high", "none", 1.0, 2),
    "C": ("none", "none", 0.2, 3),
    "D": ("saturated sigmoid", "saturated sigmoid", 0.2, 4),
    "E": ("no zero_grad", "no zero_grad", 0.05, 5),
}
RUN_NAMES = tuple(_RUNS)
STEPS = 40


@cache
def _run(name: str) -> tuple[History, Health]:
    _, bug, lr, seed = _RUNS[name]
    return train_variant_with_health(bug, lr=lr, steps=STEPS, seed=seed)


def mystery_runs() -> dict[str, tuple[History, Health]]:
    """The unlabelled runs: name -> (History, Health) of course_utils.training.faults.train_variant_with_health."""
    return {name: _run(name) for name in RUN_NAMES}


def show_mystery_runs() -> None:
    """Plot the mystery runs, one row each: loss (log axis), gradient norms, update:data ratios, activations."""
    import matplotlib.pyplot as plt

    from course_utils.plotting import (
        plain_log_scale,
        plot_activations,
        plot_grad_norms,
        plot_losses,
        plot_update_ratios,
    )

    runs = mystery_runs()
    fig, grid = plt.subplots(len(runs), 4, figsize=(15, 2.7 * len(runs)), layout="none")
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.04, top=0.97, wspace=0.28, hspace=0.55)  # no slow layout
    for row, (name, (history, health)) in zip(grid, runs.items(), strict=True):
        plot_losses(history, ax=row[0])
        plain_log_scale(row[0])
        plot_grad_norms(history, ax=row[1])
        plot_update_ratios(health, ax=row[2])
        plot_activations(health, ax=row[3])
        for ax, what in zip(row, ("loss", "gradient norms", "update:data ratios", "hidden sigmoid"), strict=True):
            ax.set_title(f"run {name}: {what}", fontsize="medium")
            ax.set_ylabel("")  # the title says what is drawn
            ax.minorticks_off()  # fewer ticks and texts to draw keep the cell fast
            if name != RUN_NAMES[-1]:
                ax.set_xlabel("")
            if name != RUN_NAMES[0]:
                ax.get_legend().remove()
    plt.show()


@dataclass(frozen=True)
class Evidence:
    """What a run's pictures show, in numbers (every message of the check is built from these)."""

    first_loss: float  # the loss at step 1
    last_loss: float  # the loss at the last step
    rises: int  # steps at which the loss went up
    steps: int  # steps taken
    first_grad: float  # the gradient norm of all parameters together at step 1
    last_grad: float  # ... and at the last step
    first_saturated: float  # the hidden sigmoid's saturated fraction at step 1
    last_saturated: float  # ... and at the last step
    first_ratio: float  # 0.weight's update:data ratio (log10) at step 1
    biggest_step: tuple[str, float]  # the parameter with the largest update:data ratio of the run, and that ratio


def run_evidence(history: History, health: Health) -> Evidence:
    """The numbers the check reads off a run (the same ones the plots show)."""
    losses = history.losses

    def total_grad(step: int) -> float:
        return math.sqrt(sum(norms[step] ** 2 for norms in history.grad_norms.values()))

    saturated = health.saturated("1")
    return Evidence(
        first_loss=losses[0], last_loss=losses[-1], rises=sum(b > a for a, b in zip(losses, losses[1:], strict=False)),
        steps=len(losses), first_grad=total_grad(0), last_grad=total_grad(-1),
        first_saturated=saturated[0], last_saturated=saturated[-1],
        first_ratio=health.update_ratios["0.weight"][0],
        biggest_step=max(((name, max(r)) for name, r in health.update_ratios.items()), key=lambda item: item[1]),
    )


def _contradiction(fault: str, name: str, e: Evidence) -> str | None:
    """Why run `name`, with evidence `e`, does not look like a run with `fault` (None if nothing contradicts it)."""
    loss = f"{e.first_loss:.3g} -> {e.last_loss:.3g}"
    run = f"run {name}"
    if fault == "none":
        if not e.last_loss < e.first_loss / 10:
            return (f"{run} is not a healthy run: its loss goes {loss} in {e.steps} steps, while the healthy run above "
                    "fell more than tenfold in as many steps")
    elif fault == "lr too high":
        if not e.last_loss > e.first_loss:
            return (f"{run}'s loss ends below where it started ({loss}): a learning rate that is too large makes "
                    "each step overshoot by more than it corrects, so the loss grows")
    elif fault == "lr too low":
        if e.rises > 2:
            return (f"{run}'s loss goes up {e.rises} times in {e.steps} steps: steps that are too small creep "
                    "downhill, they do not overshoot")
        if e.last_loss < e.first_loss / 10:
            return f"{run}'s loss falls fast ({loss} in {e.steps} steps): its steps are not too small"
        name, ratio = e.biggest_step
        if ratio > -1.0:
            return (f"in {run}, {name} takes steps of up to {10 ** ratio:.0%} of its size (update:data ratio "
                    f"{ratio:.2f}): a learning rate that is too small makes every parameter's steps small, so "
                    "something else holds this run back")
    elif fault == "no zero_grad":
        if e.first_ratio > -1.0:
            return (f"{run}'s very first update already changes 0.weight by {10 ** e.first_ratio:.0%} of its size "
                    f"(update:data ratio {e.first_ratio:.2f}). At step 1 no old gradient can have piled up yet (a "
                    "forgotten zero_grad takes the same first step as a correct loop), so that step is large on its "
                    "own")
        if e.rises <= 2:
            return (f"{run}'s loss goes up only {e.rises} times in {e.steps} steps: gradients that pile up act "
                    "like a momentum that never forgets, so the loss overshoots and bounces")
        if not e.last_grad > e.first_grad:
            return (f"{run}'s gradient norm (all parameters together) ends smaller than it starts "
                    f"({e.first_grad:.2g} -> {e.last_grad:.2g}): a `.grad` that is never cleared is a sum of "
                    "gradients, and it grows")
    elif fault == "saturated sigmoid":
        if e.first_saturated <= 0.5:
            later = " (any saturation you see comes later, during training)" if e.last_saturated > 0.5 else ""
            return (f"at step 1 a fraction of only {e.first_saturated:.2f} of {run}'s hidden sigmoid outputs is "
                    f"saturated{later}: an initialisation that saturates them shows a fraction near 1 from the very "
                    "first step")
    return None


def _normalise(answer: str) -> str:
    return re.sub(r"[^a-z]", "", answer.lower())


def _which_fault(answer: str) -> str | None:
    text = _normalise(answer)
    return next((fault for fault, spellings in _SPELLINGS.items() if text in spellings), None)


def _check_labels(labels, run):
    options = ", ".join(f'"{f}"' for f in FAULTS)
    names = ", ".join(f'"{n}"' for n in RUN_NAMES)
    if not isinstance(labels, dict):
        return f"expected a dict from run name to fault, e.g. {{\"A\": \"none\", ...}}, got {type(labels).__name__!r}"
    if all(v is ... for v in labels.values()):
        raise NotAttempted
    unknown = sorted(str(k) for k in labels if k not in RUN_NAMES)
    if unknown:
        return f"the keys must be the run names {names}; {', '.join(repr(k) for k in unknown)} is not one of them"
    results = []
    for name in RUN_NAMES:
        label = f"run {name}"
        answer = labels.get(name, ...)
        if answer is ...:
            results.append((label, f"run {name} has no label yet: give it one of {options}"))
            continue
        if not isinstance(answer, str):
            results.append((label, f"expected a string (one of {options}), got {type(answer).__name__!r}"))
            continue
        fault = _which_fault(answer)
        if fault is None:
            results.append((label, f"{answer.strip()[:40]!r} is not one of the faults: use exactly one of {options}"))
            continue
        if fault == _RUNS[name][0]:
            results.append((label, None))
            continue
        reason = _contradiction(fault, name, run_evidence(*_run(name)))
        results.append((label, reason or f"not {fault!r}: look again at run {name}'s four plots"))
    return results


diagnose_runs = Exercise(
    "Exercise 4 (label the broken runs)",
    check_fn=_check_labels,
    hints=[
        "describe each run in words before you label it, one plot at a time: does the loss fall fast, creep, bounce "
        "or grow? Do the gradient norms shrink or grow? Are the update:data ratios like the healthy run's, far "
        "below them, or near 0? Is the hidden layer saturated, and since when?",
        "two faults can both end with a flat loss, and two can both end with saturated sigmoids: tell them apart "
        "by what the run shows at step 1 (before any update has had an effect) and by how the update:data ratios "
        "compare with the healthy run's.",
        "work through the faults one at a time: which run's loss grows? Which run is saturated at step 1 already? "
        "Which run's loss bounces while its gradient norms grow? Which run's ratios start more than a decade below "
        "the healthy run's while nothing is saturated? The fault of a run may also be none at all.",
    ],
)

SOLUTION_KEYS = {"diagnose_runs": ['"A": "lr too low"', '"B": "lr too high"', '"D": "saturated sigmoid"',
                                   '"E": "no zero_grad"']}
