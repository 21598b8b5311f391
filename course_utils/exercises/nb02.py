"""Exercises of notebook 02 (non-linearities)."""
from __future__ import annotations

import ast
import copy
import inspect
import math
import textwrap

import torch
from torch.overrides import TorchFunctionMode

from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, NotAttempted, Runner, StudentError, compare
from course_utils.checks.compare import article
from course_utils.checks.guards import AUTOGRAD, ForbiddenCall


# --- Exercise 1: the derivative of sigmoid ----------------------------------------------------------
def _sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    s = torch.sigmoid(x)
    return s * (1 - s)  # sigma'(x) = sigma(x) (1 - sigma(x))


_TUTORIAL = torch.tensor([-0.5404, -2.2102, 2.1130, -0.0040])

sigmoid_derivative = Exercise(
    "Exercise 1 (the derivative of sigmoid)",
    reference=_sigmoid_derivative,
    cases=[
        Case((torch.linspace(-6.0, 6.0, 13),), label="13 points from -6 to 6"),
        Case((torch.tensor([[0.0, 1.0], [-2.0, 30.0]]),), label="a 2x2 matrix with a large entry (30)"),
        Case((_TUTORIAL.clone(),), label="the tutorial's four numbers"),
        # |x| <= 50: the textbook form exp(-x) / (1 + exp(-x))^2 stays finite there (the task does not ask for
        # a formula that is stable for any input, so a correct formula must not fail on overflow).
        Case((torch.tensor([-50.0, -40.0, -12.5, 12.5, 40.0]),), label="large inputs (|x| up to 50)"),
        Case((torch.linspace(-3.0, 3.0, 7, dtype=torch.float64),), label="7 float64 points from -3 to 3"),
        Case((torch.zeros(0, 3),), label="an empty tensor of shape (0, 3)"),
    ],
    forbidden=[
        *AUTOGRAD,  # reverse mode, forward mode (jacfwd, jvp, dual numbers) and the functional API
        "course_utils.analysis.activations.derivative", "course_utils.analysis.activations.closed_form_derivative",
    ],
    rule="the task is to compute the derivative from its formula (torch.sigmoid is fine), not with autograd "
    "(backward, torch.autograd, torch.func, forward-mode dual numbers) or the course's ready-made helpers "
    "`derivative` / `closed_form_derivative`",
    hints=[
        "Section 3 writes the derivative of sigmoid in terms of sigmoid itself. Compute sigmoid of the input "
        "first, then combine that value with itself as the formula says.",
        "Tensor arithmetic (`*`, `-`, numbers) works entry by entry, like on numbers: the result must have one "
        "derivative per entry of x, the same shape as x, so no sum or mean. Apply the formula to sigma(x), not "
        "to x itself.",
    ],
)


