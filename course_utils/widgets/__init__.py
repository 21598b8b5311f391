"""Interactive widgets. Each lives in its own small module; their logic
(`compute`) is plain Python, unit-tested in tests/test_widgets*.py."""
from course_utils.widgets.base import PlotWidget
from course_utils.widgets.seeds import SeedWidget, seeded_normals

__all__ = ["PlotWidget", "SeedWidget", "seeded_normals"]
