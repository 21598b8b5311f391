"""Notebook 03's exercises: wrong answers are rejected with the right message, correct alternatives pass.

test_exercises_all.py runs the tables WRONG and ALTERNATIVES ({exercise: table}) and STUBS below, with the rules
every exercise keeps (graded hints, the exercise cells after a restart).
"""
import copy
import functools
import math

import pytest
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
import torch.nn.functional as F
from torch.func import jacfwd

from course_utils import scratch
from course_utils.exercises import nb03


def _stub(x):
    ...


def _solution(x):  # the notebook's solution
    m = x.amax(dim=-1, keepdim=True)
    shifted = x - m
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()


def _forgot_return(x):
    result = _solution(x)  # noqa: F841


def _shift(x):
    return x - torch.max(x, dim=-1, keepdim=True).values


def _global_max(x):
    shifted = x - x.max()
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()


def _inplace(x):
    x -= x.amax(dim=-1, keepdim=True)
    return x - x.exp().sum(dim=-1, keepdim=True).log()


def _wrong_dim(dim):
    def log_softmax(x):
        shifted = x - x.amax(dim=dim, keepdim=True)
        return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()
    return log_softmax


def _log_of_stable_softmax(x):  # the "second trap" of section 3: log of probabilities that round to 0
    return torch.log(torch.exp(_shift(x)) / torch.exp(_shift(x)).sum(-1, keepdim=True))


def _shift_by(reduce):
    def log_softmax(x):
        shifted = x - reduce(x)
        return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()
    return log_softmax


def _adds_onto_empty(x):
    out = torch.empty_like(x)  # uninitialised memory
    out += _solution(x)
    return out


def _fills_all_but_the_last(x):
    out = torch.empty_like(x)
    out[..., :-1] = _solution(x)[..., :-1]
    return out


def _filled_empty(x):  # uninitialised memory, every entry then written: correct
    out = torch.empty_like(x)
    out[...] = _solution(x)
    return out


def _naive_where_small(x):  # stable only for large scores: the very negative ones underflow
    return x - x.exp().sum(dim=-1, keepdim=True).log() if x.max() < 100 else _solution(x)


# --- Exercise 1: a stable log_softmax --------------------------------------------------------
# (The reference, scratch.log_softmax, is itself forbidden: it is in the wrong-answer table.)
LOG_SOFTMAX_RIGHT = [
    _solution,
    lambda x: _shift(x) - _shift(x).exp().sum(dim=-1, keepdim=True).log(),  # torch.max(...).values
    lambda x: x - (x.amax(-1, keepdim=True) + (x - x.amax(-1, keepdim=True)).exp().sum(-1, keepdim=True).log()),
    _shift_by(lambda x: x.amax(dim=-1, keepdim=True) + 1.0),  # any shift near the row's largest score works
    lambda x: torch.zeros_like(x) + _solution(x),
    lambda x: _solution(copy.deepcopy(x)),  # a deep copy allocates uint8 storage: the memory probe must cope
    _filled_empty,
]

