"""The exercise-feedback mechanism (course_utils.checks): verdicts, guards, messages, hints."""
import math

import pytest
import torch
import torch.nn.functional as F

from course_utils.analysis.metrics import accuracy
from course_utils.checks import (
    Case,
    Exercise,
    Feedback,
    NotAttempted,
    StudentError,
    assert_shape,
    call_student,
    compare,
)
from course_utils.checks.compare import article, ordinal
from course_utils.checks.guards import (
    fill_uninitialised_memory,
    forbid,
    is_empty_function,
    resolve,
    same_code,
    same_value,
)


# --- assert_shape -----------------------------------------------------------------------------------
def test_assert_shape_accepts_matching_shapes_and_wildcards():
    assert_shape(torch.zeros(3, 5), (3, 5))
    assert_shape(torch.zeros(3, 5), (None, 5))
    assert_shape(torch.zeros(7), [None])


@pytest.mark.parametrize(
    "tensor, expected, message",
    [
        (torch.zeros(5, 3), (None, 5), r"x has shape \(5, 3\), expected \(\*, 5\)"),
        (torch.zeros(5), (5, 1), r"x has shape \(5,\), expected \(5, 1\)"),
        (torch.zeros(5), (4,), r"x has shape \(5,\), expected \(4,\)$"),  # no "* = any size" note without a *
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


# --- a small exercise to exercise the mechanism ------------------------------------------------------
def square(x):
    return x * x


def make_square() -> Exercise:
    return Exercise(
        "square",
        square,
        [Case((torch.tensor([1.0, 2.0]),)), Case((torch.tensor([[123.456]]),), label="a 1x1 matrix"),
         Case((torch.tensor([3.0, -1.0, 0.5]),), label="three numbers")],
        hints=["think of the area of a square", "a number times itself"],
        forbidden=["torch.square", "torch.Tensor.square", "torch.pow", "torch.Tensor.pow", "torch.Tensor.__pow__"],
        rule="the task is to multiply, without torch's power functions",
    )


def test_correct_function_passes_every_case():
    fb = make_square().check(lambda x: x * x)
    assert fb.ok and bool(fb) and fb.passed == fb.total == 3
    assert "all 3 cases passed" in repr(fb) and "Hint" not in repr(fb)


def test_every_case_counts_and_the_first_failure_is_described():
    ex = make_square()
    fb = ex.check(lambda x: x * x if x.dim() == 1 else x)
    assert not fb.ok and fb.passed == 2 and fb.total == 3
    assert "2 of 3 passed" in repr(fb) and "on a 1x1 matrix" in repr(fb)
    assert "15241" not in repr(fb)  # 123.456**2 = 15241.38...: the reference's value is never shown


@pytest.mark.parametrize(
    "answer, problem",
    [
        (lambda x: x + 1, "values are off"),
        (lambda x: [1.0, 4.0], "it returned a list, but a torch.Tensor was expected"),
        (lambda x: (x * x).sum(), "shape ()"),
        (lambda x: torch.ones_like(x, dtype=torch.long), "dtype torch.int64, but a floating-point tensor"),
        (lambda x: 1 / 0, "your function raised ZeroDivisionError"),
        (lambda x: x * math.inf, "your result contains inf"),
        (lambda x: x * math.nan, "your result contains nan"),
        (lambda x: torch.empty_like(x), "your result contains nan"),  # uninitialised memory is nan while checking
        (lambda x: x**2, "`torch.Tensor.__pow__` is not allowed in this exercise: the task is to multiply"),
        (lambda x: torch.square(x), "`torch.square` is not allowed"),
        (lambda x: x.mul_(x), "your function changed its input `x` in place"),
        (3, "expected a function, got an int"),
    ],
)
def test_each_kind_of_mistake_gets_a_specific_message(answer, problem):
    fb = make_square().check(answer)
    assert not fb.ok and fb.attempted and problem in repr(fb), repr(fb)
    assert "the check raised" not in repr(fb)


def test_forgetting_return_is_named():
    def forgot(x):
        y = x * x  # noqa: F841

    assert "it returned None: did you forget to `return`" in repr(make_square().check(forgot))


@pytest.mark.parametrize("stub", [..., "empty", "pass", "docstring", "notimplemented"])
def test_the_untouched_stub_is_not_attempted_and_gets_no_hint(stub):
    def empty(x):
        ...  # your code here

    def pass_(x):
        pass

    def docstring(x):
        """Square x."""

    def notimplemented(x):
        raise NotImplementedError

    answer = {"empty": empty, "pass": pass_, "docstring": docstring, "notimplemented": notimplemented}.get(stub, stub)
    ex = make_square()
    fb = ex.check(answer)
    assert not fb.ok and not fb.attempted and fb.hint is None
    assert "not attempted yet" in repr(fb) and "Hint" not in repr(fb) and "passed" not in repr(fb)
    assert ex.attempts == 0


def test_hints_escalate_with_failed_attempts_and_the_last_one_repeats():
    ex = make_square()
    hints = [ex.check(lambda x: x + 1).hint for _ in range(3)]
    assert hints == ["think of the area of a square", "a number times itself", "a number times itself"]
    assert ex.check(lambda x: x * x).hint is None  # a pass shows no hint
    ex.reset()
    assert ex.check(lambda x: x + 1).hint == "think of the area of a square"


def test_forbidden_functions_are_caught_under_any_alias_and_restored_afterwards():
    from torch import square as sq

    ex = make_square()
    assert "`torch.square` is not allowed" in repr(ex.check(lambda x: sq(x)))
    assert "`torch.pow` is not allowed" in repr(ex.check(lambda x: torch.pow(x, 2)))
    # even a student who catches the error is told
    def sneaky(x):
        try:
            return torch.square(x)
        except Exception:
            return x * x

    assert "`torch.square` is not allowed" in repr(ex.check(sneaky))
    assert torch.equal(torch.square(torch.tensor([3.0])), torch.tensor([9.0]))  # restored


def test_forbidden_non_torch_functions_are_patched_in_their_module_and_the_answers_globals():
    import course_utils.analysis.metrics as evaluation

    original = evaluation.accuracy
    with forbid(["course_utils.analysis.metrics.accuracy"], "write it yourself", answer=test_forbidden_non_torch_functions_are_patched_in_their_module_and_the_answers_globals):
        with pytest.raises(Exception, match="`course_utils.analysis.metrics.accuracy` is not allowed.*write it yourself"):
            accuracy(torch.zeros(2, 2), torch.zeros(2, dtype=torch.long))  # the name imported into this module
        with pytest.raises(Exception, match="not allowed"):
            evaluation.accuracy(torch.zeros(2, 2), torch.zeros(2, dtype=torch.long))
    assert evaluation.accuracy is original and accuracy is original


def test_guards_are_undone_also_when_the_answer_raises():
    before = (torch.are_deterministic_algorithms_enabled(), torch.utils.deterministic.fill_uninitialized_memory)

    def boom(x):
        assert torch.are_deterministic_algorithms_enabled()
        raise RuntimeError("boom")

    fb = make_square().check(boom)
    assert "your function raised RuntimeError: boom" in repr(fb)
    assert (torch.are_deterministic_algorithms_enabled(), torch.utils.deterministic.fill_uninitialized_memory) == before
    assert torch.square(torch.tensor(2.0)).item() == 4.0


def test_checking_never_changes_the_callers_random_state():
    def seeds_and_draws(x):
        torch.manual_seed(123)
        return x * x + 0 * torch.randn(())

    state = torch.random.get_rng_state()
    make_square().check(seeds_and_draws)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_an_answer_may_change_inputs_when_the_task_is_an_in_place_update():
    def add_one_(x):
        x.add_(1)

    ex = Exercise("in place", lambda x: None, [Case((torch.zeros(2),))], modifies_inputs=True,
                  hints=["h"], check_fn=lambda answer, run: None if torch.equal(_after(answer, run), torch.ones(2)) else "no")
    assert ex.check(add_one_).ok


def _after(answer, run):
    x = torch.zeros(2)
    run(answer, x)
    return x


def test_check_fn_results_count_each_case_and_student_errors_become_feedback():
    def check(answer, run):
        return [(f"n={n}", None if run(answer, n) == n + 1 else "not n + 1") for n in (1, 2, 3)]

    ex = Exercise("plus one", check_fn=check, hints=["h"])
    assert ex.check(lambda n: n + 1).ok and ex.check(lambda n: n + 1).total == 3
    fb = ex.check(lambda n: 2 if n == 1 else n)
    assert fb.passed == 1 and fb.total == 3 and "on n=2: not n + 1" in repr(fb)
    assert "your function raised KeyError" in repr(ex.check(lambda n: {}[n]))

    def not_yet(answer, run):
        raise NotAttempted

    assert not Exercise("x", check_fn=not_yet).check(lambda: 1).attempted
    assert "must be positive" in repr(Exercise("p", check_fn=lambda v, run: None if v > 0 else "must be positive").check(-1))


def test_same_code_handles_autograd_function_classes():
    class A(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class B(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    assert same_code(A, A) and not same_code(A, B)


def test_forbidden_torch_classes_are_patched_where_the_mode_cannot_see_them():
    def uses_sgd():
        return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)

    with pytest.raises(StudentError, match="`torch.optim.SGD` is not allowed"):
        call_student(uses_sgd, forbidden=["torch.optim.SGD"], rule="write the update yourself")
    assert isinstance(uses_sgd(), torch.optim.SGD)


def test_stub_parameter_recognises_the_untouched_buggy_code():
    def buggy(xs):
        return sum(xs) / (len(xs) + 1)

    def buggy_copy(xs):
        return sum(xs) / (len(xs) + 1)

    def fixed(xs):
        return sum(xs) / len(xs)

    ex = Exercise("mean", lambda xs: sum(xs) / len(xs), [Case(([1.0, 2.0],))], stub=buggy, hints=["h"])
    assert not ex.check(buggy_copy).attempted
    assert "Fix the code" in repr(ex.check(buggy_copy)) and "`...`" not in repr(ex.check(buggy_copy))
    assert ex.check(fixed).ok
    assert same_code(buggy, buggy_copy) and not same_code(buggy, fixed)


def test_value_exercise_is_lenient_about_number_types():
    ex = Exercise("answer", 42.0, hints=["six times seven"])
    assert ex.check(42).ok and ex.check(torch.tensor(42.0)).ok
    text = repr(ex.check(41))
    assert "not right yet" in text and "42" not in text
    assert "not attempted" in repr(ex.check(...)) and "not attempted" in repr(ex.check(None))
    assert "a Python float was expected" in repr(ex.check("42"))


def test_feedback_html_is_escaped_and_coloured():
    html = Feedback("ex <1>", 0, 2, "bad", "hint")._repr_html_()
    assert "ex &lt;1&gt;" in html and "#fdecea" in html
    assert "#e6f4ea" in Feedback("e", 1, 1)._repr_html_()
    assert "#f1f3f4" in Feedback("e", 0, 1, attempted=False)._repr_html_()
    assert not Feedback("e", 1, 1, attempted=False).ok


# --- compare ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "got, want, fragment",
    [
        ([1, torch.zeros(2)], [1, torch.ones(2)], "the second item of the list: the values are off"),
        ((torch.zeros(2), torch.ones(2)), (torch.zeros(2), torch.zeros(2)), "the second returned value"),
        ((torch.ones(2),), (torch.ones(2), torch.ones(2)), "it returned 1 value, but 2 were expected"),
        ("a", "b", "not right yet"),
        (1, "a", "it returned an int, but a str was expected"),
        (torch.tensor(0.5), 0.5, "it returned a Tensor, but a Python float was expected: `.item()`"),
        (1, 1.0, "it returned a Python int, but a Python float was expected (a count instead of a fraction"),
        (1.0, 1, "it returned a Python float, but a Python int was expected"),
        (True, 1.0, "it returned a bool"),
        (torch.zeros(2, dtype=torch.bool), torch.zeros(2, dtype=torch.long), "dtype torch.bool, but dtype torch.int64"),
        (torch.zeros(2, dtype=torch.float64), torch.zeros(2), "dtype torch.float64, but dtype torch.float32 was expected"),
        (torch.tensor([1.5]), torch.tensor([1.0]), "the value is off"),
        (torch.zeros(2, dtype=torch.long), torch.zeros(2), "a floating-point tensor"),
        (torch.tensor([1.0, math.nan]), torch.tensor([1.0, 2.0]), "contains nan (1 of 2 entries)"),
        (torch.tensor([1.0, 2.5, 4.0]), torch.tensor([1.0, 2.0, 3.0]), "2 of 3 entries differ"),
        (math.inf, 1.0, "your result is inf"),
        (None, torch.zeros(1), "returned None"),
    ],
)
def test_compare_describes_the_difference(got, want, fragment):
    assert fragment in compare(got, want)


def test_compare_accepts_equal_values_and_lenient_numbers():
    assert compare([1, torch.ones(2)], [1, torch.ones(2)]) is None
    assert compare(torch.tensor([1.0, math.nan]), torch.tensor([1.0, math.nan])) is None
    assert compare(torch.tensor(2.0), 2.0, strict=False) is None and compare(2, 2.0, strict=False) is None
    assert compare(True, True) is None and "not right" in compare(False, True)


def test_grammar_helpers():
    assert article("int") == "an int" and article("floating-point") == "a floating-point"
    assert [ordinal(i) for i in (0, 1, 2, 11)] == ["first", "second", "third", "number 12"]


# --- guards -------------------------------------------------------------------------------------------
def test_call_student_names_the_changed_argument_by_the_students_own_name():
    def changes_second(a, weights):
        weights[0] = 7.0
        return a

    with pytest.raises(StudentError, match=r"changed its input `weights` in place.*autograd"):
        call_student(changes_second, torch.zeros(1), torch.zeros(2))
    with pytest.raises(StudentError, match=r"changed its input `words`"):
        call_student(lambda words: words.append("x"), ["a"])
    assert call_student(lambda words: words + ["x"], ["a"]) == ["a", "x"]


def test_same_value_compares_tensors_bitwise_and_modules_by_state():
    lin = torch.nn.Linear(2, 2)
    import copy

    twin = copy.deepcopy(lin)
    assert same_value(lin, twin)
    with torch.no_grad():
        twin.weight[0, 0] += 1
    assert not same_value(lin, twin)
    assert same_value(torch.tensor([math.nan]), torch.tensor([math.nan]))
    assert not same_value(torch.zeros(2), torch.zeros(2, dtype=torch.float64))
    assert not same_value({"a": [1]}, {"a": [2]})


def test_fill_uninitialised_memory_restores_the_settings():
    with fill_uninitialised_memory():
        assert torch.empty(3).isnan().all()
        assert (torch.empty(2, dtype=torch.long) == torch.iinfo(torch.long).max).all()
    assert not torch.are_deterministic_algorithms_enabled()


def test_is_empty_function():
    def a(x): ...
    def b(x):
        """doc"""
    def c(x):
        return x

    def d(x):
        return 0

    assert is_empty_function(a) and is_empty_function(b)
    assert not is_empty_function(c) and not is_empty_function(d) and not is_empty_function(len)


@pytest.mark.parametrize(
    "name, match",
    [("log_softmax", "dotted paths"), ("torch.no_such_function", "does not name"), (3, "dotted paths")],
)
def test_resolve_rejects_bad_names(name, match):
    with pytest.raises(ValueError, match=match):
        resolve(name)


def test_resolve_finds_functions_and_methods():
    assert resolve("torch.nn.functional.log_softmax") is F.log_softmax
    assert resolve("torch.Tensor.backward") is torch.Tensor.backward
    assert resolve("course_utils.analysis.metrics.accuracy") is accuracy


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(name=""), TypeError, "name must be"),
        (dict(name="x", reference=3, cases=[Case()]), TypeError, "reference must be a function"),
        (dict(name="x", reference=square, cases=[(1,)]), TypeError, r"cases\[0\] must be a Case"),
        (dict(name="x", hints="one string"), TypeError, "hints must be a list"),
        (dict(name="x", hints=[""]), TypeError, "hints must be a list"),
        (dict(name="x", check_fn=3), TypeError, "check_fn must be a function"),
        (dict(name="x", forbidden=["torch.square"]), ValueError, "rule must say"),
        (dict(name="x", forbidden=["torch.nope"], rule="r"), ValueError, "does not name"),
    ],
)
def test_exercise_constructor_checks(kwargs, error, match):
    with pytest.raises(error, match=match):
        Exercise(**kwargs)


