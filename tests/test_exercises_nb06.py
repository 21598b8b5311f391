"""Notebook 06's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted". test_exercises_all.py runs the tables WRONG, ALTERNATIVES and
STUBS below, with the rules every exercise keeps (graded hints, the exercise cells after a restart).

fix_training_loop is a "fix this code" exercise: its stub is the buggy loop itself (nb06.BUGGY_TRAIN_SOURCE,
which the notebook shows character for character). Training changes the model in place, which is the task, so
only the minibatches are compared. None of the three exercises forbids a function.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.checks import assert_shape
from course_utils.checks.guards import same_code
from course_utils.exercises import nb06

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "06_training_and_debugging.ipynb"
STUB_CELL, SOLUTION_CELL = "6d384d8b", "b3e59d68"
MSE_STUB_CELL, MSE_SOLUTION_CELL = "f127efb2", "affa8f9b"
DIAGNOSE_STUB_CELL, DIAGNOSE_SOLUTION_CELL = "d38c1fb6", "b0e33ff3"
RUNS_STUB_CELL, RUNS_SOLUTION_CELL = "a06ex403", "a06ex404"


def cell_source(cell_id: str) -> str:
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    return "".join(next(c for c in cells if c.get("id") == cell_id)["source"])


def notebook_namespace(cell_id: str) -> dict:
    """What the notebook's cell defines, without running its check line."""
    source = "\n".join(line for line in cell_source(cell_id).splitlines() if ".check(" not in line)
    namespace = {"torch": torch, "nn": nn, "assert_shape": assert_shape, "nb06": nb06}
    exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    return namespace


# --- fix_training_loop: wrong answers -----------------------------------------------------------------
def make_loop(*, zero_grad=True, backward_first=True, floats=True, loss_fn=None, fixed_lr=None, fixed_epochs=None,
              per_epoch=False, touch_batches=False):
    """A training loop with one (or more) of the mistakes students make."""

    def train(model, batches, epochs=5, lr=0.5):
        loss_function = loss_fn or nn.CrossEntropyLoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=fixed_lr or lr)
        losses = []
        for _ in range(fixed_epochs or epochs):
            epoch_losses = []
            for inputs, targets in batches:
                if touch_batches:
                    inputs += 0.1
                if zero_grad:
                    optimizer.zero_grad()
                scores = model(inputs)
                loss = loss_function(scores, targets)
                if backward_first:
                    loss.backward()
                    optimizer.step()
                else:
                    optimizer.step()
                    loss.backward()
                epoch_losses.append(loss.item() if floats else loss)
            losses.extend([sum(epoch_losses) / len(epoch_losses)] if per_epoch else epoch_losses)
        return losses

    return train


def clears_after_backward(model, batches, epochs=5, lr=0.5):
    loss_function, optimizer, losses = nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), []
    for _ in range(epochs):
        for inputs, targets in batches:
            loss = loss_function(model(inputs), targets)
            loss.backward()
            optimizer.zero_grad()  # clears this step's gradients before the update
            optimizer.step()
            losses.append(loss.item())
    return losses


def never_steps(model, batches, epochs=5, lr=0.5):
    loss_function, optimizer, losses = nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), []
    for _ in range(epochs):
        for inputs, targets in batches:
            optimizer.zero_grad()
            loss = loss_function(model(inputs), targets)
            loss.backward()  # Step 5, optimizer.step(), is missing
            losses.append(loss.item())
    return losses


def detached_losses(model, batches, epochs=5, lr=0.5):
    return [torch.tensor(v) for v in make_loop()(model, batches, epochs, lr)]


def forgot_return(model, batches, epochs=5, lr=0.5):
    make_loop()(model, batches, epochs, lr)


