"""Browser tests run only when asked for (`make test-browser`, i.e. `pytest -m browser tests/browser`).

They drive JupyterLab in Debian's headless Chromium for a few minutes, so a plain `pytest` or `make test`
skips them with one line saying how to run them. Asked for, they need Chromium: on a laptop without it
they are skipped with the install hint; in CI (CI=true) a missing Chromium is a failure, never a skip.
"""
from __future__ import annotations

import os

import pytest
from lab import browser_tests_asked_for, find_chromium

# The fixture notebooks are broken on purpose: only the harness's own test opens them, never nbval.
collect_ignore_glob = ["fixtures/*"]

NOT_ASKED = "browser tests run separately: make test-browser (pytest -m browser tests/browser)"
NO_CHROMIUM = "browser tests need Chromium: sudo apt-get install chromium, then make test-browser"


@pytest.hookimpl(trylast=True)  # after pytest has grouped the items by their module-scoped `notebook`
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slots = [i for i, item in enumerate(items) if item.get_closest_marker("browser")]
    if not slots:
        return
    # In their own slots: the harness's tests, then notebook by notebook, its run before its widgets.
    browser_items = sorted((items[i] for i in slots), key=_order)
    for slot, item in zip(slots, browser_items, strict=True):
        items[slot] = item
    if not browser_tests_asked_for(config.getoption("markexpr", "") or ""):
        reason = NOT_ASKED
    elif find_chromium() is None and os.environ.get("CI") != "true":
        reason = NO_CHROMIUM
    else:
        return  # run them (in CI without Chromium, the `chromium` fixture fails every one of them)
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


def _order(item: pytest.Item) -> tuple:
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or "notebook" not in params:
        return (0, "", 0, 0)
    # its run, then its widgets, then the lecture (which steps through the whole deck)
    kind = 1 if "widget_cell" in params else 2 if item.originalname == "test_lecture" else 0
    return (1, params["notebook"], kind, params.get("widget_cell", 0))
