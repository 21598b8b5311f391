import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils.analysis.activations import (
    ACTIVATIONS,
    closed_form_derivative,
    dead_units,
    derivative,
    get_activation,
    layer_grad_norms,
    mean_derivative,
    mean_derivatives,
    rms_derivative,
    rms_derivatives,
    stack_statistics,
)

X = torch.linspace(-5.0, 5.0, 41)  # includes 0.0, where relu' is taken to be 0


@pytest.mark.parametrize("name, torch_fn", [
    ("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", F.relu), ("leaky_relu", nn.LeakyReLU()),
    ("gelu", nn.GELU()), ("silu", nn.SiLU()),
])
def test_activation_is_torchs(name, torch_fn):
    assert torch.equal(get_activation(name)(X), torch_fn(X))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_autograd_derivative_matches_closed_form(name):
    assert torch.allclose(derivative(name, X), closed_form_derivative(name, X), atol=1e-6)


def test_derivative_known_values_and_input_untouched():
    x = torch.tensor([0.0, 2.0, -2.0])
    assert torch.allclose(derivative("sigmoid", x)[0], torch.tensor(0.25))
    assert torch.allclose(derivative("tanh", x)[0], torch.tensor(1.0))
    assert torch.equal(derivative("relu", x), torch.tensor([0.0, 1.0, 0.0]))
    assert x.grad is None and not x.requires_grad


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: get_activation("softsign"), ValueError, "activation='softsign' is unknown"),
        (lambda: get_activation(3), TypeError, "activation must be a str"),
        (lambda: derivative("tanh", [1.0]), TypeError, "x must be a torch.Tensor"),
        (lambda: closed_form_derivative("tanh", torch.tensor([1, 2])), TypeError, "x must be a floating-point"),
        (lambda: layer_grad_norms("tanh", 0, 8, 0), ValueError, "depth must be >= 1"),
        (lambda: layer_grad_norms("tanh", 3, 8.0, 0), TypeError, "width must be an int"),
        (lambda: layer_grad_norms("softplus", 3, 8, 0), ValueError, "activation='softplus'"),
        (lambda: layer_grad_norms("gelu", 3, 8, 0), ValueError, "torch has no recommended gain for 'gelu'"),
        (lambda: layer_grad_norms("relu", 3, 8, 0, init="xavier"), ValueError, "init='xavier' is unknown"),
        (lambda: stack_statistics("relu", 3, 8, 0, init=-0.1), ValueError, "init must be a finite number > 0"),
        (lambda: stack_statistics("relu", 3, 8, 0, init=None), TypeError, "init must be a number"),
        (lambda: mean_derivative("tanh", 0.0), ValueError, "scale must be a finite number > 0"),
        (lambda: mean_derivative("tanh", "1"), TypeError, "scale must be a number"),
        (lambda: mean_derivatives("tanh", 1.0), TypeError, "scales must be a non-empty list"),
        (lambda: mean_derivatives("tanh", []), TypeError, "scales must be a non-empty list"),
        (lambda: rms_derivative("tanh", -1.0), ValueError, "scale must be a finite number > 0"),
        (lambda: rms_derivative("swish", 1.0), ValueError, "activation='swish' is unknown"),
        (lambda: rms_derivatives("tanh", torch.ones(2)), TypeError, "scales must be a non-empty list"),
        (lambda: dead_units(torch.zeros(3)), ValueError, "pre must have 2 dimension"),
        (lambda: dead_units(torch.zeros(3, 2, dtype=torch.long)), TypeError, "pre must be a floating-point"),
        (lambda: dead_units(torch.zeros(0, 2)), ValueError, "pre has no rows"),
    ],
)
def test_bad_arguments_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_layer_grad_norms_shape_reproducible_and_rng_untouched():
    torch.manual_seed(0)
    expected_next = torch.randn(3)
    torch.manual_seed(0)
    a = layer_grad_norms("tanh", 5, 16, seed=3)
    assert torch.equal(torch.randn(3), expected_next)  # the global generator did not move
    assert len(a) == 5 and all(v > 0 for v in a)
    assert a == layer_grad_norms("tanh", 5, 16, seed=3)
    assert a != layer_grad_norms("tanh", 5, 16, seed=4)


def test_sigmoid_gradients_vanish_but_tanh_and_relu_do_not():
    sig = layer_grad_norms("sigmoid", 15, 32, seed=0)
    assert sig[0] < 1e-6 * sig[-1]  # first layer gets a vanishing share of the last layer's gradient
    for name in ("tanh", "relu"):
        norms = layer_grad_norms(name, 15, 32, seed=0)
        assert 0.1 < norms[0] / norms[-1] < 10


