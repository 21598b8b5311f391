"""Notebook 02's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted". test_exercises_all.py runs the tables WRONG, ALTERNATIVES and
STUBS below, with the rules every exercise keeps (graded hints, the exercise cells after a restart)."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils.analysis.activations import closed_form_derivative, derivative
from course_utils.checks import Exercise
from course_utils.exercises import nb02
from tools.notebooks import defined_in_cell

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "02_nonlinearities.ipynb"


def notebook_function(cell_id: str, name: str):
    """The function `name` as the notebook's cell `cell_id` defines it."""
    return defined_in_cell(NOTEBOOK, cell_id, name, {"torch": torch, "nn": nn, "F": F, "nb02": nb02, "math": math})


SIG, RELU = nb02.sigmoid_derivative, nb02.relu
TANH, LEAKY = nb02.tanh_from_sigmoid, nb02.leaky_init_std
TANH_RULE = "is not allowed in this exercise: the task is to write tanh with sigma (torch.sigmoid) and arithmetic only"
LEAKY_RULE = "is not allowed in this exercise: the task is to derive the std yourself"
SIG_RULE = "is not allowed in this exercise: the task is to compute the derivative from its formula"
RELU_RULE = "is not allowed in this exercise: the task is to write ReLU yourself"
INPLACE = "changed its input `x` in place"


# --- wrong answers ------------------------------------------------------------------------------------
def sigmoid_in_place(x):
    s = x.sigmoid_()
    return s * (1 - s)


def with_backward(x):
    x = x.clone().requires_grad_(True)
    torch.sigmoid(x).sum().backward()
    return x.grad


def with_autograd_grad(x):
    x = x.clone().requires_grad_(True)
    return torch.autograd.grad(torch.sigmoid(x).sum(), x)[0]


def with_autograd_backward(x):
    x = x.clone().requires_grad_(True)
    torch.autograd.backward(torch.sigmoid(x).sum())
    return x.grad


def with_torch_func(x):
    return torch.vmap(torch.func.grad(torch.sigmoid))(x.flatten()).view(x.shape)


def with_jacfwd(x):
    return torch.vmap(torch.func.jacfwd(torch.sigmoid))(x.flatten()).view(x.shape)


def with_jvp(x):
    return torch.func.jvp(torch.sigmoid, (x,), (torch.ones_like(x),))[1]


def with_dual_numbers(x):
    import torch.autograd.forward_ad as fwAD

    with fwAD.dual_level():
        return fwAD.unpack_dual(torch.sigmoid(fwAD.make_dual(x, torch.ones_like(x)))).tangent


def tanh_tensor_e_power(x):
    e = torch.tensor(math.e)
    t = e ** (2 * x)
    return (t - 1) / (t + 1)


def tanh_full_like_pow(x):
    t = torch.full_like(x, math.e).pow(2 * x)
    return (t - 1) / (t + 1)


def tanh_e_power_per_entry(x):
    e = torch.tensor(math.e, dtype=x.dtype)
    t = torch.stack([e ** (2 * v) for v in x.flatten()]).view(x.shape) if x.numel() else x.clone()  # 0-dim exponents
    return (t - 1) / (t + 1)


def tanh_float_e_power(x):
    powers = [math.e ** (2 * v) for v in x.flatten().tolist()]  # Python floats: torch never sees this power
    t = torch.tensor(powers, dtype=x.dtype).view(x.shape)
    return (t - 1) / (t + 1)


def tanh_builtin_pow(x):
    t = torch.tensor([pow(math.e, 2 * v) for v in x.flatten().tolist()], dtype=x.dtype).view(x.shape)
    return (t - 1) / (t + 1)


def tanh_ldexp(x):
    t = torch.ldexp(torch.ones_like(x), 2 * x / math.log(2))  # 2^(2x / ln 2) = e^(2x)
    return (t - 1) / (t + 1)


def tanh_elu(x):
    t = F.elu(-2 * x.abs()) + 1  # e^(-2|x|)
    return torch.sign(x) * (1 - t) / (1 + t)


