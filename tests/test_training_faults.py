import math

import pytest
import torch

from course_utils.training import History, fit
from course_utils.training.faults import BUGS, SATURATION_BIAS, tiny_data, tiny_model, train_variant


def test_healthy_run_matches_fit_exactly():
    """train_variant("none") is the same numbered-step loop as course_utils.training.fit."""
    history = train_variant("none", lr=0.2, steps=15)
    X, y = tiny_data()
    model = tiny_model()
    reference = fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.2), [(X, y)], epochs=15)
    assert isinstance(history, History) and history.steps == 15
    assert history.losses == pytest.approx(reference.losses, rel=1e-6)
    for name in reference.grad_norms:
        assert history.grad_norms[name] == pytest.approx(reference.grad_norms[name], rel=1e-5)
    assert history.losses[-1] < 0.5 * history.losses[0]


def test_forgotten_zero_grad_accumulates_gradients():
    healthy, broken = train_variant("none", steps=40), train_variant("no zero_grad", steps=40)
    assert broken.losses[0] == healthy.losses[0]  # the first step is the same...
    assert broken.grad_norms["0.weight"][1] != healthy.grad_norms["0.weight"][1]  # ...then old gradients pile up
    assert broken.grad_norms["0.weight"][-1] > 10 * healthy.grad_norms["0.weight"][-1]


def test_saturated_sigmoid_starves_the_hidden_layer():
    model = tiny_model(saturated=True)
    assert torch.all(model[0].bias == SATURATION_BIAS)
    history = train_variant("saturated sigmoid", steps=40)
    assert max(history.grad_norms["0.weight"]) < 1e-3
    assert history.grad_norms["2.bias"][0] > 1e3 * history.grad_norms["0.weight"][0]
    assert history.losses[-1] > 0.8 * history.losses[0]  # stuck: barely learns


def test_too_large_learning_rate_stops_early_without_raising():
    history = train_variant("none", lr=5.0, steps=40)
    assert 1 < history.steps < 40
    assert all(math.isfinite(v) for v in history.losses)
    assert history.losses[-1] > 1e6 * history.losses[0]
    assert all(len(norms) == history.steps for norms in history.grad_norms.values())


def test_tiny_model_leaves_the_global_rng_alone_and_is_seeded():
    torch.manual_seed(0)
    expected = torch.randn(3)
    torch.manual_seed(0)
    a, b = tiny_model(seed=1), tiny_model(seed=1)
    assert torch.equal(torch.randn(3), expected)
    assert torch.equal(a[0].weight, b[0].weight) and not torch.equal(a[0].weight, tiny_model(seed=2)[0].weight)


def test_tiny_data_shapes():
    X, y = tiny_data(10)
    assert X.shape == (10, 2) and y.shape == (10, 1)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [({"bug": "typo"}, ValueError, "bug must be one of"), ({"lr": 0.0}, ValueError, "lr"),
     ({"lr": "big"}, TypeError, "lr"), ({"steps": 0}, ValueError, "steps")],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        train_variant(**kwargs)


def test_tiny_model_bad_arguments():
    with pytest.raises(ValueError, match="hidden"):
        tiny_model(hidden=0)
    with pytest.raises(TypeError, match="saturated"):
        tiny_model(saturated=1)


def test_every_listed_bug_trains_and_changes_the_run():
    assert BUGS[0] == "none" and len(BUGS) == len(set(BUGS))
    correct = train_variant("none", steps=5)
    for bug in BUGS[1:]:
        assert train_variant(bug, steps=5).losses != correct.losses, bug


def test_one_full_batch_step_is_one_epoch():
    history = train_variant("none", steps=5)
    assert history.epoch_losses == history.losses  # as fit(..., [(X, y)], epochs=5) records it


def test_train_variant_with_health_is_the_same_run_plus_its_health():
    from course_utils.training.faults import train_variant_with_health

    plain = train_variant("no zero_grad", lr=0.1, steps=12, seed=3)
    history, health = train_variant_with_health("no zero_grad", lr=0.1, steps=12, seed=3)
    assert history.losses == plain.losses and history.grad_norms == plain.grad_norms
    assert health.steps == 12 and list(health.activations) == ["1"]
    assert list(health.update_ratios) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    # plain SGD: update:data ratio = lr * |grad| / |param| at step 1, from the initial weights
    start = dict(tiny_model(seed=3).named_parameters())
    for name, ratios in health.update_ratios.items():
        want = math.log10(0.1 * history.grad_norms[name][0] / start[name].norm().item())
        assert ratios[0] == pytest.approx(want, abs=1e-5)


def test_health_tells_saturation_and_learning_rates_apart():
    from course_utils.training.faults import train_variant_with_health

    _, healthy = train_variant_with_health("none", lr=0.2)
    _, saturated = train_variant_with_health("saturated sigmoid", lr=0.2)
    _, too_fast = train_variant_with_health("none", lr=3.0)
    assert max(healthy.saturated("1")) == 0.0 and min(saturated.saturated("1")) == 1.0
    assert too_fast.saturated("1")[0] == 0.0 and too_fast.saturated("1")[-1] == 1.0  # saturates during training
    assert max(saturated.update_ratios["0.weight"]) < -4 < -2 < healthy.update_ratios["0.weight"][0]
    # 15 times the learning rate: the first update:data ratios are log10(15) higher
    for name in healthy.update_ratios:
        shift = too_fast.update_ratios[name][0] - healthy.update_ratios[name][0]
        assert shift == pytest.approx(math.log10(15), abs=1e-4)
    assert len(too_fast.update_ratios["0.weight"]) == train_variant("none", lr=3.0).steps  # stops where the run stops


def test_train_variant_rejects_a_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        train_variant(seed=-1)
