import pytest
import torch

from course_utils.analysis.activations import ACTIVATIONS, mean_derivative
from course_utils.widgets.nonlinear import SCALES, NonlinearityWidget


def test_changing_function_and_scale_changes_data_picture_and_readout():
    w = NonlinearityWidget()
    assert w.data["function"] == "sigmoid" and w.data["scale"] == 1.0
    assert w.data["mean_grad"] == pytest.approx(mean_derivative("sigmoid", 1.0))
    assert "sigmoid: E[f&#x27;(z)] = 0.207 for z ~ N(0, 1.0²)" in w.readout.value
    before = (w.image.value, w.readout.value)
    w.controls["scale"].value = 5.0
    assert w.data["mean_grad"] < 0.1  # sigmoid: most inputs in the flat tails
    assert w.image.value != before[0] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[1] and "0.075" in w.readout.value
    w.controls["function"].value = "relu"
    assert torch.equal(w.data["grad"], (w.data["z"] > 0).float())
    assert w.data["mean_grad"] == pytest.approx(0.5) and "relu&#x27;(0) = 0.000" in w.readout.value


def test_the_curve_is_the_mean_derivative_at_every_scale_and_the_dot_is_on_it():
    w = NonlinearityWidget(function="tanh", scale=2.0)
    assert w.data["scales"] == SCALES and SCALES[0] == pytest.approx(0.1) and SCALES[-1] == pytest.approx(10.0)
    for s, value in list(zip(SCALES, w.data["curve"], strict=True))[::10]:
        assert value == pytest.approx(mean_derivative("tanh", s), abs=1e-9)
    assert w.data["curve"] == sorted(w.data["curve"], reverse=True)  # tanh: the wider, the less gradient
    curve, dot = w.figure.axes[1].lines
    assert list(curve.get_ydata()) == w.data["curve"]
    assert list(dot.get_xdata()) == [2.0] and list(dot.get_ydata()) == [w.data["mean_grad"]]
    assert torch.allclose(w.data["grad"], 1 - torch.tanh(w.data["z"]) ** 2, atol=1e-6)
    assert w.data["grad_at_0"] == 1.0
    assert repr(w) == "NonlinearityWidget(function='tanh', scale=2.0)"


def test_every_activation_is_offered_and_its_density_peaks_at_one():
    w = NonlinearityWidget()
    assert list(w.controls["function"].options) == list(ACTIVATIONS)
    for name in ACTIVATIONS:
        w.controls["function"].value = name
        assert 0 < w.data["mean_grad"] <= 1.0
        assert w.data["density"].max().item() == pytest.approx(1.0, abs=1e-3)
