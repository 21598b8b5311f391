"""Checks: shape asserts, and automatic feedback on exercises."""
from course_utils.checks.exercises import Case, Exercise, Feedback, compare
from course_utils.checks.shapes import assert_shape

__all__ = ["Case", "Exercise", "Feedback", "assert_shape", "compare"]
