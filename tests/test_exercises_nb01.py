"""Notebook 01's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted". test_exercises_all.py runs the tables WRONG, ALTERNATIVES and
STUBS below, with the rules every exercise keeps (graded hints, the exercise cells after a restart)."""
from __future__ import annotations

import math
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
    return defined_in_cell(NOTEBOOK, cell_id, name, {"torch": torch, "nn": nn, "math": math, "nb01": nb01})


AFF, COLL, INIT, RANK = nb01.affine_by_hand, nb01.collapse, nb01.linear_init, nb01.max_rank
SQUARE_AFF = "x of shape (3, 3), A of shape (3, 3)"  # the first case: every wrong convention still fits
SQUARE_COLL = "two layers of width 3"


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


def collapse_in_place(layers):
    weight, bias = layers[0]
    for w, b in layers[1:]:
        weight = w @ weight
        bias = b.add_(w @ bias)  # the right numbers, but the caller's bias tensors change
    return weight, bias


def collapse_wrong_order(layers):
    weight, bias = layers[0]
    for w, b in layers[1:]:
        weight, bias = weight @ w, w @ bias + b  # later layer on the right
    return weight, bias


def collapse_bias_not_mapped(layers):
    weight, bias = layers[0]
    for w, b in layers[1:]:
        weight, bias = w @ weight, bias + b
    return weight, bias


def collapse_last_bias_only(layers):
    weight = layers[0][0]
    for w, _ in layers[1:]:
        weight = w @ weight
    return weight, layers[-1][1]


def collapse_first_two_only(layers):
    (w1, b1), (w2, b2) = layers[0], layers[1] if len(layers) > 1 else (torch.eye(len(layers[0][1])), 0 * layers[0][1])
    return w2 @ w1, w2 @ b1 + b2


def collapse_reversed_list(layers):
    weight, bias = layers[-1]
    for w, b in reversed(layers[:-1]):
        weight, bias = w @ weight, w @ bias + b
    return weight, bias


def init_recipe(shape_first=True, bias_first=False, bound_of=lambda n_in, n_out: n_in ** -0.5, bias_bound=None,
                normal=False):
    def answer(n_in, n_out, seed):
        torch.manual_seed(seed)
        bound = bound_of(n_in, n_out)
        draw = (lambda *s: torch.randn(*s) * bound) if normal else (lambda *s: torch.empty(*s).uniform_(-bound, bound))
        if bias_first:
            bias = draw(n_out)
        weight = draw(n_out, n_in) if shape_first else draw(n_in, n_out).T
        if not bias_first:
            bias = draw(n_out) if bias_bound is None else torch.empty(n_out).uniform_(-bias_bound, bias_bound)
        return weight, bias
    return answer


def init_unseeded(n_in, n_out, seed):
    bound = n_in ** -0.5
    return torch.empty(n_out, n_in).uniform_(-bound, bound), torch.empty(n_out).uniform_(-bound, bound)


def init_with_nn_linear(n_in, n_out, seed):
    torch.manual_seed(seed)
    layer = nn.Linear(n_in, n_out)
    return layer.weight.detach(), layer.bias.detach()


def init_rand(n_in, n_out, seed):
    torch.manual_seed(seed)
    return torch.rand(n_out, n_in) * n_in ** -0.5, torch.rand(n_out) * n_in ** -0.5


def rank_of_a_tensor(widths):
    return torch.tensor(widths).min()


