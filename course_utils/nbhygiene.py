"""Notebook hygiene for strict nbval: a lint, and a cleaner for volatile metadata.

    python -m course_utils.nbhygiene lint notebooks/*.ipynb    # exit 1 on problems
    python -m course_utils.nbhygiene clean notebooks/*.ipynb   # strip volatile metadata in place

Outputs and execution counts are kept: nbval compares the outputs, and needs the counts.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# Metadata that changes from run to run (timings, widget state) or from machine to machine.
VOLATILE_NOTEBOOK_KEYS = ("widgets", "signature")
VOLATILE_CELL_KEYS = ("execution", "ExecuteTime", "collapsed", "scrolled", "heading_collapsed", "hidden")
RAISES_TAG = "raises-exception"


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _raises(cell: dict[str, Any]) -> bool:
    return RAISES_TAG in cell.get("metadata", {}).get("tags", []) or "NBVAL_RAISES_EXCEPTION" in _source(cell)


def load(path: str | Path) -> dict[str, Any]:
    """Read a notebook file as a dict (plain JSON, no nbformat needed)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def lint_notebook(nb: dict[str, Any]) -> list[str]:
    """Problems that make strict nbval unreliable; an empty list means clean."""
    if not isinstance(nb, dict) or "cells" not in nb:
        raise TypeError("nb must be a notebook dict with a 'cells' list (use nbhygiene.load(path))")
    problems: list[str] = []
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernelspec name is {kernel!r}, expected 'python3'")
    for key in VOLATILE_NOTEBOOK_KEYS:
        if key in nb.get("metadata", {}):
            problems.append(f"notebook metadata has volatile key {key!r} (run: make refresh)")
    counts: list[int] = []
    first_code = True
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        where = f"cell {i}"
        src = _source(cell).rstrip()
        if first_code:
            first_code = False
            if "setup_notebook(" not in src:
                problems.append(f"{where}: the first code cell must call course_utils.setup_notebook()")
        for key in VOLATILE_CELL_KEYS:
            if key in cell.get("metadata", {}):
                problems.append(f"{where}: volatile cell metadata {key!r}")
        last = src.splitlines()[-1] if src else ""
        if last.split("#")[0].rstrip().endswith(";"):
            problems.append(f"{where}: ends with ';' (nbval ignores it and shows the value anyway)")
        if "NBVAL_IGNORE_OUTPUT" in src or "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            problems.append(f"{where}: ignore-output is not allowed; fix the source of the difference")
        count = cell.get("execution_count")
        if src and count is None:
            problems.append(f"{where}: never executed, so nbval would not check it")
        if count is not None:
            counts.append(count)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and not _raises(cell):
                problems.append(f"{where}: stored an error ({out.get('ename')}) but is not tagged {RAISES_TAG!r}")
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"{where}: writes to stderr (a warning?); fix it, stderr is compared")
        if _raises(cell) and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            problems.append(f"{where}: tagged {RAISES_TAG!r} but stored no error")
    if counts != list(range(1, len(counts) + 1)):
        problems.append("execution counts are not 1..N: save it from a clean Restart Kernel & Run All (make refresh)")
    return problems


def clean_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """Remove volatile metadata in place (outputs and execution counts stay); returns nb."""
    for key in VOLATILE_NOTEBOOK_KEYS:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        for key in VOLATILE_CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
    return nb


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("lint", "clean"):
        print(__doc__)
        return 2
    status = 0
    for path in argv[1:]:
        nb = load(path)
        if argv[0] == "clean":
            text = json.dumps(clean_notebook(nb), indent=1, ensure_ascii=False) + "\n"
            Path(path).write_text(text, encoding="utf-8")
            continue
        for problem in lint_notebook(nb):
            print(f"{path}: {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
