"""Rules every exercise of the course keeps (issue 10): graded hints that never give the solution away,
"not attempted yet" for the untouched stub, and a checker that never changes the caller's random state."""
import importlib
import pkgutil
import re

import pytest
import torch

import course_utils.exercises
from course_utils.checks import Exercise

MODULES = sorted(m.name for m in pkgutil.iter_modules(course_utils.exercises.__path__) if re.fullmatch(r"nb\d\d", m.name))


def _exercises():
    for module_name in MODULES:
        module = importlib.import_module(f"course_utils.exercises.{module_name}")
        for attr, value in vars(module).items():
            if isinstance(value, Exercise):
                yield pytest.param(module, attr, value, id=f"{module_name}.{attr}")


EXERCISES = list(_exercises())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def test_there_are_twenty_exercises_in_nine_notebooks():
    assert len(MODULES) == 9
    assert len(EXERCISES) == 20


@pytest.mark.parametrize("module, attr, exercise", EXERCISES)
def test_hints_are_graded_and_never_contain_the_solution(module, attr, exercise):
    keys = getattr(module, "SOLUTION_KEYS", {}).get(attr)
    assert keys, f"{module.__name__}.SOLUTION_KEYS must list the key expressions of {attr}'s solution"
    assert len(exercise.hints) >= 2, "a conceptual hint first, then a more specific one"
    for hint in exercise.hints:
        for key in keys:
            assert _squash(key) not in _squash(hint), f"hint {hint!r} gives away {key!r}"


@pytest.mark.parametrize("module, attr, exercise", EXERCISES)
def test_the_untouched_stub_is_not_attempted_and_shows_no_hint(module, attr, exercise):
    exercise.reset()
    feedback = exercise.check(...)
    assert not feedback.attempted and feedback.hint is None and "not attempted yet" in feedback.message()
    assert exercise.attempts == 0


@pytest.mark.parametrize("module, attr, exercise", EXERCISES)
def test_a_wrong_answer_counts_as_an_attempt_and_gets_the_first_hint(module, attr, exercise):
    exercise.reset()
    state = torch.random.get_rng_state()
    feedback = exercise.check(lambda *args, **kwargs: "certainly wrong")
    assert not feedback.ok and feedback.hint == exercise.hints[0] and exercise.attempts == 1
    assert torch.equal(torch.random.get_rng_state(), state)
    exercise.reset()