def rank_sorts_the_input(widths):
    widths.sort()
    return widths[0]


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
    # collapse: the square cases come first, where a wrong order or a lost bias has the right shapes
    pytest.param(COLL, collapse_wrong_order, (f"on {SQUARE_COLL}", "the first returned value: the values are off"),
                 id="coll-wrong-order"),
    pytest.param(COLL, collapse_bias_not_mapped, (f"on {SQUARE_COLL}", "the second returned value: the values are off"),
                 id="coll-bias-not-mapped"),
    pytest.param(COLL, collapse_last_bias_only, "the second returned value: the values are off", id="coll-last-bias"),
    pytest.param(COLL, collapse_first_two_only, ("3 of 5 passed", "three layers of width 2"), id="coll-two-layers-only"),
    pytest.param(COLL, collapse_reversed_list, (f"on {SQUARE_COLL}", "values are off"), id="coll-reversed-list"),
    pytest.param(COLL, lambda layers: layers[-1], "values are off", id="coll-last-layer"),
    pytest.param(COLL, lambda layers: (layers[0][0], layers[0][1]), ("1 of 5 passed", "values are off"),
                 id="coll-first-layer"),
    pytest.param(COLL, collapse_in_place, (INPLACE,), id="coll-inplace-bias"),
    # linear_init: the shape, the order of the draws, the bound, the distribution, the seed
    pytest.param(INIT, init_recipe(shape_first=False), ("2 of 5 passed", "right numbers in the wrong places"),
                 id="init-transposed-draw"),
    pytest.param(INIT, init_recipe(bias_first=True), "bias was drawn before the weight", id="init-bias-first"),
    pytest.param(INIT, init_recipe(bound_of=lambda n_in, n_out: n_out ** -0.5), "bound uses the number of outputs",
                 id="init-fan-out"),
    pytest.param(INIT, init_recipe(bias_bound=1.0), "bias must be drawn with the same bound", id="init-bias-bound-1"),
    pytest.param(INIT, init_recipe(bias_bound=0.0), "the weight is right; the bias is not", id="init-bias-zero"),
    pytest.param(INIT, init_recipe(bound_of=lambda n_in, n_out: 1.0), "larger than 1/sqrt(fan-in)", id="init-bound-1"),
    pytest.param(INIT, init_recipe(normal=True), "larger than 1/sqrt(fan-in)", id="init-normal"),
    pytest.param(INIT, init_rand, "all the weights are >= 0", id="init-rand"),
    pytest.param(INIT, init_unseeded, "not the numbers nn.Linear draws after this seed", id="init-unseeded"),
    pytest.param(INIT, init_with_nn_linear, "`torch.nn.Linear` is not allowed", id="init-forbidden-nn-Linear"),
    pytest.param(INIT, lambda n_in, n_out, seed: torch.zeros(n_out, n_in), "tuple", id="init-weight-only"),
    # max_rank: only the middle, only the ends, one width, the largest, a float or a tensor, the input sorted
    pytest.param(RANK, lambda widths: min(widths[1:-1]), ("2 of 6 passed", "a wide middle", "too large"),
                 id="rank-middle-only"),
    pytest.param(RANK, lambda widths: min(widths[0], widths[-1]), ("4 of 6 passed", "section 3", "too large"),
                 id="rank-ends-only"),
    pytest.param(RANK, lambda widths: widths[1], "too large", id="rank-first-hidden"),
    pytest.param(RANK, lambda widths: max(widths), "too large", id="rank-largest"),
    pytest.param(RANK, lambda widths: min(widths) - 1, ("0 of 6 passed", "too small"), id="rank-off-by-one"),
    pytest.param(RANK, lambda widths: len(widths) - 1, "too", id="rank-number-of-layers"),
    pytest.param(RANK, lambda widths: float(min(widths)), "a Python float, but a Python int", id="rank-float"),
    pytest.param(RANK, rank_of_a_tensor, "a Tensor, but a Python int", id="rank-tensor"),
    pytest.param(RANK, rank_sorts_the_input, (INPLACE, "`widths`"), id="rank-sorts-in-place"),
]


# --- correct alternatives -----------------------------------------------------------------------------
def affine_loop_safe_for_empty(x, A, b):
    rows = [A @ row + b for row in x]
    return torch.stack(rows) if rows else x.new_zeros(0, A.shape[0])


def collapse_from_identity(layers):
    n = layers[0][0].shape[1]
    weight, bias = torch.eye(n), torch.zeros(n)
    for w, b in layers:
        weight, bias = w @ weight, w @ bias + b
    return weight, bias


def collapse_with_reduce(layers):
    import functools
    return functools.reduce(lambda acc, layer: (layer[0] @ acc[0], layer[0] @ acc[1] + layer[1]), layers[1:], layers[0])


def collapse_augmented(layers):
    """Homogeneous coordinates: each layer as one [out+1, in+1] matrix."""
    total = None
    for w, b in layers:
        m = torch.zeros(w.shape[0] + 1, w.shape[1] + 1)
        m[:-1, :-1], m[:-1, -1], m[-1, -1] = w, b, 1.0
        total = m if total is None else m @ total
    return total[:-1, :-1], total[:-1, -1]


def init_with_own_generator(n_in, n_out, seed):
    g = torch.Generator().manual_seed(seed)
    bound = 1 / n_in ** 0.5
    return (torch.empty(n_out, n_in).uniform_(-bound, bound, generator=g),
            torch.empty(n_out).uniform_(-bound, bound, generator=g))


def init_via_rand(n_in, n_out, seed):
    torch.manual_seed(seed)
    bound = n_in ** -0.5
    return torch.rand(n_out, n_in) * 2 * bound - bound, torch.rand(n_out) * 2 * bound - bound  # equal up to rounding


def init_with_nn_init(n_in, n_out, seed):
    torch.manual_seed(seed)
    weight, bias = torch.empty(n_out, n_in), torch.empty(n_out)
    bound = 1 / n_in ** 0.5
    nn.init.uniform_(weight, -bound, bound)
    nn.init.uniform_(bias, -bound, bound)
    return weight, bias


def rank_measured(widths):
    g = torch.Generator().manual_seed(0)
    matrix = torch.eye(widths[0])
    for n_in, n_out in zip(widths[:-1], widths[1:], strict=True):
        matrix = torch.randn(n_out, n_in, generator=g) @ matrix
    return int(torch.linalg.matrix_rank(matrix))