TRAIN = nb06.fix_training_loop
TRAIN_WRONG = [
    pytest.param(make_loop(zero_grad=False), ("0 of 4 passed", "gradients pile up", "Step 1 is missing"),
                 id="train-no-zero_grad"),
    pytest.param(make_loop(backward_first=False), ("0 of 4 passed", "never learns", "Step 5 must come after Step 4"),
                 id="train-step-before-backward"),
    pytest.param(make_loop(zero_grad=False, backward_first=False), ("two bugs are left",), id="train-only-floats-fixed"),
    pytest.param(make_loop(floats=False), ("Tensors, not Python floats", "computation graph"), id="train-tensors"),
    pytest.param(detached_losses, ("Tensors, not Python floats",), id="train-detached-tensors"),
    pytest.param(make_loop(loss_fn=nn.NLLLoss()), ("first loss", "Steps 2 and 3"), id="train-wrong-loss-nll"),
    pytest.param(make_loop(loss_fn=nn.CrossEntropyLoss(reduction="sum")), ("first loss",), id="train-wrong-loss-sum"),
    pytest.param(make_loop(fixed_lr=0.5), ("1 of 4 passed", "lr=0.1 was asked", "use the `lr` argument"),
                 id="train-ignores-lr"),
    pytest.param(make_loop(fixed_epochs=5), ("1 of 4 passed", "epochs=2 was asked", "use the `epochs` argument"),
                 id="train-ignores-epochs"),
    pytest.param(make_loop(per_epoch=True), ("one loss per epoch",), id="train-loss-per-epoch"),
    # zero_grad() between backward() and step() never learns too, but for another reason (review of issue 10)
    pytest.param(clears_after_backward, ("0 of 4 passed", "never learns", "cleared between backward() and the update"),
                 id="train-zero_grad-between-backward-and-step"),
    pytest.param(never_steps, ("0 of 4 passed", "never learns", "no optimizer step ran"), id="train-no-step"),
    pytest.param(forgot_return, ("returned None",), id="train-no-return"),
    pytest.param(make_loop(touch_batches=True), ("changed the minibatches in place",), id="train-inplace-batches"),
    pytest.param(lambda model, batches, epochs=5, lr=0.5: 1 / 0, ("your train raised ZeroDivisionError",),
                 id="train-raises"),
]


# --- checked_mse: wrong answers -----------------------------------------------------------------------
def scalars_slip_through(predictions, targets):
    if predictions.shape != targets.shape or predictions.dim() > 1:  # accepts two 0-d tensors
        raise ValueError("bad shapes")
    return ((predictions - targets) ** 2).mean()


def only_predictions_checked(predictions, targets):
    assert_shape(predictions, (targets.shape[0],), "predictions")  # targets [6, 1] still broadcasts
    return ((predictions - targets) ** 2).mean()


def bare_assert(predictions, targets):
    assert predictions.dim() == 1 and targets.dim() == 1 and predictions.shape == targets.shape
    return ((predictions - targets) ** 2).mean()


def equal_shapes_only(predictions, targets):
    if predictions.shape != targets.shape:
        raise ValueError("shapes differ")
    return ((predictions - targets) ** 2).mean()


def vectors_only(predictions, targets):
    if predictions.dim() != 1 or targets.dim() != 1:
        raise ValueError("not vectors")
    return ((predictions - targets) ** 2).mean()  # [1] against [6] still broadcasts, [5] against [6] fails


def checked(formula):
    def mse(predictions, targets):
        assert_shape(targets, (None,), "targets")
        assert_shape(predictions, (targets.shape[0],), "predictions")
        return formula(predictions, targets)

    return mse


def runtime_error(predictions, targets):
    if predictions.shape != targets.shape or predictions.dim() != 1:
        raise RuntimeError("bad shapes")
    return ((predictions - targets) ** 2).mean()


def subtracts_in_place(predictions, targets):
    assert_shape(targets, (None,), "targets")
    assert_shape(predictions, (targets.shape[0],), "predictions")
    return (predictions.sub_(targets) ** 2).mean()


