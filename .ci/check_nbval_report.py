"""Fail unless strict nbval really checked every notebook, every code cell, none skipped.

usage: python .ci/check_nbval_report.py JUNIT_XML [NOTEBOOK_DIR]
"""
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path


def main(report: str, notebook_dir: str = "notebooks") -> int:
    cases = list(ET.parse(report).getroot().iter("testcase"))
    checked: Counter[str] = Counter()
    problems = []
    for case in cases:
        classname = case.get("classname", "")
        if not classname.endswith(".ipynb"):
            continue
        name = classname.split(".", 1)[1] if classname.startswith("notebooks.") else classname
        if case.find("skipped") is not None:
            problems.append(f"{name} {case.get('name')}: skipped")
        checked[name] += 1
    notebooks = sorted(Path(notebook_dir).glob("*.ipynb"))
    if not notebooks:
        problems.append(f"no notebooks found in {notebook_dir}/")
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code_cells = sum(1 for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip())
        if checked[path.name] == 0:
            problems.append(f"{path.name}: nbval checked no cell of it")
        elif checked[path.name] != code_cells:
            problems.append(f"{path.name}: nbval checked {checked[path.name]} cells, the notebook has {code_cells} code cells")
    if problems:
        print("nbval report check FAILED:")
        for problem in problems:
            print("  -", problem)
        return 1
    print(f"nbval report check: {len(notebooks)} notebooks, {sum(checked.values())} cells checked strictly, none skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
