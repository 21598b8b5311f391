"""Exercises of notebook 01 (affine maps)."""
from __future__ import annotations

import torch

from course_utils._validate import type_name
from course_utils.checks import Case, Exercise, Runner, StudentError, compare
from course_utils.checks.compare import article


def _random(seed: int):
    g = torch.Generator().manual_seed(seed)
    return lambda *shape: torch.randn(*shape, generator=g)


# --- Exercise 1: an affine map by hand --------------------------------------------------------------
def _affine(x: torch.Tensor, A: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return x @ A.T + b  # rows in, rows out: what nn.Linear computes


def _cases_affine() -> list[Case]:
    r = _random(11)
    return [
        # Square shapes first: there the wrong conventions (x @ A, A @ x, b added to the wrong axis) give a
        # result of the right shape with the wrong values, instead of a shape error.
        Case((r(3, 3), r(3, 3), r(3)), label="x of shape (3, 3), A of shape (3, 3) (square: every product fits)"),
        Case((r(4, 3), r(3, 3), r(3)), label="x of shape (4, 3), A of shape (3, 3)"),
        Case((r(3, 5), r(3, 5), r(3)), label="x of shape (3, 5), A of shape (3, 5) (as many rows as outputs)"),
        Case((r(2, 5), r(3, 5), r(3)), label="x of shape (2, 5), A of shape (3, 5), b of shape (3,)"),
        Case((r(1, 2), r(2, 2), r(2)), label="one point in the plane, A of shape (2, 2)"),
        Case((r(4, 3), r(1, 3), r(1)), label="x of shape (4, 3), A of shape (1, 3) (one output)"),
        Case((r(0, 3), r(2, 3), r(2)), label="an empty batch: x of shape (0, 3), A of shape (2, 3)"),
    ]


affine_by_hand = Exercise(
    "Exercise 1 (an affine map by hand)",
    reference=_affine,
    cases=_cases_affine(),
    forbidden=["torch.nn.functional.linear"],
    rule="the task is to write the affine map yourself, without nn.Linear or F.linear (nn.Linear calls F.linear)",
    hints=[
        "Each ROW of x is one input, and A has shape [m, n] = [outputs, inputs], as nn.Linear's weight. "
        "Check the shapes: which product of x and A has one row per input and one column per output?",
        "Section 2 writes the batched formula for rows, with a transpose: rows of x meet rows of A. The bias is "
        "added to every row, so it must line up with the columns of the product, not with its rows.",
    ],
)


# --- Exercise 2: collapse a stack of layers into one --------------------------------------------------
def _collapse(layers: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    weight, bias = layers[0]
    for next_weight, next_bias in layers[1:]:  # x -> next(current(x)) = W' (W x + b) + b'
        weight, bias = next_weight @ weight, next_weight @ bias + next_bias
    return weight, bias


def _layers(r, *widths: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(weight, bias) pairs in nn.Linear's convention for layers of these widths, in the order applied."""
    return [(r(n_out, n_in), r(n_out)) for n_in, n_out in zip(widths[:-1], widths[1:], strict=True)]


def _cases_collapse() -> list[Case]:
    r = _random(12)
    return [
        # Square layers first: there a wrong order or a bias that skips a layer has the right shapes.
        Case((_layers(r, 3, 3, 3),), label="two layers of width 3 (square: every product fits)"),
        Case((_layers(r, 2, 2, 2, 2),), label="three layers of width 2 (square)"),
        Case((_layers(r, 5, 4, 3),), label="layers 5 -> 4 -> 3 (as in section 3)"),
        Case((_layers(r, 4, 6, 2, 3, 1),), label="four layers 4 -> 6 -> 2 -> 3 -> 1"),
        Case((_layers(r, 3, 2),), label="a single layer 3 -> 2"),
    ]


collapse = Exercise(
    "Exercise 2 (a stack of layers as one)",
    reference=_collapse,
    cases=_cases_collapse(),
    hints=[
        "Section 3 merges two layers. Merge the first two, and the result is again one layer: what do you do "
        "with it and the third? Keep in mind which layer acts first, and that every bias so far also goes "
        "through every later layer's weight.",
        "Keep a running (weight, bias) for 'everything so far', starting with the first layer's. For each next "
        "layer, the new weight is that layer's weight times the running one (the later layer on the left), and "
        "the running bias is mapped by the next layer's weight before its own bias is added. Shapes: the weight "
        "is [last width, first width]. Build new tensors rather than changing the ones you were given.",
    ],
)


# --- Exercise 3: nn.Linear's starting values by hand ------------------------------------------------
def _linear_init(n_in: int, n_out: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    with torch.random.fork_rng(devices=[]):
        _ = torch.manual_seed(seed)
        layer = torch.nn.Linear(n_in, n_out)
    return layer.weight.detach(), layer.bias.detach()


def _uniform(seed: int, shapes: list[tuple[int, ...]], bound: float) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.empty(*shape).uniform_(-bound, bound, generator=g) for shape in shapes]


_INIT_CASES = [(5, 2, 1), (3, 3, 0), (4, 1, 7), (1, 4, 2), (6, 3, 11)]


def _check_linear_init(answer, run: Runner):
    """Each case: weight and bias as nn.Linear draws them; specific messages for the usual slips."""
    if not callable(answer):
        return f"expected a function linear_init(n_in, n_out, seed), got {article(type_name(answer))}"
    results = []
    for n_in, n_out, seed in _INIT_CASES:
        label = f"n_in={n_in}, n_out={n_out}, seed={seed}"
        try:
            got = run(answer, n_in, n_out, seed)
        except StudentError as exc:
            results.append((label, str(exc)))
            continue
        want = _linear_init(n_in, n_out, seed)
        problem = compare(got, want, strict=True)
        if problem is None or "values are off" not in problem:
            results.append((label, problem))
            continue
        weight, bias = got
        bound = 1 / n_in ** 0.5
        close = lambda a, b: a.shape == b.shape and bool(torch.allclose(a, b, atol=1e-6))  # noqa: E731
        if close(weight, _uniform(seed, [(n_in, n_out)], bound)[0].T):
            problem = ("the weight has the right numbers in the wrong places: the generator fills a tensor row by "
                       "row, so the numbers must be drawn into a tensor of the weight's own shape [n_out, n_in]")
        elif close(weight, _uniform(seed, [(n_out,), (n_out, n_in)], bound)[1]):
            problem = "the bias was drawn before the weight: nn.Linear draws the weight first, then the bias"
        elif n_in != n_out and close(weight, _uniform(seed, [(n_out, n_in)], 1 / n_out ** 0.5)[0]):
            problem = ("the bound uses the number of outputs; nn.Linear's bound comes from the fan-in, the number "
                       "of inputs each output sums over")
        elif close(weight, want[0]) and close(bias, _uniform(seed, [(n_out, n_in), (n_out,)], 1.0)[1]):
            problem = "the weight is right, but the bias must be drawn with the same bound as the weight"
        elif close(weight, want[0]):
            problem = "the weight is right; the bias is not nn.Linear's (drawn right after the weight, same rule)"
        elif float(weight.abs().max()) > bound:
            problem = "some weights are larger than 1/sqrt(fan-in): nn.Linear's weights never are"
        elif float(weight.min()) >= 0:
            problem = "all the weights are >= 0: nn.Linear's are spread over an interval symmetric around 0"
        else:
            problem = ("these are not the numbers nn.Linear draws after this seed (another distribution, or the "
                       "generator not seeded with `seed` right before the draws?)")
        results.append((label, problem))
    return results


linear_init = Exercise(
    "Exercise 3 (nn.Linear's starting values by hand)",
    reference=_linear_init,
    check_fn=_check_linear_init,
    forbidden=["torch.nn.Linear", "torch.nn.init.kaiming_uniform_", "torch.nn.functional.linear"],
    rule="the task is to draw the numbers yourself, without building an nn.Linear or calling kaiming_uniform_",
    hints=[
        "Three things decide the numbers: the distribution and its bound (section 4), the shape of the tensor the "
        "numbers are drawn into, and the order of the draws after the seed. Check each against what nn.Linear "
        "does: which is drawn first, and in which shape?",
        "Seed, then fill an uninitialised tensor of the weight's shape [n_out, n_in] in place from the uniform "
        "distribution between minus and plus one over the square root of the number of inputs; then do the same "
        "for the bias, with the same bound. Return the pair.",
    ],
)

# --- Exercise 4: the rank of a stack ---------------------------------------------------------------
def _max_rank(widths: list[int]) -> int:
    return min(widths)  # rank(W_k ... W_1) <= the smaller side of every factor; random weights reach it


_RANK_CASES = [
    ([5, 1, 5], "widths [5, 1, 5] (section 3)"),
    ([4, 8, 4], "widths [4, 8, 4] (a wide middle)"),
    ([2, 2], "widths [2, 2] (one layer)"),
    ([6, 4, 2, 4, 6], "widths [6, 4, 2, 4, 6]"),
    ([3, 7, 9], "widths [3, 7, 9] (growing)"),
    ([9, 7, 3], "widths [9, 7, 3] (shrinking)"),
]


def _check_max_rank(answer, run: Runner):
    """Each stack: the largest rank; 'too large' and 'too small' say which way the reasoning slipped."""
    if not callable(answer):
        return f"expected a function max_rank(widths), got {article(type_name(answer))}"
    results = []
    for widths, label in _RANK_CASES:
        try:
            got = run(answer, list(widths))
        except StudentError as exc:
            results.append((label, str(exc)))
            continue
        problem = compare(got, _max_rank(widths), strict=True)
        if problem is not None and isinstance(got, int) and not isinstance(got, bool):
            if got > _max_rank(widths):
                problem = ("too large: no choice of weights reaches it. The stack's matrix is a product, and a "
                           "product's rank is at most each factor's rank; is there a width (first and last "
                           "included) smaller than your answer?")
            else:
                problem = ("too small: random weights reach a higher rank (try it with torch.linalg.matrix_rank). "
                           "Which widths really limit the rank?")
        results.append((label, problem))
    return results


max_rank = Exercise(
    "Exercise 4 (the rank of a stack)",
    reference=_max_rank,
    check_fn=_check_max_rank,
    hints=[
        "The matrix of the stack is the product of the layers' weights (Exercise 2). A matrix of shape [m, n] has "
        "rank at most the smaller of m and n, and a product has rank at most the rank of each of its factors. "
        "Which sizes do the factors have?",
        "Every width counts: the input width, each hidden width and the output width. The middle of the stack is "
        "not the only place where it can be narrow, and a wide layer cannot add rank that a narrower one lost.",
    ],
)

# The solutions' key expressions: no hint may contain them (tests/test_exercises_nb01.py and the shared test).
SOLUTION_KEYS = {
    "affine_by_hand": ["x @ A.T + b", "x @ A.T", "A.T + b", "A.t()", "F.linear(x"],
    "collapse": ["next_weight @ weight", "W2 @ W1", "W2 @ b1 + b2", "weight @ bias", "reduce("],
    "linear_init": ["uniform_(-bound, bound)", "1 / math.sqrt(n_in)", "n_in ** -0.5", "torch.empty(n_out, n_in)",
                    "sqrt(n_in)"],
    "max_rank": ["min(widths)", "min(", "return min"],
}
