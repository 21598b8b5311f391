"""The course's notebook lint: what strict nbval and a lecturer need from a stored notebook.

    python -m tools.nblint notebooks/*.ipynb     # prints what it checked; exit 1 on problems, 2 on bad arguments
    python -m tools.nblint --check-args FILES    # only: are these notebook files? (make refresh, before running them)

Volatile metadata (timings, widget state) is not judged here by a list of our own: `nbstripout --keep-output
--keep-count --keep-id` removes it (`make refresh`), and the lint asks nbstripout whether it would change a file.
Everything else is a rule of this course, listed in RULES; the file must also pass `nbformat.validate`.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

from tools import slides
from tools.notebooks import (
    RAISES_COMMENT,
    RAISES_TAG,
    Notebook,
    expects_error,
    is_solution,
    load,
    short_traceback,
    source,
    tags,
)

STRIP_ARGS = ("--keep-output", "--keep-count", "--keep-id")  # the same in the Makefile and the README

# What the lint checks, as `make lint` prints it.
RULES = (
    "the notebook is valid nbformat (nbformat.validate)",
    "kernelspec name is 'python3'",
    "the first code cell calls setup_notebook()",
    "no code cell ends with ';'",
    "no ignore-output tag or comment",
    "every code cell with source was executed, and the counts run 1..N",
    f"errors are stored only by cells tagged {RAISES_TAG!r}, and each such cell stores one",
    f"no {RAISES_COMMENT} comment (JupyterLab ignores it: tag the cell {RAISES_TAG!r})",
    "stored tracebacks are one line, `ErrorType: message` (no machine paths)",
    "no stderr output",
    "solution cells (source starting `# Solution`) are collapsed (jupyter.source_hidden): students try first",
    "slide metadata for lecture mode follows tools/slides.py's rules (make refresh writes it)",
    "nbstripout " + " ".join(STRIP_ARGS) + " would change nothing (no volatile metadata)",
)


def schema_problems(nb: Notebook) -> list[str]:
    """nbformat's own validation of the notebook's structure, as lint problems."""
    try:
        nbformat.validate(nbformat.from_dict(nb))
    except nbformat.ValidationError as error:
        return [f"not a valid notebook (nbformat): {error.message}"]
    return []


def lint_notebook(nb: Notebook) -> list[str]:
    """Problems that make strict nbval or the lecture unreliable; an empty list means clean.

    Every rule except the nbstripout one (see `unstripped`), which needs the file.
    """
    if not isinstance(nb, dict) or "cells" not in nb:
        raise TypeError("nb must be a notebook dict with a 'cells' list (use tools.notebooks.load(path))")
    problems = schema_problems(nb)
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernelspec name is {kernel!r}, expected 'python3'")
    counts: list[int] = []
    first_code = True
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        where = f"cell {i}"
        src = source(cell).rstrip()
        if first_code:
            first_code = False
            if "setup_notebook(" not in src:
                problems.append(f"{where}: the first code cell must call course_utils.setup_notebook()")
        last = src.splitlines()[-1] if src else ""
        if last.split("#")[0].rstrip().endswith(";"):
            problems.append(f"{where}: ends with ';' (nbval ignores it and shows the value anyway)")
        if "NBVAL_IGNORE_OUTPUT" in src or "nbval-ignore-output" in tags(cell):
            problems.append(f"{where}: ignore-output is not allowed; fix the source of the difference")
        if RAISES_COMMENT in src:
            problems.append(f"{where}: uses a {RAISES_COMMENT} comment, which JupyterLab's Run All ignores; "
                            f"tag the cell {RAISES_TAG!r} instead")
        count = cell.get("execution_count")
        if src and count is None:
            problems.append(f"{where}: never executed, so nbval would not check it")
        if count is not None:
            counts.append(count)
        outputs: list[dict[str, Any]] = cell.get("outputs", [])
        for out in outputs:
            if out.get("output_type") == "error" and not expects_error(cell):
                problems.append(f"{where}: stored an error ({out.get('ename')}) but is not tagged {RAISES_TAG!r}")
            if out.get("output_type") == "error" and out.get("traceback") != short_traceback(out):
                problems.append(f"{where}: stores a full traceback (machine paths): make refresh shortens it")
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"{where}: writes to stderr (a warning?); fix it, stderr is compared")
        if expects_error(cell) and not any(o.get("output_type") == "error" for o in outputs):
            problems.append(f"{where}: tagged {RAISES_TAG!r} but stored no error")
        if is_solution(cell) and not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
            problems.append(f"{where}: a solution shown in plain view; collapse it (metadata jupyter.source_hidden)")
    problems += slides.problems(nb)
    if counts != list(range(1, len(counts) + 1)):
        problems.append("execution counts are not 1..N: save it from a clean Restart Kernel & Run All (make refresh)")
    return problems


def unstripped(paths: list[Path]) -> list[Path]:
    """The files that `nbstripout --keep-output --keep-count` would still change (its dry run)."""
    if not paths:
        return []
    result = subprocess.run([sys.executable, "-m", "nbstripout", "--dry-run", *STRIP_ARGS, *map(str, paths)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"nbstripout failed:\n{result.stdout}{result.stderr}")
    prefix = "Dry run: would have stripped "
    return [Path(line[len(prefix):]) for line in result.stdout.splitlines() if line.startswith(prefix)]


def lint_paths(paths: list[Path]) -> dict[Path, list[str]]:
    """Every rule on every file: {path: problems}."""
    found: dict[Path, list[str]] = {}
    readable = []
    for path in paths:
        try:
            nb = load(path)
        except ValueError as error:  # json.JSONDecodeError, UnicodeDecodeError
            found[path] = [f"not a notebook file (unreadable JSON: {error})"]
            continue
        found[path] = lint_notebook(nb) if isinstance(nb, dict) and "cells" in nb else ["not a notebook (no 'cells')"]
        readable.append(path)
    for path in unstripped(readable):
        found[path].append(f"has volatile metadata; run: nbstripout {' '.join(STRIP_ARGS)} {path}")
    return found


def bad_arguments(args: list[str]) -> list[str]:
    """Why the arguments are not notebook files, one line each (empty when they all are)."""
    errors = []
    for arg in args:
        path = Path(arg)
        if path.suffix != ".ipynb":
            errors.append(f"{arg}: not a notebook (expected a .ipynb file)")
        elif not path.is_file():
            errors.append(f"{arg}: no such file")
    return errors


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    check_args_only = argv[0] == "--check-args"
    if check_args_only:
        argv = argv[1:]
    errors = bad_arguments(argv) if argv else ["no files given"]
    if errors:
        print("\n".join(f"nblint: {error}" for error in errors), file=sys.stderr)
        print("usage: make lint NBS='notebooks/00_welcome.ipynb ...'  (python -m tools.nblint FILE.ipynb ...)",
              file=sys.stderr)
        return 2
    if check_args_only:
        return 0
    paths = [Path(arg) for arg in argv]
    print(f"nblint: {len(paths)} notebook(s), checking that:")
    for rule in RULES:
        print(f"  - {rule}")
    status = 0
    for path, problems in lint_paths(paths).items():
        print(f"{'FAIL' if problems else 'ok  '} {path}")
        for problem in problems:
            print(f"     {path}: {problem}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
