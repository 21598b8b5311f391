"""Exercises of notebook 03 (softmax and NLL)."""
from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from course_utils import scratch
from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, NotAttempted, StudentError, compare
from course_utils.checks.compare import article
from course_utils.checks.guards import _EMPTY_OPS, AUTOGRAD, UNINITIALISED_MARKER, UNINITIALISED_WHY, same_value

_log_softmax = scratch.log_softmax  # the reference: the course's stable, from-scratch log_softmax


# --- Exercise 1: a stable log_softmax -------------------------------------------------------

_LOG_SOFTMAX_CASES = [
    Case((torch.tensor([1.3800, -1.3505, 0.3455, 0.5046, 1.8213]),), label="the tutorial's five numbers"),
    Case((torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]]),), label="a batch of 2 rows (work along the last dim)"),
    Case((torch.tensor([1000.0, 1001.0, 1002.0]),), label="large inputs [1000, 1001, 1002]"),
    Case((torch.tensor([-1000.0, -1001.0, -1003.0]),), label="very negative inputs [-1000, -1001, -1003]"),
    Case((torch.tensor([0.0, -1000.0]),), label="scores far apart [0, -1000]"),
    Case((torch.tensor([[1.0, 2.0, 3.0], [0.0, -1000.0, -5.0]]),),
         label="a batch of 2 rows, the second with scores far apart [0, -1000, -5]"),
    Case((torch.tensor([[-1000.0, -1002.0, -995.0], [1000.0, 990.0, 999.0]]),),
         label="a batch whose rows have very different scales (around -1000 and 1000)"),
    Case((torch.linspace(-3.0, 4.0, 24).reshape(2, 3, 4).cos() * 3,), label="a 3-D tensor of shape (2, 3, 4)"),
    Case((torch.tensor([[1e10, 1e10 + 1, 1e10 + 2]], dtype=torch.float64),),
         label="float64 scores around 1e10 (float32 cannot tell them apart)"),
]


def _non_finite_where_finite(got: torch.Tensor, want: torch.Tensor) -> torch.Tensor:
    """Where `got` is nan or inf although `want` is a finite number."""
    return ~torch.isfinite(got) & torch.isfinite(want)


class _FillFloatsWithMarker(TorchDispatchMode):
    """New uninitialised floating-point tensors are filled with a finite marker: the guards' probe
    (probe_uninitialised=True) without its bug: that one also fills integer memory with 1234, which overflows the
    uint8 storage that copy.deepcopy of a tensor allocates, so a correct answer that deep-copies x would fail."""

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if func.overloadpacket.__name__ in _EMPTY_OPS and isinstance(out, torch.Tensor) and out.is_floating_point():
            with torch.no_grad():
                out.fill_(UNINITIALISED_MARKER)
        return out


