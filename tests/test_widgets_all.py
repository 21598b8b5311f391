"""Every widget of the course: it builds from example(), and every control changes its output."""
import ipywidgets as widgets
import pytest

from course_utils.widgets.base import PlotWidget
from tools.widget_catalog import control_values, widget_classes

CLASSES = widget_classes()


def test_catalog_finds_the_widgets():
    names = [c.__name__ for c in CLASSES]
    assert "SeedWidget" in names and "PlotWidget" not in names
    assert all(issubclass(c, PlotWidget) for c in CLASSES)


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_every_control_changes_the_picture_or_readout(cls):
    w = cls.example()
    assert repr(w).startswith(cls.__name__ + "(")
    for name, control in w.controls.items():
        for value in control_values(control)[:-1]:
            before = (bytes(w.image.value), w.readout.value)
            control.value = value
            after = (bytes(w.image.value), w.readout.value)
            assert after != before, f"{cls.__name__}: {name}={value!r} changed nothing"
    w.close()


@pytest.mark.parametrize(
    "control, expected",
    [
        (widgets.IntSlider(value=3, min=0, max=10), [0, 5, 10, 3]),
        (widgets.FloatSlider(value=0.5, min=0.0, max=1.0), [0.0, 1.0, 0.5]),
        (widgets.Dropdown(options=[("a", 1), ("b", 2)], value=2), [1, 2]),
        (widgets.Dropdown(options=["x", "y", "z", "w", "v"], value="x"), ["y", "z", "w", "x"]),
        (widgets.Checkbox(value=True), [False, True]),
        (widgets.FloatLogSlider(value=0.1, base=10, min=-2, max=0), [0.01, 1.0, 0.1]),
    ],
)
def test_control_values(control, expected):
    assert control_values(control) == pytest.approx(expected)


def test_control_values_text_and_bad_input():
    assert control_values(widgets.Text(value="hi"))[-1] == "hi"
    with pytest.raises(TypeError, match="control must be an ipywidgets control"):
        control_values(3)


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_fast_updates_draw_the_same_picture_as_a_full_render(cls):
    """Frozen layouts and cached backgrounds (PlotWidget.render_png) must not change the picture."""
    w = cls.example()
    for control in w.controls.values():
        control.value = control_values(control)[0]
    fast = bytes(w.image.value)
    w._background = None  # forget the cached background: the next render draws everything
    w.update()
    assert bytes(w.image.value) == fast
    w.close()
