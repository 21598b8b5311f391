import pytest
import torch

from course_utils.checks import Case, Exercise, Feedback, assert_shape, compare
from course_utils.exercises import nb00


def test_assert_shape_accepts_matching_shapes_and_wildcards():
    assert_shape(torch.zeros(3, 5), (3, 5))
    assert_shape(torch.zeros(3, 5), (None, 5))
    assert_shape(torch.zeros(7), [None])


@pytest.mark.parametrize(
    "tensor, expected, message",
    [
        (torch.zeros(5, 3), (None, 5), r"x has shape \(5, 3\), expected \(\*, 5\)"),
        (torch.zeros(5), (5, 1), r"x has shape \(5,\), expected \(5, 1\)"),
        (torch.zeros(2, 3, 4), (2, 3), r"shape \(2, 3, 4\)"),
    ],
)
def test_assert_shape_mismatch_shows_expected_and_actual(tensor, expected, message):
    with pytest.raises(ValueError, match=message):
        assert_shape(tensor, expected, name="x")


@pytest.mark.parametrize(
    "args, error, match",
    [
        (([1, 2], (2,)), TypeError, "tensor must be a torch.Tensor"),
        ((torch.zeros(2), 2), TypeError, "expected must be a tuple"),
        ((torch.zeros(2), "2"), TypeError, "expected must be a tuple"),
        ((torch.zeros(2), (2.0,)), TypeError, r"expected\[0\]"),
        ((torch.zeros(2), (-1,)), TypeError, r"expected\[0\]"),
    ],
)
def test_assert_shape_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        assert_shape(*args)


def square(x):
    return x * x


SQUARE = Exercise("square", square, [Case((torch.tensor([1.0, 2.0]),)), Case((torch.tensor([[123.456]]),), label="a 1x1 matrix")], hint="multiply x by itself")


def test_correct_function_passes_every_case():
    fb = SQUARE.check(lambda x: x**2)
    assert fb.ok and bool(fb) and fb.passed == fb.total == 2
    assert "all 2 cases passed" in repr(fb)


def test_wrong_values_report_first_failing_case_without_the_answer():
    fb = SQUARE.check(lambda x: x + 1)
    assert not fb.ok and fb.passed == 0
    text = repr(fb)
    assert "values are off" in text and "Hint: multiply x by itself" in text
    fb = SQUARE.check(lambda x: x * x if x.numel() > 1 else x)
    assert fb.passed == 1 and "on a 1x1 matrix" in repr(fb)
    assert "15241" not in repr(fb)  # 123.456**2 = 15241.38...: never shown


@pytest.mark.parametrize(
    "answer, problem",
    [
        (..., "not attempted yet"),
        (lambda x: None, "returned None"),
        (lambda x: [1.0, 4.0], "returned a list, but a torch.Tensor"),
        (lambda x: x.sum(), "shape ()"),
        (lambda x: torch.ones_like(x, dtype=torch.long), "dtype torch.int64"),
        (lambda x: 1 / 0, "raised ZeroDivisionError"),
        (lambda x: (_ for _ in ()).throw(NotImplementedError), "not attempted yet"),
        (3, "expected a function"),
    ],
)
def test_each_kind_of_mistake_gets_a_specific_message(answer, problem):
    fb = SQUARE.check(answer)
    assert not fb.ok and problem in repr(fb)


def test_student_cannot_mutate_the_cases():
    def mutating(x):
        x.mul_(x)
        return x

    assert SQUARE.check(mutating).ok
    assert SQUARE.check(mutating).ok  # cases are copied, so the second run still passes


def test_value_exercise():
    ex = Exercise("answer", 42.0, hint="six times seven")
    assert ex.check(42).ok
    assert "not right yet" in repr(ex.check(41)) and "42" not in repr(ex.check(41)).replace("answer", "")
    assert "not attempted" in repr(ex.check(...))
    assert "a number was expected" in repr(ex.check("42"))


def test_check_fn_runs_first_and_can_be_the_whole_check():
    ex = Exercise("positive", None, check_fn=lambda v: None if v > 0 else "must be positive")
    assert ex.check(1).ok
    assert "must be positive" in repr(ex.check(-1))
    assert "raised TypeError" in repr(ex.check("a"))


def test_feedback_html_is_escaped_and_coloured():
    html = Feedback("ex <1>", 0, 2, "bad", "hint").__repr__(), Feedback("ex <1>", 0, 2, "bad", "hint")._repr_html_()
    assert "ex &lt;1&gt;" in html[1] and "#fdecea" in html[1]
    assert "#e6f4ea" in Feedback("e", 1, 1)._repr_html_()


def test_compare_nested_and_plain_values():
    assert compare([1, torch.ones(2)], [1, torch.ones(2)]) is None
    assert "item 1" in compare([1, torch.zeros(2)], [1, torch.ones(2)])
    assert "2 items" in compare([1, 2], [1, 2, 3])
    assert compare("a", "a") is None and "not right" in compare("a", "b")
    assert "returned a int, but a str" in compare(1, "a")
    assert compare(torch.tensor(2.0), 2.0) is None
    assert compare(True, True) is None and "not right" in compare(False, True)


def test_exercise_constructor_checks():
    with pytest.raises(TypeError, match="name must be"):
        Exercise("", square)
    with pytest.raises(TypeError, match="reference must be a function"):
        Exercise("x", 3, [Case()])
    with pytest.raises(TypeError, match=r"cases\[0\] must be a Case"):
        Exercise("x", square, [(1,)])
    assert "2 cases" in repr(SQUARE)


def test_nb00_exercises_accept_solutions_and_reject_the_peril():
    assert nb00.safe_matrix.check(lambda r, c: torch.zeros(r, c)).ok
    assert not nb00.safe_matrix.check(lambda r, c: torch.ones(r, c)).ok

    def seeded():
        torch.manual_seed(3)
        return torch.randn(3)

    assert nb00.reproducible_draw.check(seeded).ok
    assert "different numbers" in repr(nb00.reproducible_draw.check(lambda: torch.randn(3)))
    assert "all zero" in repr(nb00.reproducible_draw.check(lambda: torch.zeros(3)))
    assert "shape (3,)" in repr(nb00.reproducible_draw.check(lambda: torch.zeros(2)))
    assert "returned None" in repr(nb00.reproducible_draw.check(lambda: None))