def with_math_loop(x):
    return torch.tensor([math.exp(-v) / (1 + math.exp(-v)) ** 2 for v in x.tolist()])  # fails on a matrix


def zero_negatives_in_place(x):
    x[x < 0] = 0
    return x


def into_float32_zeros(x):
    out = torch.zeros(x.shape)  # float32, whatever x is
    out[x > 0] = x[x > 0]
    return out


def python_max_per_entry(x):
    return torch.tensor([max(0.0, v) for v in x.flatten().tolist()]).view(x.shape)  # float32


WRONG = [
    # sigmoid_derivative
    pytest.param(SIG, torch.sigmoid, ("values are off", "1 of 6"), id="sig-the-function-itself"),
    pytest.param(SIG, lambda x: x * (1 - x), "values are off", id="sig-formula-on-x"),
    pytest.param(SIG, lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x)).sum(), "values are off", id="sig-summed"),
    pytest.param(SIG, lambda x: torch.sigmoid(x).mean(), "shape (), but shape (13,)", id="sig-mean"),
    pytest.param(SIG, lambda x: 1 - torch.tanh(x) ** 2, "values are off", id="sig-tanh-derivative"),
    pytest.param(SIG, lambda x: torch.exp(-x) / (1 + torch.exp(-x)), "values are off", id="sig-one-minus-sigmoid"),
    pytest.param(SIG, lambda x: torch.sigmoid(x) * (1 + torch.sigmoid(x)), "values are off", id="sig-plus"),
    pytest.param(SIG, lambda x: torch.sigmoid(x) ** 2, "values are off", id="sig-squared"),
    pytest.param(SIG, with_math_loop, "your function raised TypeError", id="sig-python-loop"),
    pytest.param(SIG, sigmoid_in_place, INPLACE, id="sig-inplace-sigmoid_"),
    pytest.param(SIG, with_backward, ("`torch.Tensor.backward`", SIG_RULE), id="sig-forbidden-backward"),
    pytest.param(SIG, with_autograd_grad, ("`torch.autograd.grad`", SIG_RULE), id="sig-forbidden-autograd-grad"),
    pytest.param(SIG, with_autograd_backward, ("`torch.autograd.backward`", SIG_RULE),
                 id="sig-forbidden-autograd-backward"),
    pytest.param(SIG, with_torch_func, ("`torch.func.grad`", SIG_RULE), id="sig-forbidden-torch-func"),
    # review (second edition): forward-mode autograd passed
    pytest.param(SIG, with_jacfwd, ("`torch.func.jacfwd`", SIG_RULE), id="sig-forbidden-jacfwd"),
    pytest.param(SIG, with_jvp, ("`torch.func.jvp`", SIG_RULE), id="sig-forbidden-jvp"),
    pytest.param(SIG, with_dual_numbers, ("`torch.autograd.forward_ad.dual_level`", SIG_RULE),
                 id="sig-forbidden-dual-numbers"),
    pytest.param(SIG, lambda x: derivative("sigmoid", x), ("`course_utils.analysis.activations.derivative`", SIG_RULE),
                 id="sig-forbidden-helper-derivative"),
    pytest.param(SIG, lambda x: closed_form_derivative("sigmoid", x),
                 ("`course_utils.analysis.activations.closed_form_derivative`", SIG_RULE), id="sig-forbidden-helper-closed-form"),
    # relu: issue 10's hole (a cap at 1e9 passed: no large value), dtype, shape, in-place, forbidden functions
    # review: look-alikes of ReLU
    pytest.param(RELU, lambda x: torch.nn.functional.prelu(x, x.new_zeros(1)), "`torch.nn.functional.prelu` is not allowed",
                 id="relu-prelu-zero"),
    pytest.param(RELU, lambda x: torch.nn.PReLU(init=0.0).to(x.dtype)(x).detach(), "`torch.nn.functional.prelu` is not allowed",
                 id="relu-nn-prelu"),
    pytest.param(RELU, lambda x: torch.nn.functional.celu(x, alpha=1e-30), "`torch.nn.functional.celu` is not allowed",
                 id="relu-celu"),
    pytest.param(RELU, lambda x: torch.nn.functional.softplus(x, beta=1e12), "`torch.nn.functional.softplus` is not allowed",
                 id="relu-softplus"),
    pytest.param(RELU, lambda x: x.clamp(0, 1e9), ("very large values", "values are off", "4 of 6"), id="relu-capped-at-1e9"),
    pytest.param(RELU, lambda x: F.hardtanh(x, 0, 1e9), ("`torch.nn.functional.hardtanh`", RELU_RULE),
                 id="relu-forbidden-hardtanh"),
    pytest.param(RELU, lambda x: x.abs(), "values are off", id="relu-abs"),
    pytest.param(RELU, lambda x: (x > 0).to(x.dtype), "values are off", id="relu-its-derivative"),
    pytest.param(RELU, lambda x: torch.where(x < 0, x, 0.0), "values are off", id="relu-keeps-the-negatives"),
    pytest.param(RELU, lambda x: x.flatten().clamp(min=0), "shape (4,), but shape (2, 2)", id="relu-flattened"),
    pytest.param(RELU, python_max_per_entry, ("float64 tensor", "dtype torch.float32, but the input has dtype torch.float64"),
                 id="relu-loses-float64"),
    pytest.param(RELU, lambda x: x.clamp(min=0).float(), "keep the input's dtype", id="relu-float-cast"),
    pytest.param(RELU, into_float32_zeros, ("float64 tensor", "your function raised RuntimeError"),
                 id="relu-float32-buffer"),
    pytest.param(RELU, zero_negatives_in_place, INPLACE, id="relu-inplace-mask"),
    pytest.param(RELU, lambda x: x.clamp_(min=0), INPLACE, id="relu-inplace-clamp_"),
    pytest.param(RELU, F.relu, ("`torch.nn.functional.relu`", RELU_RULE), id="relu-forbidden-F-relu"),
    pytest.param(RELU, torch.relu, ("`torch.relu`", RELU_RULE), id="relu-forbidden-torch-relu"),
    pytest.param(RELU, lambda x: x.relu(), ("`torch.Tensor.relu`", RELU_RULE), id="relu-forbidden-Tensor-relu"),
    pytest.param(RELU, lambda x: x.clone().relu_(), ("`torch.Tensor.relu_`", RELU_RULE), id="relu-forbidden-relu_"),
    pytest.param(RELU, lambda x: nn.ReLU()(x), ("`torch.nn.functional.relu`", RELU_RULE), id="relu-forbidden-nn-ReLU"),
    pytest.param(RELU, lambda x: F.threshold(x, 0.0, 0.0), ("`torch.nn.functional.threshold`", RELU_RULE),
                 id="relu-forbidden-threshold"),
    pytest.param(RELU, lambda x: F.leaky_relu(x, 0.0), ("`torch.nn.functional.leaky_relu`", RELU_RULE),
                 id="relu-forbidden-leaky-relu"),
    pytest.param(RELU, torch.randn(3), "expected a function relu(x)", id="relu-not-a-function"),
    # tanh_from_sigmoid: the classic slips of the derivation, each with its reason; the forbidden shortcuts
    pytest.param(TANH, lambda x: 2 * torch.sigmoid(x) - 1, ("gives tanh(x/2)", "half as steeply"), id="tanh-2sig-x-minus-1"),
    pytest.param(TANH, lambda x: torch.sigmoid(2 * x) * 2, ("tanh stays between -1 and 1", "the shift"),
                 id="tanh-2sig-2x-no-shift"),
    pytest.param(TANH, lambda x: 2 * torch.sigmoid(4 * x) - 1, "gives tanh(2x)", id="tanh-2sig-4x"),
    pytest.param(TANH, lambda x: 1 - 2 * torch.sigmoid(2 * x), "the sign is flipped", id="tanh-sign-flipped"),
    pytest.param(TANH, lambda x: torch.sigmoid(2 * x) - 0.5, "0.5 times tanh(x)", id="tanh-half-the-factor"),
    pytest.param(TANH, lambda x: torch.sigmoid(2 * x) - 1, ("tanh(0) = 0", "at x = 0: check the shift"),
                 id="tanh-wrong-shift"),
    pytest.param(TANH, lambda x: torch.sigmoid(2 * x), "tanh(0) = 0", id="tanh-no-shift-at-all"),
    pytest.param(TANH, lambda x: torch.sigmoid(2 * x) * (x != 0), "your values are never negative", id="tanh-never-negative"),
    pytest.param(TANH, lambda x: (2 * torch.sigmoid(2 * x) - 1).float(), ("float64", "dtype torch.float32"),
                 id="tanh-float-cast"),
    pytest.param(TANH, lambda x: (2 * torch.sigmoid(2 * x) - 1).flatten(), "shape (4,), but shape (2, 2)",
                 id="tanh-flattened"),
    pytest.param(TANH, lambda x: 2 * x.sigmoid_() - 1, INPLACE, id="tanh-inplace-sigmoid_"),
    pytest.param(TANH, torch.tanh, ("`torch.tanh`", TANH_RULE), id="tanh-forbidden-torch-tanh"),
    pytest.param(TANH, lambda x: x.tanh(), ("`torch.Tensor.tanh`", TANH_RULE), id="tanh-forbidden-Tensor-tanh"),
    pytest.param(TANH, lambda x: nn.Tanh()(x), "`torch.tanh`", id="tanh-forbidden-nn-Tanh"),
    pytest.param(TANH, lambda x: F.tanh(x), "`torch.nn.functional.tanh`", id="tanh-forbidden-F-tanh"),
    pytest.param(TANH, lambda x: x - F.tanhshrink(x), "`torch.nn.functional.tanhshrink`", id="tanh-forbidden-tanhshrink"),
    pytest.param(TANH, lambda x: (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x)), "`torch.exp`",
                 id="tanh-forbidden-exp"),
    pytest.param(TANH, lambda x: (math.e**x - math.e**-x) / (math.e**x + math.e**-x), "`torch.Tensor.__rpow__`",
                 id="tanh-forbidden-e-power"),
    pytest.param(TANH, lambda x: torch.sinh(x) / torch.cosh(x), "`torch.sinh`", id="tanh-forbidden-sinh"),
    pytest.param(TANH, lambda x: 1 - 2 / (torch.pow(math.e, 2 * x) + 1), "`torch.pow`", id="tanh-forbidden-pow-of-e"),
    pytest.param(TANH, lambda x: torch.tensor([math.tanh(v) for v in x.tolist()]), "`math.tanh`",
                 id="tanh-forbidden-math-tanh"),
    # review (second edition): exponentials by other routes passed
    pytest.param(TANH, tanh_tensor_e_power, ("`torch.Tensor.pow` with a tensor exponent", TANH_RULE),
                 id="tanh-forbidden-tensor-e-power"),
    pytest.param(TANH, tanh_full_like_pow, ("`torch.Tensor.pow` with a tensor exponent", TANH_RULE),
                 id="tanh-forbidden-full-like-pow"),
    pytest.param(TANH, tanh_e_power_per_entry, ("`torch.Tensor.pow` with a tensor exponent", TANH_RULE),
                 id="tanh-forbidden-e-power-per-entry"),
    pytest.param(TANH, tanh_float_e_power, ("`math.e ** v`", "exponent is not a fixed number", TANH_RULE),
                 id="tanh-forbidden-float-e-power"),
    pytest.param(TANH, tanh_builtin_pow, ("exponent is not a fixed number", TANH_RULE), id="tanh-forbidden-builtin-pow"),
    pytest.param(TANH, tanh_ldexp, ("`torch.ldexp`", TANH_RULE), id="tanh-forbidden-ldexp"),
    pytest.param(TANH, lambda x: torch.tan(1j * x).imag.to(x.dtype), ("complex numbers", TANH_RULE),
                 id="tanh-forbidden-complex-tan"),
    pytest.param(TANH, lambda x: (torch.sin(1j * x) / torch.cos(1j * x)).imag.to(x.dtype), ("complex numbers", TANH_RULE),
                 id="tanh-forbidden-complex-sin-cos"),
    pytest.param(TANH, lambda x: x.tan(), ("`torch.Tensor.tan`", TANH_RULE), id="tanh-forbidden-Tensor-tan"),
    pytest.param(TANH, lambda x: 1 - 2 / (x.exp2() ** (2 / math.log(2)) + 1), ("`torch.Tensor.exp2`", TANH_RULE),
                 id="tanh-forbidden-exp2"),
    pytest.param(TANH, tanh_elu, ("`torch.nn.functional.elu`", TANH_RULE), id="tanh-forbidden-elu"),
    pytest.param(TANH, torch.zeros_like, ("gives 0 for every x", "rises from -1 to 1"), id="tanh-zeros"),
    pytest.param(TANH, "2 sigma(2x) - 1", "expected a function tanh_from_sigmoid(x)", id="tanh-not-a-function"),
    # leaky_init_std: Kaiming unchanged, variance instead of std, slope not squared, Xavier, a tensor, torch's gain
    pytest.param(LEAKY, lambda width, slope: math.sqrt(2 / width), ("slope 0.2", "grows by a factor of about 2.19"),
                 id="leaky-ignores-the-slope"),
    pytest.param(LEAKY, lambda width, slope: 2 / ((1 + slope**2) * width), "the variance sigma^2",
                 id="leaky-variance-not-std"),
    pytest.param(LEAKY, lambda width, slope: math.sqrt(2 / ((1 + slope) * width)), "shrinks by a factor",
                 id="leaky-slope-not-squared"),
    pytest.param(LEAKY, lambda width, slope: math.sqrt(1 / width), ("plain ReLU", "shrinks by a factor"),
                 id="leaky-xavier"),
    pytest.param(LEAKY, lambda width, slope: math.sqrt(2) / width, "shrinks by a factor", id="leaky-sqrt2-over-n"),
    pytest.param(LEAKY, lambda width, slope: -math.sqrt(2 / ((1 + slope**2) * width)), "positive, finite number",
                 id="leaky-negative"),
    pytest.param(LEAKY, lambda width, slope: torch.tensor(2 / ((1 + slope**2) * width)).sqrt(), "`.item()`",
                 id="leaky-a-tensor"),
    pytest.param(LEAKY, lambda width, slope: nn.init.calculate_gain("leaky_relu", slope) / math.sqrt(width),
                 ("`torch.nn.init.calculate_gain`", LEAKY_RULE), id="leaky-forbidden-calculate-gain"),
    pytest.param(LEAKY, lambda width, slope: nn.init.kaiming_normal_(torch.empty(width, width), a=slope).std().item(),
                 "`torch.nn.init.kaiming_normal_`", id="leaky-forbidden-kaiming-normal"),
    pytest.param(LEAKY, 0.177, "expected a function leaky_init_std(width, slope)", id="leaky-not-a-function"),
]


