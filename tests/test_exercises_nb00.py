"""Notebook 00's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted". test_exercises_all.py runs the tables WRONG, ALTERNATIVES and
STUBS below, with the rules every exercise keeps (graded hints, the exercise cells after a restart).

No exercise forbids a function. Exercises 1 and 2 take no tensor argument (rows, cols and seed are ints): Exercise 2
instead rejects an answer that moves torch's global generator; Exercise 3 rejects an answer that changes its input.
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
def global_generator(seed):
    torch.manual_seed(seed)  # the right numbers, but the global generator is re-seeded and moved on
    torch.randn(3)
    return torch.randn(3)


def first_draw_only(seed):
    return torch.randn(3, generator=torch.Generator().manual_seed(seed))


def generator_seeded_twice(seed):
    torch.randn(3, generator=torch.Generator().manual_seed(seed))
    return torch.randn(3, generator=torch.Generator().manual_seed(seed))  # a new generator: the first draw again


def unseeded_generator(seed):
    g = torch.Generator()  # never seeded with `seed`: the same default seed every time
    torch.randn(3, generator=g)
    return torch.randn(3, generator=g)


def second_uniform(seed):
    g = torch.Generator().manual_seed(seed)
    torch.rand(3, generator=g)
    return torch.rand(3, generator=g)


def second_randint(seed):
    g = torch.Generator().manual_seed(seed)
    torch.randint(0, 10, (3,), generator=g)
    return torch.randint(0, 10, (3,), generator=g)


def first_draw_from_the_global_stream(seed):
    g = torch.Generator().manual_seed(seed)
    torch.randn(3, generator=g)
    return torch.randn(3)  # forgot generator=: the global generator, wherever it is


def first_draw_of_another_size(seed):
    g = torch.Generator().manual_seed(seed)
    torch.randn(4, generator=g)  # the first draw must be of 3 numbers
    return torch.randn(3, generator=g)


def forgot_return(seed):
    g = torch.Generator().manual_seed(seed)
    torch.randn(3, generator=g)
    x = torch.randn(3, generator=g)  # noqa: F841


def second_as_list(seed):
    return _second(seed).tolist()


def second_as_row(seed):
    return _second(seed).view(1, 3)


def _second(seed):
    g = torch.Generator().manual_seed(seed)
    torch.randn(3, generator=g)
    return torch.randn(3, generator=g)


def repair_in_place(x):
    x.mul_(0).add_(1)  # the slide's repair, in place: nan stays nan, and the caller's x is changed
    return x


INPLACE = "changed its input"
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
    # second_draw: the numbers are right but the global generator moved, the first draw, the wrong stream...
    pytest.param(nb00.second_draw, global_generator, ("0 of 5 passed", "changed torch's global generator"),
                 id="draw-global-generator"),
    pytest.param(nb00.second_draw, first_draw_only, "FIRST draw after seeding", id="draw-first-draw"),
    pytest.param(nb00.second_draw, generator_seeded_twice, "FIRST draw after seeding", id="draw-new-generator-twice"),
    pytest.param(nb00.second_draw, unseeded_generator, "same numbers whatever the seed", id="draw-unseeded-generator"),
    pytest.param(nb00.second_draw, lambda seed: torch.full((3,), 0.5), "same numbers whatever the seed",
                 id="draw-constant"),
    pytest.param(nb00.second_draw, second_uniform, "uniform numbers from [0, 1)", id="draw-uniform"),
    pytest.param(nb00.second_draw, second_randint, "dtype torch.int64, but a floating-point tensor",
                 id="draw-randint"),
    pytest.param(nb00.second_draw, first_draw_from_the_global_stream,
                 "two calls with the same seed gave different numbers", id="draw-forgot-generator-keyword"),
    pytest.param(nb00.second_draw, first_draw_of_another_size, "size of the first draw", id="draw-first-of-4"),
    pytest.param(nb00.second_draw, forgot_return, "did you forget to `return`", id="draw-no-return"),
    pytest.param(nb00.second_draw, second_as_list, "it returned a list, but a torch.Tensor", id="draw-list"),
    pytest.param(nb00.second_draw, second_as_row, "shape (1, 3), but shape (3,)", id="draw-shape"),
    pytest.param(nb00.second_draw, torch.randn(3), "expected a function", id="draw-not-a-function"),
    # repaired: the slide's arithmetic, the dtype lost, the input changed, the shape fixed
    pytest.param(nb00.repaired, lambda x: x * 0 + 1, ("3 of 6 passed", "contains nan", "nan * 0 and inf * 0 are nan"),
                 id="repair-the-slide"),
    pytest.param(nb00.repaired, lambda x: x - x + 1, ("contains nan", "inf - inf is nan"), id="repair-x-minus-x"),
    pytest.param(nb00.repaired, lambda x: x.clamp(0, 0) + 1, "contains nan", id="repair-clamp"),
    pytest.param(nb00.repaired, lambda x: torch.ones(x.shape), ("4 of 6 passed", "float32, but dtype torch.float64"),
                 id="repair-ones-of-the-shape"),
    pytest.param(nb00.repaired, lambda x: torch.ones_like(x, dtype=torch.float32), "but dtype torch.float64",
                 id="repair-forced-float32"),
    pytest.param(nb00.repaired, lambda x: x.fill_(1), (INPLACE, "`x`"), id="repair-fill_-in-place"),
    pytest.param(nb00.repaired, repair_in_place, (INPLACE, "`x`"), id="repair-slide-in-place"),
    pytest.param(nb00.repaired, lambda x: torch.ones(1, 5), ("1 of 6 passed", "shape (1, 5), but shape (1, 3)"),
                 id="repair-fixed-shape"),
    pytest.param(nb00.repaired, lambda x: torch.ones(len(x)), "shape (1,), but shape (1, 5)", id="repair-len"),
    pytest.param(nb00.repaired, lambda x: torch.ones_like(x).tolist(), "it returned a list", id="repair-list"),
]


# --- correct alternatives -----------------------------------------------------------------------------
def six_at_once(seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(6, generator=g)[3:]  # below 16 numbers, randn(6) is randn(3) then randn(3)


def generator_seed_method(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    first = torch.randn(3, generator=g)  # noqa: F841
    return torch.empty(3).normal_(generator=g)


ALTERNATIVES = [
    pytest.param(nb00.safe_matrix, nb00._safe_matrix, id="safe-reference"),
    pytest.param(nb00.safe_matrix, notebook_function("012679fb", "safe_matrix_solution"), id="safe-notebook-solution"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.zeros(r, c, dtype=torch.float32), id="safe-zeros-float32"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.zeros((r, c)), id="safe-zeros-tuple"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.full((r, c), 0.0), id="safe-full"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.Tensor(r, c).zero_(), id="safe-Tensor-zero_"),
    pytest.param(nb00.safe_matrix, lambda r, c: torch.empty(r, c).fill_(0.0), id="safe-empty-fill_"),
    pytest.param(nb00.second_draw, nb00._second_draw, id="draw-reference"),
    pytest.param(nb00.second_draw, notebook_function("004f7441", "second_draw_solution"),
                 id="draw-notebook-solution"),
    pytest.param(nb00.second_draw, six_at_once, id="draw-six-at-once"),
    pytest.param(nb00.second_draw, generator_seed_method, id="draw-normal_-with-generator"),
    pytest.param(nb00.repaired, nb00._repaired, id="repair-reference"),
    pytest.param(nb00.repaired, notebook_function("e0c30003", "repaired_solution"), id="repair-notebook-solution"),
    pytest.param(nb00.repaired, lambda x: x.new_ones(x.shape), id="repair-new_ones"),
    pytest.param(nb00.repaired, lambda x: torch.full_like(x, 1), id="repair-full_like"),
    pytest.param(nb00.repaired, lambda x: x.clone().fill_(1), id="repair-clone-fill_"),
    pytest.param(nb00.repaired, lambda x: torch.ones(x.shape, dtype=x.dtype, device=x.device), id="repair-ones-dtype"),
    pytest.param(nb00.repaired, lambda x: torch.nan_to_num(x) * 0 + 1, id="repair-nan_to_num-first"),
]


# --- stubs (run, with `...` for every exercise, by test_exercises_all.py) and secrecy -----------------
STUBS = [
    pytest.param(nb00.safe_matrix, notebook_function("f940aff8", "safe_matrix"), id="safe-notebook-stub"),
    pytest.param(nb00.second_draw, notebook_function("fb69b04a", "second_draw"), id="draw-notebook-stub"),
    pytest.param(nb00.repaired, notebook_function("e0c30002", "repaired"), id="repair-notebook-stub"),
]


def _shown(value: float) -> list[str]:
    return [f"{value:.4f}", f"{value:.3f}", f"{value:.2f}"]


def test_messages_never_show_the_reference_draws():
    for wrong in (first_draw_only, second_uniform, unseeded_generator, first_draw_of_another_size, global_generator):
        nb00.second_draw.reset()
        message = nb00.second_draw.check(wrong).message()
        for case in nb00.second_draw.cases:
            for value in nb00._second_draw(*case.args).tolist():
                assert not any(text in message for text in _shown(value)), (wrong.__name__, value)


def test_the_reference_is_the_global_generators_second_draw_and_seeds_differ():
    draws = [nb00._second_draw(*case.args) for case in nb00.second_draw.cases]
    assert len(draws) >= 4
    assert all(not torch.equal(a, b) for i, a in enumerate(draws) for b in draws[i + 1:])
    assert any((d < 0).any() for d in draws)  # standard-normal draws: a uniform draw cannot pass
    with torch.random.fork_rng(devices=[]):
        _ = torch.manual_seed(1)
        torch.randn(3)
        assert torch.equal(torch.randn(3), nb00._second_draw(1))  # notebook 00's cell after "moves on"
        assert not torch.equal(nb00._second_draw(1), first_draw_only(1))


def test_checking_leaves_the_callers_random_state_alone():
    _ = torch.manual_seed(5)
    expected = torch.randn(3)
    _ = torch.manual_seed(5)
    nb00.second_draw.check(nb00._second_draw)
    nb00.second_draw.check(global_generator)
    assert torch.equal(torch.randn(3), expected)


def test_uninitialised_memory_settings_are_restored():
    before = (torch.are_deterministic_algorithms_enabled(), torch.utils.deterministic.fill_uninitialized_memory)
    nb00.safe_matrix.check(lambda r, c: torch.empty(r, c))
    assert (torch.are_deterministic_algorithms_enabled(), torch.utils.deterministic.fill_uninitialized_memory) == before


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb00.safe_matrix: lambda r, c: torch.ones(r, c),
    nb00.second_draw: first_draw_only,
    nb00.repaired: lambda x: x * 0 + 1,
}


def test_repaired_cases_hold_the_garbage_the_slide_cannot_repair():
    slide = [(case.args[0] * 0 + 1) for case in nb00.repaired.cases]
    assert any(bool(torch.isnan(t).any()) for t in slide)  # x*0 + 1 fails on some case
    assert any(case.args[0].dtype == torch.float64 for case in nb00.repaired.cases)  # torch.ones(shape) fails
    for case in nb00.repaired.cases:
        want = nb00._repaired(case.args[0])
        assert want.shape == case.args[0].shape and want.dtype == case.args[0].dtype and bool((want == 1).all())