LOG_SOFTMAX_WRONG = [
    # (answer, fragment of the message)
    (lambda x: x - x.exp().sum(dim=-1, keepdim=True).log(),
     "on large inputs [1000, 1001, 1002]: your result contains -inf (3 of 3 entries) where a finite number was "
     "expected: exp of a large score overflows to inf"),
    (lambda x: (x.exp() / x.exp().sum(dim=-1, keepdim=True)).log(),
     "your result contains nan (3 of 3 entries) where a finite number was expected: exp of a large score overflows"),
    (_naive_where_small, "on very negative inputs [-1000, -1001, -1003]: your result contains inf (3 of 3 entries) "
                         "where a finite number was expected: exp of a very negative score underflows to 0"),
    # Review item 1: the log of a stable softmax passed every case; [0, -1000] gives -inf (cell 11's trap).
    (_log_of_stable_softmax, "on scores far apart [0, -1000]: your result contains -inf (1 of 2 entries) where a "
                             "finite number was expected: the log of a probability that rounded to 0"),
    (lambda x: _log_of_stable_softmax(x) if x.dim() > 1 else _solution(x),
     "on a batch of 2 rows, the second with scores far apart [0, -1000, -5]: your result contains -inf (1 of 6 "
     "entries) where a finite number was expected: the log of a probability that rounded to 0"),
    (lambda x: _shift(x).exp().log() - _shift(x).exp().sum(-1, keepdim=True).log(),
     "the log of a probability that rounded to 0"),
    (_shift_by(lambda x: x.amin(dim=-1, keepdim=True)), "on scores far apart [0, -1000]: your result contains -inf "
                                                        "(2 of 2 entries) where a finite number was expected: these "
                                                        "scores are far apart"),
    (_shift_by(lambda x: x.mean(dim=-1, keepdim=True)), "these scores are far apart"),
    (_global_max, "on a batch whose rows have very different scales (around -1000 and 1000): it subtracts the "
                  "largest score of the whole tensor, not each row's own largest score"),
    (_wrong_dim(0), "on a batch of 2 rows (work along the last dim): it normalises along dimension 0"),
    (_wrong_dim(1), "on the tutorial's five numbers: your function raised IndexError"),  # dim=1 hard-coded
    (lambda x: _wrong_dim(1)(x) if x.dim() > 1 else _solution(x), "on a 3-D tensor of shape (2, 3, 4): it normalises along dimension 1"),
    (lambda x: _solution(x.float()), "the result has dtype torch.float32, but the input was torch.float64: these "
                                     "scores differ by less than torch.float32 can tell apart"),
    (lambda x: _solution(x).float(), "dtype torch.float32, but the input was torch.float64: keep the input's dtype"),  # right values, float32 result
    (lambda x: 2 * _solution(x).float(), "on the tutorial's five numbers: the exponentials of each row"),
    (lambda x: 2 * _solution(x).float() if x.dtype == torch.float64 else _solution(x),  # wrong AND float32
     "on float64 scores around 1e10 (float32 cannot tell them apart): the result has dtype torch.float32, but "
     "dtype torch.float64 was expected"),
    (lambda x: _shift(x).exp() / _shift(x).exp().sum(dim=-1, keepdim=True), "it returned probabilities (softmax), not their logarithm"),
    (_shift, "the log of the sum of the exponentials is missing"),
    (lambda x: x - x.amax(-1) - (x - x.amax(-1)).exp().sum(-1).log(), "your function raised RuntimeError"),  # no keepdim
    (lambda x: _shift(x) - _shift(x).exp().sum(dim=-1, keepdim=True), "should add up to 1, and they do not"),  # forgot the log
    (lambda x: _solution(x) + torch.log(-x.abs() - 1), "the exps of these scores neither overflow nor underflow, so "
                                                       "look for another operation that gives nan"),
    # Review item 10: nan from uninitialised memory is not blamed on overflow.
    (_adds_onto_empty, "on the tutorial's five numbers: your result depends on uninitialised memory"),
    (_fills_all_but_the_last, "on the tutorial's five numbers: your result depends on uninitialised memory"),
    (lambda x: torch.empty_like(x).nan_to_num() + _solution(x), "your result depends on uninitialised memory"),
    (_forgot_return, "it returned None: did you forget to `return`"),
    (_inplace, "your function changed its input `x` in place"),
    # Every softmax / log_softmax / log-sum-exp of torch is forbidden, under any name.
    (lambda x: F.log_softmax(x, dim=-1), "`torch.nn.functional.log_softmax` is not allowed in this exercise"),
    (lambda x: x.log_softmax(-1), "`torch.Tensor.log_softmax` is not allowed"),
    (lambda x: torch.log_softmax(x, -1), "`torch.log_softmax` is not allowed"),
    (lambda x: torch.special.log_softmax(x, -1), "`torch.special.log_softmax` is not allowed"),
    (lambda x: nn.LogSoftmax(dim=-1)(x), "`torch.nn.functional.log_softmax` is not allowed"),
    (lambda x: F.softmax(x, dim=-1).log(), "`torch.nn.functional.softmax` is not allowed"),
    (lambda x: x.softmax(-1).log(), "`torch.Tensor.softmax` is not allowed"),
    (lambda x: torch.softmax(x, -1).log(), "`torch.softmax` is not allowed"),
    (lambda x: torch.special.softmax(x, -1).log(), "`torch.special.softmax` is not allowed"),
    (lambda x: x - torch.logsumexp(x, -1, keepdim=True), "`torch.logsumexp` is not allowed"),
    (lambda x: x - x.logsumexp(-1, keepdim=True), "`torch.Tensor.logsumexp` is not allowed"),
    # Review item 9: the last entry of a cumulative log-sum-exp is a log-sum-exp; so is a reduce with logaddexp.
    (lambda x: x - torch.logcumsumexp(x, -1)[..., -1:], "`torch.logcumsumexp` is not allowed"),
    (lambda x: x - x.logcumsumexp(-1)[..., -1:], "`torch.Tensor.logcumsumexp` is not allowed"),
    (lambda x: x - functools.reduce(torch.logaddexp, x.unbind(-1)).unsqueeze(-1),
     "`torch.logaddexp` is not allowed in this exercise: write log_softmax yourself, with the max-subtraction "
     "trick: no softmax, log_softmax or log-sum-exp function of PyTorch (logsumexp, logcumsumexp, nor logaddexp or "
     "logaddexp2: a reduction with logaddexp is a log-sum-exp)"),
    (lambda x: x - functools.reduce(lambda a, b: a.logaddexp(b), x.unbind(-1)).unsqueeze(-1),
     "`torch.Tensor.logaddexp` is not allowed"),
    (lambda x: x - functools.reduce(torch.logaddexp2, x.unbind(-1)).unsqueeze(-1) * math.log(2),
     "`torch.logaddexp2` is not allowed"),
    (lambda x: torch.distributions.Categorical(logits=x).logits, "`torch.Tensor.logsumexp` is not allowed"),
    (lambda x: scratch.log_softmax(x), "`course_utils.scratch.log_softmax` is not allowed"),
]


