import math

import pytest
import torch

from course_utils.widgets.tangent import FUNCTIONS, TangentWidget, tangent_at

# The derivatives worked by hand: autograd must agree with them.
BY_HAND = {
    "sin(x)": math.cos,
    "x²/4": lambda x: x / 2,
    "tanh(x)": lambda x: 1 - math.tanh(x) ** 2,
    "x³/8 - x": lambda x: 3 * x**2 / 8 - 1,
    "relu(x)": lambda x: 1.0 if x > 0 else 0.0,
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("x", [-1.7, 0.3, 2.0])
def test_tangent_slope_is_the_hand_derivative(name, x):
    y, slope = tangent_at(name, x)
    assert y == pytest.approx(float(FUNCTIONS[name](torch.tensor(x, dtype=torch.float64))))
    assert slope == pytest.approx(BY_HAND[name](x), abs=1e-12)


def test_tangent_line_touches_the_curve_at_x():
    w = TangentWidget(function="x²/4", x=1.0)
    grid, tangent, curve = w.data["grid"], w.data["tangent"], w.data["curve"]
    i = int(torch.argmin((grid - 1.0).abs()))
    assert float(tangent[i]) == pytest.approx(float(curve[i]), abs=1e-9)
    assert bool((tangent <= curve + 1e-12).all())  # a convex function lies above its tangent


def test_changing_controls_changes_data_picture_and_readout():
    w = TangentWidget()
    before = (w.data["slope"], w.image.value, w.readout.value, w.updates)
    w.controls["x"].value = -1.0
    assert w.data["slope"] == pytest.approx(math.cos(-1.0))
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2] and "0.5403" in w.readout.value
    w.controls["function"].value = "tanh(x)"
    assert w.data["function"] == "tanh(x)" and w.updates == before[3] + 2


def test_repr_shows_control_values():
    assert repr(TangentWidget(x=0.5)) == "TangentWidget(function='sin(x)', x=0.5)"


def test_draw_creates_artists_once_then_updates_them():
    w = TangentWidget()
    lines = list(w.figure.axes[0].lines)
    w.controls["x"].value = 2.0
    assert list(w.figure.axes[0].lines) == lines and len(w.figure.axes) == 1


@pytest.mark.parametrize(("args", "error", "message"), [
    (("cos", 1.0), ValueError, "name must be one of"),
    (("sin(x)", "1"), TypeError, "x must be a number, got str"),
    (("sin(x)", float("nan")), ValueError, "x must be a finite number, got nan"),
])
def test_tangent_at_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        tangent_at(*args)
