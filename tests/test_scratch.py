import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import scratch

finite = st.floats(min_value=-50, max_value=50, allow_nan=False, width=32)
matrices = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda cols: st.lists(finite, min_size=rows * cols, max_size=rows * cols).map(
            lambda xs: torch.tensor(xs, dtype=torch.float32).reshape(rows, cols)
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(matrices, st.sampled_from([0, 1, -1]))
def test_softmax_matches_torch(x, dim):
    torch.testing.assert_close(scratch.softmax(x, dim), F.softmax(x, dim=dim), atol=1e-6, rtol=1e-5)


@settings(max_examples=60, deadline=None)
@given(matrices, st.sampled_from([0, 1, -1]))
def test_log_softmax_matches_torch(x, dim):
    torch.testing.assert_close(scratch.log_softmax(x, dim), F.log_softmax(x, dim=dim), atol=1e-5, rtol=1e-5)


@settings(max_examples=40, deadline=None)
@given(matrices)
def test_softmax_is_a_distribution(x):
    p = scratch.softmax(x, dim=1)
    assert (p >= 0).all()
    torch.testing.assert_close(p.sum(dim=1), torch.ones(x.shape[0]), atol=1e-6, rtol=0)


def test_stable_for_inputs_of_magnitude_1000():
    x = torch.tensor([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -999.0]])
    naive = x.exp() / x.exp().sum(dim=1, keepdim=True)
    assert torch.isnan(naive).any()  # the naive formula really does overflow
    torch.testing.assert_close(scratch.softmax(x), F.softmax(x, dim=-1), atol=1e-6, rtol=0)
    torch.testing.assert_close(scratch.log_softmax(x), F.log_softmax(x, dim=-1), atol=1e-6, rtol=0)
    assert torch.isfinite(scratch.log_softmax(x)).all()


@settings(max_examples=40, deadline=None)
@given(matrices, st.data())
def test_nll_and_cross_entropy_match_torch(logits, data):
    n, c = logits.shape
    targets = torch.tensor(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    log_probs = F.log_softmax(logits, dim=1)
    torch.testing.assert_close(scratch.nll_loss(log_probs, targets), F.nll_loss(log_probs, targets),
                               atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(scratch.cross_entropy(logits, targets), F.cross_entropy(logits, targets),
                               atol=1e-5, rtol=1e-6)


def test_cross_entropy_gradient_matches_torch():
    torch.manual_seed(0)
    logits = torch.randn(4, 3, requires_grad=True)
    targets = torch.tensor([0, 2, 1, 2])
    scratch.cross_entropy(logits, targets).backward()
    ours = logits.grad.clone()
    logits.grad = None
    F.cross_entropy(logits, targets).backward()
    torch.testing.assert_close(ours, logits.grad, atol=1e-6, rtol=0)


def test_sgd_step_matches_torch_optim_sgd_for_ten_steps():
    torch.manual_seed(0)
    ours, theirs = torch.nn.Linear(4, 3), torch.nn.Linear(4, 3)
    theirs.load_state_dict(ours.state_dict())
    optimizer = torch.optim.SGD(theirs.parameters(), lr=0.1)
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    for _ in range(10):
        ours.zero_grad()
        F.cross_entropy(ours(x), y).backward()
        scratch.sgd_step(ours.parameters(), lr=0.1)
        optimizer.zero_grad()
        F.cross_entropy(theirs(x), y).backward()
        optimizer.step()
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=0)


def test_sgd_step_skips_parameters_without_grad():
    p = torch.ones(2, requires_grad=True)
    scratch.sgd_step([p], lr=0.5)
    assert torch.equal(p, torch.ones(2))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: scratch.softmax([1.0, 2.0]), TypeError, "x must be a torch.Tensor"),
        (lambda: scratch.softmax(torch.tensor([1, 2])), TypeError, "floating-point"),
        (lambda: scratch.log_softmax(torch.zeros(2, 3), dim=2), ValueError, "dim=2"),
        (lambda: scratch.softmax(torch.zeros(3), dim=1.0), TypeError, "dim must be an int"),
        (lambda: scratch.nll_loss(torch.zeros(3), torch.tensor([0])), ValueError, "log_probs must have 2"),
        (lambda: scratch.nll_loss(torch.zeros(0, 3), torch.tensor([], dtype=torch.long)),
         ValueError, "at least one row"),
        (lambda: scratch.nll_loss(torch.zeros(2, 3), torch.tensor([0.0, 1.0])), TypeError, "torch.long"),
        (lambda: scratch.nll_loss(torch.zeros(2, 3), torch.tensor([0])), ValueError, "one entry per row"),
        (lambda: scratch.nll_loss(torch.zeros(2, 3), torch.tensor([0, 3])), ValueError, r"\[0, 2\]"),
        (lambda: scratch.cross_entropy(torch.zeros(2, 3), [0, 1]), TypeError, "targets must be a torch.Tensor"),
        (lambda: scratch.sgd_step([], lr=0.1), ValueError, "params is empty"),
        (lambda: scratch.sgd_step(torch.zeros(2), lr=0.1), TypeError, "single Tensor"),
        (lambda: scratch.sgd_step([1.0], lr=0.1), TypeError, r"params\[0\]"),
        (lambda: scratch.sgd_step([torch.zeros(1)], lr=0), ValueError, "lr must be"),
        (lambda: scratch.sgd_step([torch.zeros(1)], lr=float("nan")), ValueError, "lr must be"),
        (lambda: scratch.sgd_step(5, lr=0.1), TypeError, "iterable of tensors"),
    ],
)
def test_bad_inputs_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
