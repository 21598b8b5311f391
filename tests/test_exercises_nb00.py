"""Notebook 00's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted". test_exercises_all.py runs the tables WRONG, ALTERNATIVES and
STUBS below, with the rules every exercise keeps (graded hints, the exercise cells after a restart).

Neither exercise takes a tensor argument (rows, cols and seed are ints) nor forbids a function, so there is
no in-place or forbidden-function answer to try here.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from course_utils.exercises import nb00
from tools.notebooks import defined_in_cell

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "00_welcome.ipynb"


def notebook_function(cell_id: str, name: str):
    """The function `name` as the notebook's cell `cell_id` defines it."""
    return defined_in_cell(NOTEBOOK, cell_id, name, {"torch": torch, "nb00": nb00})


# --- wrong answers ------------------------------------------------------------------------------------
def seeded_after_the_draw(seed):
    x = torch.randn(3)
    torch.manual_seed(seed)
    return x


def fixed_seed(seed):
    torch.manual_seed(42)  # ignores its argument
    return torch.randn(3)


def seeded_uniform(seed):
    torch.manual_seed(seed)
    return torch.rand(3)


def seeded_randint(seed):
    torch.manual_seed(seed)
    return torch.randint(0, 10, (3,))


def unseeded(seed):
    return torch.randn(3)


def one_draw_too_many(seed):
    torch.manual_seed(seed)
    torch.randn(3)
    return torch.randn(3)


def forgot_return(seed):
    torch.manual_seed(seed)
    x = torch.randn(3)  # noqa: F841


def seeded_list(seed):
    torch.manual_seed(seed)
    return torch.randn(3).tolist()


def seeded_row(seed):
    torch.manual_seed(seed)
    return torch.randn(1, 3)


NAN = ("contains nan", "uninitialised memory?")
def _nan_entries_zeroed(r, c):
    x = torch.empty(r, c)
    x[x != x] = 0
    return x


WRONG = [
    # safe_matrix: the peril itself (issue 10's known hole), then the everyday slips
    pytest.param(nb00.safe_matrix, lambda r, c: torch.Tensor(r, c) * 0, NAN, id="safe-Tensor-times-0"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.empty(r, c), NAN, id="safe-empty"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.Tensor(r, c), NAN, id="safe-Tensor"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.empty(r, c) * 0 + 0, NAN, id="safe-empty-repaired"),
    # review: removing the nan marker must not hide uninitialised memory (the marker probe catches it)
    pytest.param(nb00.safe_matrix, lambda r, c: torch.Tensor(r, c).nan_to_num(0), "depends on uninitialised memory",
                 id="safe-nan_to_num"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.nan_to_num(torch.empty(r, c)), "depends on uninitialised memory",
                 id="safe-torch-nan_to_num"),
    pytest.param(nb00.safe_matrix, _nan_entries_zeroed, "depends on uninitialised memory", id="safe-x-ne-x-zeroed"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.zeros(r, c, dtype=torch.float64),
                 "dtype torch.float64, but dtype torch.float32 was expected", id="safe-float64"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.zeros(r, c, dtype=torch.int64),
                 "dtype torch.int64, but a floating-point tensor", id="safe-integer-dtype"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.zeros(c, r),
                 "shape (5, 1), but shape (1, 5) was expected", id="safe-shape-swapped"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.ones(r, c), ("1 of 4 passed", "values are off"), id="safe-ones"),
    pytest.param(nb00.safe_matrix, lambda r, c: [[0.0] * c for _ in range(r)],
                 "it returned a list, but a torch.Tensor was expected", id="safe-list"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.tensor([r, c]), "shape (2,)", id="safe-tensor-of-the-sizes"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.zeros(r * c), "shape (5,)", id="safe-flat"),
    # reproducible_draw: every answer issue 10 lists as passing today, and more
    pytest.param(nb00.reproducible_draw, lambda seed: torch.full((3,), 0.5), "same numbers whatever the seed",
                 id="draw-constant"),
    pytest.param(nb00.reproducible_draw, lambda seed: torch.ones(3), "same numbers whatever the seed", id="draw-ones"),
    pytest.param(nb00.reproducible_draw, seeded_uniform, "uniform numbers from [0, 1)", id="draw-seeded-rand"),
    pytest.param(nb00.reproducible_draw, seeded_randint, "dtype torch.int64, but a floating-point tensor",
                 id="draw-seeded-randint"),
    pytest.param(nb00.reproducible_draw, seeded_after_the_draw, "two calls with the same seed gave different numbers",
                 id="draw-seed-after-the-draw"),
    pytest.param(nb00.reproducible_draw, unseeded, "two calls with the same seed gave different numbers",
                 id="draw-unseeded"),
    pytest.param(nb00.reproducible_draw, fixed_seed, ("1 of 5 passed", "same numbers whatever the seed"),
                 id="draw-ignores-the-seed"),
    pytest.param(nb00.reproducible_draw, one_draw_too_many, "not the 3 numbers", id="draw-second-draw"),
    pytest.param(nb00.reproducible_draw, forgot_return, "did you forget to `return`", id="draw-no-return"),
    pytest.param(nb00.reproducible_draw, seeded_list, "it returned a list, but a torch.Tensor", id="draw-list"),
    pytest.param(nb00.reproducible_draw, seeded_row, "shape (1, 3), but shape (3,)", id="draw-shape"),
    pytest.param(nb00.reproducible_draw, torch.randn(3), "expected a function", id="draw-not-a-function"),
]


