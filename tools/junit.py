"""The one reader of pytest's JUnit XML reports (`pytest --junitxml=...`), and the checks CI makes on them.

    python -m tools.junit nbval REPORT [NOTEBOOK_DIR]   # strict nbval checked every code cell of every notebook
    python -m tools.junit no-skips REPORT [WHAT]        # at least one test ran and none was skipped

Used by .ci/run (both checks) and bench/run.py (seconds per notebook).
"""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from tools.notebooks import checked_code_cells, load


@dataclass(frozen=True)
class Case:
    """One <testcase> of the report."""

    classname: str  # the test file's path with '/' turned into '.', e.g. "notebooks.00_welcome.ipynb"
    name: str  # e.g. "Cell 3" for an nbval cell
    seconds: float
    outcome: str  # "passed", "failed", "error" or "skipped"

    @property
    def notebook(self) -> str | None:
        """The notebook's file name ("00_welcome.ipynb") for an nbval cell, else None.

        pytest writes the path with dots for slashes, so a notebook's stem must not contain a dot.
        """
        if not self.classname.endswith(".ipynb"):
            return None
        return ".".join(self.classname.split(".")[-2:])


def _outcome(element: ET.Element) -> str:
    for tag in ("skipped", "failure", "error"):
        if element.find(tag) is not None:
            return {"failure": "failed"}.get(tag, tag)
    return "passed"


def read(report: str | Path) -> list[Case]:
    """Every test case of a JUnit XML report, in order."""
    root = ET.parse(report).getroot()
    return [Case(c.get("classname", ""), c.get("name", ""), float(c.get("time") or 0), _outcome(c))
            for c in root.iter("testcase")]


def skipped(cases: list[Case]) -> list[Case]:
    return [case for case in cases if case.outcome == "skipped"]


def seconds_per_notebook(cases: list[Case]) -> dict[str, float]:
    """Total time of each notebook's nbval cells, by notebook file name."""
    totals: dict[str, float] = defaultdict(float)
    for case in cases:
        if case.notebook is not None:
            totals[case.notebook] += case.seconds
    return dict(totals)


def nbval_problems(cases: list[Case], notebook_dir: str | Path = "notebooks") -> list[str]:
    """Why the report does not show strict nbval checking every code cell of every notebook (empty: it does)."""
    problems = [f"{case.notebook} {case.name}: skipped" for case in skipped(cases) if case.notebook is not None]
    checked = Counter(case.notebook for case in cases if case.notebook is not None)
    notebooks = sorted(Path(notebook_dir).glob("*.ipynb"))
    if not notebooks:
        problems.append(f"no notebooks found in {notebook_dir}/")
    for path in notebooks:
        code_cells = len(checked_code_cells(load(path)))
        if checked[path.name] == 0:
            problems.append(f"{path.name}: nbval checked no cell of it")
        elif checked[path.name] != code_cells:
            problems.append(f"{path.name}: nbval checked {checked[path.name]} cells, "
                            f"the notebook has {code_cells} code cells")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("nbval", "no-skips"):
        print(__doc__)
        return 2
    command, report, *rest = argv
    cases = read(report)
    if command == "nbval":
        problems = nbval_problems(cases, *rest)
        if problems:
            print("nbval report check FAILED:\n" + "\n".join(f"  - {problem}" for problem in problems))
            return 1
        notebooks = {case.notebook for case in cases if case.notebook is not None}
        cells = sum(case.notebook is not None for case in cases)
        print(f"nbval report check: {len(notebooks)} notebooks, {cells} cells checked strictly, none skipped")
        return 0
    what = rest[0] if rest else "tests"
    left_out = [case.name for case in skipped(cases)]
    if not cases or left_out:
        print(f"{what}: {len(cases)} ran, skipped (not allowed here): {left_out}")
        return 1
    print(f"{what}: {len(cases)} ran, none skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
