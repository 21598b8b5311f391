import torch

from course_utils.widgets.nonlinear import NonlinearityWidget


def test_changing_function_and_scale_changes_data_picture_and_readout():
    w = NonlinearityWidget()
    assert w.data["function"] == "sigmoid" and w.data["max_grad"] == 0.25
    before = (w.data["y"].clone(), w.image.value, w.readout.value)
    w.controls["function"].value = "relu"
    assert torch.equal(w.data["y"], torch.relu(w.data["x"]))
    assert torch.equal(w.data["grad"], (w.data["x"] > 0).float())
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2] and "relu: largest gradient 1.000" in w.readout.value
    w.controls["function"].value = "sigmoid"
    small = w.data["small_share"]
    w.controls["scale"].value = 15.0
    assert w.data["x"].max().item() == 15.0
    assert w.data["small_share"] > small  # wider inputs: more of the range has a vanished gradient


def test_gradient_is_autograds_and_matches_closed_form():
    w = NonlinearityWidget(function="tanh", scale=3.0)
    assert torch.allclose(w.data["grad"], 1 - torch.tanh(w.data["x"]) ** 2, atol=1e-6)
    assert repr(w) == "NonlinearityWidget(function='tanh', scale=3.0)"
