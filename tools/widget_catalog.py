"""Every widget of the course, and values to move its controls through (tests/test_widgets_all.py, bench/)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import ipywidgets as widgets

from course_utils._validate import type_name
from course_utils.widgets.base import PlotWidget

_TEXTS = ["the cat sat on the mat", "el gato come pescado", "o gato come peixe"]


def widget_classes() -> list[type[PlotWidget]]:
    """All PlotWidget subclasses defined in the modules of course_utils.widgets, by name."""
    import course_utils.widgets as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, PlotWidget) and obj is not PlotWidget and obj.__module__ == module.__name__:
                found.append(obj)
    return sorted(found, key=lambda c: c.__name__)


def control_values(control: widgets.ValueWidget) -> list[Any]:
    """Up to three other values for `control`, then its current value again."""
    if not isinstance(control, widgets.ValueWidget):
        raise TypeError(f"control must be an ipywidgets control, got {type_name(control)}")
    start = control.value
    if isinstance(control, (widgets.Dropdown, widgets.Select, widgets.RadioButtons, widgets.ToggleButtons)):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        others = [v for v in options if v != start][:3]
    elif isinstance(control, widgets.FloatLogSlider):
        middle = (control.min + control.max) / 2
        others = [control.base**control.min, control.base**middle, control.base**control.max]
    elif isinstance(control, (widgets.IntSlider, widgets.FloatSlider,
                              widgets.BoundedIntText, widgets.BoundedFloatText)):
        kind = type(start)
        others = [kind(control.min), kind((control.min + control.max) / 2), kind(control.max)]
    elif isinstance(control, widgets.Checkbox):
        others = [not start]
    elif isinstance(control, (widgets.Text, widgets.Textarea)):
        others = _TEXTS
    else:
        others = []
    return [v for v in others if v != start] + [start]
