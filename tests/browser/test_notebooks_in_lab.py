"""Every notebook runs in JupyterLab in a real browser, and every widget in it responds.

nbval proves a kernel can run the cells; these tests prove what a lecturer and the students see.
JupyterLab, started on a copy of notebooks/, is driven in Debian's headless Chromium with Playwright:

- test_notebook_runs_in_lab: for each notebooks/*.ipynb, Edit > Clear Outputs of All Cells, then
  Run > Run All Cells; every code cell must show an execution count, no cell an error or stderr output
  (cells tagged raises-exception excepted), no "Error displaying widget", an empty Log Console.
- test_widget_responds: for each cell stored with a widget, every control is changed (keyboard on a
  slider's handle, another option in a dropdown, new text + Enter in a text box) and the widget's
  picture or readout must change, with the kernel staying error-free.
- test_lecture: for each notebook, as a lecturer presents it: F8 switches the lecture view on (presentation
  mode, single document, no side panel) and off again; then the deck (jupyterlab-slideshow) starts at the
  first cell and is stepped with its remote to the last cell, the first widget met on a slide has a control
  changed (its picture or readout must change), and Esc stops it; the Log Console must stay empty.
- test_harness_*: the harness on notebooks broken on purpose (fixtures/): the failure message carries
  the traceback.

Screenshots of each notebook and widget cell: artifacts/browser/ (kept when a test fails).
Run: make test-browser (plain pytest and make test skip them: see conftest.py). Module-scoped fixtures:
one server and one browser for the whole module; each notebook is opened and run once, its widget tests
reuse the page, then its kernel is shut down. All in this one module, so `--dist loadfile` keeps them on
one xdist worker.
"""
from __future__ import annotations

import shutil
import signal
from pathlib import Path

import lab
import pytest

from tools.notebooks import load

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "artifacts" / "browser"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One `notebook` per notebooks/*.ipynb; `widget_cell`: each cell of it stored with a widget.

    Module scope groups the tests by notebook: it is run once, then its widgets are tried on that page.
    """
    if "notebook" not in metafunc.fixturenames:
        return
    if "widget_cell" in metafunc.fixturenames:
        pairs = [(path.name, cell) for path in NOTEBOOKS for cell in lab.widget_cells(load(path))]
        metafunc.parametrize(("notebook", "widget_cell"), pairs, indirect=["notebook"], scope="module",
                             ids=[f"{Path(name).stem}-cell{cell}" for name, cell in pairs])
    else:
        metafunc.parametrize("notebook", [path.name for path in NOTEBOOKS], indirect=True, scope="module",
                             ids=[path.stem for path in NOTEBOOKS])


@pytest.fixture(scope="module")
def chromium() -> str:
    path = lab.find_chromium()
    if path is None:  # outside CI the conftest has skipped these tests: this is CI, where they are required
        pytest.fail("CI=true: the browser tests are required but Chromium is missing "
                    "(.ci/run installs it: apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """JupyterLab on a copy of notebooks/ (plus the harness fixtures), stopped by pid even on failure.

    SIGTERM (a CI timeout) becomes a KeyboardInterrupt meanwhile, so that this teardown still runs.
    """
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(REPO / "notebooks", root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(FIXTURES, root / "_harness_fixtures")
    server = lab.LabServer(root=root, scratch=tmp_path_factory.mktemp("lab-scratch"))
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="module")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright  # only here: collecting needs no Playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=lab.CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def notebook(request: pytest.FixtureRequest, server: lab.LabServer, browser, artifacts: Path):
    """The notebook `request.param`, opened and run in JupyterLab; its kernel is shut down afterwards."""
    run = lab.run_notebook(browser, server, request.param, artifacts / f"{Path(request.param).stem}.png")
    try:
        yield run
    finally:
        lab.close_run(run, server)


def fail_on(notebook: str, problems: list[lab.Problem], screenshot: Path) -> None:
    """Fail with every problem (tracebacks in full) and the screenshot's path, without pytest's noise."""
    if problems:
        pytest.fail(lab.report(notebook, problems, screenshot), pytrace=False)


def assert_ran_cleanly(run: lab.LabRun) -> None:
    fail_on(run.notebook, run.problems, run.screenshot)


# --- the harness on notebooks broken on purpose ------------------------------------------------------

def test_harness_reports_a_broken_cell_with_its_traceback(server, browser, artifacts):
    run = lab.run_notebook(browser, server, "_harness_fixtures/broken.ipynb", artifacts / "harness-broken.png")
    try:
        with pytest.raises(pytest.fail.Exception, match="broken on purpose") as failure:
            assert_ran_cleanly(run)
    finally:
        lab.close_run(run, server)
    message = str(failure.value)
    assert "ValueError: broken on purpose: 42" in message  # the exception...
    assert 'raise ValueError(f"broken on purpose: {value}")' in message  # ...and its traceback
    assert "cell 3 `def check(value):` shows an error" in message
    assert "cell 4 `print(" in message and "was not executed" in message  # Run All stopped there
    assert "ZeroDivisionError" not in message  # cell 2 is tagged raises-exception: its error is expected
    assert "harness-broken.png" in message and (artifacts / "harness-broken.png").exists()


def test_harness_reports_a_widget_whose_callback_raises(server, browser, artifacts):
    run = lab.run_notebook(browser, server, "_harness_fixtures/broken_widget.ipynb", artifacts / "harness-widget.png")
    try:
        assert_ran_cleanly(run)  # displaying it works; moving its slider raises in the kernel
        assert lab.widget_cells(run.ipynb) == [2]
        _, problems = lab.exercise_widget(run, 2, artifacts / "harness-widget-cell2.png", change_timeout=5)
    finally:
        lab.close_run(run, server)
    message = lab.report(run.notebook, problems, artifacts / "harness-widget-cell2.png")
    assert "pressed ArrowRight on the 'k' slider handle" in message
    assert "neither its picture nor its readout changed" in message
    assert "the Log Console" in message and "ValueError: compute is broken on purpose for k=2" in message


# --- the course's notebooks -----------------------------------------------------------------------------

def test_notebook_runs_in_lab(notebook: lab.LabRun):
    assert_ran_cleanly(notebook)


def test_widget_responds(notebook: lab.LabRun, widget_cell: int, artifacts: Path):
    screenshot = artifacts / f"{Path(notebook.notebook).stem}-cell{widget_cell}.png"
    actions, problems = lab.exercise_widget(notebook, widget_cell, screenshot)
    print("\n".join(actions))  # in the report of a failure, and with -s
    fail_on(notebook.notebook, problems, screenshot)


def test_lecture(notebook: lab.LabRun, artifacts: Path):
    page = notebook.page
    lab.cell_locator(page, 0).click()  # out of whatever text box a widget test left focused, as a person would
    page.keyboard.press("Escape")
    before = lab.lecture_view(page)
    page.keyboard.press("F8")
    page.wait_for_timeout(300)
    on = lab.lecture_view(page)
    page.keyboard.press("F8")
    page.wait_for_timeout(300)
    assert on == {"presentation": True, "single": True, "leftHidden": True}, f"F8 (lecture view) gave {on}"
    assert lab.lecture_view(page) == before, "F8 again did not bring back the usual view"
    screenshot = artifacts / f"{Path(notebook.notebook).stem}-deck.png"
    slides, problems = lab.present(notebook, screenshot)
    print(f"{len(slides)} slides: " + " ".join(f"{s[0]}-{s[-1]}" for s in slides))
    fail_on(notebook.notebook, problems, screenshot)
