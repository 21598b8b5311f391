"""Lecture-mode slide metadata (tools/slides.py): each rule on a small notebook, apply/check, the CLI."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools import slides

ROOT = Path(__file__).resolve().parents[1]


def md(text):
    return {"cell_type": "markdown", "id": f"m{abs(hash(text)) % 10**6}", "metadata": {}, "source": text}


def code(text, outputs=()):
    return {"cell_type": "code", "id": f"c{abs(hash(text)) % 10**6}", "metadata": {}, "source": text,
            "execution_count": 1, "outputs": list(outputs)}


PICTURE = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}}
LONG = "\n".join(f"line {i}" for i in range(slides.NOTES_LINES + 1))


def nb(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_each_rule():
    notebook = nb(
        md("# Title\n\ngoals"),                      # slide: the title
        md("## Setup"),                               # stays on the title slide
        code("setup_notebook()"),
        md("## 1. A section"),                        # slide
        code("a = 1"),
        code("b = 2"),                                # fragment: code after code on one slide
        md("short prose"),
        md(LONG),                                     # notes: long prose that opens no section
        md("### A subsection"),                       # subslide
        code("# Solution (try it yourself first!)\nx = 1"),  # skip
    )
    assert slides.slide_types(notebook) == ["slide", None, None, "slide", None, "fragment", None, "notes",
                                            "subslide", "skip"]


def test_a_full_slide_goes_on_in_a_subslide_at_the_next_prose_cell():
    pictures = [code(f"plot{i}()", [PICTURE]) for i in range(3)]  # 3 * PICTURE_LINES > MAX_LINES
    types = slides.slide_types(nb(md("# T"), pictures[0], md("so"), pictures[1], md("and"), pictures[2]))
    assert 3 * slides.PICTURE_LINES > slides.MAX_LINES
    assert types.count("subslide") == 1 and types[types.index("subslide")] == "subslide"
    assert all(t in (None, "slide", "subslide") for t in types)


def test_apply_writes_only_the_rules_and_check_then_finds_nothing():
    notebook = nb(md("# T"), code("a"), code("b"), md("x"))
    notebook["cells"][3]["metadata"]["slideshow"] = {"slide_type": "-"}  # '-' hides a cell in jupyterlab-slideshow
    assert slides.problems(notebook) != []
    assert slides.apply(notebook) is True
    assert [c["metadata"].get("slideshow") for c in notebook["cells"]] == [
        {"slide_type": "slide"}, None, {"slide_type": "fragment"}, None]
    assert slides.problems(notebook) == [] and slides.apply(notebook) is False


def test_unknown_type_is_named():
    notebook = nb(md("# T"))
    notebook["cells"][0]["metadata"]["slideshow"] = {"slide_type": "sub-slide"}
    assert "'sub-slide' is not one of slide, subslide, fragment, notes, skip" in slides.problems(notebook)[0]


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_course_notebook_is_a_deck_with_sections_and_no_solutions_shown(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    types = slides.slide_types(notebook)
    assert types[0] == "slide" and types.count("slide") >= 4
    for cell, kind in zip(notebook["cells"], types, strict=True):
        if "".join(cell["source"]).startswith("# Solution"):
            assert kind == "skip"


def test_cli(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb(md("# T"), code("a"), code("b"))))
    run = lambda *args: subprocess.run([sys.executable, "-m", "tools.slides", *args], cwd=ROOT,  # noqa: E731
                                       capture_output=True, text=True)
    assert run("check", str(path)).returncode == 1
    assert run("apply", str(path)).returncode == 0
    assert run("check", str(path)).returncode == 0
    assert run("nonsense").returncode == 2
