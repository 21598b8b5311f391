"""Exercises of notebook 03 (softmax and NLL)."""
from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from typing import Any

import torch

from course_utils import scratch
from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, NotAttempted, StudentError, compare
from course_utils.checks.compare import article

_log_softmax = scratch.log_softmax  # the reference: the course's stable, from-scratch log_softmax


def _check_each_case(
    reference: Callable[..., Any],
    cases: Sequence[Case],
    diagnose: Callable[[Any, Any, Case], str | None],
    *,
    same_dtype: bool = False,
) -> Callable[[Any, Any], list[tuple[str, str | None]]]:
    """A check_fn: the answer against the reference on every case; a wrong result is explained by `diagnose`.

    diagnose(got, want, case) names a typical mistake the result shows, or returns None (the generic message).
    same_dtype: a floating-point result must keep the reference's dtype (float64 in, float64 out).
    """

    def check(answer: Any, run: Any) -> list[tuple[str, str | None]]:
        if not callable(answer):
            raise StudentError(f"expected a function, got {article(type_name(answer))}")
        results = []
        for case in cases:
            want = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            try:
                got = run(answer, *copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            except StudentError as exc:
                results.append((case.describe(), str(exc)))
                continue
            if got is ...:
                raise NotAttempted
            problem = compare(got, want)
            if problem is not None and got is not None:
                problem = diagnose(got, want, case) or problem
            elif problem is None and same_dtype and isinstance(got, torch.Tensor) and got.dtype != want.dtype:
                problem = (f"the result has dtype {got.dtype}, but the input was {want.dtype}: keep the input's "
                           "dtype (a conversion loses precision, or memory)")
            results.append((case.describe(), problem))
        return results

    return check


# --- Exercise 1: a stable log_softmax -------------------------------------------------------

_LOG_SOFTMAX_CASES = [
    Case((torch.tensor([1.3800, -1.3505, 0.3455, 0.5046, 1.8213]),), label="the tutorial's five numbers"),
    Case((torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]]),), label="a batch of 2 rows (work along the last dim)"),
    Case((torch.tensor([1000.0, 1001.0, 1002.0]),), label="large inputs [1000, 1001, 1002]"),
    Case((torch.tensor([-1000.0, -1001.0, -1003.0]),), label="very negative inputs [-1000, -1001, -1003]"),
    Case((torch.tensor([[-1000.0, -1002.0, -995.0], [1000.0, 990.0, 999.0]]),),
         label="a batch whose rows have very different scales (around -1000 and 1000)"),
    Case((torch.linspace(-3.0, 4.0, 24).reshape(2, 3, 4).cos() * 3,), label="a 3-D tensor of shape (2, 3, 4)"),
    Case((torch.tensor([[1e10, 1e10 + 1, 1e10 + 2]], dtype=torch.float64),),
         label="float64 scores around 1e10 (float32 cannot tell them apart)"),
]


def _diagnose_log_softmax(got: Any, want: torch.Tensor, case: Case) -> str | None:
    if not isinstance(got, torch.Tensor) or got.shape != want.shape or not got.is_floating_point():
        return None
    x = case.args[0].double()
    got_d = got.detach().double()

    def close(other: torch.Tensor) -> bool:
        return bool(torch.allclose(got_d, other, atol=1e-4, rtol=1e-4, equal_nan=False))

    if not torch.isfinite(got_d).all():
        bad = "nan" if got_d.isnan().any() else "inf"
        return (f"your result contains {bad}: exp of a large score overflows to inf, and exp of a very negative one "
                "underflows to 0, whose log is -inf. Shift each row's scores before exponentiating so that this "
                "cannot happen.")
    if close(_log_softmax(x).exp()):
        return "it returned probabilities (softmax), not their logarithm"
    if close(x - x.amax(dim=-1, keepdim=True)):
        return ("it returned the shifted scores only: the log of the sum of the exponentials is missing, so the "
                "exponentials of your result do not add up to 1")
    for dim in range(x.dim() - 1):
        if close(_log_softmax(x, dim=dim)):
            return (f"it normalises along dimension {dim}, but each row of scores runs along the last dimension: "
                    "the checker tries a vector, a batch of rows and a 3-D tensor")
    if got.dtype != want.dtype:
        return (f"the result has dtype {got.dtype}, but the input was {want.dtype}: a conversion to float32 "
                "loses the differences between these scores")
    sums = got_d.exp().sum(dim=-1)
    if not torch.allclose(sums, torch.ones_like(sums), atol=1e-4):
        return "the exponentials of each row of your result should add up to 1, and they do not"
    return None


