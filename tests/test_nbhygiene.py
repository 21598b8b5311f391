import json
from pathlib import Path

import pytest

from course_utils import nbhygiene

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def code(src, count, outputs=(), **meta):
    return {"cell_type": "code", "source": src, "execution_count": count, "outputs": list(outputs), "metadata": meta}


def notebook(*cells, kernel="python3", **meta):
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": kernel}, **meta}, "nbformat": 4, "nbformat_minor": 5}


GOOD = [code("from course_utils import setup_notebook\nsetup_notebook()", 1), code("x = 1\nx", 2, [{"output_type": "execute_result"}])]


def test_clean_notebook_has_no_problems():
    assert nbhygiene.lint_notebook(notebook(*GOOD)) == []


@pytest.mark.parametrize(
    "nb, problem",
    [
        (notebook(*GOOD, kernel="python2"), "kernelspec"),
        (notebook(*GOOD, widgets={}), "volatile key 'widgets'"),
        (notebook(code("x = 1", 1)), "must call course_utils.setup_notebook"),
        (notebook(GOOD[0], code("plt.plot(x);", 2)), "ends with ';'"),
        (notebook(GOOD[0], code("x  # NBVAL_IGNORE_OUTPUT", 2)), "ignore-output"),
        (notebook(GOOD[0], code("x", 2, tags=["nbval-ignore-output"])), "ignore-output"),
        (notebook(GOOD[0], code("x", None)), "never executed"),
        (notebook(GOOD[0], code("x", 3)), "counts are not 1..N"),
        (notebook(GOOD[0], code("1/0", 2, [{"output_type": "error", "ename": "ZeroDivisionError"}])), "stored an error"),
        (notebook(GOOD[0], code("x", 2, tags=["raises-exception"])), "stored no error"),
        (notebook(GOOD[0], code("x", 2, [{"output_type": "stream", "name": "stderr", "text": "warn"}])), "stderr"),
        (notebook(GOOD[0], code("x", 2, execution={"iopub.status.busy": "2026"})), "volatile cell metadata"),
    ],
)
def test_each_problem_is_caught(nb, problem):
    problems = nbhygiene.lint_notebook(nb)
    assert any(problem in p for p in problems), problems


def test_tagged_error_is_allowed():
    cell = code("1/0", 2, [{"output_type": "error", "ename": "ZeroDivisionError"}], tags=["raises-exception"])
    assert nbhygiene.lint_notebook(notebook(GOOD[0], cell)) == []


def test_lint_rejects_non_notebooks():
    with pytest.raises(TypeError, match="nb must be a notebook dict"):
        nbhygiene.lint_notebook([1, 2])


def test_clean_strips_volatile_metadata_and_keeps_outputs(tmp_path):
    cell = code("x", 2, [{"output_type": "execute_result"}], execution={"t": 1}, scrolled=True, tags=["keep"])
    nb = notebook(GOOD[0], cell, widgets={"state": {}}, signature="x")
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    assert nbhygiene.main(["lint", str(path)]) == 1
    assert nbhygiene.main(["clean", str(path)]) == 0
    cleaned = json.loads(path.read_text())
    assert "widgets" not in cleaned["metadata"] and "signature" not in cleaned["metadata"]
    assert cleaned["cells"][1]["metadata"] == {"tags": ["keep"]}
    assert cleaned["cells"][1]["outputs"] == [{"output_type": "execute_result"}]
    assert cleaned["cells"][1]["execution_count"] == 2
    assert nbhygiene.main(["lint", str(path)]) == 0


def test_main_usage():
    assert nbhygiene.main([]) == 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_course_notebooks_are_clean(path):
    assert nbhygiene.lint_notebook(nbhygiene.load(path)) == []


def test_there_are_notebooks_and_strict_nbval_is_configured():
    assert NOTEBOOKS, "no notebooks found"
    for name in ("pyproject.toml", "Makefile", ".ci/run"):
        text = (ROOT / name).read_text()
        assert "nbval-lax" not in text, f"{name} must not relax nbval"
    assert "--nbval " in (ROOT / "pyproject.toml").read_text()
