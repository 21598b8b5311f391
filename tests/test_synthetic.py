import pytest
import torch

from course_utils.data.synthetic import make_classification_data, make_linear_data


def test_linear_data_shapes_and_noise_free_values():
    w = torch.tensor([2.0, -3.0])
    X, y = make_linear_data(50, w, 0.5, noise=0.0, seed=1)
    assert X.shape == (50, 2) and y.shape == (50,) and y.dtype == torch.float32
    assert torch.allclose(y, X @ w + 0.5)


def test_least_squares_recovers_the_true_parameters():
    w = torch.tensor([1.5, -0.5, 2.0])
    X, y = make_linear_data(2000, w, -1.0, noise=0.1, seed=3)
    design = torch.cat([X, torch.ones(len(X), 1)], dim=1)
    solution = torch.linalg.lstsq(design, y.unsqueeze(1)).solution.squeeze(1)
    assert torch.allclose(solution[:3], w, atol=0.02) and abs(solution[3].item() + 1.0) < 0.02


def test_same_seed_same_data_and_global_rng_untouched():
    torch.manual_seed(0)
    expected = torch.randn(2)
    torch.manual_seed(0)
    a = make_linear_data(5, torch.ones(2), seed=4)
    b = make_linear_data(5, torch.ones(2), seed=4)
    c = make_linear_data(5, torch.ones(2), seed=5)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) and not torch.equal(a[0], c[0])
    assert torch.equal(torch.randn(2), expected)


def test_classification_labels_follow_the_logistic_model():
    w = torch.tensor([3.0, 0.0])
    X, y = make_classification_data(4000, w, 0.0, seed=0)
    assert set(y.unique().tolist()) == {0.0, 1.0}
    # mostly label 1 where x0 is clearly positive, mostly 0 where clearly negative
    assert y[X[:, 0] > 1].mean() > 0.9 and y[X[:, 0] < -1].mean() < 0.1


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n": 0, "true_weight": torch.ones(2)}, ValueError, "n must be"),
        ({"n": 5, "true_weight": [1.0, 2.0]}, TypeError, "true_weight"),
        ({"n": 5, "true_weight": torch.ones(2, 2)}, ValueError, "true_weight"),
        ({"n": 5, "true_weight": torch.ones(0)}, ValueError, "true_weight"),
        ({"n": 5, "true_weight": torch.ones(2), "noise": -1.0}, ValueError, "noise"),
        ({"n": 5, "true_weight": torch.ones(2), "true_bias": "1"}, TypeError, "true_bias"),
        ({"n": 5, "true_weight": torch.ones(2), "true_bias": float("inf")}, ValueError, "true_bias must be a finite"),
        ({"n": 5, "true_weight": torch.ones(2), "noise": float("nan")}, ValueError, "noise must be a finite"),
        ({"n": 5, "true_weight": torch.ones(2), "seed": -1}, ValueError, "seed"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_linear_data(**kwargs)
    if "noise" not in kwargs:
        with pytest.raises(error, match=match):
            make_classification_data(**kwargs)


def test_xor_data_labels_follow_the_corners_and_no_line_separates_them():
    from course_utils.data.synthetic import make_xor_data

    torch.manual_seed(0)
    expected = torch.randn(2)
    torch.manual_seed(0)
    X, y = make_xor_data(400, noise=0.0, seed=2)
    assert torch.equal(torch.randn(2), expected)  # the global generator did not move
    assert X.shape == (400, 2) and y.shape == (400,) and X.dtype == y.dtype == torch.float32
    assert set(X.abs().flatten().tolist()) == {1.0}  # noise=0: exactly on the corners
    assert torch.equal(y, (X[:, 0] * X[:, 1] < 0).float())
    assert 0.4 < y.mean().item() < 0.6
    # the best of many lines through the data gets at most 3 of the 4 corners right
    angles = torch.linspace(0, 2 * torch.pi, 73)
    best = max(((X @ torch.stack([a.cos(), a.sin()]) + b > 0).float() == y).float().mean().item()
               for a in angles for b in (-1.5, -0.5, 0.0, 0.5, 1.5))
    assert best <= 0.8
    noisy, _ = make_xor_data(400, noise=0.3, seed=2)
    assert torch.equal(make_xor_data(400, noise=0.3, seed=2)[0], noisy) and not torch.equal(noisy, X)
    with pytest.raises(ValueError, match="noise"):
        make_xor_data(10, noise=-1.0)
    with pytest.raises(TypeError, match="n must be an int"):
        make_xor_data(10.0)
