"""Notebook 01's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted". test_exercises_all.py runs the tables WRONG, ALTERNATIVES and
STUBS below, with the rules every exercise keeps (graded hints, the exercise cells after a restart)."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils.checks import Exercise
from course_utils.exercises import nb01
from tools.notebooks import defined_in_cell

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_affine_maps.ipynb"


def notebook_function(cell_id: str, name: str):
    """The function `name` as the notebook's cell `cell_id` defines it."""
    return defined_in_cell(NOTEBOOK, cell_id, name, {"torch": torch, "nn": nn, "nb01": nb01})


AFF, COMP = nb01.affine_by_hand, nb01.compose
SQUARE_AFF = "x of shape (3, 3), A of shape (3, 3)"  # the first case: every wrong convention still fits
SQUARE_COMP = "two maps of the plane"


# --- wrong answers ------------------------------------------------------------------------------------
def loop_with_stack(x, A, b):
    return torch.stack([A @ row + b for row in x])  # fails on an empty batch


def transposes_A_in_place(x, A, b):
    A.t_()
    return x @ A + b


def bias_reshaped_in_place(x, A, b):
    b.unsqueeze_(0)  # the right result, but the caller's b is now of shape (1, m)
    return x @ A.T + b


def with_nn_linear(x, A, b):
    layer = nn.Linear(A.shape[1], A.shape[0])
    with torch.no_grad():
        layer.weight.copy_(A)
        layer.bias.copy_(b)
        return layer(x)


def forgot_return(x, A, b):
    y = x @ A.T + b  # noqa: F841


def compose_updates_b(A, b, C, d):
    b += A @ d
    return A @ C, b


FORBIDDEN = "`torch.nn.functional.linear` is not allowed in this exercise"
INPLACE = "changed its input"
WRONG = [
    # affine_by_hand: the wrong conventions, on the square case where they broadcast silently
    pytest.param(AFF, lambda x, A, b: x @ A + b, (f"on {SQUARE_AFF}", "values are off", "0 of 7"), id="aff-no-transpose"),
    pytest.param(AFF, lambda x, A, b: A @ x + b, (f"on {SQUARE_AFF}", "values are off"), id="aff-column-convention"),
    pytest.param(AFF, lambda x, A, b: A @ x.T + b, (f"on {SQUARE_AFF}", "values are off"), id="aff-result-transposed"),
    pytest.param(AFF, lambda x, A, b: x @ A.T + b[:, None], (f"on {SQUARE_AFF}", "values are off"),
                 id="aff-bias-on-the-rows"),
    pytest.param(AFF, lambda x, A, b: x @ A.T, "values are off", id="aff-no-bias"),
    pytest.param(AFF, lambda x, A, b: x @ A.T - b, "values are off", id="aff-bias-subtracted"),
    pytest.param(AFF, lambda x, A, b: (x @ A.T + b)[0], "shape (3,), but shape (3, 3)", id="aff-first-row-only"),
    pytest.param(AFF, lambda x, A, b: (x * A).sum(dim=1) + b, "shape (3,), but shape (3, 3)", id="aff-elementwise"),
    pytest.param(AFF, loop_with_stack, ("6 of 7 passed", "an empty batch", "your function raised RuntimeError"),
                 id="aff-loop-fails-on-empty-batch"),
    pytest.param(AFF, forgot_return, "did you forget to `return`", id="aff-no-return"),
    pytest.param(AFF, transposes_A_in_place, (INPLACE, "`A`"), id="aff-inplace-A"),
    pytest.param(AFF, bias_reshaped_in_place, (INPLACE, "`b`"), id="aff-inplace-b"),
    pytest.param(AFF, lambda x, A, b: F.linear(x, A, b), FORBIDDEN, id="aff-forbidden-F-linear"),
    pytest.param(AFF, with_nn_linear, FORBIDDEN, id="aff-forbidden-nn-Linear"),
    # compose: the square cases come first, where a wrong formula has the right shapes
    pytest.param(COMP, lambda A, b, C, d: (A @ C, d + b),
                 (f"on {SQUARE_COMP}", "the second returned value: the values are off", "0 of 5"), id="comp-d-not-mapped"),
    pytest.param(COMP, lambda A, b, C, d: (A @ C, A @ d), "the second returned value: the values are off",
                 id="comp-no-b"),
    pytest.param(COMP, lambda A, b, C, d: (C @ A, A @ d + b), "the first returned value: the values are off",
                 id="comp-wrong-order"),
    pytest.param(COMP, lambda A, b, C, d: (C @ A, C @ b + d), "the first returned value: the values are off",
                 id="comp-g-after-f"),
    pytest.param(COMP, lambda A, b, C, d: (A @ C, C @ d + b), "the second returned value: the values are off",
                 id="comp-d-through-C"),
    pytest.param(COMP, lambda A, b, C, d: (A @ C, A @ (d + b)), "the second returned value: the values are off",
                 id="comp-b-through-A"),
    pytest.param(COMP, lambda A, b, C, d: (C.T @ A.T, A @ d + b), "the first returned value: the values are off",
                 id="comp-matrix-transposed"),
    pytest.param(COMP, lambda A, b, C, d: (A * C, A @ d + b), "the first returned value: the values are off",
                 id="comp-elementwise"),
    pytest.param(COMP, lambda A, b, C, d: (A @ C, A @ d[:, None] + b[:, None]),
                 "the second returned value: the result has shape (2, 1), but shape (2,)", id="comp-column-bias"),
    pytest.param(COMP, lambda A, b, C, d: A @ C, "it returned a Tensor, but a tuple was expected", id="comp-matrix-only"),
    pytest.param(COMP, compose_updates_b, (INPLACE, "`b`"), id="comp-inplace-b"),
]


