"""Exercises of notebook 06 (training and debugging)."""
from __future__ import annotations

import copy
import math

import torch
from torch import nn

from course_utils.checks import Exercise, assert_shape
from course_utils.debugging import train_variant
from course_utils.synthetic import make_classification_data
from course_utils.training import History

EPOCHS, LR = 5, 0.5  # what the checker passes to the student's train(...)


def training_batches(seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The checker's data: 4 minibatches of 16 two-feature examples, class ids 0/1."""
    X, y = make_classification_data(64, torch.tensor([2.0, -2.0]), 0.5, seed=seed)
    return [(X[i : i + 16], y[i : i + 16].long()) for i in range(0, 64, 16)]


def fresh_model(seed: int = 0) -> nn.Module:
    """The checker's model: logistic regression with two output scores."""
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    model = nn.Linear(2, 2)
    torch.random.set_rng_state(generator_state)
    return model


def _reference_train(model: nn.Module, batches, epochs: int = EPOCHS, lr: float = LR) -> list[float]:
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for inputs, targets in batches:
            optimizer.zero_grad()  # Step 1
            scores = model(inputs)  # Step 2
            loss = loss_fn(scores, targets)  # Step 3
            loss.backward()  # Step 4
            optimizer.step()  # Step 5
            losses.append(loss.item())
    return losses


def _check_train(train) -> str | None:
    if not callable(train):
        return f"expected a function train(model, batches, epochs, lr), got a {type(train).__name__}"
    batches = training_batches()
    want = _reference_train(fresh_model(), copy.deepcopy(batches))
    got = train(fresh_model(), copy.deepcopy(batches), epochs=EPOCHS, lr=LR)
    if got is None:
        return "train returned None. Did you forget `return losses`?"
    if not isinstance(got, (list, tuple)):
        return f"train returned a {type(got).__name__}; return a list of the step losses"
    if len(got) != len(want):
        return f"train returned {len(got)} losses, but {len(want)} steps were expected (one per batch per epoch)"
    if not all(isinstance(v, float) for v in got):
        kind = type(next(v for v in got if not isinstance(v, float))).__name__
        return (f"the losses are {kind}s, not floats: store loss.item() (a tensor keeps its whole "
                "computation graph alive)")
    if not math.isclose(got[0], want[0], rel_tol=1e-4, abs_tol=1e-6):
        return "the first loss is not the cross-entropy of the untrained model's scores: check Step 2 and Step 3"
    if not all(math.isclose(g, w, rel_tol=1e-3, abs_tol=1e-5) for g, w in zip(got, want)):
        return (f"the losses do not drop like a correct loop's (yours ends at {got[-1]:.3f}): "
                "are the five steps all there, in the right order?")
    return None


fix_training_loop = Exercise(
    "Exercise 1 (fix the training loop)",
    reference=None,
    check_fn=_check_train,
    hint="compare with the five numbered steps: one step is missing, two are in the wrong order, "
    "and the list should hold plain numbers.",
)


def _reference_mse(predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    assert_shape(targets, (None,), "targets")
    assert_shape(predictions, (targets.shape[0],), "predictions")
    return ((predictions - targets) ** 2).mean()


def _check_mse(mse) -> str | None:
    if not callable(mse):
        return f"expected a function mse(predictions, targets), got a {type(mse).__name__}"
    generator = torch.Generator().manual_seed(0)
    predictions, targets = torch.randn(6, generator=generator), torch.randn(6, generator=generator)
    got = mse(predictions.clone(), targets.clone())
    if got is None:
        return "mse returned None on predictions [6] and targets [6]. Did you forget a `return`?"
    if not isinstance(got, torch.Tensor) or got.numel() != 1:
        return "mse must return a single-number tensor on predictions [6] and targets [6]"
    if not torch.allclose(got, _reference_mse(predictions, targets), atol=1e-6):
        return "on predictions [6] and targets [6] the mean squared error is not right yet"
    for shape, what in (((6, 1), "a column [6, 1]"), ((1, 6), "a row [1, 6]"), ((5,), "5 predictions for 6 targets")):
        try:
            mse(torch.zeros(shape), targets.clone())
        except ValueError:
            continue
        return f"predictions given as {what} did not raise a ValueError: it broadcast silently. Use assert_shape."
    return None


checked_mse = Exercise(
    "Exercise 2 (a shape-checked MSE)",
    reference=None,
    check_fn=_check_mse,
    hint="assert_shape(targets, (None,), 'targets') then assert_shape(predictions, (targets.shape[0],), 'predictions')",
)

_MYSTERY_BUG = "no zero_grad"


def mystery_history() -> History:
    """A run of course_utils.debugging.train_variant with a bug you have to name."""
    return train_variant(_MYSTERY_BUG, lr=0.1, steps=40)


diagnose = Exercise(
    "Exercise 3 (name the bug)",
    reference=_MYSTERY_BUG,
    hint="Which bug lets the gradient norms keep growing while the loss goes up and down?",
)
