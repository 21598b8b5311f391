"""Exercises of notebook 06 (training and debugging).

Exercises 1-3 are here; Exercise 4 (label several broken runs, `diagnose_runs`) is in nb06_diagnosis.py.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_pre_hook

from course_utils.checks import Exercise, StudentError, assert_shape, compare
from course_utils.data.synthetic import make_classification_data
from course_utils.exercises.nb06_diagnosis import SOLUTION_KEYS as _DIAGNOSIS_KEYS
from course_utils.exercises.nb06_diagnosis import diagnose_runs, show_mystery_runs
from course_utils.training import History
from course_utils.training.faults import train_variant

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1: fix the training loop
# ---------------------------------------------------------------------------------------------------------------

# The notebook's stub, character for character: the student edits it in place, so the untouched loop is "not
# attempted yet". tests/test_exercises_nb06.py checks that the notebook's cell shows exactly this code.
BUGGY_TRAIN_SOURCE = """\
def train(model, batches, epochs=5, lr=0.5):
    loss_function = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        for inputs, targets in batches:
            scores = model(inputs)
            loss = loss_function(scores, targets)
            optimizer.step()
            loss.backward()
            losses.append(loss)
    return losses
"""


def _compile_buggy_train() -> Callable[..., Any]:
    namespace: dict[str, Any] = {"torch": torch, "nn": nn}
    exec(compile(BUGGY_TRAIN_SOURCE, "<notebook 06, exercise 1>", "exec"), namespace)  # noqa: S102
    return namespace["train"]


buggy_train = _compile_buggy_train()

DEFAULT_EPOCHS, DEFAULT_LR = 5, 0.5  # the defaults of train(...) in the notebook


def training_batches(
    seed: int = 0, n_batches: int = 4, batch_size: int = 16
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The checker's data: `n_batches` minibatches of two-feature examples, class ids 0/1."""
    n = n_batches * batch_size
    X, y = make_classification_data(n, torch.tensor([2.0, -2.0]), 0.5, seed=seed)
    return [(X[i : i + batch_size], y[i : i + batch_size].long()) for i in range(0, n, batch_size)]


def fresh_model(seed: int = 0) -> nn.Module:
    """The checker's model: logistic regression with two output scores."""
    with torch.random.fork_rng(devices=[]):  # the caller's random state is left as it was
        torch.default_generator.manual_seed(seed)
        return nn.Linear(2, 2)


def _loop(
    model: nn.Module, batches, epochs: int, lr: float, *, zero_grad: bool = True, backward_first: bool = True
) -> list[float]:
    """The notebook's loop, correct by default; the flags put back one of the stub's bugs."""
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for inputs, targets in batches:
            if zero_grad:
                optimizer.zero_grad()  # Step 1
            loss = loss_fn(model(inputs), targets)  # Steps 2 and 3
            if backward_first:
                loss.backward()  # Step 4
                optimizer.step()  # Step 5
            else:
                optimizer.step()
                loss.backward()
            losses.append(loss.item())
    return losses


def _reference_train(model: nn.Module, batches, epochs: int = DEFAULT_EPOCHS, lr: float = DEFAULT_LR) -> list[float]:
    return _loop(model, batches, epochs, lr)


# (epochs, lr, data seed, minibatches): lr and epochs differ from the defaults, so a loop that ignores them fails.
TRAIN_CASES = ((5, 0.5, 0, 4), (2, 0.1, 1, 6), (3, 1.0, 2, 4), (1, 0.05, 3, 8))

_BUG_MESSAGES = {
    (False, True): (
        "these are the losses of a loop whose gradients pile up from step to step: backward() adds to `.grad`, "
        "so every step must start by clearing the old gradients (Step 1 is missing)"
    ),
    (False, False): (
        "two bugs are left: gradients pile up from step to step (Step 1, clearing them, is missing), and each update "
        "runs before backward(), so it applies the gradients of earlier steps (Step 5 must come after Step 4)"
    ),
}