def _check_log_softmax(answer: Any, run: Any) -> list[tuple[str, str | None]]:
    """The answer against the reference on every case; a wrong result is explained by `_diagnose_log_softmax`."""
    if not callable(answer):
        raise StudentError(f"expected a function, got {article(type_name(answer))}")
    results = []
    for case in _LOG_SOFTMAX_CASES:
        want = _log_softmax(*copy.deepcopy(case.args))
        try:
            got = run(answer, *copy.deepcopy(case.args))
            if got is ...:
                raise NotAttempted
            problem = compare(got, want)
            if isinstance(got, torch.Tensor) and got.is_floating_point():
                # Does the result depend on uninitialised memory (torch.empty: nan under the guards, so a nan
                # here must not be blamed on overflow; nan_to_num can hide it)? Run it again with new memory
                # holding a finite marker: a result that changes depends on that memory.
                with _FillFloatsWithMarker():
                    again = run(answer, *copy.deepcopy(case.args))
                if not same_value(got, again):
                    problem = UNINITIALISED_WHY
            if problem is not None and problem != UNINITIALISED_WHY and got is not None:
                problem = _diagnose_log_softmax(got, want, case) or problem
        except StudentError as exc:
            problem = str(exc)
        results.append((case.describe(), problem))
    return results


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Equal up to 1e-4, nan and inf included (an answer's mistake may give them too)."""
    return bool(torch.allclose(a.detach().double(), b.detach().double(), atol=1e-4, rtol=1e-4, equal_nan=True))


def _global_max(x: torch.Tensor) -> torch.Tensor:
    shifted = x - x.max()
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()


def _diagnose_log_softmax(got: Any, want: torch.Tensor, case: Case) -> str | None:
    """Name the mistake a wrong result shows (only when exactly one explains it), or None."""
    if not isinstance(got, torch.Tensor) or got.shape != want.shape or not got.is_floating_point():
        return None
    x = case.args[0]
    got = got.detach()
    if got.dtype != want.dtype:
        if _close(got, want):
            return (f"the result has dtype {got.dtype}, but the input was {want.dtype}: keep the input's dtype "
                    "(a conversion loses precision, or memory)")
        if _close(got, _log_softmax(x.to(got.dtype))):
            return (f"the result has dtype {got.dtype}, but the input was {want.dtype}: these scores differ by "
                    f"less than {got.dtype} can tell apart, so converting them loses the differences")
        return None  # compare's message: the dtype differs
    # Typical mistakes, replayed in the input's dtype (so that they give the same nan or inf as the answer).
    mistakes = [
        (_global_max(x), "it subtracts the largest score of the whole tensor, not each row's own largest score: "
                         "in a row whose scores are all far below it, every exp underflows to 0, and the log of "
                         "their sum is -inf"),
        (_log_softmax(x).exp(), "it returned probabilities (softmax), not their logarithm"),
        (x - x.amax(dim=-1, keepdim=True), "it returned the shifted scores only: the log of the sum of the "
                                           "exponentials is missing, so the exponentials of your result do not "
                                           "add up to 1"),
        *((_log_softmax(x, dim=dim), f"it normalises along dimension {dim}, but each row of scores runs along "
                                     "the last dimension: the checker tries a vector, a batch of rows and a 3-D "
                                     "tensor") for dim in range(x.dim() - 1)),
    ]
    matches = [why for value, why in mistakes if not _close(value, want) and _close(got, value)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:  # two mistakes give the same numbers here: say nothing specific
        return None
    bad = _non_finite_where_finite(got, want)
    if bad.any():
        return _why_non_finite(got, want, x, bad)
    sums = got.double().exp().sum(dim=-1)
    if not torch.allclose(sums, torch.ones_like(sums), atol=1e-4):
        return "the exponentials of each row of your result should add up to 1, and they do not"
    return None


def _why_non_finite(got: torch.Tensor, want: torch.Tensor, x: torch.Tensor, bad: torch.Tensor) -> str:
    """Why the answer gives nan or inf where the log-probabilities are finite: only a cause the input allows."""
    kind = "nan" if got[bad].isnan().any() else "-inf" if (got[bad] < 0).all() else "inf"
    where = (f"your result contains {kind} ({int(bad.sum())} of {got.numel()} entries) where a finite number was "
             "expected")
    info = torch.finfo(x.dtype)
    smallest_log = math.log(info.smallest_normal * info.eps)  # the log of the smallest positive float
    rounded_to_zero = bad & (got == -math.inf) & (want < smallest_log)
    others = ~rounded_to_zero
    if (rounded_to_zero.any() and torch.equal(rounded_to_zero, bad)
            and _close(got[others], want[others])):  # right everywhere else
        return (f"{where}: the log of a probability that rounded to 0. A log-probability such as -1000 is an "
                "ordinary number, but its probability exp(-1000) is smaller than the smallest float, so it "
                "underflows to 0, and log(0) = -inf. Do not compute probabilities and then take their log: "
                "compute the log-probabilities directly (the shifted scores minus the log of the sum of their "
                "exponentials)")
    rows = x.reshape(-1, x.shape[-1]) if x.dim() else x.reshape(1, 1)
    bad_rows = bad.reshape(rows.shape).any(dim=-1)
    exps = rows.exp()
    if (bad_rows & torch.isinf(exps).any(dim=-1)).any():
        return (f"{where}: exp of a large score overflows to inf (exp(1000) does not fit in a float; the largest "
                "float32 is about exp(88.7)): a sum with inf in it is inf, its log is inf, and inf / inf is nan. "
                "Shift each row's scores before exponentiating so that no exp can overflow")
    if (bad_rows & (exps == 0).all(dim=-1)).any():
        return (f"{where}: exp of a very negative score underflows to 0, and when every exp of a row does, their "
                "sum is 0: log(0) is -inf, and 0 / 0 is nan. Shift each row's scores before exponentiating so that "
                "the largest exp of the row is exactly 1")
    spread = rows.amax(dim=-1) - rows.amin(dim=-1)
    if (bad_rows & (spread > math.log(info.max))).any():
        return (f"{where}: these scores are far apart, so after a shift by a number far from the row's own "
                "largest score some exp overflows to inf (or every exp underflows to 0). Shift each row by its own "
                "largest score: then the largest exp is exactly 1 and none can overflow")
    return (f"{where}: the exps of these scores neither overflow nor underflow, so look for another operation "
            f"that gives {kind} (a log of a negative number, 0 / 0, inf - inf?)")


stable_log_softmax = Exercise(
    "Exercise 1 (a stable log_softmax)",
    reference=_log_softmax,
    cases=_LOG_SOFTMAX_CASES,
    check_fn=_check_log_softmax,  # probes uninitialised memory itself (see _FillFloatsWithMarker)
    forbidden=[
        "torch.nn.functional.log_softmax", "torch.Tensor.log_softmax", "torch.log_softmax",
        "torch.special.log_softmax", "torch._log_softmax",
        "torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.softmax", "torch.special.softmax",
        "torch._softmax", "torch.nn.functional.softmin", "torch.nn.functional.cross_entropy",
        "torch.logsumexp", "torch.Tensor.logsumexp", "torch.special.logsumexp",
        "torch.logcumsumexp", "torch.Tensor.logcumsumexp", "torch._logcumsumexp",
        "torch.logaddexp", "torch.Tensor.logaddexp", "torch.logaddexp2", "torch.Tensor.logaddexp2",
        "course_utils.scratch.log_softmax", "course_utils.scratch.softmax",
    ],
    rule="write log_softmax yourself, with the max-subtraction trick: no softmax, log_softmax or log-sum-exp "
         "function of PyTorch (logsumexp, logcumsumexp, nor logaddexp or logaddexp2: a reduction with logaddexp "
         "is a log-sum-exp), nor nn.LogSoftmax, nor the course's scratch versions",
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
# The probabilities a model gave two examples, and their correct classes. No two classes of the second row have
# the same probability, and no two typical mistakes give the same number (tests/test_exercises_nb03.py).
NLL_PROBS = ((0.7, 0.2, 0.1), (0.3, 0.5, 0.2))
NLL_TARGETS = (0, 2)
_NLL = -(math.log(NLL_PROBS[0][NLL_TARGETS[0]]) + math.log(NLL_PROBS[1][NLL_TARGETS[1]])) / 2


def _nll_of(p1: float, p2: float, log: Callable[[float], float] = math.log) -> float:
    return -(log(p1) + log(p2)) / 2


def _nll_mistakes() -> list[tuple[float, str]]:
    """Values that typical mistakes give, and what each mistake is (never the right value)."""
    (row1, row2), (t1, t2) = NLL_PROBS, NLL_TARGETS
    p1, p2 = row1[t1], row2[t2]
    likely = max(range(len(row2)), key=row2.__getitem__)
    return [
        (2 * _NLL, "that is the sum of the two examples' losses: the NLL of a batch is their mean"),
        (2 * _NLL / 6, "that divides by the 6 entries of the probability table: average over the 2 examples only"),
        (2 * _NLL / 3, "that divides by the number of classes (3): the mean is over the examples (2)"),
        (_nll_of(p1, p2, math.log10), "that uses the base-10 logarithm: the NLL uses the natural log (math.log)"),
        (_nll_of(p1, p2, math.log2), "that uses the base-2 logarithm: the NLL uses the natural log (math.log)"),
        (_nll_of(p1, row2[likely]),
         f"that takes the second example's probability from class {likely}, the largest of its row: the NLL uses "
         f"the probability of its CORRECT class, NLL_TARGETS[1] = {t2} (classes count from 0)"),
        (_nll_of(p1, row2[0]),
         f"that takes the second example's probability from class 0: its correct class is NLL_TARGETS[1] = {t2}"),
        (_nll_of(row2[t1], row1[t2]), "that reads each example's class from the other example's row of probabilities"),
        (_nll_of(1 - p1, 1 - p2),
         "that uses 1 - p: the NLL is minus the log of the correct class's probability p itself"),
        (-math.log((p1 + p2) / 2), "that is the log of the mean probability: the NLL is the mean of the -log p"),
        (1 - (p1 + p2) / 2, "that is 1 minus the mean probability: the NLL is the mean of minus the natural log of "
                            "each probability"),
        (-sum(math.log(p) for row in NLL_PROBS for p in row) / 6,
         "that averages -log p over all the classes: only the correct class of each example counts"),
        (-math.log(p1), "that is the loss of the first example only: average over both examples"),
        (-math.log(p2), "that is the loss of the second example only: average over both examples"),
    ]


_NLL_MISTAKES = _nll_mistakes()


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
    matches = [why for wrong, why in _NLL_MISTAKES if math.isclose(value, wrong, rel_tol=1e-3, abs_tol=1e-4)]
    if len(matches) == 1:  # two mistakes that give this number: say nothing specific
        return f"the number is not right yet: {matches[0]}"
    if not matches and abs(value - _NLL) < 0.01:
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

# --- Exercise 3: cross-entropy with padding ----------------------------------------------------
# Scores [N, C] and targets [N]; positions whose target is `ignore_index` (padding) do not count, in the sum nor in
# the count of the mean: what F.cross_entropy(scores, targets, ignore_index=ignore_index) computes.

def _padded_cases() -> list[Case]:
    g = torch.Generator().manual_seed(4)  # the checker's own generator: the caller's RNG is never touched
    padded = torch.randn(5, 3, generator=g)
    pad_zero = torch.randn(6, 4, generator=g)
    return [
        Case((torch.tensor([[4.0, -2.0, 0.0], [0.5, 1.0, 3.0], [1.0, 0.0, 1.2]]), torch.tensor([0, 1, 0]), -100),
             label="section 5's three examples, no padding (ignore_index=-100)"),
        Case((padded, torch.tensor([2, -100, 0, -100, 1]), -100),
             label="5 positions, 2 of them padding (target -100, ignore_index=-100)"),
        Case((pad_zero, torch.tensor([2, 0, 1, 3, 0, 0]), 0),
             label="6 positions whose padding class is 0 (ignore_index=0, 3 positions padding)"),
        Case((torch.tensor([[1000.0, 990.0], [-1000.0, -998.0], [0.0, 500.0], [0.0, -200.0]]),
              torch.tensor([1, 0, -100, 1]), -100),
             label="large scores (1000, -1000; a correct class 200 below the best), one position padding"),
        Case((padded.double() * 3, torch.tensor([-100, 1, 1, 2, -100]), -100),
             label="float64 scores (keep the dtype), 2 positions padding"),
        Case((padded.clone().requires_grad_(True), torch.tensor([1, 1, -100, 0, 2]), -100),
             label="scores that require grad (the loss must be differentiable: backward() has to reach them)"),
    ]


_PADDED_CASES = _padded_cases()


def _masked_cross_entropy(scores: torch.Tensor, targets: torch.Tensor, ignore_index: int) -> torch.Tensor:
    """The reference: torch's own, with ignore_index."""
    return torch.nn.functional.cross_entropy(scores, targets, ignore_index=ignore_index)


def _picked(log_probs: torch.Tensor, targets: torch.Tensor, ignore_index: int) -> torch.Tensor:
    """-log_probs[n, targets[n]] at every position, 0 where the target is ignore_index."""
    keep = targets != ignore_index
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    return torch.where(keep, -log_probs.gather(1, safe[:, None])[:, 0], torch.zeros((), dtype=log_probs.dtype))


def _cross_entropy_mistakes(scores: torch.Tensor, targets: torch.Tensor, ignore_index: int) -> list[tuple[Any, str]]:
    """(value, why) for the typical mistakes on one case; each is a different mistake."""
    x = scores.detach()
    n, num_classes = x.shape
    keep = targets != ignore_index
    k = int(keep.sum())
    log_probs = _log_softmax(x, dim=1)
    losses = _picked(log_probs, targets, ignore_index)
    mean_of = lambda values: values.sum() / k  # noqa: E731  (over the positions that count)
    mistakes = [
        (losses.sum(), "it returns the SUM of the losses: the loss of a batch is their mean (over the positions that "
                       "count), so that it does not grow with the batch size"),
        (losses, "it returned one loss per position: reduce them to one number, their mean over the positions "
                 "that count"),
        (mean_of(_picked(_log_softmax(x, dim=0), targets, ignore_index)),
         "it normalises along dimension 0, over the positions: each row holds one position's scores over the "
         "classes, so the log-softmax runs along dimension 1"),
        (mean_of(_picked(_log_softmax(x, dim=1).exp(), targets, ignore_index)),
         "it uses the probability p of the correct class where the loss needs its LOG-probability: -log p, not -p"),
        (mean_of(_picked(_log_softmax(x, dim=1).exp() - 1, targets, ignore_index)),
         "it uses 1 - p, where the loss is -log p of the correct class's probability p"),
        (mean_of(_picked(x, targets, ignore_index)),
         "it treats the raw scores as log-probabilities: apply a log-softmax to them first"),
        (mean_of(_picked(scratch.softmax(x, dim=1).log(), targets, ignore_index)),
         "the log of a probability that rounded to 0: a log-probability such as -200 is an ordinary number, but "
         "exp(-200) is smaller than the smallest float32, so softmax gives 0 and log(0) = -inf. Compute the "
         "log-probabilities directly with a log-softmax"),
        (-mean_of(losses), "your loss is negative, but -log p never is (p <= 1): a minus sign is missing"),
    ]
    if k != n:
        mistakes.append((losses[keep], "it returned one loss per position that counts: reduce them to one number, "
                                       "their mean"))
        mistakes.append((losses.sum() / n, f"it divides by all {n} positions, padding included: the mean runs over "
                                            f"the {k} positions whose target is not ignore_index"))
        if 0 <= ignore_index < num_classes:
            mistakes.append((-log_probs[torch.arange(n), targets].mean(),
                             f"the positions whose target is ignore_index (here {ignore_index}, which is also a "
                             "class number) count in the loss: compare the targets with the ignore_index argument, "
                             "not with a fixed number such as -100"))
        else:
            mistakes.append((-log_probs[torch.arange(n), targets.clamp(min=0)].mean(),
                             "the padding positions count in the loss (as if their class were 0): leave them out of "
                             "the sum and of the count"))
    return mistakes


def _same(got: torch.Tensor, want: torch.Tensor) -> bool:
    return got.shape == want.shape and _close(got, want)


def _check_cross_entropy(answer: Any, run: Any) -> list[tuple[str, str | None]]:
    if not callable(answer):
        raise StudentError(f"expected a function, got {article(type_name(answer))}")
    results = []
    for case in _PADDED_CASES:
        want = _masked_cross_entropy(*copy.deepcopy(case.args))
        try:
            got = run(answer, *copy.deepcopy(case.args))
            if got is ...:
                raise NotAttempted
            problem = compare(got, want, atol=1e-5, rtol=1e-4)
            if problem is not None and isinstance(got, torch.Tensor) and got.is_floating_point():
                matches = sorted({why for value, why in _cross_entropy_mistakes(*case.args)
                                  if _same(got, value) and not _same(value, want)})
                if len(matches) == 1:
                    problem = matches[0]
                elif not matches and not torch.isfinite(got.detach()).all():
                    problem += (": exp of a large score overflows to inf (or every exp of a row underflows to 0); "
                                "compute the log-probabilities with a stable log-softmax")
            elif problem is not None and isinstance(got, (int, float)) and not isinstance(got, bool):
                problem += (": return the loss as a 0-dim tensor (no .item()), so that backward() can run "
                            "through it")
            if problem is None and case.args[0].requires_grad and not got.requires_grad:
                problem = ("the result is cut off from the scores' graph (.detach(), .item(), torch.tensor(...) "
                           "or .data?): backward() could not reach the scores, so nothing would learn")
        except StudentError as exc:
            problem = str(exc)
        results.append((case.describe(), problem))
    return results


masked_cross_entropy = Exercise(
    "Exercise 3 (cross-entropy with padding)",
    reference=_masked_cross_entropy,
    cases=_PADDED_CASES,
    check_fn=_check_cross_entropy,
    forbidden=[
        "torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss", "torch._C._nn.cross_entropy_loss",
        "torch._C._nn.nll_loss", "torch._C._nn.nll_loss_nd", "torch._C._nn.nll_loss2d",
        "course_utils.scratch.cross_entropy", "course_utils.scratch.nll_loss",
    ],
    rule="compute the loss yourself from the scores: no cross_entropy or nll_loss of PyTorch (nor nn.CrossEntropyLoss "
         "or nn.NLLLoss, which call them), nor the course's scratch versions; a log-softmax is allowed",
    hints=[
        "Three steps: turn each row of scores into log-probabilities; take minus the log-probability of each "
        "position's target class; average over the positions that count, and only over them.",
        "A padding position's target (e.g. -100) is not a class, so it cannot be used as an index as it is: build a "
        "boolean mask from the comparison of the targets with ignore_index, and use it both to select (or zero) "
        "the losses and to count the positions. Build new tensors: do not overwrite the targets.",
        "Check your function on the second case by hand: with 5 positions of which 2 are padding, the mean divides "
        "by 3, not by 5, and log-softmax runs along dimension 1 (the classes) of the [N, C] scores.",
    ],
)

# --- Exercise 4: the gradient of label-smoothed cross-entropy, by hand ----------------------------
# d/dscores of mean_n H(t_n, softmax(scores_n)) with t_n = (1 - eps) onehot(y_n) + eps / C: (softmax - t) / N.

def _smoothed_cases() -> list[Case]:
    g = torch.Generator().manual_seed(5)  # the checker's own generator
    return [
        Case((torch.tensor([[4.0, -2.0, 0.0], [0.5, 1.0, 3.0], [1.0, 0.0, 1.2]]), torch.tensor([0, 1, 0]), 0.1),
             label="section 5's three examples, eps=0.1"),
        Case((torch.randn(4, 5, generator=g), torch.tensor([4, 0, 2, 2]), 0.2), label="4 examples, 5 classes, eps=0.2"),
        Case((torch.randn(2, 3, generator=g), torch.tensor([2, 1]), 0.0), label="eps=0 (no smoothing)"),
        Case((torch.tensor([[1000.0, 990.0, -1000.0], [-1000.0, -998.0, -1001.0]]), torch.tensor([1, 0]), 0.1),
             label="large scores (around 1000 and -1000), eps=0.1"),
        Case((torch.randn(3, 4, generator=g, dtype=torch.float64), torch.tensor([3, 3, 1]), 0.3),
             label="float64 scores (keep the dtype), eps=0.3"),
    ]


_SMOOTHED_CASES = _smoothed_cases()


def _smoothed_target(targets: torch.Tensor, num_classes: int, eps: float, dtype: torch.dtype) -> torch.Tensor:
    return (1 - eps) * torch.nn.functional.one_hot(targets, num_classes).to(dtype) + eps / num_classes


def _smoothed_grad(scores: torch.Tensor, targets: torch.Tensor, eps: float) -> torch.Tensor:
    """The reference: (softmax(scores) - smoothed target) / N (tests check it against autograd)."""
    n, num_classes = scores.shape
    return (scratch.softmax(scores, dim=1) - _smoothed_target(targets, num_classes, eps, scores.dtype)) / n


def _smoothed_grad_mistakes(scores: torch.Tensor, targets: torch.Tensor, eps: float) -> list[tuple[Any, str]]:
    n, num_classes = scores.shape
    p = scratch.softmax(scores, dim=1)
    onehot = torch.nn.functional.one_hot(targets, num_classes).to(scores.dtype)
    t = _smoothed_target(targets, num_classes, eps, scores.dtype)
    others = (1 - eps) * onehot + eps / (num_classes - 1) * (1 - onehot)
    return [
        ((p - onehot) / n, "it ignores eps: with label smoothing the target of each row is (1 - eps) onehot(y) + "
                           "eps / C, and the gradient is the probabilities minus THAT target"),
        (p - t, "it is the gradient of the SUM over the examples: the loss is their mean, so divide by N"),
        ((p - t) / num_classes, "it divides by the number of classes C; the mean is over the N examples"),
        ((t - p) / n, "the sign is flipped: that is the gradient of minus the loss (a step along it would climb the "
                      "loss)"),
        ((p - others) / n, "it spreads eps / (C - 1) over the other classes only; PyTorch's label_smoothing mixes "
                           "the one-hot target with the uniform distribution over ALL C classes (the correct one "
                           "included): eps / C each"),
        ((p - (1 - eps) * onehot) / n, "the eps / C that every class gets in the smoothed target is missing"),
        ((scratch.log_softmax(scores, dim=1) - t) / n,
         "it uses the log-probabilities where the gradient has the probabilities themselves"),
        ((scratch.softmax(scores, dim=0) - t) / n,
         "it normalises along dimension 0, over the examples: each row's softmax runs along dimension 1"),
    ]


def _check_smoothed_grad(answer: Any, run: Any) -> list[tuple[str, str | None]]:
    if not callable(answer):
        raise StudentError(f"expected a function, got {article(type_name(answer))}")
    results = []
    for case in _SMOOTHED_CASES:
        want = _smoothed_grad(*copy.deepcopy(case.args))
        try:
            got = run(answer, *copy.deepcopy(case.args))
            if got is ...:
                raise NotAttempted
            problem = compare(got, want, atol=1e-6, rtol=1e-4)
            if problem is not None and isinstance(got, torch.Tensor) and got.is_floating_point():
                matches = sorted({why for value, why in _smoothed_grad_mistakes(*case.args)
                                  if _same(got, value) and not _same(value, want)})
                if len(matches) == 1:
                    problem = matches[0]
                elif not matches and not torch.isfinite(got).all():
                    problem += (": exp of a large score overflows to inf, or every exp of a row underflows to 0; "
                                "compute the softmax stably (subtract each row's largest score first)")
        except StudentError as exc:
            problem = str(exc)
        results.append((case.describe(), problem))
    return results


smoothed_gradient = Exercise(
    "Exercise 4 (the gradient of label smoothing, by hand)",
    reference=_smoothed_grad,
    cases=_SMOOTHED_CASES,
    check_fn=_check_smoothed_grad,
    forbidden=AUTOGRAD,  # reverse mode, forward mode (jvp, jacfwd, linearize, dual numbers), the functional API
    rule="derive the gradient and compute it from its formula: no autograd in any form, reverse or forward mode "
         "(backward, torch.autograd.grad, forward-mode dual numbers, torch.autograd.functional, torch.func)",
    hints=[
        "Write one example's loss with a target distribution t: -sum_k t_k log softmax(x)_k = -sum_k t_k x_k + "
        "(sum_k t_k) log sum_j exp(x_j), and differentiate it as in section 7. What is sum_k t_k?",
        "A target distribution sums to 1, so the log-sum-exp term differentiates exactly as in section 7; only "
        "the term -sum_k t_k x_k is new. And the loss is a mean over the N examples.",
        "The gradient of one example is its probabilities minus its smoothed target. Compare with section 7 at "
        "eps = 0: your function must give the same gradient there. Check the shapes: the result has the shape of "
        "the scores, (N, C), and the softmax runs along dimension 1.",
    ],
)

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb03.py).
SOLUTION_KEYS = {
    "stable_log_softmax": [
        "x.amax(dim=-1, keepdim=True)", "amax(dim=-1", "keepdim=True", "shifted = x - m",
        "shifted.exp().sum(dim=-1, keepdim=True).log()", ".exp().sum(dim=-1",
    ],
    "nll_by_hand": ["-(math.log(0.7) + math.log(0.2)) / 2", "math.log(0.7)", "math.log(0.2)", "0.9831"],
    "masked_cross_entropy": [
        "targets != ignore_index", "log_softmax(scores, dim=1)", "keep.sum()", "[keep]",
        "log_probs[keep, targets[keep]]", ".sum() / keep.sum()",
    ],
    "smoothed_gradient": [
        "(1 - eps) * F.one_hot(targets, C) + eps / C", "F.softmax(scores, dim=1) - target",
        "(F.softmax(scores, dim=1) - target) / n",
    ],
}