def test_layer_grad_norms_matches_a_manual_two_layer_computation():
    # depth 1: loss = mean_n sum_j act(W x_n)_j with zero bias; dL/dW = mean_n act'(W x_n) x_n^T
    g = torch.Generator().manual_seed(7)
    W = torch.randn(4, 4, generator=g) * (5 / 3) / 2  # gain(tanh) / sqrt(width)
    x = torch.randn(10, 4, generator=g)
    z = x @ W.T
    grad = (1 - torch.tanh(z) ** 2).T @ x / 10
    (norm,) = layer_grad_norms("tanh", 1, 4, seed=7, batch=10)
    assert norm == pytest.approx(grad.norm().item(), rel=1e-5)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_mean_derivative_matches_a_monte_carlo_estimate(name):
    z = torch.randn(400_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    for scale in (0.3, 1.0, 4.0):
        sampled = derivative(name, scale * z).mean().item()
        assert mean_derivative(name, scale) == pytest.approx(sampled, abs=3e-3)
    assert mean_derivatives(name, [0.3, 4.0]) == pytest.approx([mean_derivative(name, 0.3), mean_derivative(name, 4.0)])


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "gelu", "silu"])
def test_rms_derivative_matches_a_monte_carlo_estimate_and_is_at_least_the_mean(name):
    z = torch.randn(400_000, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    for scale in (0.1, 1.0, 4.0):
        sampled = derivative(name, scale * z).pow(2).mean().sqrt().item()
        assert rms_derivative(name, scale) == pytest.approx(sampled, abs=3e-3)
        assert rms_derivative(name, scale) >= mean_derivative(name, scale) - 1e-12  # Jensen: E[f'^2] >= E[f']^2
    assert rms_derivatives(name, [0.1, 4.0]) == pytest.approx([rms_derivative(name, 0.1), rms_derivative(name, 4.0)])


def test_rms_derivative_known_values():
    # relu: f'^2 = f' is 1 on half of a symmetric z; leaky: (1 + 0.01^2) / 2; near s = 0 a smooth f gives |f'(0)|
    assert rms_derivative("relu", 0.1) == pytest.approx(math.sqrt(0.5), abs=1e-9)
    assert rms_derivative("leaky_relu", 3.0) == pytest.approx(math.sqrt((1 + 0.01**2) / 2), abs=1e-9)
    assert rms_derivative("gelu", 1e-3) == pytest.approx(0.5, abs=1e-3)  # gelu'(0) = silu'(0) = 1/2 ...
    assert rms_derivative("silu", 1e-3) == pytest.approx(0.5, abs=1e-3)  # ... so E[f'] = 1/2 but rms 1/2, not 0.707
    assert rms_derivative("tanh", 1.0) ** 2 == pytest.approx(0.4645, abs=1e-3)


def test_mean_derivative_known_values():
    # relu: half of a symmetric z is positive; gelu and silu: f'(z) + f'(-z) = 1; small s: f'(0)
    for name in ("relu", "gelu", "silu"):
        assert mean_derivative(name, 2.5) == pytest.approx(0.5, abs=1e-9)
    assert mean_derivative("leaky_relu", 1.0) == pytest.approx(0.505, abs=1e-9)
    assert mean_derivative("sigmoid", 1e-3) == pytest.approx(0.25, abs=1e-6)
    assert mean_derivative("tanh", 1e-3) == pytest.approx(1.0, abs=1e-5)
    sigmoid = mean_derivatives("sigmoid", [0.5, 1.0, 2.0, 5.0])
    assert sigmoid == sorted(sigmoid, reverse=True)  # wider inputs: more of them in the flat tails


def test_default_init_is_nn_linears_and_leaves_the_global_rng_alone():
    torch.manual_seed(5)
    expected_next = torch.randn(3)
    torch.manual_seed(5)
    stats = stack_statistics("relu", 1, 16, seed=3, init="default", batch=8)
    assert torch.equal(torch.randn(3), expected_next)
    torch.manual_seed(3)
    layer = nn.Linear(16, 16)  # what init="default" builds under the same seed
    x = torch.randn(8, 16)
    assert stats.pre_std[0] == pytest.approx(layer(x).std().item(), rel=1e-6)
    layer(x).relu().sum(dim=1).mean().backward()
    assert stats.grad_norms[0] == pytest.approx(layer.weight.grad.norm().item(), rel=1e-6)


def test_a_float_init_is_the_weights_std():
    g = torch.Generator().manual_seed(2)
    W = torch.randn(8, 8, generator=g) * 0.3
    x = torch.randn(16, 8, generator=g)
    (std,) = stack_statistics("tanh", 1, 8, seed=2, init=0.3, batch=16).pre_std
    assert std == pytest.approx((x @ W.T).std().item(), rel=1e-6)
    assert stack_statistics("relu", 1, 8, 2, init=0.3) == stack_statistics("relu", 1, 8, 2, init=0.3)


def test_kaiming_keeps_the_signal_xavier_and_default_lose_it_through_relu():
    width, depth = 64, 20
    kaiming = stack_statistics("relu", depth, width, 0, init=math.sqrt(2 / width)).pre_std
    xavier = stack_statistics("relu", depth, width, 0, init=1 / math.sqrt(width)).pre_std
    default = stack_statistics("relu", depth, width, 0, init="default")
    assert 0.5 < kaiming[-1] / kaiming[0] < 2
    assert xavier[-1] / xavier[0] < 0.01  # halves the variance per layer: about 2^(-19/2)
    assert default.pre_std[-1] < 0.2 * default.pre_std[0]
    assert default.grad_norms[0] < 1e-5 * default.grad_norms[-1]


def test_with_the_default_init_tanh_and_relu_gradients_vanish_too():
    for name in ("tanh", "relu"):
        gain = layer_grad_norms(name, 15, 32, seed=0, init="gain")
        default = layer_grad_norms(name, 15, 32, seed=0, init="default")
        assert default[0] / default[-1] < 1e-3 * gain[0] / gain[-1]


def test_dead_units_counts_units_that_are_never_positive():
    pre = torch.tensor([[-1.0, 2.0, 0.0, -3.0], [-0.5, -1.0, 0.0, 1.0], [-2.0, -1.0, 0.0, -1.0]])
    assert dead_units(pre) == 2  # columns 0 and 2 (0 is not positive: relu' = 0 there too)
    assert dead_units(torch.ones(5, 3)) == 0 and dead_units(-torch.ones(5, 3)) == 3
    # against torch: a dead unit is one whose relu output, and so its gradient, is 0 on every example
    z = torch.randn(50, 30, generator=torch.Generator().manual_seed(1)) - 1.5
    z.requires_grad_(True)
    z.relu().sum().backward()
    assert dead_units(z.detach()) == int((z.grad == 0).all(dim=0).sum())
