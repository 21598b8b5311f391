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
    assert w.readout.value != before[2] and "Momentum with lr=0.1" in w.readout.value
    assert w.updates == before[3] + 1


def test_too_large_lr_is_reported_as_diverged():
    w = OptimizerWidget(lr=1.0)
    assert w.data["diverged_at"] is not None and "diverged at step" in w.readout.value
    assert math.isnan(float(w.data["losses"][-1]))


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
    assert repr(OptimizerWidget()) == "OptimizerWidget(optimizer='SGD', lr=0.1, surface='elongated bowl')"
