"""Checks: shape asserts, and automatic feedback on exercises (a teacher's verdict)."""
from course_utils.checks.compare import compare
from course_utils.checks.exercise import Case, Exercise, Runner
from course_utils.checks.feedback import Feedback
from course_utils.checks.guards import NotAttempted, StudentError, call_student, forbid, record_aten_ops
from course_utils.checks.shapes import assert_shape

__all__ = [
    "Case", "Exercise", "Feedback", "NotAttempted", "Runner", "StudentError",
    "assert_shape", "call_student", "compare", "forbid", "record_aten_ops",
]
