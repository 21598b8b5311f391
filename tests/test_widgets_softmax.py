import math

import pytest
import torch
import torch.nn.functional as F

from course_utils.widgets.softmax import TUTORIAL_LOGITS, TemperatureWidget, entropy, softmax_with_temperature


@pytest.mark.parametrize("t", [0.1, 0.5, 1.0, 3.0, 10.0])
def test_softmax_with_temperature_matches_torch(t):
    logits = torch.tensor([[1.0, -2.0, 0.5], [1000.0, 999.0, -1000.0]])
    assert torch.allclose(softmax_with_temperature(logits, t), F.softmax(logits / t, dim=-1), atol=1e-6)


def test_entropy_known_values():
    assert entropy(torch.full((4,), 0.25)) == pytest.approx(math.log(4))
    assert entropy(torch.tensor([1.0, 0.0, 0.0])) == 0.0
    p = torch.tensor([0.2, 0.3, 0.5])
    assert entropy(p) == pytest.approx(torch.distributions.Categorical(probs=p).entropy().item())


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: softmax_with_temperature(torch.zeros(3), 0.0), ValueError, "temperature must be a finite number > 0"),
        (lambda: softmax_with_temperature(torch.zeros(3), "1"), TypeError, "temperature must be a number"),
        (lambda: softmax_with_temperature([1.0, 2.0], 1.0), TypeError, "logits must be a torch.Tensor"),
        (lambda: softmax_with_temperature(torch.zeros(0), 1.0), ValueError, "logits must have at least one entry"),
        (lambda: entropy(torch.zeros(2, 2)), ValueError, "probs must have 1 dimension"),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_temperature_sharpens_and_flattens():
    w = TemperatureWidget()
    assert torch.allclose(w.data["probs"], F.softmax(torch.tensor(TUTORIAL_LOGITS), dim=0), atol=1e-6)
    assert w.data["top"] == 4
    before = (w.data["entropy"], w.image.value, w.readout.value)
    w.controls["temperature"].value = 0.1
    assert w.data["entropy"] < before[0] and w.data["probs"].max() > 0.95
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2] and "T = 0.10" in w.readout.value
    w.controls["temperature"].value = 10.0
    assert w.data["entropy"] > before[0] and w.data["entropy"] < w.data["max_entropy"]
    assert (w.data["probs"] - 0.2).abs().max() < 0.05  # nearly uniform


def test_first_logit_moves_the_top_class_and_repr_is_stable():
    w = TemperatureWidget(first_logit=4.0)
    assert w.data["top"] == 0 and w.data["logits"][0].item() == 4.0
    assert "(class 0)" in w.readout.value
    assert repr(w) == "TemperatureWidget(temperature=1.0, first_logit=4.0)"


@pytest.mark.parametrize(
    "initial, error, match",
    [
        ({"temperature": 0}, ValueError, r"temperature must be between 0.1 and 10 \(the slider's range\), got 0"),
        ({"temperature": -1.0}, ValueError, "temperature must be between 0.1 and 10"),
        ({"temperature": 20.0}, ValueError, "temperature must be between 0.1 and 10"),
        ({"temperature": "1"}, TypeError, "temperature must be a number, got str"),
        ({"first_logit": math.inf}, ValueError, "first_logit must be a finite number, got inf"),
        ({"first_logit": 6.0}, ValueError, "first_logit must be between -3 and 5"),
        ({"logit": 1.0}, ValueError, "'logit' is not a control of TemperatureWidget"),
    ],
)
def test_constructor_refuses_values_the_sliders_would_clamp(initial, error, match):
    with pytest.raises(error, match=match):
        TemperatureWidget(**initial)


def test_constructor_accepts_the_ends_of_the_ranges():
    w = TemperatureWidget(temperature=0.1, first_logit=5.0)
    assert w.values() == {"temperature": 0.1, "first_logit": 5.0} and w.data["top"] == 0


def test_title_shows_the_entropy_for_the_static_picture():
    w = TemperatureWidget()
    title = w.figure.axes[0].get_title()
    assert "T = 1.00" in title and f"entropy {w.data['entropy']:.3f} nats" in title and "1.288" in title
    w.controls["temperature"].value = 0.1
    assert f"entropy {w.data['entropy']:.3f} nats" in w.figure.axes[0].get_title()


def test_legend_stays_outside_the_bars():
    w = TemperatureWidget(temperature=0.1, first_logit=5.0)  # a bar of height ~1
    w.render_png()
    renderer = w.figure.canvas.get_renderer()
    legend = w.figure.axes[0].get_legend().get_window_extent(renderer)
    assert legend.x0 >= w.figure.axes[0].get_window_extent(renderer).x1
