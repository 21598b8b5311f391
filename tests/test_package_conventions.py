"""Conventions of course_utils that keep it easy to read: `__all__` in every module, listing every public
function and class it defines; type_name() for type names in messages; docstrings that name real methods."""
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import course_utils
from course_utils.widgets import base

ROOT = Path(__file__).resolve().parents[1]
# Being rewritten in parallel with issue 11 (the exercise mechanism): left to that work.
PENDING = ("course_utils.checks", "course_utils.exercises")
MODULES = [info.name for info in pkgutil.walk_packages(course_utils.__path__, "course_utils.")
           if not info.name.startswith(PENDING)]


@pytest.mark.parametrize("name", ["course_utils", *MODULES])
def test_every_module_has_an_all_listing_its_public_functions_and_classes(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    assert [n for n in module.__all__ if not hasattr(module, n)] == []
    defined = {n for n, obj in vars(module).items() if not n.startswith("_")
               and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == name}
    assert defined <= set(module.__all__), f"{name}: public but not in __all__: {sorted(defined - set(module.__all__))}"


def test_type_names_come_from_type_name():
    files = [p for p in [*(ROOT / "course_utils").rglob("*.py"), *(ROOT / "tools").rglob("*.py")]
             if p.name != "_validate.py" and not any(part in ("checks", "exercises") for part in p.parts)]
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in files
                 for i, line in enumerate(p.read_text().splitlines(), 1) if re.search(r"type\([^)]*\)\.__name__", line)]
    assert offenders == []


def test_plot_widget_docstring_names_real_methods():
    named = re.findall(r"^    (\w+)\(", base.__doc__, flags=re.MULTILINE)
    assert "make_controls" in named
    assert [n for n in named if not hasattr(base.PlotWidget, n)] == []
