"""The browser harness's judgement, without a browser: what counts as a problem after Run All.

These run in `make test` (no Chromium needed); test_notebooks_in_lab.py runs the same checks on real pages.
"""
from __future__ import annotations

import lab
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools.notebooks import RAISES_TAG


def shown(prompt: str = "[1]:", outputs: tuple = (), widgets: int = 0) -> dict:
    """What the page shows for one cell (the shape lab.read_cells returns)."""
    return {"code": True, "prompt": prompt, "outputs": [{"mime": m, "text": t} for m, t in outputs], "widgets": widgets}


TRACEBACK = "ValueError  Traceback (most recent call last)\n----> 1 f()\nValueError: bad"
WIDGET = new_output("execute_result", data={lab.WIDGET_MIME: {"model_id": "x"}, "text/plain": "W()"}, execution_count=3)


def notebook():
    return new_notebook(cells=[
        new_markdown_cell("# Title"),
        new_code_cell("x = 1"),
        new_code_cell("1 / 0", metadata={"tags": [RAISES_TAG]}),
        new_code_cell("W()", outputs=[WIDGET]),
        new_code_cell("   "),  # empty: JupyterLab never runs it
    ])


def test_a_clean_run_has_no_problems():
    cells = [{"code": False, "prompt": "", "outputs": [], "widgets": 0}, shown("[1]:"),
             shown("[2]:", [(lab.STDERR_MIME, "ZeroDivisionError")]), shown("[3]:", widgets=4), shown("[ ]:")]
    assert lab.run_problems(notebook(), cells) == []


def test_an_error_outside_a_raises_exception_cell_is_reported_with_its_traceback():
    cells = [{"code": False, "prompt": "", "outputs": [], "widgets": 0}, shown("[1]:", [(lab.STDERR_MIME, TRACEBACK)]),
             shown("[2]:"), shown("[3]:", widgets=4), shown("")]
    [problem] = lab.run_problems(notebook(), cells)
    assert problem.cell == 1 and "cell 1 `x = 1` shows an error" in str(problem)
    assert "----> 1 f()" in str(problem) and "ValueError: bad" in str(problem)


def test_unexecuted_cells_missing_widgets_and_widget_errors_are_reported():
    cells = [{"code": False, "prompt": "", "outputs": [], "widgets": 0}, shown("[ ]:"), shown("[*]:"),
             shown("[3]:", [("", "Error displaying widget: model not found")]), shown("")]
    problems = [str(p) for p in lab.run_problems(notebook(), cells)]
    assert problems == [
        "cell 1 `x = 1` was not executed (its prompt shows '[ ]:')",
        "cell 2 `1 / 0` was not executed (its prompt shows '[*]:')",
        "cell 3 `W()`: Error displaying widget: model not found",
        "cell 3 `W()` shows no widget (stored: a widget)",
    ]


def test_a_page_showing_other_cells_than_the_file_is_reported():
    problems = lab.run_problems(notebook(), [shown("[1]:")])
    assert "the page shows 1 cells, the notebook file has 5" in str(problems[0])


def test_widget_cells_are_found_from_the_stored_outputs():
    assert lab.widget_cells(notebook()) == [3]


def test_log_console_entries_are_problems():
    [problem] = lab.log_problems(["Traceback ...\nValueError: bad"])
    assert "Log Console" in str(problem) and "    ValueError: bad" in str(problem)


@pytest.mark.parametrize(("expression", "asked"), [
    ("", False), ("browser", True), ("not browser", False), ("browser and not slow", True), ("slow", False),
])
def test_browser_tests_run_only_when_asked_for(expression, asked):
    assert lab.browser_tests_asked_for(expression) is asked
