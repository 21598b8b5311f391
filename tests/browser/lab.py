"""JupyterLab in headless Chromium, driven like a person: the helpers behind test_notebooks_in_lab.py.

Readable part by part:

- `LabServer`: `jupyter lab` on 127.0.0.1 (a free port, a token) serving a folder, with fresh
  settings, workspace, config, data and runtime dirs (autosave, news and update checks off). It runs in
  its own process group; `stop()` ends it and every kernel it started, by process id.
- the page: open a notebook, click the menus (View > Expand All Code, Edit > Clear Outputs of All Cells,
  Run > Run All Cells), wait until the kernel is idle, read back what the page shows for every cell.
- the checks: `run_problems`, a pure function of the .ipynb and what the page shows; the Log Console,
  where kernel output that belongs to no cell (an exception in a widget callback) appears.
- widgets: `widget_controls` finds every control in a widget's output, `change_control` changes it
  (keyboard on a slider's handle, another dropdown option, new text + Enter), `widget_state` is what the
  widget shows (its pictures' src, its readouts' text).
- `run_notebook` and `exercise_widget` put these together; `report` writes the failure message.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from tools.notebooks import expects_error, load, source

# Debian's Chromium, with every background connection off (the machine has no network but the registries).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STDERR_MIME = "application/vnd.jupyter.stderr"  # JupyterLab renders tracebacks and stderr with it


def find_chromium() -> str | None:
    """The Chromium to drive: $CHROMIUM, else `chromium` on PATH, else None."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if os.access(candidate, os.X_OK) else None


def browser_tests_asked_for(markexpr: str) -> bool:
    """True when a pytest -m expression selects the browser marker (and does not negate it)."""
    return bool(re.search(r"\bbrowser\b", markexpr)) and not re.search(r"\bnot\s+browser\b", markexpr)


# --- the server ------------------------------------------------------------------------------------