# Losses that never change from epoch to epoch have several causes; _StepSpy tells which one it was.
_NEVER_LEARNS = "the model never learns (each minibatch's loss is the same in every epoch): "
_NEVER_LEARNS_WHY = {
    "no step": "no optimizer step ran, so the parameters never change (Step 5, the update, is missing)",
    "step first": "the update runs before backward() has computed this step's gradients, so it has nothing to "
    "apply. Step 5 must come after Step 4",
    "cleared": "the gradients are cleared between backward() and the update, so the update finds nothing to apply. "
    "Clear them before the forward pass (Step 1, at the start of the step), not between Steps 4 and 5",
    "unknown": "the parameters never change. Compare the order of your steps with the five numbered steps",
}


class _StepSpy:
    """Watch a training run: at each optimizer step, had backward() run since the last forward pass, and did the
    parameters hold a gradient? (Which is what tells the "never learns" bugs apart.)"""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.backward_since_forward = False
        self.steps: list[tuple[bool, bool]] = []  # (backward since the forward pass, a non-zero gradient present)

    def __enter__(self) -> _StepSpy:
        self.handles = [p.register_hook(self._on_grad) for p in self.model.parameters()]
        self.handles.append(self.model.register_forward_pre_hook(self._on_forward))
        self.handles.append(register_optimizer_step_pre_hook(self._on_step))
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles:
            handle.remove()

    def _on_forward(self, module, inputs) -> None:
        self.backward_since_forward = False

    def _on_grad(self, grad: torch.Tensor) -> None:
        self.backward_since_forward = True

    def _on_step(self, optimizer, args, kwargs) -> None:
        with torch.no_grad():
            params = [p for group in optimizer.param_groups for p in group["params"]]
            has_grad = any(p.grad is not None and bool(p.grad.any()) for p in params)
        self.steps.append((self.backward_since_forward, has_grad))

    def never_learns_why(self) -> str:
        if not self.steps:
            return _NEVER_LEARNS_WHY["no step"]
        if any(backward and not has_grad for backward, has_grad in self.steps):
            return _NEVER_LEARNS_WHY["cleared"]
        if not any(backward for backward, _ in self.steps):
            return _NEVER_LEARNS_WHY["step first"]
        return _NEVER_LEARNS_WHY["unknown"]


def _close(got: Sequence[float], want: Sequence[float]) -> bool:
    return len(got) == len(want) and all(
        math.isclose(g, w, rel_tol=1e-4, abs_tol=1e-6) for g, w in zip(got, want, strict=False)
    )


def _same_batches(a, b) -> bool:
    return len(a) == len(b) and all(
        torch.equal(x1, x2) and torch.equal(y1, y2) and x1.dtype == x2.dtype and y1.dtype == y2.dtype
        for (x1, y1), (x2, y2) in zip(a, b, strict=False)
    )


