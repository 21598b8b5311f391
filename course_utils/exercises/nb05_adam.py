"""Notebook 05, exercise 3: Adam from scratch, step for step the same as torch.optim.Adam.

(Kept apart from nb05.py so each exercise stays readable; nb05 imports `adam_from_scratch` from here.)
The checker feeds fixed gradient sequences (no model, no autograd) to the student's optimizer and to
torch.optim.Adam and compares the parameters after every step. Each case is built so that one typical
mistake shows: eps large against small gradients (eps inside the square root, the paper's "efficient"
form), a parameter that gets its first gradient late (a step count shared by all parameters), betas far
from the defaults (swapped betas, a missing or wrongly powered bias correction).
"""

from __future__ import annotations

import math
from typing import Any

import torch

from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, NotAttempted, StudentError, compare
from course_utils.checks.compare import article
from course_utils.checks.guards import is_empty_function

__all__ = ["adam_from_scratch"]


class _MyAdamStub:
    """The notebook's stub (untouched: "not attempted yet")."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.state = [{} for _ in self.params]  # one dict per parameter: keep its m, v and step count here

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        ...  # your code here: update every parameter whose .grad is not None


# label, hyper-parameters, the starting values of the parameters, and for each parameter the step it
# first gets a gradient (1 = from the start), gradient scale; 6 steps each.
_STEPS = 6
_ADAM_CASES = [
    Case((dict(lr=0.1), [[1.0, -2.0, 0.5]], [1], [1.0]), label="one parameter, torch's defaults but lr = 0.1"),
    Case((dict(lr=0.05, betas=(0.5, 0.8)), [[0.3, -1.0], [2.0]], [1, 1], [1.0, 3.0]),
         label="two parameters, betas = (0.5, 0.8)"),
    Case((dict(lr=0.01, eps=1e-3), [[0.5, 0.5, -0.5]], [1], [1e-3]),
         label="small gradients (about 0.001) and eps = 0.001"),
    Case((dict(lr=0.1), [[1.0, 2.0], [-1.0, 0.5]], [1, 4], [1.0, 1.0]),
         label="two parameters, the second gets its first gradient at step 4 (before that its .grad is None)"),
]


def _gradients(case: Case) -> list[list[torch.Tensor | None]]:
    """grads[step][i]: the gradient of parameter i at that step (None before its first one); seeded."""
    _, starts, first, scale = case.args
    gen = torch.Generator().manual_seed(13)
    grads = []
    for step in range(1, _STEPS + 1):
        row = []
        for values, first_step, s in zip(starts, first, scale, strict=True):
            g = torch.randn(len(values), generator=gen, dtype=torch.float64) * s
            row.append(g if step >= first_step else None)
        grads.append(row)
    return grads


def _variant_adam(params: list[torch.Tensor], grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, *, mistake=None):
    """Adam as torch does it (mistake=None), or with one typical mistake; returns the parameters after each step."""
    b1, b2 = betas
    state = [{"m": torch.zeros_like(p), "v": torch.zeros_like(p), "t": 0} for p in params]
    shared_t, history = 0, []
    for row in grads:
        shared_t += 1
        for p, g, s in zip(params, row, state, strict=True):
            if g is None:
                continue
            s["t"] += 1
            t = shared_t if mistake == "shared step" else s["t"]
            if mistake == "swapped betas":
                b1, b2 = betas[1], betas[0]
            s["m"] = b1 * s["m"] + (1 - b1) * g
            s["v"] = b2 * s["v"] + (1 - b2) * g * g
            power = t + 1 if mistake == "power t+1" else t
            c1 = 1 - b1**power if mistake not in ("no bias correction", "no correction of m") else 1.0
            c2 = 1 - b2**power if mistake not in ("no bias correction", "no correction of v") else 1.0
            if mistake == "eps inside sqrt":
                denom = (s["v"] / c2 + eps).sqrt()
            elif mistake == "efficient form":
                denom = (s["v"].sqrt() + eps) / math.sqrt(c2)
            else:
                denom = s["v"].sqrt() / math.sqrt(c2) + eps
            p -= lr / c1 * s["m"] / denom
        history.append(torch.cat([p.flatten() for p in params]).clone())
    return history


_MISTAKES = {
    "no bias correction": "there is no bias correction: m and v start at zero, so in the first steps they are "
    "too small, and without dividing by (1 - beta ** t) the early steps are the wrong size",
    "no correction of m": "v is bias-corrected but m is not: both start at zero and both need their correction",
    "no correction of v": "m is bias-corrected but v is not: both start at zero and both need their correction",
    "power t+1": "the bias correction uses the wrong power of beta: at the first step (t = 1) the correction must "
    "turn m_1 = (1 - beta1) g_1 back into exactly g_1",
    "eps inside sqrt": "eps is inside the square root: the rule adds eps to the square root of the corrected v, "
    "which matters when the gradients are not much larger than eps",
    "efficient form": "eps is added before the square root of v is bias-corrected (the Adam paper's 'efficient' "
    "form, with a differently scaled eps): torch.optim.Adam and the rule above add eps after the correction",
    "shared step": "every parameter uses the same step count: t must count the steps in which *this* parameter "
    "had a gradient (torch keeps it in each parameter's state), so a parameter that gets its first gradient "
    "late starts at t = 1",
    "swapped betas": "the two betas are swapped: betas[0] is the decay of m (the mean), betas[1] of v",
}


def _torch_adam(case: Case, grads) -> list[torch.Tensor]:
    hyper, starts, _, _ = case.args
    params = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in starts]
    optimizer = torch.optim.Adam(params, **hyper)
    history = []
    for row in grads:
        for p, g in zip(params, row, strict=True):
            p.grad = None if g is None else g.clone()
        optimizer.step()
        history.append(torch.cat([p.detach().flatten() for p in params]).clone())
    return history


def _diagnose(got: list[torch.Tensor], case: Case, grads) -> str | None:
    """The one typical mistake whose parameters match the student's after every step, if exactly one does."""
    hyper, starts, _, _ = case.args
    want = _torch_adam(case, grads)
    matches = []
    for mistake, why in _MISTAKES.items():
        params = [torch.tensor(v, dtype=torch.float64) for v in starts]
        wrong = _variant_adam(params, grads, **hyper, mistake=mistake)
        differs = any(not torch.allclose(a, b, atol=1e-7, rtol=0) for a, b in zip(wrong, want, strict=True))
        if differs and all(torch.allclose(a, b, atol=1e-6, rtol=1e-5) for a, b in zip(got, wrong, strict=False)):
            matches.append(why)
    return matches[0] if len(matches) == 1 else None