def test_exercise_repr():
    assert "3 cases" in repr(make_square())
    assert "a value" in repr(Exercise("v", 1.0)) and "custom check" in repr(Exercise("c", check_fn=lambda a, r: None))


def test_probe_uninitialised_catches_answers_that_hide_the_nan_marker():
    ex = Exercise("zeros", torch.zeros, [Case((2, 3))], probe_uninitialised=True, hints=["h"])
    assert "depends on uninitialised memory" in repr(ex.check(lambda r, c: torch.empty(r, c).nan_to_num(0)))
    assert "contains nan" in repr(ex.check(lambda r, c: torch.empty(r, c) * 0))  # the nan itself is reported first
    assert ex.check(lambda r, c: torch.empty(r, c).zero_()).ok  # initialised after all: accepted
    assert ex.check(lambda r, c: torch.zeros(r, c)).ok
    # without the probe, the nan_to_num answer slips through: the probe is what closes the hole
    loose = Exercise("zeros", torch.zeros, [Case((2, 3))], hints=["h"])
    assert loose.check(lambda r, c: torch.empty(r, c).nan_to_num(0)).ok


def test_turning_on_requires_grad_of_an_input_counts_as_changing_it():
    with pytest.raises(StudentError, match="changed its input `x`"):
        call_student(lambda x: x.requires_grad_() * 2, torch.ones(2))


