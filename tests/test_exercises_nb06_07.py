import torch
from torch import nn

from course_utils.checks import assert_shape
from course_utils.exercises import nb06, nb07


def _train_ok(model, batches, epochs=5, lr=0.5):
    return nb06._reference_train(model, batches, epochs, lr)


def _train_no_zero_grad(model, batches, epochs=5, lr=0.5):
    loss_fn, opt, losses = nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), []
    for _ in range(epochs):
        for x, y in batches:
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return losses


def test_fix_training_loop_feedback():
    assert nb06.fix_training_loop.check(_train_ok).ok
    bad = nb06.fix_training_loop.check(_train_no_zero_grad)
    assert not bad.ok and "do not drop like a correct loop" in bad.problem
    tensors = nb06.fix_training_loop.check(lambda m, b, epochs, lr: [torch.tensor(1.0)] * 20)
    assert "not floats" in tensors.problem
    assert "returned None" in nb06.fix_training_loop.check(lambda m, b, epochs, lr: None).problem
    assert "20 steps" in nb06.fix_training_loop.check(lambda m, b, epochs, lr: [1.0]).problem


def test_checked_mse_feedback():
    def good(p, t):
        assert_shape(t, (None,), "targets")
        assert_shape(p, (t.shape[0],), "predictions")
        return ((p - t) ** 2).mean()

    assert nb06.checked_mse.check(good).ok
    silent = nb06.checked_mse.check(lambda p, t: ((p - t) ** 2).mean())
    assert not silent.ok and "broadcast silently" in silent.problem
    wrong = nb06.checked_mse.check(lambda p, t: (p - t).abs().mean() if p.shape == t.shape else 1 / 0)
    assert not wrong.ok and "not right" in wrong.problem


def test_diagnose():
    assert nb06.diagnose.check("no zero_grad").ok
    assert not nb06.diagnose.check("saturated sigmoid").ok
    assert "not attempted" in nb06.diagnose.check(...).problem
    assert nb06.mystery_history().steps == 40


def test_one_hot_lookup_feedback():
    assert nb07.one_hot_lookup.check(lambda ids, w: w[ids]).ok  # indexing is the same function
    assert not nb07.one_hot_lookup.check(lambda ids, w: w[ids].sum(0)).ok
    assert "returned None" in nb07.one_hot_lookup.check(lambda ids, w: None).problem


def test_my_features_feedback():
    def good(tokens, tags, i):
        pw, pt = (tokens[i - 1], tags[i - 1]) if i > 0 else ("<s>", "<s>")
        return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}&pt={pt}"]

    assert nb07.my_features.check(good).ok
    no_start = nb07.my_features.check(lambda tokens, tags, i: good(tokens, tags, max(i, 1)))
    assert not no_start.ok and no_start.passed == 2