MSE = nb06.checked_mse
MSE_WRONG = [
    pytest.param(lambda p, t: ((p - t) ** 2).mean(), ("4 of 18 passed", "broadcast silently to [6, 6]"),
                 id="mse-no-checks"),
    pytest.param(lambda p, t: F.mse_loss(p, t), ("returned a result instead of raising a ValueError",),
                 id="mse-F.mse_loss-unchecked"),
    pytest.param(only_predictions_checked,
                 ("14 of 18 passed", "predictions [6] and targets [6, 1]", "broadcast silently"),
                 id="mse-targets-never-checked"),
    pytest.param(bare_assert, ("AssertionError, not ValueError", "-O"), id="mse-bare-assert"),
    pytest.param(equal_shapes_only, ("16 of 18 passed", "both are 0-d tensors"), id="mse-equal-shapes-only"),
    # 0-d inputs were never tried (review of issue 10)
    pytest.param(scalars_slip_through,
                 ("17 of 18 passed", "predictions [] (0-d, a single number) and targets [] (0-d, a single number)",
                  "both are 0-d tensors (single numbers, not vectors)"), id="mse-accepts-two-scalars"),
    pytest.param(vectors_only, ("raised RuntimeError instead of a ValueError",), id="mse-dims-only"),
    pytest.param(runtime_error, ("raised RuntimeError instead of a ValueError",), id="mse-raises-RuntimeError"),
    pytest.param(checked(lambda p, t: (p - t).abs().mean()), ("14 of 18 passed", "value is off"), id="mse-abs"),
    pytest.param(checked(lambda p, t: ((p - t) ** 2).sum()), ("value is off",), id="mse-sum"),
    pytest.param(checked(lambda p, t: ((p - t) ** 2).mean().item()), ("but a torch.Tensor was expected",),
                 id="mse-float"),
    pytest.param(checked(lambda p, t: None), ("returned None",), id="mse-no-return"),
    pytest.param(subtracts_in_place, ("changed its input `predictions` in place",), id="mse-in-place"),
]


# --- diagnose: wrong answers --------------------------------------------------------------------------
DIAGNOSE = nb06.diagnose
DIAGNOSE_WRONG = [
    pytest.param("none", ("not this one", "healthy run"), id="diagnose-none"),
    pytest.param("lr too high", ("not this one", "grow exponentially"), id="diagnose-lr"),
    pytest.param("Learning rate too high!", ("not this one", "grow exponentially"), id="diagnose-learning-rate"),
    pytest.param("saturated sigmoid", ("not this one", "orders of magnitude"), id="diagnose-saturated"),
    pytest.param("Saturated_Sigmoid", ("not this one", "orders of magnitude"), id="diagnose-saturated-spelling"),
    pytest.param("banana", ("is not one of the options",), id="diagnose-not-an-option"),
    # free text is not parsed for keywords any more: negations named the right bug (review of issue 10)
    pytest.param("zero_grad is fine", ("'zero_grad is fine' is not one of the options", '"no zero_grad"'),
                 id="diagnose-negation-is-fine"),
    pytest.param("it is not zero_grad", ("is not one of the options",), id="diagnose-negation-not"),
    pytest.param("missing zero grad", ("is not one of the options",), id="diagnose-free-text"),
    pytest.param("gradients accumulate", ("is not one of the options",), id="diagnose-description"),
    pytest.param("exploding gradients", ("is not one of the options",), id="diagnose-exploding"),
    pytest.param("learning rate too large", ("is not one of the options",), id="diagnose-unlisted-spelling"),
    pytest.param("no zero_grad or lr too high", ("is not one of the options",), id="diagnose-two-options"),
    pytest.param(3, ("expected a string",), id="diagnose-not-a-string"),
]


# --- diagnose_runs (Exercise 4): wrong labellings ------------------------------------------------------
RUNS = nb06.diagnose_runs
RIGHT = {"A": "lr too low", "B": "lr too high", "C": "none", "D": "saturated sigmoid", "E": "no zero_grad"}


def relabel(**changes):
    return {**RIGHT, **changes}