# --- correct alternatives -----------------------------------------------------------------------------
ALTERNATIVES = [
    pytest.param(SIG, nb02._sigmoid_derivative, id="sig-reference"),
    pytest.param(SIG, notebook_function("fda88a25", "sigmoid_derivative_solution"), id="sig-notebook-solution"),
    pytest.param(SIG, lambda x: torch.exp(-x) / (1 + torch.exp(-x)) ** 2, id="sig-textbook-exp-form"),
    pytest.param(SIG, lambda x: torch.sigmoid(x) * torch.sigmoid(-x), id="sig-symmetric"),
    pytest.param(SIG, lambda x: 0.25 * (1 - torch.tanh(x / 2) ** 2), id="sig-via-tanh"),
    pytest.param(SIG, lambda x: torch.special.expit(x) - torch.special.expit(x) ** 2, id="sig-expit"),
    pytest.param(SIG, lambda x: 1 / (1 + torch.exp(-x)) * (1 - 1 / (1 + torch.exp(-x))), id="sig-no-torch-sigmoid"),
    pytest.param(RELU, nb02._relu, id="relu-reference"),
    pytest.param(RELU, notebook_function("83952335", "relu_solution"), id="relu-notebook-solution"),
    pytest.param(RELU, lambda x: torch.where(x > 0, x, 0.0), id="relu-where-scalar"),
    pytest.param(RELU, lambda x: torch.maximum(x, torch.zeros_like(x)), id="relu-maximum"),
    pytest.param(RELU, lambda x: torch.max(x, torch.tensor(0.0)), id="relu-max-0dim"),
    pytest.param(RELU, lambda x: x * (x > 0), id="relu-mask-product"),
    pytest.param(RELU, lambda x: x.clamp_min(0), id="relu-clamp_min"),
    pytest.param(RELU, lambda x: x.masked_fill(x < 0, 0), id="relu-masked_fill"),
    pytest.param(RELU, lambda x: (x + x.abs()) / 2, id="relu-abs-formula"),
    pytest.param(TANH, nb02._tanh_from_sigmoid, id="tanh-reference"),
    pytest.param(TANH, notebook_function("ex3sol00", "tanh_from_sigmoid_solution"), id="tanh-notebook-solution"),
    pytest.param(TANH, lambda x: torch.sigmoid(2 * x) - torch.sigmoid(-2 * x), id="tanh-difference-of-sigmoids"),
    pytest.param(TANH, lambda x: 1 - 2 * torch.sigmoid(-2 * x), id="tanh-one-minus"),
    pytest.param(TANH, lambda x: 2 * (2 * x).sigmoid() - 1, id="tanh-method"),
    pytest.param(TANH, lambda x: 2 * torch.special.expit(x + x) - 1, id="tanh-expit"),
    pytest.param(TANH, lambda x: 2 * torch.sigmoid(2 * x) ** 1.0 - 1, id="tanh-power-with-a-number-exponent"),
    pytest.param(TANH, lambda x: (torch.sigmoid(2 * x) - 0.5) * torch.tensor(2.0), id="tanh-0dim-tensor-factor"),
    pytest.param(TANH, lambda x: 2 / (1 + 1 / torch.sigmoid(2 * x) - 1) - 1, id="tanh-roundabout"),
    pytest.param(LEAKY, nb02._leaky_init_std, id="leaky-reference"),
    pytest.param(LEAKY, notebook_function("ex4sol00", "leaky_init_std_solution"), id="leaky-notebook-solution"),
    pytest.param(LEAKY, lambda width, slope: (2 / (1 + slope * slope) / width) ** 0.5, id="leaky-power"),
    pytest.param(LEAKY, lambda width, slope: math.sqrt(2 / (1 + slope**2)) / math.sqrt(width), id="leaky-gain-over-sqrt"),
    pytest.param(LEAKY, lambda width, slope: float(torch.tensor(2 / ((1 + slope**2) * width)).sqrt()), id="leaky-float"),
]