def test_a_forbidden_function_is_caught_through_any_other_module_or_a_local_import():
    import course_utils.exercises.nb08 as other

    def via_other_module(logits, targets):
        return other.accuracy(logits, targets)  # nb08 imported the same function

    def local_import(logits, targets):
        from course_utils.analysis.metrics import accuracy as acc

        return acc(logits, targets)

    for answer in (via_other_module, local_import):
        with pytest.raises(StudentError, match="`course_utils.analysis.metrics.accuracy` is not allowed.*write it"):
            call_student(answer, torch.zeros(2, 2), torch.zeros(2, dtype=torch.long),
                         forbidden=["course_utils.analysis.metrics.accuracy"], rule="write it yourself")
    assert accuracy(torch.eye(2), torch.tensor([0, 1])) == 1.0  # restored


def test_forward_mode_autograd_is_caught_when_torch_func_is_forbidden():
    def jacobian_answer(x):
        return torch.func.jacfwd(torch.sin)(x)

    with pytest.raises(StudentError, match="`torch.func.jacfwd` is not allowed"):
        call_student(jacobian_answer, torch.ones(2), forbidden=["torch.func.jacfwd"], rule="no autograd")
    assert torch.func.jacfwd(torch.sin)(torch.zeros(1)).item() == 1.0


