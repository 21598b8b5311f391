"""The notebook lint (tools/nblint.py): each course rule, nbformat's schema, nbstripout's verdict, the CLI."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools import nblint
from tools.notebooks import defined_in_cell, expects_error, load, shorten_tracebacks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def code(src, count, outputs=(), **meta):
    return {"cell_type": "code", "id": f"c{count}", "source": src, "execution_count": count,
            "outputs": list(outputs), "metadata": meta}


def notebook(*cells, kernel="python3", **meta):
    kernelspec = {"name": kernel, "display_name": "Python 3", "language": "python"}
    return {"cells": list(cells), "metadata": {"kernelspec": kernelspec, **meta}, "nbformat": 4, "nbformat_minor": 5}


RESULT = {"output_type": "execute_result", "execution_count": 2, "data": {"text/plain": ["1"]}, "metadata": {}}
ERROR = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
         "traceback": ["ZeroDivisionError: division by zero"]}
FULL_ERROR = {**ERROR, "traceback": ["Traceback", "File /home/me/.venv/lib/x.py, line 3", "ZeroDivisionError"]}
STDERR = {"output_type": "stream", "name": "stderr", "text": "warn"}
GOOD = [code("from course_utils import setup_notebook\nsetup_notebook()", 1), code("x = 1\nx", 2, [RESULT])]


def test_clean_notebook_has_no_problems():
    assert nblint.lint_notebook(notebook(*GOOD)) == []


@pytest.mark.parametrize(
    ("nb", "problem"),
    [
        (notebook(*GOOD, kernel="python2"), "kernelspec"),
        (notebook(code("x = 1", 1)), "must call course_utils.setup_notebook"),
        (notebook(GOOD[0], code("plt.plot(x);", 2)), "ends with ';'"),
        (notebook(GOOD[0], code("x  # NBVAL_IGNORE_OUTPUT", 2)), "ignore-output"),
        (notebook(GOOD[0], code("x", 2, tags=["nbval-ignore-output"])), "ignore-output"),
        (notebook(GOOD[0], code("x", None)), "never executed"),
        (notebook(GOOD[0], code("x", 3)), "counts are not 1..N"),
        (notebook(GOOD[0], code("1/0", 2, [ERROR])), "stored an error (ZeroDivisionError)"),
        (notebook(GOOD[0], code("x", 2, tags=["raises-exception"])), "stored no error"),
        (notebook(GOOD[0], code("1/0  # NBVAL_RAISES_EXCEPTION", 2, [ERROR])), "JupyterLab's Run All ignores"),
        (notebook(GOOD[0], code("x", 2, [STDERR])), "writes to stderr"),
        (notebook(GOOD[0], code("1/0", 2, [FULL_ERROR], tags=["raises-exception"])), "stores a full traceback"),
        (notebook(GOOD[0], {"cell_type": "code", "id": "bad", "source": "x", "metadata": {}}),
         "not a valid notebook (nbformat)"),
        (notebook(GOOD[0], code("# Solution (try it yourself first!)\nx = 1", 2, slideshow={"slide_type": "skip"})),
         "a solution shown in plain view"),
        (notebook(GOOD[0], code("x", 2, slideshow={"slide_type": "-"})), "slide type '-' is not one of"),
        (notebook(GOOD[0], code("# Solution\nx = 1", 2, jupyter={"source_hidden": True})),
         "the lecture rules give 'skip'"),
    ],
)
def test_each_problem_is_caught(nb, problem):
    problems = nblint.lint_notebook(nb)
    assert any(problem in p for p in problems), problems


def test_a_collapsed_skipped_solution_is_clean():
    solution = code("# Solution\nx = 1", 2, jupyter={"source_hidden": True}, slideshow={"slide_type": "skip"})
    assert nblint.lint_notebook(notebook(GOOD[0], solution)) == []


def test_tagged_error_is_allowed():
    cell = code("1/0", 2, [ERROR], tags=["raises-exception"])
    assert nblint.lint_notebook(notebook(GOOD[0], cell)) == []


def test_make_refresh_shortens_stored_tracebacks_to_one_line(tmp_path):
    nb = notebook(GOOD[0], code("1/0", 2, [dict(FULL_ERROR)], tags=["raises-exception"]))
    assert shorten_tracebacks(nb) == 1 and shorten_tracebacks(nb) == 0
    assert nb["cells"][1]["outputs"][0]["traceback"] == ["ZeroDivisionError: division by zero"]
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook(GOOD[0], code("1/0", 2, [dict(FULL_ERROR)], tags=["raises-exception"]))))
    subprocess.run([sys.executable, "-m", "tools.notebooks", "shorten-tracebacks", str(path)], cwd=ROOT, check=True)
    assert nblint.lint_notebook(load(path)) == []
    assert "tools.notebooks shorten-tracebacks" in (ROOT / "Makefile").read_text()


def test_one_definition_of_a_cell_expected_to_raise():
    assert expects_error(code("1/0", 2, tags=["raises-exception"]))
    assert not expects_error(code("1/0  # NBVAL_RAISES_EXCEPTION", 2))  # JupyterLab would stop Run All there
    assert not expects_error({"cell_type": "markdown", "source": "", "metadata": {"tags": ["raises-exception"]}})


def test_lint_rejects_non_notebooks():
    with pytest.raises(TypeError, match="nb must be a notebook dict"):
        nblint.lint_notebook([1, 2])


def test_volatile_metadata_is_nbstripouts_verdict(tmp_path, capsys):
    cell = code("x = 1\nx", 2, [RESULT], execution={"iopub.status.busy": "2026"}, scrolled=True, tags=["keep"])
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook(GOOD[0], cell, widgets={"state": {}})))
    assert nblint.main([str(path)]) == 1
    assert "has volatile metadata" in capsys.readouterr().out
    subprocess.run([sys.executable, "-m", "nbstripout", *nblint.STRIP_ARGS, str(path)], check=True)
    stripped = load(path)
    assert "widgets" not in stripped["metadata"]
    assert stripped["cells"][1]["metadata"] == {"tags": ["keep"]}
    assert stripped["cells"][1]["outputs"] == [RESULT] and stripped["cells"][1]["execution_count"] == 2
    assert nblint.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert f"ok   {path}" in out and "nbstripout --keep-output --keep-count --keep-id would change nothing" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["README.md"], "README.md: not a notebook (expected a .ipynb file)"),
        (["missing.ipynb"], "missing.ipynb: no such file"),
    ],
)
def test_bad_arguments_get_a_clear_message(args, message, capsys):
    assert nblint.main(args) == 2
    assert message in capsys.readouterr().err


def test_unreadable_file_is_a_problem_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    assert nblint.main([str(path)]) == 1
    assert "unreadable JSON" in capsys.readouterr().out


def test_usage():
    assert nblint.main([]) == 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_course_notebooks_are_clean(path):
    assert nblint.lint_notebook(load(path)) == []


def test_course_notebooks_are_stripped():
    assert nblint.unstripped(NOTEBOOKS) == []


def test_make_refresh_strips_as_the_lint_checks():
    assert "NBSTRIPOUT_ARGS := " + " ".join(nblint.STRIP_ARGS) in (ROOT / "Makefile").read_text()


def test_there_are_notebooks_and_strict_nbval_is_configured():
    assert NOTEBOOKS, "no notebooks found"
    for name in ("pyproject.toml", "Makefile", ".ci/run"):
        text = (ROOT / name).read_text()
        assert "nbval-lax" not in text, f"{name} must not relax nbval"
    assert "--nbval " in (ROOT / "pyproject.toml").read_text()


def test_defined_in_cell_runs_only_the_definitions(tmp_path):
    cell = code("def double(x):\n    return 2 * x\n\nprint(double(2))\nnb.exercise.check(double)", 1)
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook(cell)))
    assert defined_in_cell(path, "c1", "double", {})(4) == 8  # no `nb` needed: the check line is left out
    with pytest.raises(ValueError, match="no cell with id 'zz'"):
        defined_in_cell(path, "zz", "double", {})