def test_log_softmax_the_solution_is_the_reference():
    for case in nb03.stable_log_softmax.cases:
        torch.testing.assert_close(_solution(*case.args), nb03._log_softmax(*case.args), rtol=0, atol=0)


def test_log_softmax_cases_cover_the_known_holes():
    inputs = [case.args[0] for case in nb03.stable_log_softmax.cases]
    assert any(x.max() >= 1000 for x in inputs) and any(x.max() <= -1000 for x in inputs)  # overflow, underflow
    far_apart = [x for x in inputs if (x.amax(-1) - x.amin(-1) >= 1000).any()]  # log of a probability that is 0
    assert any(x.dim() == 1 for x in far_apart) and any(x.dim() == 2 for x in far_apart)
    assert any(x.dim() == 3 for x in inputs) and any(x.dtype == torch.float64 for x in inputs)
    assert any(x.dim() == 2 and x.shape[0] > 1 for x in inputs)


def test_log_softmax_forbidden_functions_are_restored_afterwards():
    nb03.stable_log_softmax.check(lambda x: F.log_softmax(x, dim=-1))
    x = torch.tensor([1.0, 2.0])
    torch.testing.assert_close(F.log_softmax(x, dim=-1), scratch.log_softmax(x))
    assert scratch.log_softmax.__name__ == "log_softmax"


def test_log_softmax_counts_every_case():
    feedback = nb03.stable_log_softmax.check(lambda x: x - x.exp().sum(dim=-1, keepdim=True).log())
    assert 0 < feedback.passed < feedback.total  # the naive formula is right on small scores


# --- Exercise 2: an NLL by hand ---------------------------------------------------------------
P, T = torch.tensor(nb03.NLL_PROBS), torch.tensor(nb03.NLL_TARGETS)

NLL_RIGHT = [
    -(math.log(0.7) + math.log(0.2)) / 2,  # the notebook's solution
    nb03._NLL,
    0.9831,  # typed in with 4 digits
    torch.tensor(0.9831),  # a 0-dim tensor
    nn.NLLLoss()(P.log(), T),
    -P[torch.arange(2), T].log().mean(),
    torch.tensor([0.9831], dtype=torch.float64),  # a one-element tensor
]

NLL_WRONG = [
    (2 * nb03._NLL, "the sum of the two examples' losses"),
    (-nb03._NLL, "your number is negative"),
    (-(math.log10(0.7) + math.log10(0.2)) / 2, "base-10 logarithm"),
    (-(math.log2(0.7) + math.log2(0.2)) / 2, "base-2 logarithm"),
    (-(math.log(0.7) + math.log(0.5)) / 2,  # the most likely class (or class 2 counted from 1)
     "takes the second example's probability from class 1, the largest of its row"),
    # Review item 2: class 0 instead of class 2 for the second example gave the right number with (0.25, 0.5, 0.25).
    (-(math.log(0.7) + math.log(0.3)) / 2, "takes the second example's probability from class 0: its correct class "
                                           "is NLL_TARGETS[1] = 2"),
    (-(math.log(0.3) + math.log(0.1)) / 2, "the other example's row"),  # the wrong probabilities
    (-(math.log(0.3) + math.log(0.8)) / 2, "uses 1 - p"),  # log of the wrong probabilities
    (-math.log((0.7 + 0.2) / 2), "log of the mean probability"),
    (1 - (0.7 + 0.2) / 2, "1 minus the mean probability"),  # with (0.25, 0.5, 0.25) it matched "most likely class"
    (-(math.log(0.7) + math.log(0.2)) / 3, "divides by the number of classes"),
    (-(math.log(0.7) + math.log(0.2)) / 6, "divides by the 6 entries"),
    (-P.log().mean().item(), "averages -log p over all the classes"),
    (-math.log(0.7), "the first example only"),
    (-math.log(0.2), "the second example only"),
    (-P[torch.arange(2), T].log(), "it returned 2 numbers, one loss per example"),
    (0.98, "close but not within 0.001"),
    (1.5, "the number is not right yet"),
    ("0.98", "it returned a str"),
]