RUNS_WRONG = [
    # the trap: B ends saturated, but it was not saturated at step 1
    pytest.param(relabel(B="saturated sigmoid"), ("4 of 5 passed", "run B", "comes later, during training"),
                 id="runs-late-saturation-called-init"),
    pytest.param(relabel(B="no zero_grad"), ("4 of 5 passed", "first update", "no old gradient can have piled up"),
                 id="runs-big-first-step-called-no-zero_grad"),
    # the two flat losses swapped
    pytest.param(relabel(A="saturated sigmoid", D="lr too low"), ("3 of 5 passed", "on run A", "at step 1"),
                 id="runs-flat-losses-swapped"),
    pytest.param(relabel(D="lr too low"), ("4 of 5 passed", "2.bias takes steps of up to", "something else"),
                 id="runs-saturated-called-slow"),
    pytest.param(relabel(A="none"), ("4 of 5 passed", "not a healthy run", "5.37 -> 5.07"), id="runs-slow-called-healthy"),
    pytest.param(relabel(C="lr too low"), ("4 of 5 passed", "falls fast"), id="runs-healthy-called-slow"),
    pytest.param(relabel(E="lr too high"), ("4 of 5 passed", "ends below where it started"),
                 id="runs-bouncing-called-too-high"),
    pytest.param(relabel(E="lr too low"), ("4 of 5 passed", "goes up 19 times"), id="runs-bouncing-called-slow"),
    pytest.param(relabel(C="no zero_grad"), ("4 of 5 passed", "goes up only 0 times"), id="runs-healthy-called-no-zero_grad"),
    pytest.param(dict.fromkeys(RIGHT, "none"), ("1 of 5 passed", "on run A", "not a healthy run"), id="runs-all-none"),
    pytest.param({k: v for k, v in RIGHT.items() if k != "E"}, ("4 of 5 passed", "run E has no label yet"),
                 id="runs-one-missing"),
    pytest.param(relabel(C=...), ("run C has no label yet",), id="runs-one-left-as-ellipsis"),
    pytest.param({**RIGHT, "F": "none"}, ("the keys must be the run names", "'F'"), id="runs-unknown-key"),
    pytest.param(list(RIGHT.values()), ("expected a dict",), id="runs-a-list"),
    pytest.param(relabel(B="exploding gradients"), ("is not one of the faults",), id="runs-not-an-option"),
    pytest.param(relabel(B=3), ("expected a string",), id="runs-not-a-string"),
]

WRONG = (
    [pytest.param(TRAIN, *p.values, id=p.id) for p in TRAIN_WRONG]
    + [pytest.param(MSE, *p.values, id=p.id) for p in MSE_WRONG]
    + [pytest.param(DIAGNOSE, *p.values, id=p.id) for p in DIAGNOSE_WRONG]
    + [pytest.param(RUNS, *p.values, id=p.id) for p in RUNS_WRONG]
)


# Words that would name a run's fault (or its mechanism) in the message about another label.
GIVEAWAYS = {
    "lr too low": ("too low", "too small", "small steps"),
    "lr too high": ("too high", "too large", "diverg"),
    "none": ("healthy",),
    "saturated sigmoid": ("saturat", "initialis"),
    "no zero_grad": ("zero_grad", "pile", "accumul"),
}


def test_every_wrong_label_of_every_run_gets_its_own_reason_without_the_answer():
    from course_utils.exercises import nb06_diagnosis as diagnosis

    for name, truth in RIGHT.items():
        for fault in diagnosis.FAULTS:
            if fault == truth:
                continue
            RUNS.reset()
            problem = RUNS.check(relabel(**{name: fault})).problem
            assert problem.startswith(f"on run {name}: ") and "look again" not in problem, (name, fault, problem)
            # the message explains why the student's label is wrong; it may use the words of that label, but
            # never the words of the right one (unless they are also the words of the wrong label)
            own = GIVEAWAYS[fault]
            leaked = [w for w in GIVEAWAYS[truth] if w in problem.lower() and not any(w in o or o in w for o in own)]
            assert leaked == [], (name, fault, problem)