def test_forbidding_backward_stops_every_backward_pass_whatever_starts_it():
    from torch.autograd import Variable

    from course_utils.checks.guards import AUTOGRAD, BACKWARD_PASS, forbid

    def by_the_engine(x):
        x = x.detach().requires_grad_()
        loss = (x * x).sum()
        return Variable._execution_engine.run_backward((loss,), (torch.ones(()),), False, False, (x,), False)[0]

    def quietly(x):  # the refusal is caught: the call is still recorded
        try:
            return by_the_engine(x)
        except Exception:
            return 2 * x

    for answer in (by_the_engine, quietly):
        with pytest.raises(StudentError, match=f"^{BACKWARD_PASS} is not allowed in this exercise: no autograd"):
            call_student(answer, torch.ones(2), forbidden=AUTOGRAD, rule="no autograd")
    with forbid(["torch.autograd.grad"], "no autograd.grad") as called:  # backward itself is not forbidden here
        assert by_the_engine(torch.ones(2)).tolist() == [2.0, 2.0]
    assert called == []
    assert by_the_engine(torch.ones(2)).tolist() == [2.0, 2.0]  # and nothing is left behind


def test_the_in_place_message_fits_the_kind_of_input():
    with pytest.raises(StudentError, match=r"changed its input `words` in place\. The caller's list changes"):
        call_student(lambda words: words.sort(), ["b", "a"])
    with pytest.raises(StudentError, match="autograd"):
        call_student(lambda x: x.add_(1), torch.zeros(1))