def _why_not_moved(now: torch.Tensor, before: torch.Tensor, step: int) -> str | None:
    """The two mistakes that show at once: parameters that did not move, or that became nan or inf."""
    if not bool(torch.isfinite(now).all()):
        return ("a parameter became nan or inf" + (": does the bias correction divide by zero? At the first step "
                "t = 1, and 1 - beta ** t must not be 0" if step == 1 else ""))
    if torch.equal(now, before):
        return ("the parameters did not change: step() must update the tensors it was given in place (under "
                "torch.no_grad()), not build new tensors and keep them elsewhere")
    return None


def _check_adam(answer: Any, run: Any) -> list[tuple[str, str | None]]:
    if not isinstance(answer, type):
        raise StudentError(f"expected a class (the optimizer MyAdam), got {article(type_name(answer))}")
    if is_empty_function(getattr(answer, "step", None)):
        raise NotAttempted
    results = []
    for case in _ADAM_CASES:
        hyper, starts, _, _ = case.args
        grads = _gradients(case)
        want = _torch_adam(case, grads)
        params = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in starts]
        try:
            optimizer = run(answer, params, **hyper, who="MyAdam(...)")
        except StudentError as exc:
            results.append((case.describe(), str(exc)))
            continue
        got, problem = [], None
        for step, row in enumerate(grads, start=1):
            for p, g in zip(params, row, strict=True):
                p.grad = None if g is None else g.clone()
            with torch.no_grad():
                try:
                    run(optimizer.step, who="your step()")
                except StudentError as exc:
                    problem = str(exc)
                    break
            changed = [i for i, (p, g) in enumerate(zip(params, row, strict=True))
                       if g is not None and not (p.grad is not None and torch.equal(p.grad, g))]
            if changed:
                problem = (f"at step {step}, step() changed the gradient (.grad) of parameter {changed[0]}: an "
                           "optimizer reads the gradient and must leave it as it is (use new tensors, not "
                           "in-place operations on p.grad)")
                break
            if any(p.dtype != torch.float64 for p in params):
                problem = "step() replaced a parameter by a tensor of another dtype: update it in place"
                break
            before = got[-1] if got else torch.cat([torch.tensor(v, dtype=torch.float64) for v in starts])
            got.append(torch.cat([p.detach().flatten() for p in params]).clone())
            mismatch = compare(got[-1], want[step - 1], atol=1e-6, rtol=1e-5)
            if mismatch is not None:
                problem = f"after step {step}, the parameters differ from torch.optim.Adam's: " + (
                    _why_not_moved(got[-1], before, step) or _diagnose(got, case, grads) or mismatch)
                break
        results.append((case.describe(), problem))
    return results


adam_from_scratch = Exercise(
    "Exercise 3 (Adam from scratch)",
    reference=None,
    check_fn=_check_adam,
    forbidden=[
        "torch.optim.Adam",
        "torch.optim.AdamW",
        "torch.optim.adam.adam",
        "torch.optim._functional.adam",
        "course_utils.scratch.optimizers.ScratchAdam",
    ],
    rule="write the update yourself from Adam's rule: no torch.optim.Adam (nor AdamW, nor the functional "
    "torch.optim._functional.adam) and no ScratchAdam",
    hints=[
        "Adam keeps, for each parameter, two running averages that start at zero: one of the gradient (m) and "
        "one of its square (v). Because they start at zero they are too small in the first steps; the rule "
        "corrects both for that before the parameter moves.",
        "Walk through the rule for Adam in 'The update rules' for one parameter and one step: which quantities "
        "must be remembered until the next step, and which t does the correction of *this* parameter use? "
        "Then check where eps goes: inside or outside the square root?",
        "Test it yourself: give two tensors to your MyAdam and to torch.optim.Adam, set the same .grad on both "
        "(leave one tensor's .grad at None for the first steps), call step() a few times and print the "
        "difference after each step.",
    ],
)
