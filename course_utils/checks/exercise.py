"""Exercises: check a student's answer against a reference, as a teacher would.

An `Exercise` runs the answer on every case under the guards of `checks.guards` (no forbidden
function, no uninitialised memory, inputs left unchanged) and compares each result with the
reference's. Its `Feedback` says how many cases passed, what went wrong on the first failing one, and,
after a failed attempt, a hint: conceptual first, more specific when the student keeps trying. Nothing
it says contains the reference's output or the solution's code. Checking never changes the caller's
random-number state.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from course_utils._validate import type_name
from course_utils.checks.compare import article, compare
from course_utils.checks.feedback import Feedback
from course_utils.checks.guards import NotAttempted, StudentError, call_student, is_empty_function, resolve, same_code

# What a check_fn returns: None (passed), a problem, or one (label, problem-or-None) per case.
CheckResult = None | str | Sequence[tuple[str, str | None]]


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


class Runner:
    """Calls the student's code under one exercise's rules; what a check_fn receives as `run`."""

    def __init__(self, exercise: Exercise, answer: Any) -> None:
        self.exercise, self.answer = exercise, answer

    def __call__(self, fn: Callable[..., Any], *args: Any, who: str = "your function", **kwargs: Any) -> Any:
        """fn(*args, **kwargs) under the guards; raises StudentError (caught by the exercise) on a problem."""
        ex = self.exercise
        return call_student(
            fn, *args, forbidden=ex.forbidden, rule=ex.rule, modifies_inputs=ex.modifies_inputs,
            who=who, answer=self.answer, probe_uninitialised=ex.probe_uninitialised, **kwargs,
        )


class Exercise:
    """An exercise with a reference answer, checked on several cases.

    name:            shown in the feedback, e.g. "Exercise 1 (row of ones)"
    reference:       the reference function (with cases), or the expected value (a value exercise)
    cases:           inputs for a function exercise; leave empty for a value exercise or a check_fn
    hints:           shown after failed attempts, one more specific each time (the last one repeats);
                     never the solution's code
    check_fn:        `check_fn(answer, run) -> None | problem | [(label, problem-or-None), ...]`, for
                     checks that are not "same output as the reference"; it must call the student's code
                     through `run(fn, *args)` so the guards apply, and may raise NotAttempted
    forbidden:       dotted names of the functions the task forbids, e.g. "torch.nn.functional.log_softmax"
    rule:            the task's rule in words, shown when the answer calls a forbidden function
    modifies_inputs: True when the task *is* an in-place update (inputs are then not compared)
    stub:            the untouched stub when it is not `...` (e.g. a buggy loop to fix): the same code is
                     "not attempted yet"
    nan_note:        added to the message when the result contains nan, e.g. "uninitialised memory?"
    probe_uninitialised: run every case a second time with new memory filled with a finite marker: catches
                     answers that build on uninitialised memory and then remove the nan (e.g. nan_to_num)
    strict:          numbers must have the expected Python type (see `compare`); value exercises are lenient
    atol, rtol:      tolerances for numbers and tensors
    """

    def __init__(
        self,
        name: str,
        reference: Any = None,
        cases: Sequence[Case] = (),
        *,
        hints: Sequence[str] = (),
        check_fn: Callable[[Any, Runner], CheckResult] | None = None,
        forbidden: Sequence[str] = (),
        rule: str = "",
        modifies_inputs: bool = False,
        stub: Any = None,
        nan_note: str | None = None,
        probe_uninitialised: bool = False,
        strict: bool = True,
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
        if isinstance(hints, str) or not all(isinstance(h, str) and h for h in hints):
            raise TypeError("hints must be a list of non-empty strings (conceptual first, more specific later)")
        if check_fn is not None and not callable(check_fn):
            raise TypeError(f"check_fn must be a function check_fn(answer, run), got {type_name(check_fn)}")
        if forbidden and not rule:
            raise ValueError("rule must say, in words, why the forbidden functions are not allowed")
        for name_ in forbidden:
            resolve(name_)  # fails now, not when a student runs the check
        self.name, self.reference, self.cases = name, reference, tuple(cases)
        self.hints, self.check_fn = tuple(hints), check_fn
        self.forbidden, self.rule, self.modifies_inputs = tuple(forbidden), rule, modifies_inputs
        self.stub, self.nan_note, self.strict, self.atol, self.rtol = stub, nan_note, strict, atol, rtol
        self.probe_uninitialised = probe_uninitialised
        self.attempts = 0  # failed attempts so far, in this kernel: picks the hint

    def __repr__(self) -> str:
        kind = f"{len(self.cases)} cases" if self.cases else "a value" if self.check_fn is None else "a custom check"
        return f"Exercise({self.name!r}, checks {kind})"

    @property
    def total(self) -> int:
        return max(len(self.cases), 1)

    def reset(self) -> None:
        """Forget the failed attempts (the hints start again from the first)."""
        self.attempts = 0

    def check(self, answer: Any) -> Feedback:
        """Check `answer` (a function for a function exercise, else a value); never changes the caller's RNG."""
        if self._is_stub(answer):
            return self._not_attempted()
        with torch.random.fork_rng(devices=[]):
            try:
                passed, total, problem = self._run(answer)
            except NotAttempted:
                return self._not_attempted()
        if problem is None:
            return Feedback(self.name, passed, total)
        if "contains nan" in problem and self.nan_note:
            problem = f"{problem}: {self.nan_note}"
        self.attempts += 1
        hint = self.hints[min(self.attempts, len(self.hints)) - 1] if self.hints else None
        return Feedback(self.name, passed, total, problem, hint)

    def _not_attempted(self) -> Feedback:
        todo = "Fix the code, then run the cell again." if self.stub is not None else None
        return Feedback(self.name, 0, self.total, attempted=False, **({"todo": todo} if todo else {}))

    def _is_stub(self, answer: Any) -> bool:
        if answer is ...:
            return True
        if answer is None and not self.cases and self.check_fn is None and self.reference is not None:
            return True
        if self.stub is not None and same_code(answer, self.stub):
            return True
        return callable(answer) and not isinstance(answer, type) and is_empty_function(answer)

    def _run(self, answer: Any) -> tuple[int, int, str | None]:
        """(cases passed, cases, the first problem or None)."""
        run = Runner(self, answer)
        if self.check_fn is not None:
            try:
                result = self.check_fn(answer, run)
            except StudentError as exc:
                return 0, self.total, str(exc)
            if result is None:
                return self.total, self.total, None
            if isinstance(result, str):
                return 0, self.total, result
            problems = [f"on {label}: {p}" for label, p in result if p]
            return len(result) - len(problems), len(result), problems[0] if problems else None
        if not self.cases:
            problem = compare(answer, self.reference, atol=self.atol, rtol=self.rtol, strict=False)
            return int(problem is None), 1, problem
        if not callable(answer):
            return 0, len(self.cases), f"expected a function, got {article(type_name(answer))}"
        passed, first = 0, None
        for case in self.cases:
            want = self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            try:
                got = run(answer, *copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
                if got is ...:
                    raise NotAttempted
                problem = compare(got, want, atol=self.atol, rtol=self.rtol, strict=self.strict)
            except StudentError as exc:
                problem = str(exc)
            if problem is None:
                passed += 1
            elif first is None:
                first = f"on {case.describe()}: {problem}"
        return passed, len(self.cases), first