def test_the_mystery_runs_are_the_faults_they_claim():
    from course_utils.exercises import nb06_diagnosis as diagnosis

    runs = diagnosis.mystery_runs()
    assert list(runs) == list(RIGHT) == list(diagnosis.RUN_NAMES)
    evidence = {name: diagnosis.run_evidence(*run) for name, run in runs.items()}
    assert evidence["B"].last_loss > evidence["B"].first_loss  # lr too high: the loss grows...
    assert evidence["B"].first_saturated == 0 and evidence["B"].last_saturated > 0.9  # ...and saturates the layer
    assert evidence["D"].first_saturated == 1.0  # saturated from the start
    assert evidence["E"].rises > 10 and evidence["E"].last_grad > evidence["E"].first_grad  # no zero_grad
    assert evidence["C"].last_loss < evidence["C"].first_loss / 10  # healthy
    assert evidence["A"].rises == 0 and evidence["A"].last_loss > 0.9 * evidence["A"].first_loss  # lr too low
    assert max(r for _, r in [evidence["A"].biggest_step]) < -2


def test_show_mystery_runs_draws_one_row_per_run():
    import matplotlib.pyplot as plt

    nb06.show_mystery_runs()
    fig = plt.gcf()
    assert len(fig.axes) == 4 * len(RIGHT)
    assert [ax.get_title() for ax in fig.axes[:4]] == ["run A: loss", "run A: gradient norms",
                                                       "run A: update:data ratios", "run A: hidden sigmoid"]


def test_the_runs_exercise_cells_use_no_name_from_earlier_cells():
    assert cell_source("a06ex402").strip() == "nb06.show_mystery_runs()"
    assert notebook_namespace(RUNS_SOLUTION_CELL)["labels_solution"] == RIGHT


def test_no_zero_grad_and_step_before_backward_get_different_messages():
    messages = set()
    loops = (make_loop(zero_grad=False), make_loop(backward_first=False), make_loop(zero_grad=False, backward_first=False),
             clears_after_backward, never_steps)
    for loop in loops:
        TRAIN.reset()
        messages.add(TRAIN.check(loop).problem)
    assert len(messages) == len(loops)


def test_clearing_after_backward_is_not_called_an_update_before_backward():
    TRAIN.reset()
    problem = TRAIN.check(clears_after_backward).problem
    assert "runs before backward" not in problem and "Step 5 must come after Step 4" not in problem


@pytest.mark.parametrize("wrong", [make_loop(fixed_lr=0.5), make_loop(fixed_epochs=5), make_loop(per_epoch=True)],
                         ids=["ignores-lr", "ignores-epochs", "loss-per-epoch"])
def test_the_train_hints_are_true_for_a_loop_whose_steps_are_right(wrong):
    """The hints describe the loop the student was GIVEN and remind of epochs and lr: true for every failure."""
    TRAIN.reset()
    first, second = TRAIN.check(wrong).hint, TRAIN.check(wrong).hint
    assert "use the `epochs` and `lr` the caller passes" in first
    assert "missed one of these steps" not in first  # the first hint does not list the bugs (review of 06)
    assert "the loop you were given missed one of these steps" in second
    assert "one step is missing" not in " ".join(TRAIN.hints)


def test_every_wrong_shape_of_either_argument_must_raise():
    shapes = {(p, t) for p, t in nb06.MSE_BAD}
    assert ((6,), (6, 1)) in shapes and ((6, 1), (6,)) in shapes  # the column as either argument
    assert ((6,), (1,)) in shapes and ((1,), (6,)) in shapes  # one value broadcasts against six
    assert ((6, 1), (6, 1)) in shapes  # same shape, but not vectors
    assert ((), ()) in shapes and ((), (1,)) in shapes and ((1,), ()) in shapes  # 0-d: a single number, not a vector
    # The F.mse_loss answer fails on every case that broadcasts, not only on one
    MSE.reset()
    fb = MSE.check(lambda p, t: F.mse_loss(p, t))
    assert fb.passed == len(nb06.MSE_GOOD)


def test_wrong_diagnoses_do_not_reveal_the_answer():
    for wrong in ("none", "lr too high", "saturated sigmoid"):
        DIAGNOSE.reset()
        problem = DIAGNOSE.check(wrong).problem
        assert "zero" not in problem and "accumulat" not in problem and "pile" not in problem