# --- Exercise 2: ReLU by hand -----------------------------------------------------------------------
def _relu(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


_RELU_CASES = [
    Case((torch.linspace(-6.0, 6.0, 13),), label="13 points from -6 to 6"),
    Case((torch.tensor([[0.0, 1.0], [-2.0, 30.0]]),), label="a 2x2 matrix"),
    Case((_TUTORIAL.clone(),), label="the tutorial's four numbers"),
    Case((torch.tensor([-1e30, -5.0, 2e10, 1e30]),), label="very large values (up to 1e30)"),
    Case((torch.tensor([-1e300, -2.5, 0.0, 0.5, 3e9, 1e300], dtype=torch.float64),),
         label="a float64 tensor with very large values (up to 1e300)"),
    Case((torch.zeros(0, 3),), label="an empty tensor of shape (0, 3)"),
]


def _check_relu(answer, run: Runner):
    """Every case: the reference's values and shape, and the input's dtype (float64 stays float64)."""
    if not callable(answer):
        return f"expected a function relu(x), got {article(type_name(answer))}"
    results = []
    for case in _RELU_CASES:
        (x,) = case.args
        want = _relu(x.clone())
        try:
            got = run(answer, copy.deepcopy(x))
        except StudentError as exc:
            results.append((case.describe(), str(exc)))
            continue
        if got is ...:
            raise NotAttempted
        if isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype != x.dtype:
            # before the values: a float64 input squeezed into float32 also loses its largest values (inf)
            problem = (f"the result has dtype {got.dtype}, but the input has dtype {x.dtype}: keep the input's dtype "
                       "(a tensor you create yourself is float32 unless you say otherwise)")
        else:
            problem = compare(got, want)
        results.append((case.describe(), problem))
    return results


relu = Exercise(
    "Exercise 2 (ReLU by hand)",
    reference=_relu,
    cases=_RELU_CASES,
    check_fn=_check_relu,
    forbidden=[
        "torch.relu", "torch.relu_", "torch.Tensor.relu", "torch.Tensor.relu_",
        "torch.nn.functional.relu", "torch.nn.functional.relu_", "torch.nn.functional.relu6",
        "torch.nn.functional.hardtanh", "torch.nn.functional.hardtanh_",
        "torch.nn.functional.threshold", "torch.nn.functional.threshold_", "torch.threshold",
        "torch.nn.functional.leaky_relu", "torch.nn.functional.leaky_relu_",
        "torch.nn.functional.elu", "torch.nn.functional.rrelu", "torch.nn.functional.rrelu_", "torch.rrelu",
        "torch.nn.functional.prelu", "torch.prelu", "torch.nn.functional.celu", "torch.celu",
        "torch.nn.functional.softplus", "torch.nn.functional.selu", "torch.selu",
    ],
    rule="the task is to write ReLU yourself (comparisons, torch.where, torch.clamp or torch.maximum are fine), "
    "not with one of torch's activation functions such as F.relu, torch.relu, x.relu(), nn.ReLU or F.hardtanh",
    hints=[
        "ReLU keeps an entry when it is positive and replaces it by 0 otherwise: one comparison per entry. "
        "Look for a torch function that works on every entry at once; no Python loop is needed.",
        "Read the documentation of one of the allowed functions named in the task and pick the one that sets a "
        "lower limit only, or chooses between two values with a condition. Do not cap large values, and do not "
        "create a new float32 tensor: the result keeps the shape and dtype of x.",
    ],
)

# --- Exercise 3: tanh from sigmoid -------------------------------------------------------------------
def _tanh_from_sigmoid(x: torch.Tensor) -> torch.Tensor:
    return 2 * torch.sigmoid(2 * x) - 1  # tanh(x) = 2 sigma(2x) - 1


_TANH_RULE = ("the task is to write tanh with sigma (torch.sigmoid) and arithmetic only, not with a tanh function "
              "or with exponentials")
# (a power of a tensor exponent and complex numbers are forbidden by _NoExponentials in _check_tanh)

_TANH_CASES = [
    Case((torch.linspace(-4.0, 4.0, 17),), label="17 points from -4 to 4"),
    Case((torch.tensor([[0.0, 1.0], [-2.0, 30.0]]),), label="a 2x2 matrix with a large entry (30)"),
    Case((_TUTORIAL.clone(),), label="the tutorial's four numbers"),
    Case((torch.tensor([-30.0, -12.5, 12.5, 30.0]),), label="large inputs (|x| up to 30)"),
    Case((torch.linspace(-3.0, 3.0, 7, dtype=torch.float64),), label="7 float64 points from -3 to 3"),
    Case((torch.zeros(0, 3),), label="an empty tensor of shape (0, 3)"),
]


def _tanh_mistake(x: torch.Tensor, got: torch.Tensor) -> str | None:
    """What a wrong but tensor-shaped answer does differently from tanh, in words (None: nothing specific)."""
    if got.numel() == 0 or not torch.isfinite(got).all():
        return None
    g, xd = got.detach().double(), x.double()
    if torch.allclose(g, -torch.tanh(xd), atol=1e-5):
        return "your function gives -tanh(x): the sign is flipped"
    if torch.allclose(g, torch.tanh(xd / 2), atol=1e-5):
        return ("your function gives tanh(x/2): it rises half as steeply as tanh. Look again at the argument "
                "you give sigma in your derivation")
    if torch.allclose(g, torch.tanh(2 * xd), atol=1e-5):
        return "your function gives tanh(2x): it rises twice as steeply as tanh. Look again at the argument of sigma"
    tanh = torch.tanh(xd)
    factor = float((g * tanh).sum() / (tanh * tanh).sum()) if tanh.abs().sum() > 0 else 1.0
    if g.abs().max() <= 1e-5:
        return ("your function gives 0 for every x, but tanh(x) is 0 only at x = 0: it rises from -1 to 1. "
                "Build the result from sigma of an expression in x")
    if abs(factor - 1) > 1e-3 and torch.allclose(g, factor * tanh, atol=1e-5):
        return f"your function gives {factor:.3g} times tanh(x): check the factor in front of sigma"
    if g.max() > 1 + 1e-5 or g.min() < -1 - 1e-5:
        return (f"your values reach from {g.min().item():.3f} to {g.max().item():.3f}, but tanh stays between "
                "-1 and 1: check the factor in front of sigma and the shift")
    at_zero = g[xd == 0]
    if at_zero.numel() and at_zero.abs().max() > 1e-5:
        return f"tanh(0) = 0, but your function gives {at_zero[0].item():.3f} at x = 0: check the shift"
    if (xd < 0).any() and g.min() >= 0:
        return "your values are never negative, but tanh(x) < 0 for every x < 0: check the shift"
    return None


_POWERS = {"pow", "pow_", "__pow__", "__ipow__", "float_power", "float_power_"}  # Tensor methods a ** b reaches


class _NoExponentials(TorchFunctionMode):
    """Raise ForbiddenCall on the two routes to e^x that a list of forbidden names cannot catch: a power whose
    exponent is a tensor of values (e ** x with e a tensor, full_like(x, e).pow(x)) and complex numbers
    (tan(i x) = i tanh(x), sin and cos of i x are sinh and cosh)."""

    def __init__(self, rule: str) -> None:
        super().__init__()
        self.rule = rule

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        exponent = args[1] if len(args) > 1 else kwargs.get("exponent")
        if name in _POWERS and isinstance(exponent, torch.Tensor):  # 0-dim too: a loop over the entries of x
            raise ForbiddenCall(f"`torch.Tensor.{name.strip('_')}` with a tensor exponent (a number to the power "
                                f"x) is an exponential, and it is not allowed in this exercise: {self.rule}")
        result = func(*args, **kwargs)
        if isinstance(result, torch.Tensor) and result.is_complex():
            raise ForbiddenCall("complex numbers: tan, sin and cos of i x are tanh, sinh and cosh in disguise, and "
                                f"complex arithmetic is not allowed in this exercise: {self.rule}")
        return result


def _is_number(node: ast.AST) -> bool:
    """A fixed number in the source: 2, 0.5, -1."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float))


def _power_with_a_variable_exponent(answer) -> bool:
    """Whether the answer's source raises something to a power that is not a fixed number (`math.e ** v` on
    Python floats, `pow(e, v)`): torch never sees such a power, so only the source shows it."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(answer)))
    except (OSError, TypeError, SyntaxError, IndentationError):  # no source (a builtin), or a lambda mid-expression
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and not _is_number(node.right):
            return True
        if (isinstance(node, ast.Call) and len(node.args) >= 2 and not _is_number(node.args[1])
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "pow"):
            return True
    return False