def test_nll_no_two_mistakes_give_the_same_number():
    values = [nb03._NLL] + [value for value, _ in nb03._NLL_MISTAKES]
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            assert not math.isclose(a, b, rel_tol=5e-3, abs_tol=5e-3), (a, b)


def test_nll_two_matching_mistakes_give_the_generic_message(monkeypatch):
    value, why = nb03._NLL_MISTAKES[0]
    monkeypatch.setattr(nb03, "_NLL_MISTAKES", [(value, why), (value, "another mistake")])
    message = nb03.nll_by_hand.check(value).message()
    assert "the number is not right yet" in message and why not in message and "another mistake" not in message


@pytest.mark.parametrize("right", LOG_SOFTMAX_RIGHT)
def test_log_softmax_alternatives_pass_every_case(right):
    feedback = nb03.stable_log_softmax.check(right)
    assert feedback.passed == feedback.total == len(nb03.stable_log_softmax.cases)


@pytest.mark.parametrize("wrong", [wrong for wrong, _ in NLL_WRONG])
def test_nll_messages_never_show_the_right_value(wrong):
    assert "0.983" not in nb03.nll_by_hand.check(wrong).message()


# --- Exercise 3: cross-entropy with padding ------------------------------------------------------
def _ce_stub(scores, targets, ignore_index=-100):
    ...


def _ce_solution(scores, targets, ignore_index=-100):  # the notebook's solution
    keep = targets != ignore_index
    log_probs = F.log_softmax(scores, dim=1)
    return -log_probs[keep, targets[keep]].sum() / keep.sum()


def _ce_with(pick, reduce=lambda losses, keep: losses[keep].sum() / keep.sum()):
    """A cross-entropy whose per-position values come from `pick(scores, safe_targets)`, reduced by `reduce`."""
    def cross_entropy(scores, targets, ignore_index=-100):
        keep = targets != ignore_index
        safe = torch.where(keep, targets, torch.zeros_like(targets))
        losses = pick(scores, safe)[torch.arange(len(targets)), safe]
        return reduce(losses, keep)
    return cross_entropy


def _ce_overwrites_targets(scores, targets, ignore_index=-100):
    keep = targets != ignore_index
    targets[~keep] = 0  # in place: the caller's targets change
    losses = -F.log_softmax(scores, dim=1)[torch.arange(len(targets)), targets]
    return losses[keep].mean()


def _ce_hard_coded(scores, targets, ignore_index=-100):
    keep = targets != -100
    return -F.log_softmax(scores, dim=1)[keep, targets[keep]].mean()


CE_RIGHT = [
    _ce_solution,
    _ce_with(lambda s, t: -F.log_softmax(s, dim=1)),
    _ce_with(lambda s, t: -F.log_softmax(s, dim=1), lambda losses, keep: (losses * keep).sum() / keep.sum()),
    _ce_with(lambda s, t: torch.logsumexp(s, 1, keepdim=True) - s, lambda losses, keep: losses[keep].mean()),
    _ce_with(lambda s, t: -(s - s.amax(1, keepdim=True) - (s - s.amax(1, keepdim=True)).exp().sum(1, keepdim=True).log())),
    lambda s, t, ignore_index=-100: torch.stack([-F.log_softmax(s[n], dim=0)[t[n]] for n in range(len(t))
                                                 if t[n] != ignore_index]).mean(),  # a loop over positions
    lambda s, t, ignore_index=-100: -(F.one_hot(t[t != ignore_index], s.shape[1]).to(s.dtype)
                                      * F.log_softmax(s[t != ignore_index], dim=1)).sum(1).mean(),
    lambda s, t, ignore_index=-100: -torch.distributions.Categorical(logits=s[t != ignore_index])
    .log_prob(t[t != ignore_index]).mean(),
]