# --- correct alternatives -----------------------------------------------------------------------------
def manual_sgd(model, batches, epochs=5, lr=0.5):
    losses = []
    for _ in range(epochs):
        for inputs, targets in batches:
            model.zero_grad()
            loss = F.cross_entropy(model(inputs), targets)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= lr * p.grad
            losses.append(float(loss.detach()))
    return losses


def clears_at_the_end(model, batches, epochs=5, lr=0.5):
    loss_function, optimizer, losses = nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), []
    for _ in range(epochs):
        for inputs, targets in batches:
            loss = loss_function(model(inputs), targets)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=False)
            losses.append(loss.detach().item())
    return losses


def mse_explicit(predictions, targets):
    if targets.dim() != 1:
        raise ValueError(f"targets must be a vector, got shape {tuple(targets.shape)}")
    if predictions.shape != targets.shape:
        raise ValueError(f"predictions must have shape {tuple(targets.shape)}, got {tuple(predictions.shape)}")
    return torch.mean((predictions - targets).pow(2))


ALTERNATIVES = [
    pytest.param(TRAIN, notebook_namespace(SOLUTION_CELL)["train_solution"], id="train-notebook-solution"),
    pytest.param(TRAIN, nb06._reference_train, id="train-reference"),
    pytest.param(TRAIN, make_loop(), id="train-fixed-stub"),
    pytest.param(TRAIN, manual_sgd, id="train-manual-sgd"),
    pytest.param(TRAIN, clears_at_the_end, id="train-zero_grad-at-the-end"),
    pytest.param(MSE, notebook_namespace(MSE_SOLUTION_CELL)["mse_solution"], id="mse-notebook-solution"),
    pytest.param(MSE, nb06._reference_mse, id="mse-reference"),
    pytest.param(MSE, mse_explicit, id="mse-explicit-ValueError"),
    pytest.param(MSE, checked(F.mse_loss), id="mse-checked-F.mse_loss"),
    pytest.param(MSE, checked(lambda p, t: ((t - p) * (t - p)).sum() / t.numel()), id="mse-sum-over-n"),
    pytest.param(DIAGNOSE, notebook_namespace(DIAGNOSE_SOLUTION_CELL)["answer_solution"], id="diagnose-notebook"),
    pytest.param(DIAGNOSE, "No zero_grad()", id="diagnose-capitalised"),
    pytest.param(DIAGNOSE, " no_zero_grad ", id="diagnose-underscores"),
    pytest.param(DIAGNOSE, "NO ZERO-GRAD.", id="diagnose-upper-case-and-punctuation"),
    pytest.param(DIAGNOSE, "no zerograd", id="diagnose-no-underscore"),
    pytest.param(RUNS, notebook_namespace(RUNS_SOLUTION_CELL)["labels_solution"], id="runs-notebook-solution"),
    pytest.param(RUNS, relabel(A="Learning rate too low", B="LR too high!", C="healthy", D="Saturated_Sigmoid",
                               E="no zero-grad()"), id="runs-other-spellings"),
    pytest.param(RUNS, dict(reversed(RIGHT.items())), id="runs-any-key-order"),
]


# --- stubs (run, with `...` for every exercise, by test_exercises_all.py) and secrecy -----------------
def test_the_notebooks_stub_cell_is_exactly_the_buggy_loop():
    source = cell_source(STUB_CELL)
    assert source == nb06.BUGGY_TRAIN_SOURCE + "\nnb06.fix_training_loop.check(train)"
    assert same_code(notebook_namespace(STUB_CELL)["train"], nb06.buggy_train)


def test_the_stub_is_a_correct_loop_with_three_bugs():
    """Guards the stub against drift: fixing exactly the three bugs gives a passing answer."""
    fixed = (
        nb06.BUGGY_TRAIN_SOURCE.replace("            scores", "            optimizer.zero_grad()\n            scores", 1)
        .replace("optimizer.step()\n            loss.backward()", "loss.backward()\n            optimizer.step()")
        .replace("losses.append(loss)", "losses.append(loss.item())")
    )
    namespace = {"torch": torch, "nn": nn}
    exec(fixed, namespace)
    TRAIN.reset()
    assert TRAIN.check(namespace["train"]).ok