def _check_train_case(train, run, epochs: int, lr: float, seed: int, n_batches: int) -> str | None:
    batches = training_batches(seed, n_batches)
    want = _loop(fresh_model(seed), training_batches(seed, n_batches), epochs, lr)
    model = fresh_model(seed)
    with _StepSpy(model) as spy:
        got = run(train, model, batches, epochs=epochs, lr=lr, who="your train")
    steps = epochs * n_batches
    if not _same_batches(batches, training_batches(seed, n_batches)):
        return (
            "your train changed the minibatches in place: the caller's data must stay as it was "
            "(in PyTorch an in-place change is seen through every other name for the same tensor)"
        )
    if got is None:
        return "your train returned None: did you forget to `return losses`?"
    if not isinstance(got, (list, tuple)):
        return f"your train returned {type(got).__name__!r}; return a list with the loss of every step"
    if any(isinstance(v, torch.Tensor) for v in got):
        return (
            "the losses are Tensors, not Python floats: a tensor in the list keeps its whole computation graph "
            "(and memory) alive; store the plain number (`.item()` gives it)"
        )
    if not all(isinstance(v, float) for v in got):
        kind = type(next(v for v in got if not isinstance(v, float))).__name__
        return f"the losses are {kind}s, but Python floats were expected"
    if len(got) != steps:
        if epochs != DEFAULT_EPOCHS and len(got) == DEFAULT_EPOCHS * n_batches:
            return (
                f"your train ran {DEFAULT_EPOCHS} epochs although epochs={epochs} was asked: "
                "the loop must use the `epochs` argument"
            )
        if len(got) == epochs and n_batches > 1:
            return (f"it returned one loss per epoch ({len(got)}), but one per step "
                    f"({steps}: one per minibatch per epoch) was expected")
        return f"it returned {len(got)} losses, but {steps} were expected (one per minibatch per epoch)"
    if not math.isclose(got[0], want[0], rel_tol=1e-4, abs_tol=1e-6):
        return (
            "the first loss (before any update) is not the cross-entropy of the untrained model's scores on the "
            "first minibatch: check Steps 2 and 3, the forward pass and the loss"
        )
    if _close(got, want):
        return None
    never_learns = _loop(fresh_model(seed), training_batches(seed, n_batches), epochs, lr, backward_first=False)
    if _close(got, never_learns):
        return _NEVER_LEARNS + spy.never_learns_why()
    for (zero_grad, backward_first), message in _BUG_MESSAGES.items():
        variant = _loop(
            fresh_model(seed),
            training_batches(seed, n_batches),
            epochs,
            lr,
            zero_grad=zero_grad,
            backward_first=backward_first,
        )
        if _close(got, variant):
            return message
    if lr != DEFAULT_LR and _close(
        got, _loop(fresh_model(seed), training_batches(seed, n_batches), epochs, DEFAULT_LR)
    ):
        return (
            f"these are the losses of a correct loop with lr={DEFAULT_LR}, but lr={lr} was asked: "
            "the optimizer must use the `lr` argument"
        )
    first = next(
        k for k, (g, w) in enumerate(zip(got, want, strict=False)) if not math.isclose(g, w, rel_tol=1e-4, abs_tol=1e-6)
    )
    return (
        f"the losses differ from a correct loop's from step {first + 1} on: are the five steps all there, "
        "in the right order, with the learning rate given?"
    )


def _check_train(train, run):
    if not callable(train):
        return f"expected a function train(model, batches, epochs, lr), got {type(train).__name__!r}"
    results = []
    for epochs, lr, seed, n_batches in TRAIN_CASES:
        label = f"epochs={epochs}, lr={lr}, {n_batches} minibatches"
        try:
            problem = _check_train_case(train, run, epochs, lr, seed, n_batches)
        except StudentError as exc:
            problem = str(exc)
        results.append((label, problem))
    return results


fix_training_loop = Exercise(
    "Exercise 1 (fix the training loop)",
    check_fn=_check_train,
    stub=buggy_train,
    modifies_inputs=True,  # training *is* changing the model in place; the minibatches are compared by the check
    hints=[
        "compare your loop with the five numbered steps of the corrected loop near the top of this notebook (clear "
        "the gradients, forward pass, loss, backward(), update), in that order, and use the `epochs` and `lr` the "
        "caller passes.",
        "the loop you were given missed one of these steps, had two in the wrong order, and kept tensors in its "
        "list where plain numbers belong. Ask, for one step of your loop: what does `.grad` hold at the moment the "
        "update runs (what has added to it "
        "since the last update, what has cleared it)? And what does each entry of your list keep alive?",
        "backward() adds to `.grad` rather than overwriting it, and the optimizer's update uses whatever `.grad` "
        "holds at that moment: so the old gradients must be cleared at the start of every step, and this step's "
        "gradients must exist before the update. A tensor kept in a list keeps its computation graph alive: keep "
        "a Python number instead.",
    ],
)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 2: a shape-checked MSE
# ---------------------------------------------------------------------------------------------------------------


def _reference_mse(predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    assert_shape(targets, (None,), "targets")
    assert_shape(predictions, (targets.shape[0],), "predictions")
    return ((predictions - targets) ** 2).mean()


def _randn(shape: tuple[int, ...], seed: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed)) * scale


def _fmt(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]" + (" (0-d, a single number)" if not shape else "")


def _kind(shape: tuple[int, ...]) -> str:
    if not shape:
        return "0-d tensors (single numbers, not vectors)"
    if len(shape) == 2 and shape[1] == 1:
        return "columns"
    if len(shape) == 2 and shape[0] == 1:
        return "rows"
    return f"{len(shape)}-d tensors"


