import pytest
import torch

from course_utils.analysis.graph import graph_lines, numerical_grad


def test_graph_lines_walks_from_output_to_named_leaves():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor(3.0, requires_grad=True)
    z = ((w * x).sin() + x**2).sum()
    assert graph_lines(z, {"x": x, "w": w}) == [
        "SumBackward0",
        "  AddBackward0",
        "    SinBackward0",
        "      MulBackward0",
        "        AccumulateGrad (w)",
        "        AccumulateGrad (x)",
        "    PowBackward0",
        "      AccumulateGrad (x)",
    ]


def test_graph_lines_skips_inputs_that_need_no_gradient_and_labels_unnamed_leaves():
    x = torch.ones(2, 3, requires_grad=True)
    c = torch.ones(2, 3)  # a constant: no gradient, no node
    lines = graph_lines((x * c).mean(), indent="-")
    assert lines == ["MeanBackward0", "-MulBackward0", "--AccumulateGrad (leaf of shape (2, 3))"]


def test_graph_lines_of_a_leaf_and_of_a_constant():
    x = torch.ones(2, requires_grad=True)
    assert graph_lines(x, {"x": x}) == ["leaf tensor (x): no grad_fn, backward() fills its .grad"]
    with pytest.raises(ValueError, match="no grad_fn"):
        graph_lines(torch.ones(2))
    with torch.no_grad():
        y = x * 2
    with pytest.raises(ValueError, match="no grad_fn"):
        graph_lines(y)


@pytest.mark.parametrize("args, error, match", [
    (([1.0],), TypeError, "tensor must be a torch.Tensor"),
    ((torch.ones(1, requires_grad=True) * 2, ["x"]), TypeError, "names must be a dict"),
    ((torch.ones(1, requires_grad=True) * 2, {"x": 3}), TypeError, r"names\['x'\]"),
])
def test_graph_lines_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        graph_lines(*args)


@pytest.mark.parametrize("f", [
    lambda t: (t.sin() * t).sum(),
    lambda t: torch.logsumexp(t, dim=-1).sum(),
    lambda t: (t @ t.T).tanh().mean(),
])
def test_numerical_grad_agrees_with_autograd(f):
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64, requires_grad=True)
    f(x).backward()
    got = numerical_grad(f, x)
    assert got.dtype == torch.float64 and got.shape == x.shape
    torch.testing.assert_close(got, x.grad, atol=1e-7, rtol=1e-6)


def test_numerical_grad_works_in_float64_for_a_float32_point_and_leaves_it_alone():
    x = torch.tensor([0.5, -1.0])
    got = numerical_grad(lambda t: (t**3).sum(), x)
    torch.testing.assert_close(got, 3 * x.double() ** 2, atol=1e-8, rtol=1e-8)
    assert torch.equal(x, torch.tensor([0.5, -1.0]))


@pytest.mark.parametrize("args, error, match", [
    ((3, torch.ones(2)), TypeError, "f must be a function"),
    ((torch.sum, [1.0]), TypeError, "x must be a torch.Tensor"),
    ((torch.sum, torch.ones(2, dtype=torch.long)), TypeError, "x must be a floating-point"),
    ((torch.sum, torch.ones(2), 0.0), ValueError, "eps must be"),
    ((lambda t: t * 2, torch.ones(2)), ValueError, "f must return a single-number tensor"),
])
def test_numerical_grad_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        numerical_grad(*args)
