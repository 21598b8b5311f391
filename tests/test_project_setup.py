"""What the Makefile, the locks and pyproject.toml promise: every target in `make help`, a clear Python-version
guard, locks that pin torch 2.13.0 without CUDA packages and agree with each other, every import declared."""
import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import check_python  # noqa: E402  (a script, importable as a module for its function)

sys.path.insert(0, str(ROOT / "tests" / "browser"))
import lab  # noqa: E402

MAKEFILE = (ROOT / "Makefile").read_text()


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            found[match[1].lower().replace("_", "-")] = match[2]
    return found


def test_make_help_lists_every_target():
    phony = re.search(r"^\.PHONY:(.*)$", MAKEFILE, flags=re.MULTILINE)[1].split()
    targets = re.findall(r"^([a-z-]+):", MAKEFILE, flags=re.MULTILINE)
    assert sorted(phony) == sorted(targets)
    shown = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert [line.split()[1] for line in shown.splitlines() if line.startswith("make ")] == targets


def test_make_lab_queries_no_package_index_as_the_browser_tests():
    lab_flags = re.search(r"^LAB_FLAGS := ((?:.*\\\n)*.*)$", MAKEFILE, flags=re.MULTILINE)[1]
    harness_flags = re.findall(r'"(--LabApp\.[^"]+)"', (ROOT / "tests" / "browser" / "lab.py").read_text())
    assert harness_flags and all(flag in lab_flags for flag in harness_flags)
    assert lab.LAB_SETTINGS["@jupyterlab/extensionmanager-extension/plugin"] == {"enabled": False}
    assert "cp tools/lab_overrides.json $(LAB_OVERRIDES)" in MAKEFILE
    overrides = json.loads((ROOT / "tools" / "lab_overrides.json").read_text())
    assert overrides["@jupyterlab/extensionmanager-extension:plugin"] == {"enabled": False}


def test_make_lab_binds_one_key_to_the_lecture_view():
    overrides = json.loads((ROOT / "tools" / "lab_overrides.json").read_text())
    (shortcut,) = overrides["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]
    assert shortcut["keys"] == ["F8"] and shortcut["command"] == "apputils:run-all-enabled"
    assert shortcut["args"]["commands"] == ["application:toggle-presentation-mode", "application:toggle-mode",
                                            "application:toggle-left-area"]
    assert "F8" in (ROOT / "README.md").read_text()  # the README tells the lecturer


def test_python_version_guard():
    assert check_python.problem((3, 11, 7), "python3") is None
    message = check_python.problem((3, 12, 1), "/usr/bin/python3")
    assert "needs Python 3.11" in message and "/usr/bin/python3 is Python 3.12.1" in message
    assert "make PYTHON=python3.11" in message
    assert "tools/check_python.py" in MAKEFILE


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_locks_pin_cpu_torch_and_no_cuda_package(lock):
    found = pins(lock)
    assert found["torch"] == "2.13.0"
    assert not [name for name in found if name.startswith("nvidia-") or name == "triton"]
    assert "make lock" in (ROOT / lock).read_text()  # written by pip-compile through the Makefile


def test_dev_lock_agrees_with_runtime_lock():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
    assert {"pytest", "nbval", "ruff", "pip-tools", "playwright"} <= dev.keys() - runtime.keys()
    assert {"jupyterlab", "ipykernel", "pillow"} <= runtime.keys()


# Import name -> distribution name, where they differ.
DISTRIBUTIONS = {"PIL": "pillow", "playwright": "playwright", "matplotlib_inline": "matplotlib-inline"}
FIRST_PARTY = {"course_utils", "tools", "lab", "run", "widget_latency", "bow_throughput", "check_python", "conftest"}


def third_party_imports(folder: str) -> set[str]:
    names = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {DISTRIBUTIONS.get(n, n).lower() for n in names - FIRST_PARTY - set(sys.stdlib_module_names)}


def declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for e in extras for r in project["optional-dependencies"][e]]
    return {re.split(r"[<>=!\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_pyproject_declares_what_the_code_imports():
    assert third_party_imports("course_utils") <= declared()
    for folder in ("tools", "tests", "bench"):
        assert third_party_imports(folder) <= declared("lab", "dev"), folder
