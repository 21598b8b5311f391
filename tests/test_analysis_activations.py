import pytest
import torch
import torch.nn.functional as F

from course_utils.analysis.activations import (
    ACTIVATIONS,
    closed_form_derivative,
    derivative,
    get_activation,
    layer_grad_norms,
)

X = torch.linspace(-5.0, 5.0, 41)  # includes 0.0, where relu' is taken to be 0


@pytest.mark.parametrize("name, torch_fn", [("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", F.relu)])
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
        (lambda: get_activation("gelu"), ValueError, "activation='gelu' is unknown"),
        (lambda: get_activation(3), TypeError, "activation must be a str"),
        (lambda: derivative("tanh", [1.0]), TypeError, "x must be a torch.Tensor"),
        (lambda: closed_form_derivative("tanh", torch.tensor([1, 2])), TypeError, "x must be a floating-point"),
        (lambda: layer_grad_norms("tanh", 0, 8, 0), ValueError, "depth must be >= 1"),
        (lambda: layer_grad_norms("tanh", 3, 8.0, 0), TypeError, "width must be an int"),
        (lambda: layer_grad_norms("softplus", 3, 8, 0), ValueError, "activation='softplus'"),
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