# User settings a fresh JupyterLab gets (files in JUPYTERLAB_SETTINGS_DIR): nothing saved behind the
# test's back, no news prompt, no update check, no extension manager asking PyPI.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
    # jupyterlab-slideshow keeps "presenting" in the user settings: every page starts as a notebook.
    "jupyterlab-slideshow/plugin": {"active": False},
    # The lecture view's key, as `make lab` binds it (tools/lab_overrides.json).
    "@jupyterlab/shortcuts-extension/shortcuts": json.loads(
        (Path(__file__).resolve().parents[2] / "tools" / "lab_overrides.json").read_text(encoding="utf-8"))[
        "@jupyterlab/shortcuts-extension:shortcuts"],
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    """A JupyterLab server serving `root`; its private dirs and log live in `scratch`."""

    root: Path  # the folder the server shows (a copy of notebooks/)
    scratch: Path  # settings, workspaces, config, data, runtime dirs and the server log
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen | None = None
    known: dict[int, psutil.Process] = field(default_factory=dict)  # kernels (and helpers) seen under it

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.scratch / "jupyter-lab.log"

    def start(self, timeout: float = 90) -> None:
        env = dict(os.environ)
        for var, sub in [("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                         ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
            (self.scratch / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(self.scratch / sub)
        for plugin, values in LAB_SETTINGS.items():
            path = self.scratch / "settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        env.pop("MPLBACKEND", None)  # plots in the kernels must be inline, as in `make lab`
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
        if os.geteuid() == 0:  # CI runs as root
            command.append("--allow-root")
        log = self.log_path.open("wb")
        # A new session = a new process group: stop() can end the server and anything in its group.
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        atexit.register(self.stop)  # a last resort if pytest itself dies before the fixture's teardown
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API (with the token); returns the decoded JSON, or None."""
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def lab_url(self, notebook: str) -> str:
        """The address a person opens: the notebook in a fresh workspace, logged in with the token."""
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"

    def kernel_idle(self, notebook: str) -> bool:
        """True once the server runs a kernel for `notebook` and that kernel is idle."""
        sessions = self.api("GET", "/api/sessions")
        return any(s.get("path") == notebook and (s.get("kernel") or {}).get("execution_state") == "idle"
                   for s in sessions)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def remember_children(self) -> None:
        """Note the pids of the server's descendants (kernels run in sessions of their own)."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                self.known.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            pass

    def shutdown_kernels(self) -> None:
        """Shut down every kernel through the API (a clean end; stop() still kills leftovers)."""
        self.remember_children()
        try:
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
        except OSError:
            pass

    def stop(self) -> None:
        """End the server's process group, then any remembered kernel still alive. Safe to call twice."""
        if self.process is None:
            return
        self.remember_children()
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
            if self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        # psutil.Process remembers each process's start time: a reused pid is never signalled.
        leftovers = [proc for proc in self.known.values() if proc.is_running()]
        for proc in leftovers:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.terminate()
        _, alive = psutil.wait_procs(leftovers, timeout=5)
        for proc in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        self.process = None


# --- the page: what a person clicks -----------------------------------------------------------------

def click_menu(page, menu: str, item: str) -> None:
    """Open `menu` in the menu bar and click `item` in it (exact labels, as a person reads them)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
    page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def open_notebook(page, server: LabServer, notebook: str, timeout: float = 120) -> None:
    """Load JupyterLab with `notebook` open and wait until its kernel is idle."""
    page.goto(server.lab_url(notebook))
    deadline = time.monotonic() + timeout
    while not server.kernel_idle(notebook):  # the server side: a kernel started for it and idle
        if time.monotonic() > deadline:
            raise TimeoutError(f"no idle kernel for {notebook} after {timeout:.0f} s")
        time.sleep(0.25)
    # The page side: the idle indicator in the notebook's toolbar.
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=timeout * 1000)
    server.remember_children()


# True while the kernel still works: a cell waits ([*]) or the toolbar's kernel indicator is not idle.
_BUSY_JS = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
  const indicator = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  return prompts.some(p => p.textContent.includes('*')) || !indicator || indicator.dataset.status !== 'idle';
}"""


def wait_until_idle(page, timeout: float = 180, settle: float = 0.75) -> None:
    """Wait until no cell is queued or running and the kernel is idle, for `settle` seconds in a row."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        if page.evaluate(_BUSY_JS):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= settle:
            return
        time.sleep(0.1)
    raise TimeoutError(f"the kernel was still busy after {timeout:.0f} s")


def run_all_cells(page, timeout: float = 180) -> None:
    """As a person would: show all code and outputs, clear every output, Run > Run All Cells, wait until idle.

    Clearing first means every execution count and output on the page afterwards comes from this run.
    Solution cells are collapsed in the notebooks: 'Expand All Code' puts their prompts on the page too.
    """
    click_menu(page, "View", "Expand All Code")
    click_menu(page, "View", "Expand All Outputs")
    click_menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
                                      .every(p => !/\\d/.test(p.textContent))""", timeout=10_000)
    click_menu(page, "Run", "Run All Cells")
    # The first cell takes its number once the kernel has it; then wait for the whole queue.
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
                                      .some(p => /[\\d*]/.test(p.textContent))""", timeout=30_000)
    wait_until_idle(page, timeout)


# What the page shows for each cell, in notebook order. textContent, not innerText: cells scrolled out
# of view are not rendered (content-visibility) but their text is there.
_CELLS_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => ({
  code: cell.classList.contains('jp-CodeCell'),
  prompt: (cell.querySelector('.jp-InputArea-prompt')?.textContent ?? '').trim(),
  outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
    mime: o.dataset.mimeType ?? '', text: o.textContent ?? ''})),
  widgets: cell.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length,
}))"""


def read_cells(page) -> list[dict[str, Any]]:
    """[{code, prompt, outputs: [{mime, text}], widgets}] for every cell on the page."""
    return page.evaluate(_CELLS_JS)


def cell_locator(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


# --- checks: pure functions of the .ipynb and what the page shows ------------------------------------

def cell_label(ipynb: dict[str, Any], index: int) -> str:
    """'cell 15 `SeedWidget()`': the cell's index and its first line, to find it in JupyterLab."""
    first = next((line for line in source(ipynb["cells"][index]).splitlines() if line.strip()), "")
    return f"cell {index} `{first[:60]}`"


def widget_cells(ipynb: dict[str, Any]) -> list[int]:
    """Indexes of the cells whose stored outputs show a widget."""
    return [i for i, cell in enumerate(ipynb["cells"]) if cell["cell_type"] == "code"
            and any(WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", []))]


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines())


@dataclass
class Problem:
    cell: int  # index of the cell it concerns (-1: the notebook as a whole)
    text: str

    def __str__(self) -> str:
        return self.text


def run_problems(ipynb: dict[str, Any], cells: list[dict[str, Any]]) -> list[Problem]:
    """Everything wrong with a notebook after Run All, judged from what the page shows.

    - every non-empty code cell shows an execution count: [n]:
    - no error or stderr output, except in cells tagged raises-exception (their error is the lesson)
    - no "Error displaying widget", and every cell stored with a widget shows one
    """
    problems: list[Problem] = []
    if len(cells) != len(ipynb["cells"]):
        problems.append(Problem(-1, f"the page shows {len(cells)} cells, the notebook file has {len(ipynb['cells'])}"))
    for index, (cell, shown) in enumerate(zip(ipynb["cells"], cells, strict=False)):  # a length mismatch: above
        if cell["cell_type"] != "code" or not source(cell).strip():
            continue
        label = cell_label(ipynb, index)
        if not re.fullmatch(r"\[\d+\]:", shown["prompt"]):
            problems.append(Problem(index, f"{label} was not executed (its prompt shows {shown['prompt']!r})"))
        error_expected = expects_error(cell)  # the one definition the lint and nbval use too
        for output in shown["outputs"]:
            if output["mime"] == STDERR_MIME and not error_expected:
                problems.append(Problem(index, f"{label} shows an error (or stderr):\n{_indent(output['text'])}"))
            if "Error displaying widget" in output["text"]:
                problems.append(Problem(index, f"{label}: {output['text'].strip()}"))
        if index in widget_cells(ipynb) and not shown["widgets"]:
            problems.append(Problem(index, f"{label} shows no widget (stored: a widget)"))
    return problems


# --- the Log Console: kernel output that belongs to no cell -------------------------------------------

def show_log_console(page) -> None:
    """View > Show Log Console. An exception in a widget callback (a comm message, not a cell) is shown
    there, not in any cell. It lists the notebook's messages from the start, whenever it is opened."""
    if not page.locator(".jp-LogConsolePanel").count():
        click_menu(page, "View", "Show Log Console")
        page.wait_for_selector(".jp-LogConsolePanel", state="attached")


def log_console_entries(page) -> list[str]:
    """The text of every entry in the Log Console (the course's notebooks should leave it empty)."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-LogConsolePanel .jp-OutputArea-output')]
                                  .map(o => o.textContent ?? '')""")


def log_problems(entries: list[str]) -> list[Problem]:
    return [Problem(-1, f"the Log Console (kernel output no cell owns) shows:\n{_indent(entry)}") for entry in entries]


# --- widgets: change each control like a person, and watch the output it drives ----------------------

# Every control a person can change inside a widget's output, in page order. A slider is moved with
# the keyboard on its handle; a dropdown gets another option; a text box gets a new text and Enter.
_CONTROLS_JS = """cell => [...cell.querySelectorAll(
    '.jp-OutputArea-output .noUi-handle, .jp-OutputArea-output select, .jp-OutputArea-output input,'
    + ' .jp-OutputArea-output textarea, .jp-OutputArea-output .widget-toggle-buttons')]
  .map(el => ({
    kind: el.matches('.noUi-handle') ? 'slider' : el.matches('select') ? 'dropdown'
        : el.matches('.widget-toggle-buttons') ? 'toggle-buttons'
        : el.matches('input[type=checkbox]') ? 'checkbox'
        : el.matches('input[type=number]') ? 'number' : 'text',
    label: (el.closest('.widget-inline-hbox')?.querySelector('.widget-label')?.textContent ?? '').trim(),
  }))"""
_CONTROL_SELECTOR = (".jp-OutputArea-output .noUi-handle, .jp-OutputArea-output select, .jp-OutputArea-output input, "
                     ".jp-OutputArea-output textarea, .jp-OutputArea-output .widget-toggle-buttons")

# What a widget shows: the src of its pictures (a new blob: URL per new PNG) and the text of its HTML readouts.
_STATE_JS = """cell => JSON.stringify([
  [...cell.querySelectorAll('.jp-OutputArea-output img')].map(img => img.src),
  [...cell.querySelectorAll('.jp-OutputArea-output .widget-html-content')].map(h => h.textContent)])"""


@dataclass
class Control:
    kind: str  # slider, dropdown, text, number, checkbox or toggle-buttons
    label: str  # its description, as the page shows it ("seed")
    locator: Any  # the element a person acts on

    def __str__(self) -> str:
        return f"the {self.label or 'unlabelled'!r} {self.kind}"


def widget_controls(cell) -> list[Control]:
    """The controls in a cell's widget output, in page order."""
    found = cell.evaluate(_CONTROLS_JS)
    elements = cell.locator(_CONTROL_SELECTOR)
    return [Control(c["kind"], c["label"], elements.nth(i)) for i, c in enumerate(found)]


def widget_state(cell) -> str:
    """The widget's pictures (their src) and readouts (their text), as one comparable string."""
    return cell.evaluate(_STATE_JS)


def change_control(control: Control) -> str:
    """Change a control as a person would; returns what was done, for messages."""
    element = control.locator
    element.scroll_into_view_if_needed()
    if control.kind == "slider":
        now, top = element.get_attribute("aria-valuenow"), element.get_attribute("aria-valuemax")
        key = "ArrowLeft" if now is not None and top is not None and float(now) >= float(top) else "ArrowRight"
        element.focus()
        element.press(key)
        return f"pressed {key} on {control} handle (it was at {now})"
    if control.kind == "dropdown":
        options = [text.replace("\xa0", " ") for text in element.locator("option").all_text_contents()]
        current = element.evaluate("select => select.selectedIndex")
        choice = (current + 1) % len(options)
        element.select_option(index=choice)
        return f"chose {options[choice]!r} in {control} (it showed {options[current] if current >= 0 else None!r})"
    if control.kind == "checkbox":
        element.click()
        return f"clicked {control}"
    if control.kind == "toggle-buttons":
        button = element.locator("button:not(.mod-active)").first
        text = button.text_content()
        button.click()
        return f"clicked {text!r} in {control}"
    old = element.input_value()
    if control.kind == "number":
        new = str(float(old or 0) + 1).removesuffix(".0")
    else:
        new = "hello world" if old != "hello world" else "hello there"
    element.click()
    element.press("Control+a")
    element.press_sequentially(new)
    element.press("Enter")
    return f"typed {new!r} and Enter in {control} (it held {old!r})"


def wait_until_stable(cell, quiet: float = 0.5, timeout: float = 30) -> str:
    """Wait until the widget has shown the same thing for `quiet` seconds (an update may be in flight)."""
    state, since, deadline = widget_state(cell), time.monotonic(), time.monotonic() + timeout
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.1)
        now = widget_state(cell)
        if now != state:
            state, since = now, time.monotonic()
    return state


def wait_for_change(cell, before: str, timeout: float = 30) -> bool:
    """Wait until the widget's pictures or readouts differ from `before`; False if they never do."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if widget_state(cell) != before:
            return True
        time.sleep(0.1)
    return False


# --- one notebook, start to end ----------------------------------------------------------------------

VIEWPORT = {"width": 1280, "height": 1000}


@dataclass
class LabRun:
    """A notebook opened in JupyterLab and run; its page stays open for the widget checks."""

    notebook: str  # path relative to the server's root
    ipynb: dict[str, Any]  # the notebook file (tags, widget cells)
    page: Any  # the Playwright page
    problems: list[Problem]
    screenshot: Path


def report(notebook: str, problems: list[Problem], screenshot: Path) -> str:
    """The failure message: every problem (tracebacks included) and where the screenshot is."""
    lines = [f"{notebook} in JupyterLab: {len(problems)} problem(s); screenshot: {screenshot}"]
    return "\n".join(lines + [f"- {problem}" for problem in problems])


def run_notebook(browser, server: LabServer, notebook: str, screenshot: Path) -> LabRun:
    """Open `notebook` in a new page, Run All Cells, and judge the page (and its Log Console).

    The screenshot shows the first cell with a problem, or the top of the notebook when there is none.
    """
    ipynb = load(server.root / notebook)
    page = browser.new_page(viewport=VIEWPORT)
    problems: list[Problem] = []
    try:
        open_notebook(page, server, notebook)
        run_all_cells(page)
    except Exception as error:  # a page that never got there: keep what it showed, then fail the setup
        page.screenshot(path=screenshot)
        page.close()
        server.shutdown_kernels()
        raise RuntimeError(f"{notebook}: {error}\n(screenshot: {screenshot})") from error
    problems += run_problems(ipynb, read_cells(page))
    first = next((problem.cell for problem in problems if problem.cell >= 0), None)
    if first is not None:
        cell_locator(page, first).scroll_into_view_if_needed()
    page.screenshot(path=screenshot)
    show_log_console(page)
    problems += log_problems(log_console_entries(page))
    return LabRun(notebook, ipynb, page, problems, screenshot)


def close_run(run: LabRun, server: LabServer) -> None:
    """Close the page (unsaved: autosave is off) and shut its kernel down."""
    run.page.close()
    server.shutdown_kernels()


def exercise_widget(run: LabRun, index: int, screenshot: Path,
                    change_timeout: float = 30) -> tuple[list[str], list[Problem]]:
    """Change every control of the widget in cell `index`; each change must change what the widget shows
    (within `change_timeout` seconds) and leave no error in any cell or in the Log Console.

    Returns what was done (one line per control) and the problems. The screenshot shows the cell afterwards.
    """
    page, cell = run.page, cell_locator(run.page, index)
    label = cell_label(run.ipynb, index)
    known = {str(problem) for problem in run.problems}  # the test of the run reports those already
    log_before = len(log_console_entries(page))
    actions: list[str] = []
    problems: list[Problem] = []
    try:
        controls = widget_controls(cell)
        if not controls:
            problems.append(Problem(index, f"{label}: no control to change in its widget output"))
        for control in controls:
            before = wait_until_stable(cell)
            action = change_control(control)
            actions.append(action)
            if not wait_for_change(cell, before, change_timeout):
                problems.append(Problem(index, f"{label}: {action}, but neither its picture nor its readout changed"))
            wait_until_idle(page)
    finally:  # also when a control could not be driven: the picture shows where it stopped
        cell.scroll_into_view_if_needed()
        cell.screenshot(path=screenshot)
    problems += [p for p in run_problems(run.ipynb, read_cells(page)) if str(p) not in known]
    problems += log_problems(log_console_entries(page)[log_before:])
    return actions, problems


# --- lecture mode: the lecture view (F8) and the deck (jupyterlab-slideshow) -------------------------

_ONSCREEN_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
                         .flatMap((cell, i) => cell.classList.contains('jp-deck-mod-onscreen') ? [i] : [])"""
_VIEW_JS = """() => ({presentation: document.querySelector('#main').classList.contains('jp-mod-presentationMode'),
                      single: document.querySelector('#main').dataset.shellMode === 'single-document',
                      leftHidden: document.querySelector('#jp-left-stack').classList.contains('lm-mod-hidden')})"""


def lecture_view(page) -> dict[str, bool]:
    """{presentation, single, leftHidden}: what the lecture view key (F8) switches."""
    return page.evaluate(_VIEW_JS)


def onscreen_cells(page) -> list[int]:
    """Indexes of the cells on the current slide."""
    return page.evaluate(_ONSCREEN_JS)


def start_deck(page) -> None:
    """From the first cell, as a lecturer starts: click it, then the deck button in the notebook's toolbar."""
    cell_locator(page, 0).click()
    page.locator(".jp-NotebookPanel-toolbar [data-jp-item-name='deck'] button").first.click()
    page.wait_for_selector("body[data-jp-deck-mode='presenting']", state="attached", timeout=30_000)


def deck_next(page) -> bool:
    """One step on the deck's remote, as a lecturer clicks it: down (the next subslide or fragment) where it is
    enabled, else forward (the next slide). False when neither is enabled: the end of the deck."""
    for direction in ("down", "forward"):
        button = page.locator(f".jp-Deck-Remote .jp-deck-mod-direction-{direction}").first
        if button.count() and "jp-mod-disabled" not in (button.get_attribute("class") or ""):
            button.click()
            return True
    return False


def stop_deck(page) -> None:
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.body.dataset.jpDeckMode !== 'presenting'", timeout=30_000)


def present(run: LabRun, screenshot: Path, max_presses: int = 400) -> tuple[list[list[int]], list[Problem]]:
    """Present the notebook: start the deck, step through every slide with the deck's remote (down into a
    subslide where there is one, else forward); on the first slide that shows a widget, change its controls in turn
    until one changes its picture or readout; at the last cell, stop with Esc.

    Returns the slides seen (the on-screen cells of each) and the problems (new Log Console entries included).
    """
    page = run.page
    page.keyboard.press("Escape")  # command mode, whatever the widget tests left focused
    log_before = len(log_console_entries(page))
    problems: list[Problem] = []
    slides: list[list[int]] = []
    last = max(i for i, cell in enumerate(run.ipynb["cells"])  # the last cell a slide can show
               if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") not in ("skip", "notes"))
    widgets = set(widget_cells(run.ipynb))
    tried = False
    start_deck(page)
    try:
        for _ in range(max_presses):
            shown = onscreen_cells(page)
            if shown and (not slides or shown != slides[-1]):
                slides.append(shown)
                on_widget = sorted(widgets & set(shown))
                if on_widget and not tried:
                    tried = True
                    cell = cell_locator(page, on_widget[0])
                    actions = []
                    for control in widget_controls(cell):  # the first control that does something (the widget
                        before = wait_until_stable(cell)  # tests may have left, say, μ on an optimizer without one)
                        actions.append(change_control(control))
                        changed = wait_for_change(cell, before, timeout=10)
                        wait_until_idle(page)
                        if changed:
                            break
                    else:
                        problems.append(Problem(on_widget[0], f"{cell_label(run.ipynb, on_widget[0])} on its slide: "
                                                f"{'; '.join(actions) or 'no control'}, but the widget never changed"))
            if shown and shown[-1] >= last:
                break
            if not deck_next(page):
                problems.append(Problem(-1, f"the deck's remote offers no next slide after cell {shown[-1:]}"))
                break
            page.wait_for_timeout(150)
        else:
            problems.append(Problem(-1, f"the deck never reached the last cell after {max_presses} steps "
                                        f"(slides seen: {len(slides)})"))
        page.screenshot(path=screenshot)
    finally:
        stop_deck(page)
    if widgets and not tried:
        problems.append(Problem(-1, "no slide showed a widget, though the notebook has one"))
    problems += log_problems(log_console_entries(page)[log_before:])
    return slides, problems
