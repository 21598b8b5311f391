import math

import torch

from course_utils.training.surfaces import SURFACES, trajectory
from course_utils.widgets.optimizers import STEPS, OptimizerWidget


def test_compute_is_the_trajectory_of_the_chosen_optimizer():
    w = OptimizerWidget(optimizer="Adam", lr=0.1)
    expected = trajectory("Adam", 0.1, STEPS, SURFACES["elongated bowl"][1], "elongated bowl")
    torch.testing.assert_close(w.data["path"], expected)
    assert w.data["diverged_at"] is None and w.data["losses"].shape == (STEPS + 1,)


def test_changing_controls_changes_data_picture_and_readout():
    w = OptimizerWidget()
    before = (w.data["path"].clone(), w.image.value, w.readout.value, w.updates)
    w.controls["optimizer"].value = "Momentum"
    assert not torch.equal(w.data["path"], before[0])
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2] and "Momentum (μ = 0.90), lr = 0.1:" in w.readout.value
    assert w.updates == before[3] + 1


def test_too_large_lr_is_reported_as_diverged():
    w = OptimizerWidget(lr=1.0)
    assert w.data["diverged_at"] is not None and "diverged, at step" in w.readout.value
    assert math.isnan(float(w.data["losses"][-1]))
    # the run stops at the first step whose point is beyond DIVERGED: the rows before it are finite
    assert bool(torch.isfinite(w.data["losses"][: w.data["diverged_at"]]).all())


def test_a_growing_loss_that_stays_in_range_is_reported_as_diverging():
    w = OptimizerWidget(lr=0.55)  # SGD on the bowl: |1 - 4 lr| = 1.2 > 1, but 60 steps stay below 1e6
    assert w.data["diverged_at"] is None and float(w.data["losses"][-1]) > 1e9
    assert "the loss grew from 6.525 to 1.43e+10" in w.readout.value and "diverging" in w.readout.value


def test_momentum_slider_changes_only_the_momentum_optimizer():
    w = OptimizerWidget(optimizer="Momentum", lr=0.05)
    expected = trajectory("Momentum", 0.05, STEPS, SURFACES["elongated bowl"][1], "elongated bowl", momentum=0.5)
    w.controls["momentum"].value = 0.5
    assert "μ = 0.50" in w.readout.value
    torch.testing.assert_close(w.data["path"], expected)
    ours = w.data["path"].clone()
    w.controls["momentum"].value = 0.9
    assert not torch.equal(ours, w.data["path"])
    sgd = OptimizerWidget(optimizer="SGD", lr=0.05)
    path = sgd.data["path"].clone()
    sgd.controls["momentum"].value = 0.3
    assert torch.equal(path, sgd.data["path"]) and "μ" not in sgd.readout.value


def test_lbfgs_with_line_search_converges_at_every_lr_without_it_not():
    finals = {}
    for name in ("LBFGS", "LBFGS + line search"):
        for lr in (0.001, 0.01, 2.0, 10.0):
            finals[name, lr] = float(OptimizerWidget(optimizer=name, lr=lr, momentum=0.9).data["losses"][-1])
    assert all(finals["LBFGS + line search", lr] < 1e-8 for lr in (0.001, 0.01, 2.0, 10.0))
    assert finals["LBFGS", 0.001] > 5 and finals["LBFGS", 0.01] > 2 and finals["LBFGS", 2.0] > 0.5
    assert math.isnan(finals["LBFGS", 10.0])


def test_contour_is_drawn_once_per_surface_and_lines_are_reused():
    w = OptimizerWidget()
    left, right = w.figure.axes
    contour, lines = list(left.collections), list(left.lines) + list(right.lines)
    w.controls["optimizer"].value = "Adagrad"
    w.controls["lr"].value = 0.5
    assert list(left.collections) == contour and list(left.lines) + list(right.lines) == lines
    assert len(w.figure.axes) == 2
    w.controls["surface"].value = "rosenbrock"
    assert list(left.collections) != contour and len(left.collections) == len(contour)
    assert left.get_xlim() == SURFACES["rosenbrock"][2][:2]


def test_repr_shows_control_values():
    assert repr(OptimizerWidget()) == (
        "OptimizerWidget(momentum=0.9, optimizer='SGD', lr=0.1, surface='elongated bowl')")
