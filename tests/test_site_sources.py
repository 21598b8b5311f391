"""The static site's sources (docs/site/, built by `make site`): every notebook on it, in order, linked from the
front page, credit to the two documents the course grows from, and nothing configured to load from outside."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "docs" / "site"
NOTEBOOKS = [path.stem for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def test_the_table_of_contents_lists_every_notebook_in_order():
    assert re.findall(r"- file: (\S+)", (SITE / "_toc.yml").read_text()) == NOTEBOOKS


def test_the_front_page_links_every_notebook_and_credits_the_sources():
    index = (SITE / "index.md").read_text()
    assert re.findall(r"\]\((\d\d_\w+)\.ipynb\)", index) == NOTEBOOKS
    assert "Jordan Boyd-Graber" in index and "Robert Guthrie" in index


def test_the_config_builds_from_stored_outputs_and_loads_nothing_from_outside():
    config = (SITE / "_config.yml").read_text()
    assert re.search(r'execute_notebooks:\s*"off"', config)
    assert "mathjax_path: mathjax/tex-chtml.js" in config
    assert "nb_ipywidgets_js: {}" in config  # MyST-NB's default loads the widget JavaScript from a CDN
    extensions = re.search(r"extensions: \[([^]]*)\]", config).group(1).split(",")
    assert "myst_nb" in [e.strip() for e in extensions]
    assert not {"sphinx_thebe", "sphinx.ext.intersphinx"} & {e.strip() for e in extensions}
    assert not re.search(r"https?://", config)