def test_cases_cover_large_values_and_float64():
    assert any(c.args[0].abs().max() > 1e9 for c in RELU.cases)  # a cap such as hardtanh(x, 0, 1e9) fails
    assert any(c.args[0].dtype == torch.float64 for c in RELU.cases)
    assert any(c.args[0].numel() == 0 for c in RELU.cases) and any(c.args[0].numel() == 0 for c in SIG.cases)
    # the textbook form exp(-x) / (1 + exp(-x))^2 is correct and finite on every case: the task does not ask
    # for a formula that is stable everywhere
    for case in SIG.cases:
        x = case.args[0]
        assert torch.isfinite(torch.exp(-x) / (1 + torch.exp(-x)) ** 2).all()


def test_the_sigmoid_reference_matches_autograd():
    for case in SIG.cases:
        x = case.args[0]
        assert torch.allclose(nb02._sigmoid_derivative(x), derivative("sigmoid", x), atol=1e-6)


def test_forbidden_helpers_are_restored_after_the_check():
    import course_utils.analysis.activations as activations

    SIG.check(lambda x: closed_form_derivative("sigmoid", x))
    SIG.check(with_backward)
    assert activations.closed_form_derivative is closed_form_derivative
    assert activations.derivative is derivative
    assert torch.allclose(derivative("sigmoid", torch.zeros(1)), torch.tensor([0.25]))
    RELU.check(F.relu)
    assert torch.equal(F.relu(torch.tensor([-1.0, 2.0])), torch.tensor([0.0, 2.0]))


