"""`make bench`: how fast the course is, as ratios measured in one run.

    python bench/run.py [--repeats N] [--only suite,bow,widgets]

Prints a table and writes the same figures to artifacts/bench/bench.json.
Every figure is the median of N runs after one warm-up run. See docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "artifacts" / "bench"
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]  # tools/, and this folder's modules

import bow_throughput  # noqa: E402
import widget_latency  # noqa: E402

from tools import junit  # noqa: E402

# --- 1 + 2. Suite cost and per-notebook time --------------------------------------------
FLOOR_SOURCE = "import torch\nimport matplotlib.pyplot as plt\nimport course_utils"


def write_floor_notebooks(folder: Path, count: int) -> None:
    """`count` notebooks that only import torch, matplotlib and course_utils: the floor."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = {
        "cells": [{"cell_type": "code", "execution_count": 1, "id": "floor", "metadata": {}, "outputs": [],
                   "source": FLOOR_SOURCE}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for i in range(count):
        (folder / f"floor_{i:02d}.ipynb").write_text(json.dumps(nb))


def run_nbval(paths: list[Path], workers: int) -> tuple[float, dict[str, float]]:
    """Strict nbval over `paths` with `workers` processes: (wall seconds, seconds per notebook)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-n", str(workers), "--dist", "loadfile",
               "--junitxml", str(report), *map(str, paths)]
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"nbval failed during the benchmark:\n{result.stdout[-3000:]}")
        return wall, junit.seconds_per_notebook(junit.read(report))


def bench_suite(repeats: int, workers: int) -> dict:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    floor_dir = OUT / "floor"
    write_floor_notebooks(floor_dir, len(notebooks))
    floors = sorted(floor_dir.glob("*.ipynb"))
    run_nbval(floors, workers)  # warm-up (file caches, bytecode)
    course_walls, floor_walls = [], []
    per_nb: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeats):  # interleaved, so both see the same machine load
        wall, times = run_nbval(notebooks, workers)
        course_walls.append(wall)
        for name, seconds in times.items():
            per_nb[name].append(seconds)
        floor_walls.append(run_nbval(floors, workers)[0])
    course, floor = statistics.median(course_walls), statistics.median(floor_walls)
    return {
        "notebooks": len(notebooks),
        "workers": workers,
        "course_seconds": round(course, 2),
        "floor_seconds": round(floor, 2),
        "ratio": round(course / floor, 2),
        "goal_ratio_max": 2.0,
        "per_notebook_seconds": {name: round(statistics.median(v), 2) for name, v in sorted(per_nb.items())},
    }


# --- report -------------------------------------------------------------------------------
def machine() -> dict:
    import torch

    torch.set_num_threads(1)  # as setup_notebook does: every in-process figure is single-threaded
    return {
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def print_report(results: dict) -> None:
    m = results["machine"]
    print(f"\nmachine: {m['cpu_cores']} cores, torch {m['torch']} with {m['torch_threads']} threads, "
          f"python {m['python']}; medians of {results['repeats']} runs after a warm-up\n")
    if "suite" in results:
        s = results["suite"]
        verdict = "ok" if s["ratio"] <= s["goal_ratio_max"] else "MISSED"
        print(f"1. suite cost ({s['notebooks']} notebooks, {s['workers']} workers)")
        print(f"   strict nbval, course notebooks   {s['course_seconds']:8.2f} s")
        print(f"   strict nbval, floor notebooks    {s['floor_seconds']:8.2f} s")
        print(f"   ratio                            {s['ratio']:8.2f}   goal <= {s['goal_ratio_max']}  [{verdict}]\n")
        print("2. per-notebook execution time (sum of its cells under nbval)")
        for name, seconds in s["per_notebook_seconds"].items():
            print(f"   {name:34s} {seconds:6.2f} s")
        print()
    if "bow" in results:
        b = results["bow"]
        print(f"3. bag-of-words on the shipped corpus ({b['train_examples']} train / {b['test_examples']} test, "
              f"{b['epochs']} epochs)")
        print(f"   {'path':34s} {'vectorise ex/s':>15s} {'train ex/s':>12s} {'test acc':>9s} {'speed-up':>9s}")
        for name, row in b["paths"].items():
            print(f"   {name:34s} {row['vectorise_examples_per_s']:15,.0f} {row['train_examples_per_s']:12,.0f} "
                  f"{row['test_accuracy']:9.3f} {row['train_speedup_vs_tutorial']:8.1f}x")
        verdict = "ok" if b["goal_met"] else "MISSED"
        print(f"   goal: batched >= 100x the tutorial loop in training ex/s at equal or better accuracy  [{verdict}]\n")
    if "widgets" in results:
        print("4. widget responsiveness (control change -> updated output, in-process)")
        for name, row in results["widgets"].items():
            if "error" in row:
                print(f"   {name:34s} {row['error']}  [MISSED]")
                continue
            verdict = "ok" if row["median_ms"] <= 50 else "MISSED"
            print(f"   {name:34s} median {row['median_ms']:6.1f} ms   p95 {row['p95_ms']:6.1f} ms  "
                  f"({row['changes']} changes)  [{verdict}]")
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="measured runs per figure (after one warm-up)")
    parser.add_argument("--suite-repeats", type=int, default=3, help="measured nbval runs (each takes tens of seconds)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="nbval parallelism (as make test: -n auto)")
    parser.add_argument("--only", default="suite,bow,widgets", help="comma-separated parts to run")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    results: dict = {"machine": machine(), "repeats": args.repeats}
    if "bow" in parts:
        results["bow"] = bow_throughput.run(repeats=args.repeats)
    if "widgets" in parts:
        results["widgets"] = widget_latency.run(repeats=args.repeats)
    if "suite" in parts:
        results["suite"] = bench_suite(args.suite_repeats, args.workers)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    print_report(results)
    print(f"written: {(OUT / 'bench.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
