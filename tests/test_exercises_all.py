"""Rules every exercise of the course keeps (issue 10), for every Exercise of every course_utils/exercises/nbNN
module: graded hints that escalate on repeated failure and never give the solution away, "not attempted yet" and no
hint for an untouched stub, a checker that never changes the caller's random state, and exercise cells that still
run after a kernel restart with only the set-up cell.

Each tests/test_exercises_nbNN.py keeps what is specific to its notebook, and three tables this file runs: WRONG
(wrong answers, each rejected with a message that says why), ALTERNATIVES (correct answers other than the
reference, each passing) and STUBS (untouched stubs beyond `...`: the notebook's stub cells, a stub returning None).
Each is a list of pytest.param(exercise, answer[, fragments]); WRONG and ALTERNATIVES may also be
{exercise: [(answer, fragment), ...]} and {exercise: [answer, ...]}.
"""
import importlib
import pkgutil
import re
from pathlib import Path

import nbformat
import pytest
import torch
from nbclient import NotebookClient

import course_utils.exercises
from course_utils.checks import Exercise

MODULES = sorted(m.name for m in pkgutil.iter_modules(course_utils.exercises.__path__) if re.fullmatch(r"nb\d\d", m.name))
TESTS = {name: importlib.import_module(f"test_exercises_{name}") for name in MODULES}  # each notebook's own tests
NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _key(module, attr: str) -> str:
    return f"{module.__name__.rsplit('.', 1)[1]}.{attr}"


def _exercises():
    for module_name in MODULES:
        module = importlib.import_module(f"course_utils.exercises.{module_name}")
        for attr, value in vars(module).items():
            if isinstance(value, Exercise):
                yield pytest.param(module, attr, value, id=_key(module, attr))


EXERCISES = list(_exercises())
NAMES = {p.values[2]: p.id for p in EXERCISES}


def _table(name: str, with_fragments: bool = False):
    """The table `name` of every test_exercises_nbNN.py, as pytest.params (exercise, answer[, fragments])."""
    for module_name in MODULES:
        table = getattr(TESTS[module_name], name)
        if isinstance(table, dict):
            for exercise, entries in table.items():
                for i, entry in enumerate(entries):
                    yield pytest.param(exercise, *(entry if with_fragments else (entry,)), id=f"{NAMES[exercise]}-{i}")
        else:
            for p in table:
                yield pytest.param(*p.values, id=f"{module_name}-{p.id}")


WRONG = list(_table("WRONG", with_fragments=True))
ALTERNATIVES = list(_table("ALTERNATIVES"))
STUBS = [pytest.param(p.values[2], ..., id=f"{p.id}-ellipsis") for p in EXERCISES] + list(_table("STUBS"))

# A typical wrong answer per exercise, for the hints to escalate on: each test_exercises_nbNN.py's ESCALATING.
ESCALATING = {NAMES[exercise]: answer for name in MODULES for exercise, answer in TESTS[name].ESCALATING.items()}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def test_every_notebook_has_exercises_and_every_exercise_an_escalating_answer():
    assert len(MODULES) == 9
    assert {p.id.split(".")[0] for p in EXERCISES} == set(MODULES)
    assert [f"nb{path.name[:2]}" for path in NOTEBOOKS] == MODULES
    assert set(ESCALATING) == set(NAMES.values())


@pytest.mark.parametrize("module_name", MODULES)
def test_solution_keys_name_exactly_the_exercises(module_name):
    module = importlib.import_module(f"course_utils.exercises.{module_name}")
    exercises = {attr for attr, value in vars(module).items() if isinstance(value, Exercise)}
    assert set(module.SOLUTION_KEYS) == exercises


@pytest.mark.parametrize("module, attr, exercise", EXERCISES)
def test_hints_are_graded_and_never_contain_the_solution(module, attr, exercise):
    keys = getattr(module, "SOLUTION_KEYS", {}).get(attr)
    assert keys, f"{module.__name__}.SOLUTION_KEYS must list the key expressions of {attr}'s solution"
    assert len(exercise.hints) >= 2, "a conceptual hint first, then a more specific one"
    for hint in exercise.hints:
        for key in keys:
            assert _squash(key) not in _squash(hint), f"hint {hint!r} gives away {key!r}"


@pytest.mark.parametrize("module, attr, exercise", EXERCISES)
def test_hints_escalate_on_repeated_failure(module, attr, exercise):
    exercise.reset()
    shown = [exercise.check(ESCALATING[_key(module, attr)]).hint for _ in range(len(exercise.hints) + 1)]
    assert shown[:-1] == list(exercise.hints)  # conceptual first, then more specific
    assert shown[-1] == exercise.hints[-1]  # the last one repeats
    assert shown[0] != shown[1]
    exercise.reset()


@pytest.mark.parametrize("exercise, answer, fragments", WRONG)
def test_wrong_answers_are_rejected_with_a_reason(exercise, answer, fragments):
    exercise.reset()
    feedback = exercise.check(answer)
    assert feedback.attempted and not feedback.ok
    for fragment in (fragments,) if isinstance(fragments, str) else fragments:
        assert fragment in feedback.message()
    assert "the check raised" not in feedback.message()


@pytest.mark.parametrize("exercise, answer", ALTERNATIVES)
def test_correct_alternatives_pass(exercise, answer):
    feedback = exercise.check(answer)
    assert feedback.ok, feedback.message()


@pytest.mark.parametrize("exercise, stub", STUBS)
def test_an_untouched_stub_is_not_attempted_and_shows_no_hint(exercise, stub):
    exercise.reset()
    feedback = exercise.check(stub)
    assert not feedback.attempted and not feedback.ok and feedback.hint is None
    assert "not attempted yet" in feedback.message() and "Hint" not in feedback.message()
    assert exercise.attempts == 0


@pytest.mark.parametrize("module, attr, exercise", EXERCISES)
def test_a_wrong_answer_counts_as_an_attempt_and_gets_the_first_hint(module, attr, exercise):
    exercise.reset()
    state = torch.random.get_rng_state()
    feedback = exercise.check(lambda *args, **kwargs: "certainly wrong")
    assert not feedback.ok and feedback.hint == exercise.hints[0] and exercise.attempts == 1
    assert torch.equal(torch.random.get_rng_state(), state)
    exercise.reset()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_exercise_cells_run_after_a_restart_with_only_the_setup_cell(notebook):
    """A student restarts the kernel, runs the set-up cell, then only the exercise cells (review of issue 10)."""
    nb = nbformat.read(notebook, as_version=4)
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "setup_notebook()" in c.source)
    start = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "## Exercises" in c.source)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}})
    with client.setup_kernel():
        for index in [setup] + [i for i in range(start, len(nb.cells)) if nb.cells[i].cell_type == "code"]:
            client.execute_cell(nb.cells[index], index)  # raises CellExecutionError (e.g. a NameError) on failure