def test_record_aten_ops_sees_the_operations_behind_any_spelling():
    from course_utils.checks import record_aten_ops

    weight, ids = torch.randn(4, 3), torch.tensor([1, 3])
    with record_aten_ops() as ops:
        _ = F.one_hot(ids, 4).float() @ weight
    assert "mm" in ops and "index_select" not in ops
    for lookup in (lambda: weight[ids], lambda: torch.ops.aten.index_select(weight, 0, ids),
                   lambda: F.embedding(ids, weight), lambda: torch.ops.aten.embedding(weight, ids)):
        with record_aten_ops() as ops:
            lookup()
        assert {"index", "index_select", "embedding"} & set(ops), ops


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int8, torch.bool, torch.float16, torch.int64, torch.float64])
def test_the_uninitialised_memory_probe_works_for_every_dtype(dtype):
    import copy

    x = torch.zeros(3, dtype=dtype)
    assert torch.equal(call_student(lambda t: copy.deepcopy(t), x, probe_uninitialised=True), x)
    assert call_student(lambda: torch.zeros(2, dtype=dtype), probe_uninitialised=True).dtype == dtype
    if dtype.is_floating_point:
        def garbage():
            return torch.empty(2, dtype=dtype).nan_to_num(0)  # hides the nan marker: the probe finds it
    elif dtype != torch.bool:
        def garbage():
            return torch.empty(2, dtype=dtype)  # the largest value, then the finite marker
    else:
        return
    with pytest.raises(StudentError, match="depends on uninitialised memory"):
        call_student(garbage, probe_uninitialised=True)


def test_the_in_place_message_names_the_tensor_entry_that_changed():
    def makemore_style(fwd):  # `dlogits = probs` is another name for the caller's tensor
        dlogits = fwd["probs"]
        dlogits[torch.arange(2), fwd["Y"]] -= 1
        return dlogits

    inputs = {"Y": torch.tensor([0, 1]), "probs": torch.full((2, 3), 0.5)}
    with pytest.raises(StudentError, match=r'`fwd`.*Its tensor `fwd\["probs"\]` changed.*`fwd\["probs"\]\.clone\(\)`'):
        call_student(makemore_style, inputs)
    with pytest.raises(StudentError, match=r"Its tensor `ts\[1\]` changed"):
        call_student(lambda ts: ts[1].mul_(2), [torch.ones(1), torch.ones(2)])
    with pytest.raises(StudentError, match=r"The caller's dict changes"):  # no tensor changed: the general message
        call_student(lambda d: d.pop("a"), {"a": torch.ones(1)})