# --- stubs (run, with `...` for every exercise, by test_exercises_all.py) and secrecy -----------------
STUBS = [
    pytest.param(SIG, notebook_function("260d4a65", "sigmoid_derivative"), id="sig-notebook-stub"),
    pytest.param(RELU, notebook_function("2501aed4", "relu"), id="relu-notebook-stub"),
    pytest.param(TANH, notebook_function("ex3stub0", "tanh_from_sigmoid"), id="tanh-notebook-stub"),
    pytest.param(LEAKY, notebook_function("ex4stub0", "leaky_init_std"), id="leaky-notebook-stub"),
]


@pytest.mark.parametrize(
    "exercise, wrong",
    [(SIG, torch.sigmoid), (SIG, lambda x: x * (1 - x)), (RELU, lambda x: x.abs()), (RELU, lambda x: x.clamp(0, 1e9))],
)
def test_messages_never_show_the_reference_values(exercise: Exercise, wrong):
    exercise.reset()
    message = exercise.check(wrong).message()
    for case in exercise.cases:
        for value in exercise.reference(*case.args).flatten().tolist():
            if value != 0 and abs(value) < 1e6:
                assert f"{value:.4f}" not in message and f"{value:.3f}" not in message, value


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb02.sigmoid_derivative: torch.sigmoid,
    nb02.relu: lambda x: x.abs(),
    nb02.tanh_from_sigmoid: lambda x: 2 * torch.sigmoid(x) - 1,
    nb02.leaky_init_std: lambda width, slope: math.sqrt(2 / width),
}


