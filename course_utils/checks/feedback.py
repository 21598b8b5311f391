"""Feedback: the verdict on one answer, shown as a short, friendly message."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass
class Feedback:
    """The result of checking one answer.

    exercise:      the exercise's name
    passed, total: how many of its cases passed
    problem:       what went wrong on the first failing case (None when all passed)
    hint:          shown after a failed attempt; never the solution
    attempted:     False for the untouched stub (then no hint and no count of cases)
    todo:          what the message tells the student to do with the untouched stub
    """

    exercise: str
    passed: int
    total: int
    problem: str | None = None
    hint: str | None = None
    attempted: bool = True
    todo: str = "Replace the `...` with your code, then run the cell again."  # what to do with the stub

    @property
    def ok(self) -> bool:
        return self.attempted and self.passed == self.total and self.problem is None

    def __bool__(self) -> bool:
        return self.ok

    def message(self) -> str:
        if not self.attempted:
            return f"✏️ {self.exercise}: not attempted yet. {self.todo}"
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
        colour = "#e6f4ea" if self.ok else "#fdecea" if self.attempted else "#f1f3f4"
        body = escape(self.message()).replace("\n", "<br>")
        return f'<div style="background:{colour};padding:6px 10px;border-radius:4px;font-family:monospace">{body}</div>'
