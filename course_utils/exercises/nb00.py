"""Exercises of notebook 00 (welcome)."""
from __future__ import annotations

import torch

from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, Runner, StudentError, compare
from course_utils.checks.compare import article


# --- Exercise 1: an initialised matrix --------------------------------------------------------------
def _safe_matrix(rows: int, cols: int) -> torch.Tensor:
    return torch.zeros(rows, cols)


safe_matrix = Exercise(
    "Exercise 1 (an initialised matrix)",
    reference=_safe_matrix,
    cases=[
        Case((1, 5), label="rows=1, cols=5 (the lecture's shape)"),
        Case((3, 2), label="rows=3, cols=2"),
        Case((2, 3), label="rows=2, cols=3"),
        Case((0, 4), label="an empty matrix (rows=0, cols=4)"),
    ],
    probe_uninitialised=True,
    nan_note="uninitialised memory? `torch.Tensor(rows, cols)` and `torch.empty` do not set the values, "
    "and multiplying whatever is there by 0 does not help (nan * 0 is nan)",
    hints=[
        "`torch.Tensor(rows, cols)` and `torch.empty(rows, cols)` only reserve memory: the values are whatever "
        "was there before. Build a tensor whose every value you chose yourself.",
        "Look at the table under \"Say what you mean instead\" above: one of its rows makes a tensor of a given "
        "shape with every entry set to the same value. Give the shape as (rows, cols), in that order, and keep "
        "the default floating-point dtype.",
    ],
)


# --- Exercise 2: reproducible numbers ---------------------------------------------------------------
_SEEDS = (0, 7, 1, 42, 2024)
_SCRAMBLE = 918_273  # the global generator is moved here (+k) before each call of the student's function


def _reproducible_draw(seed: int) -> torch.Tensor:
    _ = torch.manual_seed(seed)
    return torch.randn(3)


def _uniform_draw(seed: int) -> torch.Tensor:
    _ = torch.manual_seed(seed)
    return torch.rand(3)


def _same(a, b) -> bool:
    return (
        isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
        and a.shape == b.shape and a.dtype == b.dtype and bool(torch.equal(a, b))
    )


def _check_draw(answer, run: Runner):
    """Each seed: the 3 standard-normal numbers drawn right after seeding; a specific message per mistake."""
    if not callable(answer):
        return f"expected a function reproducible_draw(seed), got {article(type_name(answer))}"
    calls = 0

    def call(seed: int):
        nonlocal calls
        calls += 1
        _ = torch.manual_seed(_SCRAMBLE + calls)  # whatever state the generator was left in must not matter
        return run(answer, seed)

    got: dict[int, object] = {}
    for seed in _SEEDS:
        try:
            got[seed] = call(seed)
        except StudentError as exc:
            got[seed] = exc
    tensors = [g for g in got.values() if isinstance(g, torch.Tensor)]
    ignores_seed = len(tensors) == len(_SEEDS) and all(_same(t, tensors[0]) for t in tensors)

    results = []
    for seed in _SEEDS:
        label = f"seed {seed}"
        if isinstance(got[seed], StudentError):
            results.append((label, str(got[seed])))
            continue
        problem = compare(got[seed], _reproducible_draw(seed), strict=True)
        if problem is None or not problem.startswith("the values are off"):
            results.append((label, problem))
            continue
        if _same(got[seed], _uniform_draw(seed)):
            problem = ("these are uniform numbers from [0, 1); the task asks for numbers from the standard normal "
                       "distribution (they can be negative), as `torch.randn` draws them")
        elif ignores_seed:
            problem = ("your function returns the same numbers whatever the seed: the numbers must come from the "
                       "generator seeded with the `seed` it is given")
        else:
            try:
                again = call(seed)
            except StudentError as exc:
                results.append((label, str(exc)))
                continue
            if not _same(again, got[seed]):
                problem = ("two calls with the same seed gave different numbers: the draw must come right after "
                           "seeding, inside the function")
            else:
                problem = ("these are not the 3 numbers the standard normal distribution gives right after seeding "
                           "with this seed (a different seed, shape or generator?)")
        results.append((label, problem))
    return results


reproducible_draw = Exercise(
    "Exercise 2 (reproducible numbers)",
    reference=_reproducible_draw,
    cases=[Case((seed,), label=f"seed {seed}") for seed in _SEEDS],
    check_fn=_check_draw,
    hints=[
        "A seed fixes where the generator starts: the same start gives the same numbers. Which has to come "
        "first, the seed or the draw? And which seed should it be?",
        "Do what the cell in \"Seeds and determinism\" does before it draws `first`, but with the `seed` your "
        "function receives; then draw 3 numbers from the standard normal distribution and return them.",
    ],
)

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb00.py and the shared test).
SOLUTION_KEYS = {
    "safe_matrix": ["torch.zeros", "zeros(rows, cols)", "zero_()", "torch.full"],
    "reproducible_draw": ["manual_seed", "torch.randn(3)", "randn(3)"],
}