ALTERNATIVES = [
    pytest.param(AFF, nb01._affine, id="aff-reference"),
    pytest.param(AFF, notebook_function("23ec2fae", "affine_solution"), id="aff-notebook-solution"),
    pytest.param(AFF, lambda x, A, b: torch.einsum("ni,mi->nm", x, A) + b, id="aff-einsum"),
    pytest.param(AFF, lambda x, A, b: torch.addmm(b, x, A.T), id="aff-addmm"),
    pytest.param(AFF, lambda x, A, b: torch.matmul(x, A.t()) + b, id="aff-matmul"),
    pytest.param(AFF, lambda x, A, b: (A @ x.T).T + b, id="aff-columns-then-transpose"),
    pytest.param(AFF, lambda x, A, b: x @ A.mT + b, id="aff-mT"),
    pytest.param(AFF, affine_loop_safe_for_empty, id="aff-loop"),
    pytest.param(COLL, nb01._collapse, id="coll-reference"),
    pytest.param(COLL, notebook_function("16b7a559", "collapse_solution"), id="coll-notebook-solution"),
    pytest.param(COLL, collapse_from_identity, id="coll-from-identity"),
    pytest.param(COLL, collapse_with_reduce, id="coll-reduce"),
    pytest.param(COLL, collapse_augmented, id="coll-augmented-matrix"),
    pytest.param(INIT, notebook_function("e3c0000c", "linear_init_solution"), id="init-notebook-solution"),
    pytest.param(INIT, init_recipe(), id="init-empty-uniform_"),
    pytest.param(INIT, init_with_own_generator, id="init-own-generator"),
    pytest.param(INIT, init_via_rand, id="init-rand-scaled"),
    pytest.param(INIT, init_with_nn_init, id="init-nn-init-uniform_"),
    pytest.param(RANK, nb01._max_rank, id="rank-reference"),
    pytest.param(RANK, notebook_function("e4c0000c", "max_rank_solution"), id="rank-notebook-solution"),
    pytest.param(RANK, rank_measured, id="rank-measured-with-random-weights"),
    pytest.param(RANK, lambda widths: sorted(widths)[0], id="rank-sorted-copy"),
]


def test_the_reference_really_collapses():
    r = nb01._random(3)
    layers = nb01._layers(r, 4, 3, 5, 2)
    weight, bias = nb01._collapse(layers)
    x = torch.randn(6, 4)
    y = x
    for w, b in layers:
        y = y @ w.T + b
    assert torch.allclose(x @ weight.T + bias, y, atol=1e-5)


def test_the_init_reference_is_nn_linear_bit_for_bit_and_the_recipe_matches():
    for n_in, n_out, seed in nb01._INIT_CASES:
        torch.manual_seed(seed)
        layer = nn.Linear(n_in, n_out)
        weight, bias = nb01._linear_init(n_in, n_out, seed)
        assert torch.equal(weight, layer.weight) and torch.equal(bias, layer.bias)
        recipe_w, recipe_b = init_recipe()(n_in, n_out, seed)
        assert torch.equal(recipe_w, weight) and torch.equal(recipe_b, bias)  # bit-exact, torch 2.13


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
    pytest.param(COLL, notebook_function("7f63946a", "collapse"), id="coll-notebook-stub"),
    pytest.param(INIT, notebook_function("e3c0000b", "linear_init"), id="init-notebook-stub"),
    pytest.param(RANK, notebook_function("e4c0000b", "max_rank"), id="rank-notebook-stub"),
]


def _shown(value: float) -> list[str]:
    return [f"{value:.4f}", f"{value:.3f}"]


@pytest.mark.parametrize(
    "exercise, wrong",
    [
        (AFF, lambda x, A, b: x @ A + b),
        (AFF, lambda x, A, b: x @ A.T),
        (COLL, collapse_wrong_order),
        (COLL, collapse_bias_not_mapped),
        (INIT, init_recipe(shape_first=False)),
        (INIT, init_recipe(bias_first=True)),
    ],
)
def test_messages_never_show_the_reference_values(exercise: Exercise, wrong):
    exercise.reset()
    message = exercise.check(wrong).message()
    for args in [case.args for case in exercise.cases] or nb01._INIT_CASES:
        want = exercise.reference(*args)
        for tensor in want if isinstance(want, tuple) else (want,):
            for value in tensor.flatten().tolist():
                assert not any(text in message for text in _shown(value)), value


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb01.affine_by_hand: lambda x, A, b: x @ A + b,
    nb01.collapse: collapse_bias_not_mapped,
    nb01.linear_init: init_recipe(shape_first=False),
    nb01.max_rank: lambda widths: min(widths[1:-1]),
}


def test_the_max_rank_reference_is_what_random_weights_reach():
    for widths, _ in nb01._RANK_CASES:
        assert rank_measured(widths) == nb01._max_rank(widths)
