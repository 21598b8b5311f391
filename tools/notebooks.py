"""Reading notebook files, and the one definition of "a cell expected to raise".

Used by the lint (tools.nblint), the browser harness (tests/browser/lab.py) and the nbval report check
(tools.junit), so that all of them agree on which cells a notebook has and which may show an error.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

Notebook = dict[str, Any]
Cell = dict[str, Any]

# The tag of a cell whose error is part of the lesson. JupyterLab's Run All goes on past such a cell and nbval
# compares its error; nbval also accepts a `# NBVAL_RAISES_EXCEPTION` comment, but JupyterLab does not (Run All
# would stop there), so the course uses the tag only and the lint rejects the comment.
RAISES_TAG = "raises-exception"
RAISES_COMMENT = "NBVAL_RAISES_EXCEPTION"


def load(path: str | Path) -> Notebook:
    """Read a notebook file as a dict (plain JSON)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source(cell: Cell) -> str:
    """A cell's source as one string (nbformat stores it as a string or a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def tags(cell: Cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def expects_error(cell: Cell) -> bool:
    """True for a cell whose error output is expected: a code cell tagged `raises-exception`."""
    return cell.get("cell_type") == "code" and RAISES_TAG in tags(cell)


def is_solution(cell: Cell) -> bool:
    """True for an exercise's solution cell: a code cell whose source starts with `# Solution`."""
    return cell.get("cell_type") == "code" and source(cell).lstrip().startswith("# Solution")


def checked_code_cells(nb: Notebook) -> list[int]:
    """Indexes of the code cells that nbval checks and JupyterLab runs: those with some source."""
    return [i for i, cell in enumerate(nb["cells"]) if cell.get("cell_type") == "code" and source(cell).strip()]


def defined_in_cell(path: str | Path, cell_id: str, name: str, namespace: dict[str, Any]) -> Any:
    """What the code cell `cell_id` of a notebook defines as `name`, for tests of the notebook's own solutions.

    The cell runs in `namespace` (the names the notebook's earlier cells provide) without its `.check(...)`
    and `print(...)` lines: only its definitions matter.
    """
    cell = next((c for c in load(path)["cells"] if c.get("id") == cell_id), None)
    if cell is None:
        raise ValueError(f"{path} has no cell with id {cell_id!r}")
    lines = source(cell).splitlines()
    code = "\n".join(line for line in lines if ".check(" not in line and not line.startswith("print("))
    scope = dict(namespace)
    exec(compile(code, str(path), "exec"), scope)  # noqa: S102 (the course's own notebook)
    return scope[name]


def short_traceback(output: dict[str, Any]) -> list[str]:
    """The stored form of an error output's traceback: one line, `ErrorType: message`, no file paths.

    A full traceback names files on the machine that ran it (site-packages, kernel temp files), so a stored one
    would differ from machine to machine; nbval compares only the error's type and message anyway. Students
    running the cell still see the full traceback.
    """
    return [f"{output.get('ename', '')}: {output.get('evalue', '')}"]


def shorten_tracebacks(nb: Notebook) -> int:
    """Give every stored error its short traceback (in place); returns how many changed."""
    changed = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("traceback") != short_traceback(output):
                output["traceback"] = short_traceback(output)
                changed += 1
    return changed


def save(nb: Notebook, path: str | Path) -> None:
    """Write a notebook as Jupyter does (one-space indent, UTF-8, final newline)."""
    Path(path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    """`python -m tools.notebooks shorten-tracebacks FILES`: the step of `make refresh` after execution."""
    if len(argv) < 2 or argv[0] != "shorten-tracebacks":
        print("usage: python -m tools.notebooks shorten-tracebacks NOTEBOOK.ipynb ...", file=sys.stderr)
        return 2
    for path in argv[1:]:
        nb = load(path)
        if shorten_tracebacks(nb):
            save(nb, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
