"""Exercises of notebook 00 (welcome)."""
import torch

from course_utils.checks import Case, Exercise


safe_matrix = Exercise(
    "Exercise 1 (an initialised matrix)",
    reference=torch.zeros,
    cases=[Case((1, 5)), Case((3, 2)), Case((0, 4), label="an empty matrix (0 rows)")],
    hint="torch.Tensor(rows, cols) is uninitialised memory; which function gives a matrix of zeros?",
)


def _reproducible(fn) -> str | None:
    """Call the student's function twice: same non-zero numbers both times?"""
    if not callable(fn):
        return f"expected a function, got a {type(fn).__name__}"
    first, second = fn(), fn()
    if first is None:
        return "your function returned None: replace the `...` with your code and `return` the result"
    if not isinstance(first, torch.Tensor):
        return f"your function returned a {type(first).__name__}, but a torch.Tensor was expected"
    if first.shape != (3,):
        return f"the result has shape {tuple(first.shape)}, but shape (3,) was expected"
    if not torch.equal(first, second):
        return "two calls gave different numbers: seed the generator inside the function"
    if torch.equal(first, torch.zeros(3)):
        return "the numbers are all zero: draw them with torch.randn"
    return None


reproducible_draw = Exercise(
    "Exercise 2 (reproducible numbers)",
    reference=None,
    check_fn=_reproducible,
    hint="call torch.manual_seed(...) inside the function, before torch.randn(3)",
)
