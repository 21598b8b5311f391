"""Exercises of notebook 03 (softmax and NLL)."""
import math

import torch

from course_utils import scratch
from course_utils.checks import Case, Exercise


_log_softmax = scratch.log_softmax  # the reference: the course's stable, from-scratch log_softmax


stable_log_softmax = Exercise(
    "Exercise 1 (a stable log_softmax)",
    reference=_log_softmax,
    cases=[
        Case((torch.tensor([1.3800, -1.3505, 0.3455, 0.5046, 1.8213]),), label="the tutorial's five numbers"),
        Case((torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),), label="a batch of 2 rows (work along the last dim)"),
        Case((torch.tensor([1000.0, 1001.0, 1002.0]),), label="large inputs [1000, 1001, 1002]"),
        Case((torch.tensor([[-1000.0, 0.0, 5.0], [1000.0, -1000.0, 999.0]]),), label="inputs of magnitude 1000 in a batch"),
    ],
    hint="log_softmax(x) = x - log(sum(exp(x))); subtract each row's largest entry "
         "(x.amax(dim=-1, keepdim=True)) before exponentiating: it cancels out, and exp cannot overflow",
)

# Exercise 2: the probabilities a model gave two examples, and their correct classes.
NLL_PROBS = ((0.7, 0.2, 0.1), (0.25, 0.5, 0.25))
NLL_TARGETS = (0, 2)
_NLL = -(math.log(NLL_PROBS[0][NLL_TARGETS[0]]) + math.log(NLL_PROBS[1][NLL_TARGETS[1]])) / 2

nll_by_hand = Exercise(
    "Exercise 2 (an NLL by hand)",
    reference=_NLL,
    hint="take -log(p) of the CORRECT class of each example (natural log, math.log), then the mean over the 2 examples",
    atol=1e-3,
    rtol=1e-3,
)
