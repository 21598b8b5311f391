"""Students re-run cells: every code cell of every notebook runs twice in a row without an error.

Each notebook runs once in a fresh kernel with every code cell executed twice in a row (cells tagged
`raises-exception` may raise, both times). The same run checks that every model the notebook trains was moved
to the course's device (`get_device()`, which `COURSE_DEVICE` sets): tools/device_probe.py records each
parameter an optimizer updates that never went through `.to(device)`.
"""
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

PROBE_START = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tools import device_probe; device_probe.install()"
PROBE_END = "print(device_probe.report())"


def _run(client: NotebookClient, source: str) -> str:
    cell = nbformat.v4.new_code_cell(source)
    client.execute_cell(cell, 0)
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_cell_runs_twice_in_a_row_and_trains_on_the_course_device(path: Path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        _run(client, PROBE_START)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            for attempt in ("first", "second"):
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as exc:
                    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()  # no terminal colours
                    first_line = text.splitlines()[-1] if text else repr(exc)
                    pytest.fail(f"{path.name}, cell {index} failed when run the {attempt} time in a row: {first_line}")
        offenders = _run(client, PROBE_END).strip()
    assert offenders == "[]", f"{path.name} trains parameters that were never moved to get_device(): {offenders}"
