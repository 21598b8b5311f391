"""Exercises of notebook 02 (non-linearities)."""
from __future__ import annotations

import copy

import torch

from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, NotAttempted, Runner, StudentError, compare
from course_utils.checks.compare import article


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
        "torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward",
        "course_utils.analysis.activations.derivative", "course_utils.analysis.activations.closed_form_derivative",
    ],
    rule="the task is to compute the derivative from its formula (torch.sigmoid is fine), not with autograd "
    "or the course's ready-made helpers `derivative` / `closed_form_derivative`",
    hints=[
        "Section 2 writes the derivative of sigmoid in terms of sigmoid itself. Compute sigmoid of the input "
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

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb02.py and the shared test).
SOLUTION_KEYS = {
    "sigmoid_derivative": ["s * (1 - s)", "torch.sigmoid(x) * (1 - torch.sigmoid(x))", "(1 - s)", "torch.sigmoid(x)"],
    "relu": ["clamp(min=0)", "torch.where(x > 0", "where(x > 0, x", "torch.maximum(x", "x * (x > 0)", "clamp_min"],
}
