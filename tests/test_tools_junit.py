"""The one JUnit-report reader (tools/junit.py), on reports written the way pytest writes them."""
import json

import pytest

from tools import junit

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<testcase classname="notebooks.01_a.ipynb" name="Cell 0" time="1.5" />
<testcase classname="notebooks.01_a.ipynb" name="Cell 1" time="0.5"><failure message="x">diff</failure></testcase>
<testcase classname="artifacts.bench.floor.floor_00.ipynb" name="Cell 0" time="2.0" />
<testcase classname="tests.test_x" name="test_skipped" time="0"><skipped message="no chromium" /></testcase>
<testcase classname="tests.test_x" name="test_error" time="0"><error message="boom" /></testcase>
</testsuite></testsuites>
"""


def notebook(folder, name, sources):
    cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [], "execution_count": None}
             for s in sources]
    (folder / name).write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(REPORT)
    return path


def test_read_gives_every_case_with_its_outcome_and_notebook(report):
    cases = junit.read(report)
    assert [c.outcome for c in cases] == ["passed", "failed", "passed", "skipped", "error"]
    assert [c.notebook for c in cases] == ["01_a.ipynb", "01_a.ipynb", "floor_00.ipynb", None, None]
    assert junit.seconds_per_notebook(cases) == {"01_a.ipynb": 2.0, "floor_00.ipynb": 2.0}
    assert [c.name for c in junit.skipped(cases)] == ["test_skipped"]


def test_nbval_check_wants_every_code_cell_of_every_notebook(report, tmp_path):
    notebook(tmp_path, "01_a.ipynb", ["x = 1", "x", "   "])  # the empty cell is neither run nor checked
    assert junit.nbval_problems(junit.read(report), tmp_path) == []
    notebook(tmp_path, "02_b.ipynb", ["y = 2"])
    notebook(tmp_path, "01_a.ipynb", ["x = 1", "x", "x + 1"])
    assert junit.nbval_problems(junit.read(report), tmp_path) == [
        "01_a.ipynb: nbval checked 2 cells, the notebook has 3 code cells",
        "02_b.ipynb: nbval checked no cell of it",
    ]


def test_a_skipped_notebook_cell_is_a_problem(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text('<testsuite><testcase classname="notebooks.01_a.ipynb" name="Cell 0"><skipped /></testcase>'
                    '</testsuite>')
    notebook(tmp_path, "01_a.ipynb", ["x = 1"])
    assert junit.nbval_problems(junit.read(path), tmp_path) == ["01_a.ipynb Cell 0: skipped"]


def test_cli(report, tmp_path, capsys):
    notebook(tmp_path, "01_a.ipynb", ["x = 1", "x"])
    assert junit.main(["nbval", str(report), str(tmp_path)]) == 0
    assert "nbval report check: 2 notebooks, 3 cells checked strictly, none skipped" in capsys.readouterr().out
    assert junit.main(["no-skips", str(report), "browser tests"]) == 1
    assert "browser tests: 5 ran, skipped (not allowed here): ['test_skipped']" in capsys.readouterr().out
    assert junit.main([]) == 2