def _check_tanh(answer, run: Runner):
    """Every case: tanh's values, shape and dtype; a wrong answer gets the reason it differs from tanh."""
    if not callable(answer):
        return f"expected a function tanh_from_sigmoid(x), got {article(type_name(answer))}"
    results = []
    for case in _TANH_CASES:
        (x,) = case.args
        want = torch.tanh(x.clone())
        try:
            with _NoExponentials(_TANH_RULE):
                got = run(answer, x.clone())
        except StudentError as exc:
            results.append((case.describe(), str(exc)))
            continue
        if got is ...:
            raise NotAttempted
        problem = compare(got, want)
        if problem and isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype == want.dtype:
            problem = _tanh_mistake(x, got) or problem
        results.append((case.describe(), problem))
    if all(problem is None for _, problem in results) and _power_with_a_variable_exponent(answer):
        # right values, but by a power torch never saw (Python floats): the source shows it
        return ("a power whose exponent is not a fixed number (such as `math.e ** v`) is an exponential, and it is "
                f"not allowed in this exercise: {_TANH_RULE}")
    return results


tanh_from_sigmoid = Exercise(
    "Exercise 3 (tanh from sigmoid)",
    reference=_tanh_from_sigmoid,
    cases=_TANH_CASES,
    check_fn=_check_tanh,
    forbidden=[
        "torch.tanh", "torch.tanh_", "torch.Tensor.tanh", "torch.Tensor.tanh_", "torch.nn.functional.tanh",
        "torch.nn.functional.tanhshrink", "math.tanh", "numpy.tanh",
        "torch.exp", "torch.exp_", "torch.Tensor.exp", "torch.Tensor.exp_", "torch.exp2", "torch.special.exp2",
        "torch.expm1", "torch.special.expm1", "torch.Tensor.expm1", "torch.Tensor.exp2", "torch.Tensor.__rpow__",
        "torch.pow", "torch.float_power", "torch.ldexp", "torch.Tensor.ldexp", "torch.Tensor.ldexp_",
        "torch.sinh", "torch.cosh", "torch.Tensor.sinh", "torch.Tensor.cosh", "math.exp", "numpy.exp",
        "torch.tan", "torch.Tensor.tan",  # tan(i x) = i tanh(x)
        # ELU-like functions are e^x - 1 for negative x
        "torch.nn.functional.elu", "torch.nn.functional.celu", "torch.celu", "torch.nn.functional.selu", "torch.selu",
    ],
    rule=_TANH_RULE,
    hints=[
        "Write both functions with exponentials: sigma(u) has 1 + e^(-u) in its denominator. Divide the numerator "
        "and the denominator of tanh(x) by e^x: which power of e is left in its denominator, and which u makes "
        "sigma's denominator look the same?",
        "Once you have the right sigma, compare ranges: sigma's values lie in (0, 1), tanh's in (-1, 1). One "
        "factor and one shift turn the first interval into the second; check your formula at x = 0, where tanh is 0.",
    ],
)


