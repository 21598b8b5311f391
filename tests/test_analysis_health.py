import math

import pytest
import torch
from torch import nn

from course_utils.analysis.health import SATURATION, Health, HealthRecorder, LayerStats, activation_stats
from course_utils.training import fit


def test_activation_stats_of_each_kind():
    s = activation_stats(torch.tensor([0.001, 0.5, 0.995, 0.3]), "sigmoid")
    x = torch.tensor([0.001, 0.5, 0.995, 0.3])
    assert s.mean == pytest.approx(x.mean().item()) and s.std == pytest.approx(x.std().item())
    assert s.saturated == 0.5  # 0.001 and 0.995 lie in the flat parts
    assert activation_stats(torch.tensor([-0.99, 0.0, 0.5, 0.98]), "tanh").saturated == 0.5
    assert activation_stats(torch.relu(torch.tensor([-1.0, 0.0, 2.0, 3.0])), "relu").saturated == 0.5
    assert activation_stats(torch.tensor([0.4]), "sigmoid").std == 0.0  # one value: no spread


def test_sigmoid_saturation_threshold_is_where_the_slope_is_tiny():
    edge = torch.tensor(SATURATION["sigmoid"])
    assert (edge * (1 - edge)).item() < 0.01  # the slope s(1 - s) at the threshold is below 0.01
    z = torch.linspace(-12, 12, 2001)
    s = activation_stats(torch.sigmoid(z), "sigmoid")
    slope = torch.sigmoid(z) * (1 - torch.sigmoid(z))
    assert s.saturated == pytest.approx((slope < 0.0099).float().mean().item(), abs=2e-3)


def _net(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 1))


def _data():
    g = torch.Generator().manual_seed(1)
    return torch.randn(16, 3, generator=g), torch.randn(16, 1, generator=g)


def test_sgd_update_ratio_is_lr_times_grad_over_param():
    model, (X, y) = _net(), _data()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    with HealthRecorder(model, optimizer) as recorder:
        history = fit(model, nn.MSELoss(), optimizer, [(X, y)], epochs=1)
    for name, ratios in recorder.health.update_ratios.items():
        want = math.log10(0.1 * history.grad_norms[name][0] / before[name].norm().item())
        assert ratios == [pytest.approx(want, abs=1e-5)]


def test_adam_update_ratio_is_the_actual_change():
    model, (X, y) = _net(), _data()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    with HealthRecorder(model, optimizer) as recorder:
        for _ in range(3):
            before = {n: p.detach().clone() for n, p in model.named_parameters()}
            optimizer.zero_grad()
            nn.functional.mse_loss(model(X), y).backward()
            optimizer.step()
    for name, p in model.named_parameters():
        want = math.log10((p.detach() - before[name]).norm().item() / before[name].norm().item())
        assert recorder.health.update_ratios[name][-1] == pytest.approx(want, abs=1e-4)
    assert recorder.health.steps == 3


def test_activations_per_layer_and_step_and_eval_passes_ignored():
    model, (X, y) = _net(), _data()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    with HealthRecorder(model, optimizer) as recorder:
        fit(model, nn.MSELoss(), optimizer, [(X, y)], epochs=4)
        with torch.no_grad():
            model(X * 100)  # evaluation: not recorded
    health = recorder.health
    assert list(health.activations) == ["1", "3"]  # the Tanh and the ReLU, by module name
    assert [len(v) for v in health.activations.values()] == [4, 4] and health.steps == 4
    # the first record is the untrained net's forward pass; the evaluation pass (inputs x 100) is not recorded
    assert health.activations["1"][0] == activation_stats(torch.tanh(_net()[0](X)), "tanh")
    with torch.no_grad():
        evaluation = activation_stats(torch.tanh(model[0](X * 100)), "tanh")
    assert evaluation.saturated > 0.5 and all(s.saturated < 0.5 for s in health.activations["1"])
    assert all(isinstance(s, LayerStats) for s in health.activations["3"])
    assert health.saturated("1") == [s.saturated for s in health.activations["1"]]


def test_hooks_are_removed_on_exit():
    model, (X, y) = _net(), _data()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    with HealthRecorder(model, optimizer) as recorder:
        fit(model, nn.MSELoss(), optimizer, [(X, y)], epochs=1)
    fit(model, nn.MSELoss(), optimizer, [(X, y)], epochs=2)
    assert recorder.health.steps == 1 and len(recorder.health.activations["1"]) == 1


def test_a_parameter_that_does_not_move_has_ratio_minus_inf():
    model, (X, y) = _net(), _data()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    with HealthRecorder(model, optimizer) as recorder:
        fit(model, nn.MSELoss(), optimizer, [(X, y)], epochs=1)
    assert all(r == [-math.inf] for r in recorder.health.update_ratios.values())


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: activation_stats([0.5], "sigmoid"), TypeError, "output"),
        (lambda: activation_stats(torch.tensor([1, 2]), "relu"), TypeError, "output"),
        (lambda: activation_stats(torch.tensor([0.5]), "gelu"), ValueError, "kind must be one of"),
        (lambda: activation_stats(torch.tensor([]), "relu"), ValueError, "empty"),
        (lambda: HealthRecorder("model", torch.optim.SGD(_net().parameters(), lr=0.1)), TypeError, "model"),
        (lambda: HealthRecorder(_net(), "sgd"), TypeError, "optimizer"),
        (lambda: Health().saturated("1"), ValueError, "layer must be one of"),
    ],
)
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