def test_the_tanh_identity_holds_and_the_cases_cover_zero_large_values_and_float64():
    for case in TANH.cases:
        x = case.args[0]
        assert torch.allclose(nb02._tanh_from_sigmoid(x), torch.tanh(x), atol=1e-6)
    assert any((c.args[0] == 0).any() for c in TANH.cases)  # a missing shift shows at x = 0
    assert any(c.args[0].abs().max() >= 30 for c in TANH.cases)
    assert any(c.args[0].dtype == torch.float64 for c in TANH.cases)


def test_the_leaky_std_keeps_the_signal_and_agrees_with_torch():
    for case in LEAKY.cases:
        width, slope = case.args
        std = nb02._leaky_init_std(width, slope)
        assert nb02._layer_factor(std, width, slope) == pytest.approx(1.0)
        assert std == pytest.approx(nn.init.calculate_gain("leaky_relu", slope) / math.sqrt(width))
    # the theory the checker's message uses: a simulated 64-wide stack keeps its mean square with the right std
    g = torch.Generator().manual_seed(0)
    h = torch.randn(2048, 64, generator=g, dtype=torch.float64)
    squares = []
    for _ in range(10):
        h = F.leaky_relu(h @ (nb02._leaky_init_std(64, 0.2) * torch.randn(64, 64, generator=g, dtype=torch.float64)), 0.2)
        squares.append((h**2).mean().item())
    assert 0.5 < squares[-1] / squares[0] < 2
    assert any(slope == 0 for _, slope in (c.args for c in LEAKY.cases))  # Kaiming
    assert any(slope == 1 for _, slope in (c.args for c in LEAKY.cases))  # Xavier