# Shapes that are fine: (predictions, targets, seed, scale)
MSE_GOOD = (((6,), (6,), 0, 1.0), ((1,), (1,), 1, 1.0), ((4,), (4,), 2, 1000.0), ((100,), (100,), 3, 1.0))
# Shapes that must raise ValueError: either argument wrong, including the ones that broadcast silently.
MSE_BAD = (
    ((6, 1), (6,)),
    ((1, 6), (6,)),
    ((5,), (6,)),
    ((6,), (6, 1)),
    ((6,), (1, 6)),
    ((6,), (1,)),
    ((1,), (6,)),
    ((), (6,)),
    ((6,), ()),
    ((), ()),
    ((), (1,)),
    ((1,), ()),
    ((6, 1), (6, 1)),
    ((6,), (5,)),
)


def _attempt(mse: Callable[..., Any]) -> Callable[..., Any]:
    """Call mse and report what happened: ("returned", value) or ("raised", exception)."""

    def attempt(predictions, targets):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # F.mse_loss warns about broadcasting: the verdict says it instead
            try:
                return "returned", mse(predictions, targets)
            except NotImplementedError:
                raise
            except Exception as exc:  # noqa: BLE001 - which exception it was is the verdict
                return "raised", exc

    return attempt


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return tuple(torch.broadcast_shapes(a, b))
    except RuntimeError:
        return None


def _check_mse(mse, run):
    if not callable(mse):
        return f"expected a function mse(predictions, targets), got {type(mse).__name__!r}"
    attempt, results = _attempt(mse), []
    for k, (p_shape, t_shape, _seed, scale) in enumerate(MSE_GOOD):
        predictions, targets = _randn(p_shape, 10 + k, scale), _randn(t_shape, 20 + k, scale)
        label = f"predictions {_fmt(p_shape)} and targets {_fmt(t_shape)}"
        want = _reference_mse(predictions, targets)
        try:
            what, got = run(attempt, predictions.clone(), targets.clone(), who="your mse")
        except StudentError as exc:
            results.append((label, str(exc)))
            continue
        if what == "raised":
            problem = f"your mse raised {type(got).__name__} on shapes that are fine: {got}"
        else:
            problem = compare(got, want)
        results.append((label, problem))
    for k, (p_shape, t_shape) in enumerate(MSE_BAD):
        predictions, targets = _randn(p_shape, 30 + k), _randn(t_shape, 40 + k)
        label = f"predictions {_fmt(p_shape)} and targets {_fmt(t_shape)}"
        try:
            what, got = run(attempt, predictions, targets, who="your mse")
        except StudentError as exc:
            results.append((label, str(exc)))
            continue
        if what == "raised" and isinstance(got, ValueError):
            problem = None
        elif what == "raised" and isinstance(got, AssertionError):
            problem = (
                "your mse raised AssertionError, not ValueError: a bare `assert` is removed when Python runs "
                "with -O, so the check would silently vanish; raise a ValueError (assert_shape does)"
            )
        elif what == "raised":
            problem = (
                f"your mse raised {type(got).__name__} instead of a ValueError that names the bad argument: "
                "check both shapes before computing anything"
            )
        else:
            both = _broadcast(p_shape, t_shape)
            if p_shape == t_shape:
                why = (
                    f"both are {_kind(p_shape)}, but targets must be a vector ([N]) and predictions a vector of the "
                    "same length"
                )
            elif both is not None:
                why = f"the shapes broadcast silently to {_fmt(both)}, which is exactly the bug this exercise is about"
            else:
                why = "these shapes do not fit together"
            problem = f"your mse returned a result instead of raising a ValueError: {why}"
        results.append((label, problem))
    return results


checked_mse = Exercise(
    "Exercise 2 (a shape-checked MSE)",
    check_fn=_check_mse,
    hints=[
        "broadcasting lets tensors of different shapes combine without an error: a [6] and a [6, 1] give a [6, 6] "
        "difference. Check the shapes of BOTH arguments before you compute anything, and turn a bad shape into a "
        "ValueError.",
        "decide which shapes are fine before you write any check: targets a vector of any length, predictions a "
        "vector of that same length. Everything else (a column, a row, a 0-d single number, another length) must "
        "raise, whichever argument it is. The course has a helper that raises the right error for you.",
        "check `targets` first: it must have exactly one dimension, of any length. Then `predictions` must have "
        "one dimension of that same length. assert_shape raises the ValueError for you (None in the expected shape "
        "means 'any size'); a bare `assert` raises AssertionError instead, and `python -O` removes it.",
    ],
)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 3: name the bug
# ---------------------------------------------------------------------------------------------------------------