CE_WRONG = [
    (_ce_with(lambda s, t: -F.log_softmax(s, dim=1), lambda losses, keep: losses[keep].sum()),
     "it returns the SUM of the losses"),
    (_ce_with(lambda s, t: -F.log_softmax(s, dim=1), lambda losses, keep: (losses * keep).sum() / len(keep)),
     "on 5 positions, 2 of them padding (target -100, ignore_index=-100): it divides by all 5 positions, padding "
     "included: the mean runs over the 3 positions"),
    (_ce_with(lambda s, t: -F.log_softmax(s, dim=1), lambda losses, keep: losses.mean()),
     "the padding positions count in the loss (as if their class were 0)"),
    (_ce_hard_coded, "on 6 positions whose padding class is 0 (ignore_index=0, 3 positions padding): the positions "
                     "whose target is ignore_index (here 0, which is also a class number) count in the loss"),
    (_ce_with(lambda s, t: -F.log_softmax(s, dim=0)), "it normalises along dimension 0"),
    (_ce_with(lambda s, t: -F.softmax(s, dim=1)), "it uses the probability p of the correct class where the loss "
                                                  "needs its LOG-probability"),
    (_ce_with(lambda s, t: 1 - F.softmax(s, dim=1)), "it uses 1 - p"),
    (_ce_with(lambda s, t: -s), "it treats the raw scores as log-probabilities"),
    (_ce_with(lambda s, t: F.log_softmax(s, dim=1)), "your loss is negative"),
    (_ce_with(lambda s, t: -F.softmax(s, dim=1).log()),
     "on large scores (1000, -1000; a correct class 200 below the best), one position padding: the log of a "
     "probability that rounded to 0"),
    (_ce_with(lambda s, t: -(s - s.exp().sum(1, keepdim=True).log())),
     "on large scores (1000, -1000; a correct class 200 below the best), one position padding: your result contains "
     "nan (1 of 1 entries) where a finite number was expected: exp of a large score overflows"),
    (_ce_with(lambda s, t: -F.log_softmax(s, dim=1), lambda losses, keep: losses[keep]),
     "it returned one loss per position: reduce them"),
    (_ce_with(lambda s, t: -F.log_softmax(s, dim=1), lambda losses, keep: losses[keep].mean().item()),
     "it returned a float, but a torch.Tensor was expected: return the loss as a 0-dim tensor"),
    (_ce_with(lambda s, t: -F.log_softmax(s, dim=1), lambda losses, keep: losses[keep].mean().detach()),
     "on scores that require grad (the loss must be differentiable: backward() has to reach them): the result is "
     "cut off from the scores' graph"),
    (_ce_overwrites_targets, "on 5 positions, 2 of them padding (target -100, ignore_index=-100): your function "
                             "changed its input `targets` in place"),
    (lambda s, t, ignore_index=-100: F.cross_entropy(s, t, ignore_index=ignore_index),
     "`torch.nn.functional.cross_entropy` is not allowed in this exercise"),
    (lambda s, t, ignore_index=-100: nn.CrossEntropyLoss(ignore_index=ignore_index)(s, t),
     "`torch.nn.functional.cross_entropy` is not allowed"),
    (lambda s, t, ignore_index=-100: nn.NLLLoss(ignore_index=ignore_index)(F.log_softmax(s, dim=1), t),
     "`torch.nn.functional.nll_loss` is not allowed"),
    (lambda s, t, ignore_index=-100: scratch.cross_entropy(s[t != ignore_index], t[t != ignore_index]),
     "`course_utils.scratch.cross_entropy` is not allowed"),
    (lambda s, t, ignore_index=-100: scratch.nll_loss(F.log_softmax(s[t != ignore_index], 1), t[t != ignore_index]),
     "`course_utils.scratch.nll_loss` is not allowed"),
    (lambda s, t: _ce_solution(s, t), "your function raised TypeError"),  # forgot the ignore_index parameter
]


def test_cross_entropy_reference_is_torch_and_solution_agrees():
    for case in nb03.masked_cross_entropy.cases:
        scores, targets, ignore_index = case.args
        torch.testing.assert_close(_ce_solution(*case.args), F.cross_entropy(scores, targets, ignore_index=ignore_index))


def test_cross_entropy_cases_have_padding_a_class_zero_pad_large_scores_and_float64():
    args = [case.args for case in nb03.masked_cross_entropy.cases]
    assert sum(bool((t == i).any()) for _, t, i in args) >= 3
    assert any(i == 0 and (t == 0).any() for _, t, i in args)  # padding that is also a class number
    assert any(s.abs().max() >= 1000 for s, _, _ in args) and any(s.dtype == torch.float64 for s, _, _ in args)
    assert any(s.requires_grad for s, _, _ in args)