# --- Exercise 4: the init std that keeps a leaky-ReLU stack's signal alive ------------------------------
def _leaky_init_std(width: int, slope: float) -> float:
    return math.sqrt(2 / ((1 + slope**2) * width))  # n sigma^2 (1 + a^2) / 2 = 1


_LEAKY_CASES = [
    Case((64, 0.0), label="width 64, slope 0.0 (plain ReLU)"),
    Case((64, 0.2), label="width 64, slope 0.2"),
    Case((256, 0.01), label="width 256, slope 0.01"),
    Case((100, 1.0), label="width 100, slope 1.0 (no kink at all: a linear layer)"),
    Case((10, 0.5), label="width 10, slope 0.5"),
]


def _layer_factor(std: float, width: int, slope: float) -> float:
    """What one leaky layer with weights N(0, std^2) multiplies the mean square of the signal by, on average."""
    return width * std**2 * (1 + slope**2) / 2  # Var[z] = n sigma^2 E[h^2], E[h^2] = (1 + a^2) / 2 Var[z_prev]


def _check_leaky(answer, run: Runner):
    """Every case: the std's value; a wrong number is told what it does to the signal of a 20-layer stack."""
    if not callable(answer):
        return f"expected a function leaky_init_std(width, slope), got {article(type_name(answer))}"
    results = []
    for case in _LEAKY_CASES:
        width, slope = case.args
        want = _leaky_init_std(width, slope)
        try:
            got = run(answer, width, slope)
        except StudentError as exc:
            results.append((case.describe(), str(exc)))
            continue
        if got is ...:
            raise NotAttempted
        problem = compare(got, want)
        if problem == "the number is not right yet":
            if math.isclose(got, want**2, rel_tol=1e-4):
                problem = ("this is the variance sigma^2 of the weights, but the task asks for their standard "
                           "deviation sigma")
            elif not got > 0 or not math.isfinite(got):
                problem = "a standard deviation is a positive, finite number, and yours is not"
            else:
                change = _layer_factor(got, width, slope) ** 20
                trend = "grows" if change > 1 else "shrinks"
                problem = (f"with your std, the mean square of the signal {trend} by a factor of about {change:.3g} "
                           "over 20 layers of this width and slope; the right std keeps it the same (a factor of 1)")
        results.append((case.describe(), problem))
    return results


leaky_init_std = Exercise(
    "Exercise 4 (an init for leaky ReLU)",
    reference=_leaky_init_std,
    cases=_LEAKY_CASES,
    check_fn=_check_leaky,
    forbidden=["torch.nn.init.calculate_gain", "torch.nn.init.kaiming_normal_", "torch.nn.init.kaiming_uniform_"],
    rule="the task is to derive the std yourself, not to take it from torch's nn.init.calculate_gain or kaiming_* "
    "functions",
    hints=[
        "Repeat the ReLU derivation of section 6 with h = leaky_relu(z) and z symmetric around 0: the positive half "
        "of z contributes to E[h^2] exactly as before. What does the negative half contribute now that it is "
        "multiplied by the slope instead of set to 0?",
        "Write E[h^2] as (a number that depends on the slope) times Var[z], then pick sigma^2 so that "
        "n * sigma^2 * E[h^2] = Var[z]. Return sigma, the standard deviation (a Python float), not sigma^2; "
        "for slope 0 you must get Kaiming's value back, and for slope 1 (no kink) Xavier's.",
    ],
)

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb02.py and the shared test).
SOLUTION_KEYS = {
    "sigmoid_derivative": ["s * (1 - s)", "torch.sigmoid(x) * (1 - torch.sigmoid(x))", "(1 - s)", "torch.sigmoid(x)"],
    "relu": ["clamp(min=0)", "torch.where(x > 0", "where(x > 0, x", "torch.maximum(x", "x * (x > 0)", "clamp_min"],
    "tanh_from_sigmoid": ["2 * torch.sigmoid(2 * x) - 1", "sigmoid(2 * x)", "2 * torch.sigmoid", "sigmoid(-2 * x)",
                          "e^(-2x)"],
    "leaky_init_std": ["math.sqrt(2 / ((1 + slope ** 2) * width))", "(1 + slope ** 2)", "1 + slope * slope",
                       "(1 + a^2) / 2", "2 / (1 + a^2)"],
}