stable_log_softmax = Exercise(
    "Exercise 1 (a stable log_softmax)",
    reference=_log_softmax,
    cases=_LOG_SOFTMAX_CASES,
    check_fn=_check_each_case(_log_softmax, _LOG_SOFTMAX_CASES, _diagnose_log_softmax, same_dtype=True),
    forbidden=[
        "torch.nn.functional.log_softmax", "torch.Tensor.log_softmax", "torch.log_softmax",
        "torch.special.log_softmax", "torch._log_softmax",
        "torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.softmax", "torch.special.softmax",
        "torch._softmax", "torch.nn.functional.softmin", "torch.nn.functional.cross_entropy",
        "torch.logsumexp", "torch.Tensor.logsumexp", "torch.special.logsumexp",
        "course_utils.scratch.log_softmax", "course_utils.scratch.softmax",
    ],
    rule="write log_softmax yourself, with the max-subtraction trick: no softmax, log_softmax or logsumexp "
         "function of PyTorch (nor nn.LogSoftmax, nor the course's scratch versions)",
    hints=[
        "log_softmax(x) = x - log(sum of exp(x)) along each row, and subtracting the same number from every score "
        "of a row does not change the result (it cancels out). Pick that number so that no exp can overflow.",
        "Use each row's own largest score: after subtracting it every exponent is at most 0, so exp stays at most 1, "
        "and the sum is at least 1, so its log is finite. The reduction must run over the last dimension and keep "
        "that dimension (with size 1) so the result broadcasts against x.",
        "Check the shapes on a (2, 3, 4) tensor: the row maxima should have shape (2, 3, 1), not (2, 3) or (); "
        "see the `keepdim` argument in the docs of torch.amax. And use each row's maximum, not the maximum of the "
        "whole tensor: rows can have very different scales.",
    ],
)

# --- Exercise 2: an NLL by hand ---------------------------------------------------------------
# The probabilities a model gave two examples, and their correct classes.
NLL_PROBS = ((0.7, 0.2, 0.1), (0.25, 0.5, 0.25))
NLL_TARGETS = (0, 2)
_NLL = -(math.log(NLL_PROBS[0][NLL_TARGETS[0]]) + math.log(NLL_PROBS[1][NLL_TARGETS[1]])) / 2


def _nll_of(p1: float, p2: float, log: Callable[[float], float] = math.log) -> float:
    return -(log(p1) + log(p2)) / 2


# Values that typical mistakes give, and what each mistake is (never the right value).
_NLL_MISTAKES = [
    (2 * _NLL, "that is the sum of the two examples' losses: the NLL of a batch is their mean"),
    (2 * _NLL / 6, "that divides by the 6 entries of the probability table: average over the 2 examples only"),
    (2 * _NLL / 3, "that divides by the number of classes (3): the mean is over the examples (2)"),
    (_nll_of(0.7, 0.25, math.log10), "that uses the base-10 logarithm: the NLL uses the natural log (math.log)"),
    (_nll_of(0.7, 0.25, math.log2), "that uses the base-2 logarithm: the NLL uses the natural log (math.log)"),
    (_nll_of(0.7, 0.5), "that uses each example's most likely class: the NLL uses the CORRECT class (NLL_TARGETS)"),
    (_nll_of(0.1, 0.25), "that reads each example's class from the other example's row of probabilities"),
    (_nll_of(0.3, 0.75), "that uses 1 - p: the NLL is minus the log of the correct class's probability p itself"),
    (-math.log((0.7 + 0.25) / 2), "that is the log of the mean probability: the NLL is the mean of the -log p"),
    (-sum(math.log(p) for row in NLL_PROBS for p in row) / 6,
     "that averages -log p over all the classes: only the correct class of each example counts"),
    (-math.log(0.7), "that is the loss of the first example only: average over both examples"),
    (-math.log(0.25), "that is the loss of the second example only: average over both examples"),
]


def _check_nll(answer: Any, run: Any) -> str | None:
    if answer is None:
        raise NotAttempted
    problem = compare(answer, _NLL, atol=1e-3, rtol=1e-3, strict=False)
    if problem is None:
        return None
    if isinstance(answer, torch.Tensor) and answer.numel() == len(NLL_TARGETS):
        return (f"it returned {answer.numel()} numbers, one loss per example: the NLL of the batch is one number, "
                "their mean")
    value = answer.item() if isinstance(answer, torch.Tensor) and answer.numel() == 1 else answer
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return problem
    if value < 0:
        return ("your number is negative, but an NLL never is: a probability p is at most 1, so log p <= 0 "
                "and -log p >= 0. Did you forget the minus sign?")
    for wrong, why in _NLL_MISTAKES:
        if math.isclose(value, wrong, rel_tol=1e-3, abs_tol=1e-4):
            return f"the number is not right yet: {why}"
    if abs(value - _NLL) < 0.01:
        return ("the number is close but not within 0.001: let Python compute it (math.log) rather than rounding "
                "by hand")
    return problem


nll_by_hand = Exercise(
    "Exercise 2 (an NLL by hand)",
    reference=_NLL,
    check_fn=_check_nll,
    hints=[
        "The NLL of one example is minus the natural logarithm of the probability that the model gave its correct "
        "class; the NLL of a batch is the average of those over the examples.",
        "For each example, find its correct class in NLL_TARGETS, read that class's probability in the example's "
        "row of NLL_PROBS (classes count from 0), take the natural log (math.log, not math.log10) and negate it; "
        "then average the two numbers (divide by the number of examples, not of classes).",
    ],
)

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb03.py).
SOLUTION_KEYS = {
    "stable_log_softmax": [
        "x.amax(dim=-1, keepdim=True)", "amax(dim=-1", "keepdim=True", "shifted = x - m",
        "shifted.exp().sum(dim=-1, keepdim=True).log()", ".exp().sum(dim=-1",
    ],
    "nll_by_hand": ["-(math.log(0.7) + math.log(0.25)) / 2", "math.log(0.7)", "math.log(0.25)", "0.8715"],
}