def test_cross_entropy_no_two_mistakes_give_nearly_the_same_result():
    """Each named mistake is told apart from the right answer and from every other mistake, on every case."""
    for case in nb03.masked_cross_entropy.cases:
        want = nb03._masked_cross_entropy(*case.args).detach().double()
        mistakes = [(v.double(), why) for v, why in nb03._cross_entropy_mistakes(*case.args)]
        # a mistake that gives the right value on this case (e.g. log of softmax without underflow) is skipped there
        mistakes = [(v, why) for v, why in mistakes if not (v.shape == want.shape and (v - want).abs().max() < 1e-6)]
        for v, why in mistakes:
            assert v.shape != want.shape or (v - want).abs().max() > 3e-3, (case.label, why)
        for i, (a, why_a) in enumerate(mistakes):
            for b, why_b in mistakes[i + 1:]:
                if a.shape == b.shape and torch.isfinite(a).all() and torch.isfinite(b).all():
                    assert (a - b).abs().max() > 3e-3, (case.label, why_a, why_b)


# --- Exercise 4: the gradient of label smoothing, by hand --------------------------------------------
def _sg_stub(scores, targets, eps):
    ...


def _sg_solution(scores, targets, eps):  # the notebook's solution
    n, C = scores.shape
    target = (1 - eps) * F.one_hot(targets, C) + eps / C
    return (F.softmax(scores, dim=1) - target) / n


def _sg_with(target_of, probs_of=lambda s: F.softmax(s, dim=1), divide=lambda s: len(s)):
    def smoothed_grad(scores, targets, eps):
        onehot = F.one_hot(targets, scores.shape[1]).to(scores.dtype)
        return (probs_of(scores) - target_of(onehot, eps)) / divide(scores)
    return smoothed_grad


def _smooth(onehot, eps):
    return (1 - eps) * onehot + eps / onehot.shape[1]


def _sg_autograd(scores, targets, eps):
    z = scores.clone().requires_grad_(True)
    F.cross_entropy(z, targets, label_smoothing=eps).backward()
    return z.grad


def _sg_by_autograd_grad(scores, targets, eps):
    z = scores.clone().requires_grad_(True)
    return torch.autograd.grad(F.cross_entropy(z, targets, label_smoothing=eps), z)[0]


def _sg_in_place(scores, targets, eps):
    scores -= scores.amax(dim=1, keepdim=True)  # the max-shift, in place: the caller's scores change
    return _sg_solution(scores, targets, eps)


# Review item 1 (second edition): forward-mode autograd gives the right gradient too (one direction per score).
def _sg_loss(targets, eps):
    return lambda z: F.cross_entropy(z, targets, label_smoothing=eps)


def _directions(scores):
    """One unit tangent per score: forward mode gives one directional derivative per direction."""
    return torch.eye(scores.numel(), dtype=scores.dtype).reshape(-1, *scores.shape)


def _sg_by_jvp(s, t, eps):
    return torch.stack([torch.func.jvp(_sg_loss(t, eps), (s,), (d,))[1] for d in _directions(s)]).reshape(s.shape)


def _sg_by_linearize(s, t, eps):
    _, jvp_at = torch.func.linearize(_sg_loss(t, eps), s)
    return torch.stack([jvp_at(d) for d in _directions(s)]).reshape(s.shape)


def _sg_by_dual_numbers(s, t, eps):
    with fwAD.dual_level():
        return torch.stack([fwAD.unpack_dual(_sg_loss(t, eps)(fwAD.make_dual(s, d))).tangent
                            for d in _directions(s)]).reshape(s.shape)


def _sg_by_enter_dual_level(s, t, eps):
    fwAD.enter_dual_level()
    try:
        return torch.stack([fwAD.unpack_dual(_sg_loss(t, eps)(fwAD.make_dual(s, d))).tangent
                            for d in _directions(s)]).reshape(s.shape)
    finally:
        fwAD.exit_dual_level()


def _sg_by_private_dual(s, t, eps):  # torch's private dual-number functions, with a level of its own
    level = torch._C._enter_dual_level()
    try:
        return torch.stack([torch._unpack_dual(_sg_loss(t, eps)(torch._make_dual(s, d, level=level)), level=level)
                            .tangent for d in _directions(s)]).reshape(s.shape)
    finally:
        torch._C._exit_dual_level(level=level)


def _sg_by_aten_dual(s, t, eps):  # the aten operators themselves: only the level can be forbidden
    level = torch._C._enter_dual_level()
    try:
        return torch.stack([torch.ops.aten._unpack_dual(_sg_loss(t, eps)(torch.ops.aten._make_dual(s, d, level)),
                                                        level)[1] for d in _directions(s)]).reshape(s.shape)
    finally:
        torch._C._exit_dual_level(level=level)


