"""Widget responsiveness: time from a control change to the updated output, in-process.

Every PlotWidget subclass in course_utils.widgets is built with `example()`; each of its
controls is moved through a few values. Setting `control.value` runs the widget's update
synchronously (compute, draw, PNG), so the assignment's duration is the latency.
"""
from __future__ import annotations

import statistics
import time

import torch

from course_utils.widgets.base import PlotWidget
from tools.widget_catalog import control_values, widget_classes


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(widget: PlotWidget, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for control in widget.controls.values():
            for value in control_values(control):
                if value == control.value:
                    continue
                start = time.perf_counter()
                control.value = value
                times.append(time.perf_counter() - start)
    return times


def run(repeats: int = 5) -> dict:
    torch.set_num_threads(1)
    results = {}
    for cls in widget_classes():
        try:
            widget = cls.example()
        except TypeError as exc:  # a widget whose constructor needs data must override example()
            results[cls.__name__] = {"error": f"{cls.__name__}.example() failed: {exc}"}
            continue
        measure(widget, 1)  # warm-up: first draws create artists, caches fill
        times = measure(widget, repeats)
        if not times:
            continue
        results[cls.__name__] = {
            "changes": len(times),
            "median_ms": round(1000 * statistics.median(times), 1),
            "p95_ms": round(1000 * p95(times), 1),
        }
        widget.close()
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(2), indent=2))