STUBS = [
    pytest.param(TRAIN, nb06.buggy_train, id="train-buggy-loop"),
    pytest.param(TRAIN, notebook_namespace(STUB_CELL)["train"], id="train-notebook-stub"),
    pytest.param(MSE, notebook_namespace(MSE_STUB_CELL)["mse"], id="mse-notebook-stub"),
    pytest.param(DIAGNOSE, notebook_namespace(DIAGNOSE_STUB_CELL)["answer"], id="diagnose-notebook-stub"),
    pytest.param(RUNS, notebook_namespace(RUNS_STUB_CELL)["labels"], id="runs-notebook-stub"),
]


def _shown(value: float) -> list[str]:
    return [f"{value:.4f}", f"{value:.3f}", f"{value:.2f}"]


def test_messages_never_show_the_reference_values():
    reference_losses = []
    for epochs, lr, seed, n_batches in nb06.TRAIN_CASES:
        reference_losses += nb06._loop(nb06.fresh_model(seed), nb06.training_batches(seed, n_batches), epochs, lr)
    for wrong in (make_loop(zero_grad=False), make_loop(fixed_lr=0.5), make_loop(loss_fn=nn.NLLLoss())):
        TRAIN.reset()
        message = TRAIN.check(wrong).message()
        assert not any(text in message for v in reference_losses for text in _shown(v))
    values = []
    for k, (p_shape, t_shape, _seed, scale) in enumerate(nb06.MSE_GOOD):
        values.append(nb06._reference_mse(nb06._randn(p_shape, 10 + k, scale), nb06._randn(t_shape, 20 + k, scale)).item())
    for wrong in (checked(lambda p, t: (p - t).abs().mean()), checked(lambda p, t: ((p - t) ** 2).sum())):
        MSE.reset()
        message = MSE.check(wrong).message()
        assert not any(text in message for v in values for text in _shown(v))


def test_the_train_cases_tell_the_bugs_apart():
    """Every case separates the correct loop from each buggy variant (so 'k of N' is truthful)."""
    for epochs, lr, seed, n_batches in nb06.TRAIN_CASES:
        batches = nb06.training_batches(seed, n_batches)
        runs = {
            flags: nb06._loop(nb06.fresh_model(seed), batches, epochs, lr, zero_grad=flags[0], backward_first=flags[1])
            for flags in ((True, True), (False, True), (True, False), (False, False))
        }
        for a in runs:
            for b in runs:
                if a != b:
                    assert not nb06._close(runs[a], runs[b]), (epochs, lr, a, b)
        if lr != nb06.DEFAULT_LR:
            wrong_lr = nb06._loop(nb06.fresh_model(seed), batches, epochs, nb06.DEFAULT_LR)
            assert not nb06._close(runs[(True, True)], wrong_lr)
    assert {lr for _, lr, _, _ in nb06.TRAIN_CASES} != {nb06.DEFAULT_LR}
    assert {e for e, _, _, _ in nb06.TRAIN_CASES} != {nb06.DEFAULT_EPOCHS}


def test_show_mystery_needs_nothing_from_earlier_cells():
    import matplotlib.pyplot as plt

    nb06.show_mystery()
    fig = plt.gcf()
    assert fig._suptitle.get_text() == "mystery run" and len(fig.axes) == 2
    assert fig.axes[0].get_yscale() == "log"


def test_the_exercise_cells_use_no_name_from_earlier_cells():
    """After a restart, the set-up cell then the exercise cells alone must run (review of issue 10)."""
    assert cell_source("037e10d7").strip() == "nb06.show_mystery()"
    assert "show(" not in cell_source("037e10d7").replace("show_mystery(", "")


def test_mystery_run_is_unchanged():
    history = nb06.mystery_history()
    assert history.steps == 40 and math.isfinite(history.losses[-1])


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb06.fix_training_loop: make_loop(zero_grad=False),
    nb06.checked_mse: only_predictions_checked,
    nb06.diagnose: "lr too high",
    nb06.diagnose_runs: relabel(B="saturated sigmoid"),
}
