"""Exercise feedback: check a student's answer against a reference, kindly.

An `Exercise` holds a reference (a function or a value), a few test cases and
a hint. `exercise.check(answer)` runs the answer on every case and returns a
`Feedback`: how many cases passed, what went wrong on the first failing case
(type, shape, dtype, or how far the values are off) and the hint. It never
shows the reference's output, so it never gives the solution away.
"""
from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import torch

from course_utils._validate import type_name

@dataclass(frozen=True)
class Case:
    """One input to try a student's function on.

    args, kwargs: what the function is called with (copied for every call)
    label:        how the case is described to the student, e.g. "a 2x3 matrix"
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""

    def describe(self) -> str:
        if self.label:
            return self.label
        parts = [_describe(a) for a in self.args] + [f"{k}={_describe(v)}" for k, v in self.kwargs.items()]
        return "input (" + ", ".join(parts) + ")"


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)}"
    text = repr(value)
    if len(text) <= 40:
        return text
    return f"{type_name(value)} of length {len(value)}" if hasattr(value, "__len__") else type_name(value)


@dataclass
class Feedback:
    """The result of checking one answer; displays itself as a friendly message."""

    exercise: str
    passed: int
    total: int
    problem: str | None = None  # what went wrong on the first failing case
    hint: str | None = None

    @property
    def ok(self) -> bool:
        return self.passed == self.total and self.problem is None

    def __bool__(self) -> bool:
        return self.ok

    def message(self) -> str:
        if self.ok:
            cases = "the check" if self.total == 1 else f"all {self.total} cases"
            return f"✅ {self.exercise}: {cases} passed. Well done!"
        lines = [f"❌ {self.exercise}: {self.passed} of {self.total} passed."]
        if self.problem:
            lines.append(f"   {self.problem}")
        if self.hint:
            lines.append(f"   Hint: {self.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.message()

    def _repr_html_(self) -> str:
        colour = "#e6f4ea" if self.ok else "#fdecea"
        body = escape(self.message()).replace("\n", "<br>")
        return f'<div style="background:{colour};padding:6px 10px;border-radius:4px;font-family:monospace">{body}</div>'


def compare(got: Any, want: Any, *, atol: float = 1e-5, rtol: float = 1e-4) -> str | None:
    """Describe how `got` differs from `want` without revealing `want`'s values; None if they match."""
    if got is None and want is not None:
        return "it returned None: replace the `...` with your code and `return` the result"
    if isinstance(want, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return f"it returned a {type_name(got)}, but a torch.Tensor was expected"
        if got.shape != want.shape:
            return f"the result has shape {tuple(got.shape)}, but shape {tuple(want.shape)} was expected"
        if got.is_floating_point() != want.is_floating_point():
            kind = "floating-point" if want.is_floating_point() else "integer"
            return f"the result has dtype {got.dtype}, but an {kind} tensor was expected"
        got_d, want_d = got.detach().to("cpu", torch.float64), want.detach().to("cpu", torch.float64)
        if not torch.allclose(got_d, want_d, atol=atol, rtol=rtol, equal_nan=True):
            diff = (got_d - want_d).abs().nan_to_num(nan=math.inf).max().item()
            return f"the values are off (largest difference {diff:.3g})"
        return None
    if isinstance(want, bool) or want is None:
        return None if got is want or got == want else "the answer is not right yet"
    if isinstance(want, (int, float)):
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return f"it returned a {type_name(got)}, but a number was expected"
        if not math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
            return "the number is not right yet"
        return None
    if isinstance(want, (list, tuple)) and isinstance(got, (list, tuple)):
        if len(got) != len(want):
            return f"it returned {len(got)} items, but {len(want)} were expected"
        for i, (g, w) in enumerate(zip(got, want)):
            problem = compare(g, w, atol=atol, rtol=rtol)
            if problem:
                return f"item {i}: {problem}"
        return None
    if type(got) is not type(want):
        return f"it returned a {type_name(got)}, but a {type_name(want)} was expected"
    return None if got == want else "the answer is not right yet"


class Exercise:
    """An exercise with a reference answer, checked on several cases.

    name:      shown in the feedback, e.g. "Exercise 1 (row of ones)"
    reference: the reference function, or the expected value for a value exercise
    cases:     inputs for a function exercise; leave empty for a value exercise
    hint:      shown when an answer fails
    check_fn:  optional check `check_fn(answer) -> str | None` run first
               (e.g. gradcheck on a custom backward); returns a problem or None.
               With reference=None and no cases, it is the whole check.
    atol, rtol: tolerances for numbers and tensors
    """

    def __init__(
        self,
        name: str,
        reference: Any,
        cases: Sequence[Case] = (),
        *,
        hint: str | None = None,
        check_fn: Callable[[Any], str | None] | None = None,
        atol: float = 1e-5,
        rtol: float = 1e-4,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty str, got {name!r}")
        if cases and not callable(reference):
            raise TypeError("reference must be a function when cases are given")
        for i, case in enumerate(cases):
            if not isinstance(case, Case):
                raise TypeError(f"cases[{i}] must be a Case, got {type_name(case)}")
        self.name, self.reference, self.cases = name, reference, tuple(cases)
        self.hint, self.check_fn, self.atol, self.rtol = hint, check_fn, atol, rtol

    def __repr__(self) -> str:
        kind = f"{len(self.cases)} cases" if self.cases else "a value"
        return f"Exercise({self.name!r}, checks {kind})"

    def _not_attempted(self, total: int) -> Feedback:
        return Feedback(self.name, 0, total, "not attempted yet: replace the `...` with your answer.", self.hint)

    def check(self, answer: Any) -> Feedback:
        """Check `answer` (a function for a function exercise, else a value)."""
        if answer is ... or (answer is None and not self.cases and self.reference is not None):
            return self._not_attempted(max(len(self.cases), 1))
        if self.check_fn is not None:
            try:
                problem = self.check_fn(answer)
            except NotImplementedError:
                return self._not_attempted(max(len(self.cases), 1))
            except Exception as exc:  # a student's error is feedback, not a crash
                problem = f"the check raised {type(exc).__name__}: {exc}"
            if problem:
                return Feedback(self.name, 0, max(len(self.cases), 1), problem, self.hint)
            if self.reference is None and not self.cases:
                return Feedback(self.name, 1, 1)
        if not self.cases:
            problem = compare(answer, self.reference, atol=self.atol, rtol=self.rtol)
            return Feedback(self.name, int(problem is None), 1, problem, self.hint if problem else None)
        if not callable(answer):
            return Feedback(self.name, 0, len(self.cases), f"expected a function, got a {type_name(answer)}", self.hint)
        passed = 0
        for case in self.cases:
            want = self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            try:
                got = answer(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            except NotImplementedError:
                return self._not_attempted(len(self.cases))
            except Exception as exc:
                problem = f"on {case.describe()}, your function raised {type(exc).__name__}: {exc}"
                return Feedback(self.name, passed, len(self.cases), problem, self.hint)
            if got is ...:
                return self._not_attempted(len(self.cases))
            problem = compare(got, want, atol=self.atol, rtol=self.rtol)
            if problem:
                return Feedback(self.name, passed, len(self.cases), f"on {case.describe()}: {problem}", self.hint)
            passed += 1
        return Feedback(self.name, passed, len(self.cases))