_MYSTERY_BUG = "no zero_grad"
OPTIONS = ("none", "no zero_grad", "saturated sigmoid", "lr too high")


def mystery_history() -> History:
    """A run of course_utils.training.faults.train_variant with a bug you have to name."""
    return train_variant(_MYSTERY_BUG, lr=0.1, steps=40)


def show_mystery() -> None:
    """Plot the mystery run as the notebook plots its runs: the loss (log scale) and the gradient norms."""
    import matplotlib.pyplot as plt

    from course_utils.plotting import plot_run

    plot_run(mystery_history(), title="mystery run")
    plt.show()


def _normalise(answer: str) -> str:
    """Lower case, without spaces, punctuation, underscores or "()": "No zero_grad()" -> "nozerograd"."""
    return re.sub(r"[^a-z]", "", answer.lower())


# The spellings accepted for each option, normalised. Only the options themselves: a free-text answer such as
# "zero_grad is fine" or "it is not zero_grad" names no option, whatever words it contains.
_SPELLINGS = {
    "none": ("none",),
    "no zero_grad": ("nozerograd",),
    "saturated sigmoid": ("saturatedsigmoid",),
    "lr too high": ("lrtoohigh", "learningratetoohigh"),
}


def _which_option(answer: str) -> str | None:
    """The option the answer spells (case, spaces, punctuation and "()" do not matter), or None."""
    text = _normalise(answer)
    return next((option for option, spellings in _SPELLINGS.items() if text in spellings), None)


_WRONG_OPTION = {
    "none": "a healthy run's loss falls steadily and its gradient norms shrink as it converges: look again at this "
    "run's two plots",
    "saturated sigmoid": "a saturated sigmoid shows gradient norms several orders of magnitude apart and a loss that "
    "stays flat on a plateau: look again at this run's two plots",
    "lr too high": "a too-large learning rate makes the loss and the gradient norms grow exponentially (straight lines "
    "upwards on the log axes) until the loss overflows to inf: look again at this run's two plots",
}


def _check_diagnosis(answer, run):
    options = ", ".join(f'"{o}"' for o in OPTIONS)
    if not isinstance(answer, str):
        return f"expected a string (one of {options}), got {type(answer).__name__!r}"
    option = _which_option(answer)
    if option is None:
        return f"{answer.strip()[:40]!r} is not one of the options: answer with exactly one of {options}"
    if option == _MYSTERY_BUG:
        return None
    return f"not this one: {_WRONG_OPTION[option]}"


diagnose = Exercise(
    "Exercise 3 (name the bug)",
    check_fn=_check_diagnosis,
    hints=[
        "read both plots: does the loss fall steadily, climb exponentially, stay flat, or bounce up and down? Do "
        "the gradient norms shrink, explode, or sit orders of magnitude apart?",
        "put this run's two plots next to the runs the notebook showed above, one per bug, and describe each plot in "
        "words before you compare: which run's pair of plots tells the same story?",
        "here the loss bounces and the gradient norms never shrink, although the learning rate is moderate. Which "
        "bug makes each update bigger than the current gradient alone would?",
    ],
)

SOLUTION_KEYS = {
    "fix_training_loop": ["optimizer.zero_grad()", "loss.item()"],
    "checked_mse": ["assert_shape(targets, (None,)", "assert_shape(predictions, (targets.shape[0],)"],
    "diagnose": ["no zero_grad"],
    **_DIAGNOSIS_KEYS,  # Exercise 4, in nb06_diagnosis.py
}

__all__ = [
    "BUGGY_TRAIN_SOURCE",
    "buggy_train",
    "checked_mse",
    "diagnose",
    "diagnose_runs",
    "fix_training_loop",
    "fresh_model",
    "mystery_history",
    "show_mystery",
    "show_mystery_runs",
    "training_batches",
]
