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


# --- Exercise 2: the second draw, from a generator of your own -------------------------------------
_SEEDS = (0, 7, 1, 42, 2024)
_SCRAMBLE = 918_273  # the global generator is moved here (+k) before each call of the student's function


def _second_draw(seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    torch.randn(3, generator=generator)  # the first draw: made, and thrown away
    return torch.randn(3, generator=generator)


def _draws(seed: int, *sizes: int, uniform: bool = False) -> list[torch.Tensor]:
    """The successive draws of a new generator seeded with `seed` (what a wrong answer may have returned)."""
    generator = torch.Generator().manual_seed(seed)
    draw = torch.rand if uniform else torch.randn
    return [draw(size, generator=generator) for size in sizes]


def _same(a, b) -> bool:
    return (
        isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
        and a.shape == b.shape and a.dtype == b.dtype and bool(torch.equal(a, b))
    )


def _check_second_draw(answer, run: Runner):
    """Each seed: the 3 numbers of the second randn(3) after seeding, and the global generator left alone."""
    if not callable(answer):
        return f"expected a function second_draw(seed), got {article(type_name(answer))}"
    calls = 0

    def call(seed: int):
        """(result or StudentError, whether the global generator was changed)"""
        nonlocal calls
        calls += 1
        _ = torch.manual_seed(_SCRAMBLE + calls)  # whatever state the global generator is in must not matter
        before = torch.random.get_rng_state()
        try:
            result = run(answer, seed)
        except StudentError as exc:
            return exc, False
        return result, not torch.equal(torch.random.get_rng_state(), before)

    got = {seed: call(seed) for seed in _SEEDS}
    tensors = [g for g, _ in got.values() if isinstance(g, torch.Tensor)]
    ignores_seed = len(tensors) == len(_SEEDS) and all(_same(t, tensors[0]) for t in tensors)

    results = []
    for seed in _SEEDS:
        label = f"seed {seed}"
        value, touched_global = got[seed]
        if isinstance(value, StudentError):
            results.append((label, str(value)))
            continue
        problem = compare(value, _second_draw(seed), strict=True)
        if problem is None:
            if touched_global:
                problem = ("the numbers are right, but your function changed torch's global generator (a call to "
                           "`torch.manual_seed`, or a draw without your own generator): the task asks you to leave "
                           "it alone, so that the notebook's other random numbers stay the same")
            results.append((label, problem))
            continue
        if not problem.startswith("the values are off"):
            results.append((label, problem))
            continue
        first, second = _draws(seed, 3, 3)
        if _same(value, first):
            problem = ("these are the numbers of the FIRST draw after seeding: the second draw continues from where "
                       "the first one stopped, so the first has to happen too, from the same generator")
        elif _same(value, _draws(seed, 3, 3, uniform=True)[1]):
            problem = ("these are uniform numbers from [0, 1); the task asks for numbers from the standard normal "
                       "distribution (they can be negative), as `torch.randn` draws them")
        elif ignores_seed:
            problem = ("your function returns the same numbers whatever the seed: the generator must be seeded with "
                       "the `seed` it is given")
        elif not _same(call(seed)[0], value):
            problem = ("two calls with the same seed gave different numbers: the draws must come from a generator "
                       "seeded inside the function")
        else:
            problem = ("these are not the numbers of the second draw of 3 after seeding with this seed (a different "
                       "seed, size of the first draw, or distribution?)")
        results.append((label, problem))
    return results


second_draw = Exercise(
    "Exercise 2 (the second draw, from your own generator)",
    reference=_second_draw,
    cases=[Case((seed,), label=f"seed {seed}") for seed in _SEEDS],
    check_fn=_check_second_draw,
    hints=[
        "A generator's numbers come as one stream: every call continues where the previous call stopped. What "
        "must happen before the second draw exists? And which generator may your function seed and draw from, "
        "if torch's global one must stay as it was?",
        "Build a generator object of your own (section \"Determinism done properly\"), seed it with the `seed` you "
        "receive, and pass that same object to every draw through the `generator` keyword. Make a first draw of "
        "3 standard-normal numbers and ignore it; return the next 3.",
    ],
)

# --- Exercise 3: the slide's repair, done right ----------------------------------------------------
def _repaired(x: torch.Tensor) -> torch.Tensor:
    return torch.ones_like(x)  # only x's shape, dtype and device matter, never its values


def _cases_repaired() -> list[Case]:
    inf, nan = float("inf"), float("nan")
    return [
        Case((torch.tensor([[0.0, nan, inf, -3.0e38, 1.0]]),), label="the garbage of the notebook's demo (nan, inf)"),
        Case((torch.tensor([[1.5, -2.0, 0.25]]),), label="finite values only (here x*0 + 1 happens to work)"),
        Case((torch.tensor([[-inf, 2.0, 3.0], [4.0, 5.0, nan]], dtype=torch.float64),),
             label="a float64 matrix with -inf and nan"),
        Case((torch.tensor([[7, -3], [0, 2]]),), label="an integer (int64) matrix"),
        Case((torch.tensor(nan),), label="a single number (0-dimensional), nan"),
        Case((torch.empty(0, 4),), label="an empty tensor of shape (0, 4)"),
    ]


repaired = Exercise(
    "Exercise 3 (the slide's repair, done right)",
    reference=_repaired,
    cases=_cases_repaired(),
    nan_note="arithmetic on x's values cannot repair it: nan * 0 and inf * 0 are nan, and inf - inf is nan too",
    hints=[
        "The slide computes the ones FROM x's values, and garbage values can poison any arithmetic. What does the "
        "result really need from x? Not its values: only its shape, its dtype (and its device). And it must not "
        "change x itself.",
        "torch can build a new tensor that copies another tensor's shape, dtype and device but not its values: "
        "look for the functions whose name ends in `_like`, or the `new_...` methods of a tensor. Building the "
        "ones from `x.shape` alone loses the dtype.",
    ],
)

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb00.py and the shared test).
SOLUTION_KEYS = {
    "safe_matrix": ["torch.zeros", "zeros(rows, cols)", "zero_()", "torch.full"],
    "second_draw": ["torch.Generator().manual_seed(seed)", "generator=g", "generator=generator", "randn(3, generator",
                    "torch.randn(3)", "randn(6)"],
    "repaired": ["ones_like", "new_ones", "full_like", "fill_(1", "x.clone().fill_"],
}