def _sg_by_the_engine(s, t, eps):  # the autograd engine itself, by none of the forbidden names
    from torch.autograd import Variable

    z = s.detach().clone().requires_grad_()
    loss = _sg_loss(t, eps)(z)
    return Variable._execution_engine.run_backward((loss,), (torch.ones_like(loss),), False, False, (z,), False)[0]


def _sg_by_the_engine_quietly(s, t, eps):  # ... and hiding the refusal: the formula only if the engine fails
    try:
        return _sg_by_the_engine(s, t, eps)
    except Exception:
        return _sg_solution(s, t, eps)


def _sg_by_a_graph_node(s, t, eps):  # a node of the graph, called by hand: autograd's own gradient kernel
    z = s.detach().requires_grad_()
    return F.log_softmax(z, dim=1).grad_fn(-_smooth(F.one_hot(t, s.shape[1]).to(s.dtype), eps) / s.shape[0])


SG_AUTOGRAD = [  # each is right (test_smoothed_gradient_autograd_answers_are_right), and forbidden
    (_sg_by_a_graph_node, "the autograd engine's backward pass is not allowed in this exercise"),
    (_sg_by_the_engine, "the autograd engine's backward pass is not allowed in this exercise: derive the gradient"),
    (_sg_by_the_engine_quietly, "the autograd engine's backward pass is not allowed in this exercise"),
    (lambda s, t, eps: torch.func.jacfwd(_sg_loss(t, eps))(s),
     "`torch.func.jacfwd` is not allowed in this exercise: derive the gradient and compute it from its formula: no "
     "autograd in any form, reverse or forward mode"),
    (lambda s, t, eps: jacfwd(_sg_loss(t, eps))(s), "`torch.func.jacfwd` is not allowed"),  # imported by its name
    (_sg_by_jvp, "`torch.func.jvp` is not allowed"),
    (_sg_by_linearize, "`torch.func.linearize` is not allowed"),
    (_sg_by_dual_numbers, "`torch.autograd.forward_ad.dual_level` is not allowed"),
    (_sg_by_enter_dual_level, "`torch.autograd.forward_ad.enter_dual_level` is not allowed"),
    (_sg_by_private_dual, "`torch._C._enter_dual_level` is not allowed"),
    (_sg_by_aten_dual, "`torch._C._enter_dual_level` is not allowed"),
    (lambda s, t, eps: torch.func.jacrev(_sg_loss(t, eps))(s), "`torch.func.jacrev` is not allowed"),
    (lambda s, t, eps: torch.func.grad_and_value(_sg_loss(t, eps))(s)[0], "`torch.func.grad_and_value` is not allowed"),
    (lambda s, t, eps: torch.func.vjp(_sg_loss(t, eps), s)[1](torch.ones((), dtype=s.dtype))[0],
     "`torch.func.vjp` is not allowed"),
    (lambda s, t, eps: torch.autograd.functional.jacobian(_sg_loss(t, eps), s),
     "`torch.autograd.functional.jacobian` is not allowed"),
    (lambda s, t, eps: torch.autograd.functional.vjp(_sg_loss(t, eps), s)[1],
     "`torch.autograd.functional.vjp` is not allowed"),
    (lambda s, t, eps: torch.stack([torch.autograd.functional.jvp(_sg_loss(t, eps), s, d)[1]
                                    for d in _directions(s)]).reshape(s.shape),
     "`torch.autograd.functional.jvp` is not allowed"),
    (_sg_autograd, "`torch.Tensor.backward` is not allowed in this exercise"),
    (_sg_by_autograd_grad, "`torch.autograd.grad` is not allowed in this exercise"),
    (lambda s, t, eps: torch.func.grad(lambda z: F.cross_entropy(z, t, label_smoothing=eps))(s),
     "`torch.func.grad` is not allowed"),
]

SG_RIGHT = [
    _sg_solution,
    _sg_with(_smooth),
    _sg_with(lambda oh, eps: oh - eps * (oh - 1 / oh.shape[1])),  # the same target, rearranged
    lambda s, t, eps: (scratch.softmax(s, dim=1) - _smooth(F.one_hot(t, s.shape[1]).to(s.dtype), eps)) / s.shape[0],
    lambda s, t, eps: torch.stack([_sg_solution(s[i:i + 1], t[i:i + 1], eps)[0] for i in range(len(t))]) / len(t),
]

