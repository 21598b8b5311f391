"""Slide metadata for lecture mode: every notebook is also a deck for jupyterlab-slideshow (`make lab`).

    python -m tools.slides apply notebooks/*.ipynb   # write each cell's metadata.slideshow from the rules below
    python -m tools.slides check notebooks/*.ipynb   # exit 1 if a notebook's metadata differs (the lint runs it)

The deck follows the notebook's own structure, so a new section gets its slide without anyone remembering to:
- the title cell and every `## ` section start a **slide** (the set-up section stays on the title slide);
  every `### ` heading starts a **subslide**;
- a slide that would hold more than MAX_LINES lines (prose, code and text output; a picture counts as
  PICTURE_LINES) goes on in a **subslide** at its next prose cell, so that no slide needs scrolling;
- a code cell right after another code cell of the same slide is a **fragment**: the point builds up;
- prose longer than NOTES_LINES lines that does not open a section becomes speaker **notes**: the lecturer
  says it, the students read it in the notebook;
- solutions (cells whose source starts with `# Solution`) are **skipped**: the lecture shows the exercise;
- every other cell has no `slideshow` key, so it continues the slide (`"-"` would hide it in jupyterlab-slideshow).
Only the types jupyterlab-slideshow understands are used: slide, subslide, fragment, notes, skip.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tools.notebooks import Notebook, is_solution, load, save, source

TYPES = ("slide", "subslide", "fragment", "notes", "skip")
MAX_LINES = 32  # about a screen at lecture zoom
PICTURE_LINES = 14  # a figure's height in lines
NOTES_LINES = 11  # prose longer than this is said, not shown


def _output_lines(cell: dict[str, Any]) -> int:
    lines = 0
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/png" in data:
            lines += PICTURE_LINES
        elif out.get("output_type") == "stream":
            lines += len("".join(out.get("text", "")).splitlines())
        elif "text/plain" in data:
            lines += len("".join(data["text/plain"]).splitlines())
        elif out.get("output_type") == "error":
            lines += 1
    return lines


def slide_types(nb: Notebook) -> list[str | None]:
    """The slide type of every cell (None: no key, the cell continues its slide), from the rules above."""
    types: list[str | None] = []
    height = 0  # lines on the current (sub)slide so far
    previous_code = False  # the previous shown cell was code, on the same slide
    started = False  # a slide has begun (a notebook without a title cell makes no deck)
    for index, cell in enumerate(nb["cells"]):
        text = source(cell)
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        lines = len(text.splitlines()) + (_output_lines(cell) if cell["cell_type"] == "code" else 0)
        kind: str | None = None
        if cell["cell_type"] == "markdown":
            if index == 0 or (first.startswith(("# ", "## ")) and first != "## Setup"):
                kind = "slide"
            elif first.startswith("### "):
                kind = "subslide"
            elif len(text.splitlines()) > NOTES_LINES:
                kind = "notes"
            elif height + lines > MAX_LINES:
                kind = "subslide"
        elif cell["cell_type"] == "code":
            if is_solution(cell):
                kind = "skip"
            elif previous_code and started:
                kind = "fragment"
        if kind in ("slide", "subslide"):
            height, started = 0, True
        if kind not in ("notes", "skip"):
            height += lines
            previous_code = cell["cell_type"] == "code"
        types.append(kind)
    return types


def apply(nb: Notebook) -> bool:
    """Write the rules' slide types into the cells' metadata; True if anything changed."""
    changed = False
    for cell, kind in zip(nb["cells"], slide_types(nb), strict=True):
        meta = cell.setdefault("metadata", {})
        now = meta.get("slideshow", {}).get("slide_type")
        if now == kind:
            continue
        changed = True
        if kind is None:
            meta.pop("slideshow", None)
        else:
            meta["slideshow"] = {"slide_type": kind}
    return changed


def problems(nb: Notebook) -> list[str]:
    """How a notebook's slide metadata departs from the rules (the lint's rule; `apply` fixes it)."""
    found = []
    expected = slide_types(nb)
    for index, (cell, kind) in enumerate(zip(nb["cells"], expected, strict=True)):
        now = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if now is not None and now not in TYPES:
            found.append(f"cell {index}: slide type {now!r} is not one of {', '.join(TYPES)}")
        elif now != kind:
            found.append(f"cell {index}: slide type {now!r}, the lecture rules give {kind!r} (python -m tools.slides "
                         "apply)")
    return found


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("apply", "check"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    status = 0
    for path in map(Path, argv[1:]):
        nb = load(path)
        if argv[0] == "apply":
            if apply(nb):
                save(nb, path)
                print(f"{path}: slide metadata written")
        else:
            for problem in problems(nb):
                print(f"{path}: {problem}")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
