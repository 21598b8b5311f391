"""The static site (`make site`) in Debian's headless Chromium: every page, offline, as a reader sees it.

The site is served from artifacts/site/_build/html on 127.0.0.1 (`make test-browser` builds it first). For the
front page and every notebook's page:
- no request leaves the machine (each one is checked, and any other is aborted and reported);
- no error in the page or its console;
- the math is typeset by the site's own MathJax: no raw `\\(`, `\\[` or `$$` left in the text, and a page whose
  notebook has math shows MathJax output;
- every cell the notebook stored with a widget shows an image (the widget's PNG fallback);
- every internal link resolves: the file exists and so does the `#anchor` it names.
Screenshots: artifacts/site-browser/.
"""
from __future__ import annotations

import http.server
import re
import shutil
import threading
import urllib.request
from functools import partial
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import lab
import nbformat
import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "artifacts" / "site" / "_build" / "html"
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PAGES = ["index"] + [path.stem for path in NOTEBOOKS]
SHOTS = REPO / "artifacts" / "site-browser"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # no access log on stderr
        pass


@pytest.fixture(scope="module")
def site_url():
    """The built site, served on 127.0.0.1 for this module only."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no site at {SITE.relative_to(REPO)}: run make site (make test-browser does)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site_browser():
    chromium = lab.find_chromium()
    if chromium is None:  # outside CI the conftest has skipped these tests
        pytest.fail("CI=true: the browser tests are required but Chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=lab.CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _visit(browser, url: str, shot: Path) -> dict:
    """Open `url`, wait for MathJax; return what the page asked for, its errors, texts, images and links."""
    local = f"{urlparse(url).scheme}://{urlparse(url).netloc}/"
    outside: list[str] = []
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        def route(route) -> None:
            if route.request.url.startswith(local) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"console error: {msg.text}"))
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise")
        page.screenshot(path=str(shot))
        info = page.evaluate("""() => {
            const main = document.querySelector('main') || document.body;
            const clone = main.cloneNode(true);
            clone.querySelectorAll('pre, code, mjx-container, script, style, .cell_input').forEach(e => e.remove());
            const cells = [...document.querySelectorAll('div.cell')].map(c => ({
                images: c.querySelectorAll('.cell_output img').length,
                text: (c.querySelector('.cell_input') || c).innerText.slice(0, 60)}));
            return {text: clone.innerText, math: document.querySelectorAll('mjx-container').length, cells,
                    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))};
        }""")
    finally:
        page.close()
    return {"outside": outside, "errors": errors, **info}


def _read(notebook: Path) -> nbformat.NotebookNode:
    return nbformat.read(notebook, as_version=4)


def _math_in(notebook: Path) -> bool:
    text = "".join(cell.source for cell in _read(notebook).cells if cell.cell_type == "markdown")
    return bool(re.search(r"\$[^$]+\$", text))


def _widget_cells(notebook: Path) -> list[int]:
    """Positions, among the code cells, of the cells stored with a widget view."""
    code = [cell for cell in _read(notebook).cells if cell.cell_type == "code"]
    return [i for i, cell in enumerate(code) if any(lab.WIDGET_MIME in out.get("data", {}) for out in cell.outputs)]


def _check_links(url: str, links: list[str]) -> list[str]:
    broken = []
    for href in links:
        target = urljoin(url, href)
        if urlparse(target).netloc != urlparse(url).netloc:
            continue  # a link out (to PyTorch's docs): the reader follows it, the page does not load it
        address, anchor = urldefrag(target)
        try:
            with urllib.request.urlopen(address, timeout=10) as response:
                body = response.read().decode("utf-8", errors="replace")
        except OSError as error:
            broken.append(f"{href}: {error}")
            continue
        if anchor and not re.search(rf'id="{re.escape(anchor)}"', body):
            broken.append(f"{href}: no element with id {anchor!r} on {address}")
    return broken


@pytest.mark.parametrize("name", PAGES)
def test_site_page(site_url, site_browser, name):
    url = urljoin(site_url, f"{name}.html")
    seen = _visit(site_browser, url, SHOTS / f"{name}.png")
    problems = [f"request left the machine: {u}" for u in seen["outside"]] + seen["errors"]
    raw = sorted(set(re.findall(r"\\\(|\\\[|\$\$", seen["text"])))
    if raw:
        problems.append(f"math left untypeset ({', '.join(raw)}): MathJax did not render it")
    if name != "index":
        notebook = REPO / "notebooks" / f"{name}.ipynb"
        if _math_in(notebook) and seen["math"] == 0:
            problems.append("the notebook has math but the page shows no MathJax output")
        cells = seen["cells"]
        code_cells = sum(1 for cell in _read(notebook).cells if cell.cell_type == "code")
        if len(cells) != code_cells:
            problems.append(f"{len(cells)} cells on the page, {code_cells} code cells in the notebook")
        else:
            for i in _widget_cells(notebook):
                if cells[i]["images"] == 0:
                    problems.append(f"widget cell `{cells[i]['text']}` shows no picture")
    problems += [f"broken link {b}" for b in _check_links(url, seen["links"])]
    assert not problems, f"{name}.html (screenshot {SHOTS.relative_to(REPO)}/{name}.png):\n" + "\n".join(problems)

