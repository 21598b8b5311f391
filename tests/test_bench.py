"""The benchmark's own logic (not its timings: speed is never a test)."""
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import run  # noqa: E402
import widget_latency  # noqa: E402


def test_floor_notebooks_are_valid_and_only_import(tmp_path):
    run.write_floor_notebooks(tmp_path, 3)
    paths = sorted(tmp_path.glob("*.ipynb"))
    assert len(paths) == 3
    nb = nbformat.read(paths[0], as_version=4)
    nbformat.validate(nb)
    assert [c.source for c in nb.cells] == [run.FLOOR_SOURCE]


def test_p95():
    assert widget_latency.p95(list(range(101))) == 95
    assert widget_latency.p95([5.0]) == 5.0


def test_report_marks_missed_goals(capsys):
    results = {
        "machine": {"cpu_cores": 2, "torch_threads": 1, "torch": "2.13.0", "python": "3.11"},
        "repeats": 3,
        "suite": {"notebooks": 2, "workers": 2, "course_seconds": 9.0, "floor_seconds": 3.0, "ratio": 3.0,
                  "goal_ratio_max": 2.0, "per_notebook_seconds": {"00.ipynb": 1.0}},
        "widgets": {"Fast": {"changes": 4, "median_ms": 10.0, "p95_ms": 12.0},
                    "Slow": {"changes": 4, "median_ms": 80.0, "p95_ms": 90.0},
                    "Broken": {"error": "Broken.example() failed"}},
    }
    run.print_report(results)
    out = capsys.readouterr().out
    assert "ratio                                3.00   goal <= 2.0  [MISSED]" in out
    assert "median   10.0 ms" in out and "[ok]" in out
    assert out.count("[MISSED]") == 3  # the suite ratio, the slow widget, the broken widget