# --- correct alternatives -----------------------------------------------------------------------------
def draw_with_own_generator(seed):
    return torch.randn(3, generator=torch.Generator().manual_seed(seed))


def draw_with_torch_random(seed):
    torch.random.manual_seed(seed)
    return torch.randn(3)


ALTERNATIVES = [
    pytest.param(nb00.safe_matrix, nb00._safe_matrix, id="safe-reference"),
    pytest.param(nb00.safe_matrix, notebook_function("012679fb", "safe_matrix_solution"), id="safe-notebook-solution"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.zeros(r, c, dtype=torch.float32), id="safe-zeros-float32"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.zeros((r, c)), id="safe-zeros-tuple"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.full((r, c), 0.0), id="safe-full"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.Tensor(r, c).zero_(), id="safe-Tensor-zero_"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.empty(r, c).fill_(0.0), id="safe-empty-fill_"),
    pytest.param(nb00.reproducible_draw, nb00._reproducible_draw, id="draw-reference"),
    pytest.param(nb00.reproducible_draw, notebook_function("004f7441", "reproducible_draw_solution"),
                 id="draw-notebook-solution"),
    pytest.param(nb00.reproducible_draw, draw_with_own_generator, id="draw-own-generator"),
    pytest.param(nb00.reproducible_draw, draw_with_torch_random, id="draw-torch-random"),
]


# --- stubs (run, with `...` for every exercise, by test_exercises_all.py) and secrecy -----------------
STUBS = [
    pytest.param(nb00.safe_matrix, notebook_function("f940aff8", "safe_matrix"), id="safe-notebook-stub"),
    pytest.param(nb00.reproducible_draw, notebook_function("fb69b04a", "reproducible_draw"), id="draw-notebook-stub"),
]


def _shown(value: float) -> list[str]:
    return [f"{value:.4f}", f"{value:.3f}", f"{value:.2f}"]


def test_messages_never_show_the_reference_draws():
    for wrong in (unseeded, seeded_uniform, one_draw_too_many, fixed_seed, seeded_after_the_draw):
        nb00.reproducible_draw.reset()
        message = nb00.reproducible_draw.check(wrong).message()
        for case in nb00.reproducible_draw.cases:
            with torch.random.fork_rng(devices=[]):
                for value in nb00._reproducible_draw(*case.args).tolist():
                    assert not any(text in message for text in _shown(value)), (wrong.__name__, value)


def test_different_seeds_give_different_reference_draws():
    draws = [nb00._reproducible_draw(*case.args) for case in nb00.reproducible_draw.cases]
    assert len(draws) >= 4
    assert all(not torch.equal(a, b) for i, a in enumerate(draws) for b in draws[i + 1:])
    assert any((d < 0).any() for d in draws)  # standard-normal draws: a uniform draw cannot pass


def test_checking_leaves_the_callers_random_state_alone():
    _ = torch.manual_seed(5)
    expected = torch.randn(3)
    _ = torch.manual_seed(5)
    nb00.reproducible_draw.check(nb00._reproducible_draw)
    nb00.reproducible_draw.check(unseeded)
    assert torch.equal(torch.randn(3), expected)


def test_uninitialised_memory_settings_are_restored():
    before = (torch.are_deterministic_algorithms_enabled(), torch.utils.deterministic.fill_uninitialized_memory)
    nb00.safe_matrix.check(lambda r, c: torch.empty(r, c))
    assert (torch.are_deterministic_algorithms_enabled(), torch.utils.deterministic.fill_uninitialized_memory) == before


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb00.safe_matrix: lambda r, c: torch.ones(r, c),
    nb00.reproducible_draw: unseeded,
}
