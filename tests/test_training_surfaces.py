import math

import pytest
import torch

from course_utils.training.surfaces import (
    GOOD_LR,
    OPTIMIZERS,
    SURFACES,
    contour_grid,
    elongated_bowl,
    losses_along,
    rosenbrock,
    trajectory,
)


def test_surfaces_values_and_minima():
    xy = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, -1.0]], dtype=torch.float64)
    torch.testing.assert_close(elongated_bowl(xy), torch.tensor([0.0, 2.1, 2.4], dtype=torch.float64))
    torch.testing.assert_close(rosenbrock(xy), torch.tensor([1.0, 0.0, 251.0], dtype=torch.float64))
    for f, _, _, minimum in SURFACES.values():
        point = torch.tensor(minimum, dtype=torch.float64, requires_grad=True)
        f(point).backward()
        assert float(f(point).detach()) == 0.0 and float(point.grad.abs().max()) == 0.0


def test_trajectory_of_sgd_is_the_update_rule_by_hand():
    path = trajectory("SGD", 0.1, 3, (-4.5, 1.5), "elongated bowl")
    expected = [(-4.5, 1.5)]
    for _ in range(3):  # gradient of x²/10 + 2y² is (x/5, 4y)
        x, y = expected[-1]
        expected.append((x - 0.1 * x / 5, y - 0.1 * 4 * y))
    assert path.dtype == torch.float64 and path.shape == (4, 2)
    torch.testing.assert_close(path, torch.tensor(expected, dtype=torch.float64))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_optimizer_goes_downhill_at_its_good_lr(name, surface):
    assert list(GOOD_LR[surface]) == list(OPTIMIZERS)
    f, start, _, _ = SURFACES[surface]
    path = trajectory(name, GOOD_LR[surface][name], 60, start, surface)
    losses = losses_along(path, surface)
    assert bool(torch.isfinite(losses).all())
    assert float(losses[-1]) < 0.5 * float(losses[0])


def test_a_diverging_run_is_nan_from_the_divergence_on():
    path = trajectory("SGD", 1.0, 30, (-4.5, 1.5), "elongated bowl")  # 1 - 4*lr = -3: |y| triples each step
    finite = torch.isfinite(path).all(dim=1)
    first_bad = int((~finite).nonzero()[0, 0])
    assert 5 < first_bad < 30 and bool(finite[:first_bad].all()) and not bool(finite[first_bad:].any())
    assert bool(torch.isnan(losses_along(path, "elongated bowl")[first_bad:]).all())


def test_trajectory_accepts_a_surface_function_and_zero_steps():
    path = trajectory("Adam", 0.1, 0, (1.0, 2.0), lambda xy: (xy**2).sum())
    torch.testing.assert_close(path, torch.tensor([[1.0, 2.0]], dtype=torch.float64))
    assert trajectory("Adam", 0.1, 5, (1.0, 2.0), lambda xy: (xy**2).sum()).shape == (6, 2)


def test_contour_grid_matches_the_surface():
    X, Y, Z = contour_grid("rosenbrock", n=5)
    assert X.shape == Y.shape == Z.shape == (5, 5)
    assert float(X[0, 0]) == -2.0 and float(Y[-1, 0]) == 3.0
    torch.testing.assert_close(Z, rosenbrock(torch.stack([X, Y], dim=-1)))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(optimizer_name="RMSprop"), ValueError, "optimizer_name must be one of"),
    (dict(lr=0.0), ValueError, "lr must be"),
    (dict(lr=math.inf), ValueError, "lr must be"),
    (dict(steps=-1), ValueError, "steps must be"),
    (dict(steps=2.0), TypeError, "steps must be an int"),
    (dict(start=(1.0,)), TypeError, "start must be a pair"),
    (dict(start=(1.0, math.nan)), ValueError, r"start\[1\] must be a finite number, got nan"),
    (dict(start=(1.0, "2")), TypeError, r"start\[1\] must be a number"),
    (dict(surface="bowl"), ValueError, "surface must be one of"),
    (dict(surface=3), TypeError, "surface must be a surface name"),
    (dict(momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
    (dict(momentum="0.9"), TypeError, "momentum must be a number"),
])
def test_trajectory_bad_arguments(kwargs, error, match):
    args = dict(optimizer_name="SGD", lr=0.1, steps=3, start=(1.0, 1.0), surface="elongated bowl") | kwargs
    with pytest.raises(error, match=match):
        trajectory(**args)


def test_bad_surface_inputs():
    with pytest.raises(ValueError, match="xy must have a last dimension of size 2"):
        elongated_bowl(torch.ones(3, 3))
    with pytest.raises(TypeError, match="xy must be a floating-point"):
        rosenbrock(torch.ones(2, dtype=torch.long))
    with pytest.raises(ValueError, match="path must have 2 dimension"):
        losses_along(torch.ones(2), "rosenbrock")
    with pytest.raises(ValueError, match="surface must be one of"):
        contour_grid("banana")


def test_momentum_is_torchs_heavy_ball_with_the_given_mu():
    start = (-4.5, 1.5)
    path = trajectory("Momentum", 0.1, 3, start, "elongated bowl", momentum=0.5)
    p, buf = torch.tensor(start, dtype=torch.float64), None
    for k in range(1, 4):
        grad = torch.stack([p[0] / 5, 4 * p[1]])
        buf = grad if buf is None else 0.5 * buf + grad
        p = p - 0.1 * buf
        torch.testing.assert_close(path[k], p)
    assert torch.equal(trajectory("SGD", 0.1, 3, start, "elongated bowl", momentum=0.5),
                       trajectory("SGD", 0.1, 3, start, "elongated bowl"))


def test_lbfgs_line_search_takes_several_evaluations_and_finds_the_minimum_of_the_bowl():
    calls = []

    def counted(xy):
        calls.append(1)
        return elongated_bowl(xy)

    path = trajectory("LBFGS + line search", 0.001, 1, (-4.5, 1.5), counted)
    assert len(calls) > 2  # the line search evaluated the loss more than once in one step
    assert float(elongated_bowl(path[1])) < float(elongated_bowl(path[0]))
    calls.clear()
    trajectory("LBFGS", 0.001, 1, (-4.5, 1.5), counted)
    assert len(calls) == 1  # without a line search one evaluation per step (max_iter=1)
