"""The exercises of notebooks 01-03: references pass, typical wrong answers fail with the right message."""
import math

import pytest
import torch
import torch.nn.functional as F

from course_utils.exercises import nb01


def _stub(*args):
    ...


# --- nb01 -----------------------------------------------------------------
def test_nb01_affine_reference_and_nn_linear_pass():
    assert nb01.affine_by_hand.check(nb01._affine).ok
    assert nb01.affine_by_hand.check(lambda x, A, b: F.linear(x, A, b)).ok


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda x, A, b: x @ A.T, "values are off"),  # forgot the bias
        (lambda x, A, b: A @ x + b, "raised RuntimeError"),  # column convention on a batch of rows
        (lambda x, A, b: x @ A + b, "raised RuntimeError"),  # forgot the transpose
        (_stub, "returned None"),
        (..., "not attempted"),
    ],
)
def test_nb01_affine_wrong_answers(wrong, message):
    fb = nb01.affine_by_hand.check(wrong)
    assert not fb.ok and message in fb.message()


def test_nb01_compose_reference_passes_and_really_composes():
    assert nb01.compose.check(nb01._compose).ok
    A, b, C, d = torch.randn(3, 4), torch.randn(3), torch.randn(4, 2), torch.randn(4)
    M, e = nb01._compose(A, b, C, d)
    x = torch.randn(2)
    assert torch.allclose(M @ x + e, A @ (C @ x + d) + b, atol=1e-5)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda A, b, C, d: (A @ C, d + b), "raised RuntimeError"),  # forgot to map d through A (sizes differ)
        (lambda A, b, C, d: (A @ C, A @ d), "item 1: the values are off"),  # forgot b
        (lambda A, b, C, d: (C @ A, A @ d + b), "raised RuntimeError"),  # wrong order
        (lambda A, b, C, d: A @ C, "returned a Tensor, but a tuple was expected"),  # only the matrix
        (_stub, "returned None"),
    ],
)
def test_nb01_compose_wrong_answers(wrong, message):
    fb = nb01.compose.check(wrong)
    assert not fb.ok and message in fb.message()


# --- nb02 -----------------------------------------------------------------
from course_utils.exercises import nb02  # noqa: E402


def test_nb02_references_pass_and_match_autograd():
    assert nb02.sigmoid_derivative.check(nb02._sigmoid_derivative).ok
    assert nb02.relu.check(nb02._relu).ok
    assert nb02.relu.check(lambda x: x.clamp(min=0)).ok
    x = torch.linspace(-4, 4, 9, requires_grad=True)
    torch.sigmoid(x).sum().backward()
    assert torch.allclose(nb02._sigmoid_derivative(x.detach()), x.grad)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (torch.sigmoid, "values are off"),  # the function, not its derivative
        (lambda x: x * (1 - x), "values are off"),  # the formula applied to x instead of sigma(x)
        (lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x)).sum(), "values are off"),
        (lambda x: torch.sigmoid(x).mean(), "shape ()"),
        (_stub, "returned None"),
        (..., "not attempted"),
    ],
)
def test_nb02_sigmoid_derivative_wrong_answers(wrong, message):
    fb = nb02.sigmoid_derivative.check(wrong)
    assert not fb.ok and message in fb.message()


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda x: x.abs(), "values are off"),
        (lambda x: (x > 0).to(x.dtype), "values are off"),  # the derivative, not the function
        (lambda x: torch.tensor([max(0.0, v) for v in x.tolist()]), "dtype torch.float32"),  # loses float64
        (lambda x: x.flatten().clamp(min=0), "shape (4,)"),
        (_stub, "returned None"),
    ],
)
def test_nb02_relu_wrong_answers(wrong, message):
    fb = nb02.relu.check(wrong)
    assert not fb.ok and message in fb.message()


# --- nb03 -----------------------------------------------------------------
from course_utils.exercises import nb03  # noqa: E402


def test_nb03_log_softmax_reference_passes_and_matches_torch():
    assert nb03.stable_log_softmax.check(nb03._log_softmax).ok
    assert nb03.stable_log_softmax.check(lambda x: F.log_softmax(x, dim=-1)).ok
    assert any(c.args[0].abs().max() >= 1000 for c in nb03.stable_log_softmax.cases)  # a magnitude-1000 case exists


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda x: (x.exp() / x.exp().sum(dim=-1, keepdim=True)).log(), "large inputs [1000, 1001, 1002]: the values are off (largest difference inf)"),
        (lambda x: x - x.exp().sum(dim=-1, keepdim=True).log(), "large inputs"),  # no max-shift: overflow
        (lambda x: F.softmax(x, dim=-1), "the values are off"),  # softmax, not its log
        (lambda x: x - x.amax(dim=-1, keepdim=True), "the values are off"),  # forgot the normaliser
        (lambda x: x - x.exp().sum().log() if x.dim() == 1 else x, "a batch of 2 rows"),  # ignores the batch
        (lambda x: F.log_softmax(x, dim=0), "a batch of 2 rows"),  # wrong dimension
        (_stub, "returned None"),
    ],
)
def test_nb03_log_softmax_wrong_answers(wrong, message):
    fb = nb03.stable_log_softmax.check(wrong)
    assert not fb.ok and message in fb.message()


def test_nb03_nll_by_hand():
    assert nb03._NLL == pytest.approx(0.8715, abs=1e-4)
    assert nb03.nll_by_hand.check(0.8715).ok
    assert nb03.nll_by_hand.check(torch.tensor(0.8715)).ok
    p, t = torch.tensor(nb03.NLL_PROBS), torch.tensor(nb03.NLL_TARGETS)
    assert nb03.nll_by_hand.check(torch.nn.NLLLoss()(p.log(), t)).ok


@pytest.mark.parametrize(
    "wrong, message",
    [
        (2 * 0.8715, "not right yet"),  # the sum, not the mean
        (-0.8715, "not right yet"),  # forgot the minus
        (-(math.log10(0.7) + math.log10(0.25)) / 2, "not right yet"),  # log10 instead of ln
        (-(math.log(0.7) + math.log(0.5)) / 2, "not right yet"),  # the largest probability, not the correct class
        ("0.87", "a number was expected"),
        (None, "not attempted"),
        (..., "not attempted"),
    ],
)
def test_nb03_nll_wrong_answers(wrong, message):
    fb = nb03.nll_by_hand.check(wrong)
    assert not fb.ok and message in fb.message()