# --- correct alternatives -----------------------------------------------------------------------------
def affine_loop_safe_for_empty(x, A, b):
    rows = [A @ row + b for row in x]
    return torch.stack(rows) if rows else x.new_zeros(0, A.shape[0])


ALTERNATIVES = [
    pytest.param(AFF, nb01._affine, id="aff-reference"),
    pytest.param(AFF, notebook_function("23ec2fae", "affine_solution"), id="aff-notebook-solution"),
    pytest.param(AFF, lambda x, A, b: torch.einsum("ni,mi->nm", x, A) + b, id="aff-einsum"),
    pytest.param(AFF, lambda x, A, b: torch.addmm(b, x, A.T), id="aff-addmm"),
    pytest.param(AFF, lambda x, A, b: torch.matmul(x, A.t()) + b, id="aff-matmul"),
    pytest.param(AFF, lambda x, A, b: (A @ x.T).T + b, id="aff-columns-then-transpose"),
    pytest.param(AFF, lambda x, A, b: x @ A.mT + b, id="aff-mT"),
    pytest.param(AFF, affine_loop_safe_for_empty, id="aff-loop"),
    pytest.param(COMP, nb01._compose, id="comp-reference"),
    pytest.param(COMP, notebook_function("16b7a559", "compose_solution"), id="comp-notebook-solution"),
    pytest.param(COMP, lambda A, b, C, d: [torch.matmul(A, C), torch.addmv(b, A, d)], id="comp-matmul-addmv-list"),
    pytest.param(COMP, lambda A, b, C, d: (torch.einsum("ij,jk->ik", A, C), torch.einsum("ij,j->i", A, d) + b),
                 id="comp-einsum"),
    pytest.param(COMP, lambda A, b, C, d: ((C.T @ A.T).T, b + A @ d), id="comp-via-rows"),
]


def test_the_reference_really_composes():
    A, b, C, d = torch.randn(3, 4), torch.randn(3), torch.randn(4, 2), torch.randn(4)
    M, e = nb01._compose(A, b, C, d)
    x = torch.randn(2)
    assert torch.allclose(M @ x + e, A @ (C @ x + d) + b, atol=1e-5)


def test_the_reference_is_nn_linear():
    for case in AFF.cases:
        x, A, b = case.args
        layer = nn.Linear(A.shape[1], A.shape[0])
        with torch.no_grad():
            layer.weight.copy_(A)
            layer.bias.copy_(b)
            assert torch.allclose(layer(x), nb01._affine(x, A, b), atol=1e-6)


# --- stubs (run, with `...` for every exercise, by test_exercises_all.py) and secrecy -----------------
STUBS = [
    pytest.param(AFF, notebook_function("c29fe723", "affine"), id="aff-notebook-stub"),
    pytest.param(COMP, notebook_function("7f63946a", "compose"), id="comp-notebook-stub"),
]


def _shown(value: float) -> list[str]:
    return [f"{value:.4f}", f"{value:.3f}"]


@pytest.mark.parametrize(
    "exercise, wrong",
    [
        (AFF, lambda x, A, b: x @ A + b),
        (AFF, lambda x, A, b: x @ A.T),
        (COMP, lambda A, b, C, d: (C @ A, A @ d + b)),
        (COMP, lambda A, b, C, d: (A @ C, A @ d)),
    ],
)
def test_messages_never_show_the_reference_values(exercise: Exercise, wrong):
    exercise.reset()
    message = exercise.check(wrong).message()
    for case in exercise.cases:
        want = exercise.reference(*case.args)
        for tensor in want if isinstance(want, tuple) else (want,):
            for value in tensor.flatten().tolist():
                assert not any(text in message for text in _shown(value)), value


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb01.affine_by_hand: lambda x, A, b: x @ A + b,
    nb01.compose: lambda A, b, C, d: (A @ C, A @ d),
}
