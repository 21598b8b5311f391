import ipywidgets as widgets
import pytest
import torch

from course_utils.analysis.activations import ACTIVATIONS, mean_derivative, rms_derivative
from course_utils.widgets.nonlinear import SCALES, NonlinearityWidget


def test_changing_function_and_scale_changes_data_picture_and_readout():
    w = NonlinearityWidget()
    assert w.data["function"] == "sigmoid" and w.data["scale"] == 1.0
    assert w.data["mean_grad"] == pytest.approx(mean_derivative("sigmoid", 1.0))
    assert w.data["rms_grad"] == pytest.approx(rms_derivative("sigmoid", 1.0))
    assert "sigmoid: E[f&#x27;(z)] = 0.207, sqrt(E[f&#x27;(z)²]) = 0.212 for z ~ N(0, 1²)" in w.readout.value
    before = (w.image.value, w.readout.value)
    w.controls["scale"].value = 5.0
    assert w.data["mean_grad"] < 0.1  # sigmoid: most inputs in the flat tails
    assert w.image.value != before[0] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[1] and "0.075" in w.readout.value
    w.controls["function"].value = "relu"
    assert torch.equal(w.data["grad"], (w.data["z"] > 0).float())
    assert w.data["mean_grad"] == pytest.approx(0.5)
    # a kink: E[f'] is 0.5 at every s, so its limit as s -> 0 is 0.5, not relu'(0) = 0 (review, second edition)
    assert w.data["small_s_limit"] == pytest.approx(0.5) and "-&gt; 0.500 as s -&gt; 0" in w.readout.value
    assert w.data["rms_grad"] == pytest.approx(0.5**0.5) and "sqrt(E[f&#x27;(z)²]) = 0.707" in w.readout.value
    w.controls["function"].value = "leaky_relu"
    assert w.data["small_s_limit"] == pytest.approx(0.505) and "-&gt; 0.505 as s -&gt; 0" in w.readout.value


def test_the_limit_for_small_s_is_the_mean_derivative_there():
    for name, limit in (("tanh", 1.0), ("sigmoid", 0.25), ("gelu", 0.5), ("silu", 0.5), ("relu", 0.5)):
        w = NonlinearityWidget(function=name, scale=0.1)
        assert w.data["small_s_limit"] == pytest.approx(limit, abs=1e-6)
        assert w.data["mean_grad"] == pytest.approx(limit, abs=0.011)  # s = 0.1 is already close to it
        w.close()


def test_the_scale_slider_is_logarithmic_on_the_grid_and_the_dots_are_not_cut_off():
    w = NonlinearityWidget(scale=0.1)
    slider = w.controls["scale"]
    assert isinstance(slider, widgets.FloatLogSlider) and (slider.base, slider.min, slider.max) == (10, -1, 1)
    steps = round((slider.max - slider.min) / slider.step) + 1
    assert steps == len(SCALES)  # every slider position is a point of the curves
    low, high = w.figure.axes[1].get_xlim()
    assert low < SCALES[0] / 1.2 and high > SCALES[-1] * 1.2  # the dot at s = 0.1 or 10 is drawn whole
    w.close()


def test_the_curve_is_the_mean_derivative_at_every_scale_and_the_dot_is_on_it():
    w = NonlinearityWidget(function="tanh", scale=2.0)
    assert w.data["scales"] == SCALES and SCALES[0] == pytest.approx(0.1) and SCALES[-1] == pytest.approx(10.0)
    for s, value in list(zip(SCALES, w.data["curve"], strict=True))[::10]:
        assert value == pytest.approx(mean_derivative("tanh", s), abs=1e-9)
    assert w.data["curve"] == sorted(w.data["curve"], reverse=True)  # tanh: the wider, the less gradient
    for s, value in list(zip(SCALES, w.data["rms_curve"], strict=True))[::10]:
        assert value == pytest.approx(rms_derivative("tanh", s), abs=1e-9)
    curve, rms_curve, dot, rms_dot = w.figure.axes[1].lines
    assert list(curve.get_ydata()) == w.data["curve"] and list(rms_curve.get_ydata()) == w.data["rms_curve"]
    assert list(dot.get_xdata()) == [2.0] and list(dot.get_ydata()) == [w.data["mean_grad"]]
    assert list(rms_dot.get_ydata()) == [w.data["rms_grad"]] and w.data["rms_grad"] > w.data["mean_grad"]
    assert torch.allclose(w.data["grad"], 1 - torch.tanh(w.data["z"]) ** 2, atol=1e-6)
    assert w.data["small_s_limit"] == pytest.approx(1.0)
    assert repr(w) == "NonlinearityWidget(function='tanh', scale=2.0)"


def test_every_activation_is_offered_and_its_density_peaks_at_one():
    w = NonlinearityWidget()
    assert list(w.controls["function"].options) == list(ACTIVATIONS)
    for name in ACTIVATIONS:
        w.controls["function"].value = name
        assert 0 < w.data["mean_grad"] <= 1.0
        assert w.data["density"].max().item() == pytest.approx(1.0, abs=1e-3)
