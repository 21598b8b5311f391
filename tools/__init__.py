"""The course's notebook tooling (not part of `course_utils`, which students import).

    notebooks        reading .ipynb files; `expects_error`: the one definition of a cell expected to raise
    nblint           the course-specific notebook lint (`make lint`, `make refresh`, tests/test_tools_nblint.py)
    junit            the one reader of pytest's JUnit reports (.ci/run, bench/)
    widget_catalog   every PlotWidget of the course and values to move its controls through (tests, bench/)

Run from the repository root (`python -m tools.nblint ...`); pytest puts the root on sys.path (pyproject.toml).
"""