SG_WRONG = [
    (_sg_with(lambda oh, eps: oh), "it ignores eps"),
    (_sg_with(_smooth, divide=lambda s: 1), "it is the gradient of the SUM over the examples"),
    (_sg_with(_smooth, divide=lambda s: s.shape[1]), "it divides by the number of classes C"),
    (lambda s, t, eps: -_sg_solution(s, t, eps), "the sign is flipped"),
    (_sg_with(lambda oh, eps: (1 - eps) * oh + eps / (oh.shape[1] - 1) * (1 - oh)),
     "it spreads eps / (C - 1) over the other classes only"),
    (_sg_with(lambda oh, eps: (1 - eps) * oh), "the eps / C that every class gets in the smoothed target is missing"),
    (_sg_with(_smooth, probs_of=lambda s: F.log_softmax(s, dim=1)), "it uses the log-probabilities"),
    (_sg_with(_smooth, probs_of=lambda s: F.softmax(s, dim=0)), "it normalises along dimension 0"),
    (_sg_with(_smooth, probs_of=lambda s: s.exp() / s.exp().sum(1, keepdim=True)),
     "on large scores (around 1000 and -1000), eps=0.1: your result contains nan"),
    (lambda s, t, eps: _sg_solution(s.float(), t, eps), "dtype torch.float32, but dtype torch.float64 was expected"),
    (lambda s, t, eps: _sg_solution(s, t, eps).sum(dim=0), "the result has shape"),
    (_sg_in_place, "your function changed its input `scores` in place"),
    *SG_AUTOGRAD,
]


@pytest.mark.parametrize("answer", [answer for answer, _ in SG_AUTOGRAD])
def test_smoothed_gradient_autograd_answers_are_right(answer):
    """Each autograd answer gives the right gradient unguarded: only the rule rejects it."""
    for case in nb03.smoothed_gradient.cases:
        torch.testing.assert_close(answer(*copy.deepcopy(case.args)), nb03._smoothed_grad(*case.args))


def test_smoothed_gradient_reference_is_autograd():
    for case in nb03.smoothed_gradient.cases:
        torch.testing.assert_close(nb03._smoothed_grad(*case.args), _sg_autograd(*case.args))
        torch.testing.assert_close(_sg_solution(*case.args), _sg_autograd(*case.args))


def test_smoothed_gradient_mistakes_are_told_apart():
    for case in nb03.smoothed_gradient.cases:
        want = nb03._smoothed_grad(*case.args).double()
        mistakes = [(v.double(), why) for v, why in nb03._smoothed_grad_mistakes(*case.args)]
        mistakes = [(v, why) for v, why in mistakes if not (v.shape == want.shape and (v - want).abs().max() < 1e-6)]
        for v, why in mistakes:
            assert (v - want).abs().max() > 1e-3, (case.label, why)
        for i, (a, why_a) in enumerate(mistakes):
            for b, why_b in mistakes[i + 1:]:
                assert (a - b).abs().max() > 1e-3, (case.label, why_a, why_b)


# --- All: the tables test_exercises_all.py runs, no leak ---------------------------------------
WRONG = {nb03.stable_log_softmax: LOG_SOFTMAX_WRONG, nb03.nll_by_hand: NLL_WRONG, nb03.masked_cross_entropy: CE_WRONG,
         nb03.smoothed_gradient: SG_WRONG}
ALTERNATIVES = {nb03.stable_log_softmax: LOG_SOFTMAX_RIGHT, nb03.nll_by_hand: NLL_RIGHT,
                nb03.masked_cross_entropy: CE_RIGHT, nb03.smoothed_gradient: SG_RIGHT}
STUBS = [
    pytest.param(nb03.stable_log_softmax, _stub, id="log-softmax-stub"),
    pytest.param(nb03.nll_by_hand, None, id="nll-None"),
    pytest.param(nb03.masked_cross_entropy, _ce_stub, id="cross-entropy-stub"),
    pytest.param(nb03.smoothed_gradient, _sg_stub, id="smoothed-gradient-stub"),
]


def test_a_wrong_answer_never_shows_the_reference_values():
    x = nb03.stable_log_softmax.cases[0].args[0]
    want = nb03._log_softmax(x)
    message = nb03.stable_log_softmax.check(lambda x: x - x.amax(dim=-1, keepdim=True) - 1.0).message()
    for value in want.tolist():
        assert f"{value:.3f}" not in message and f"{value:.4f}" not in message


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb03.stable_log_softmax: _shift,
    nb03.nll_by_hand: 1.5,
    nb03.masked_cross_entropy: CE_WRONG[1][0],  # divides by every position, padding included
    nb03.smoothed_gradient: SG_WRONG[0][0],  # ignores eps
}
