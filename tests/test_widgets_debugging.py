from course_utils.widgets.debugging import STEPS, GradNormWidget


def test_changing_a_control_changes_data_picture_and_readout():
    w = GradNormWidget()
    assert repr(w) == "GradNormWidget(lr=0.2, bug='none')"
    before = (list(w.data["losses"]), w.image.value, w.readout.value)
    assert len(before[0]) == STEPS and not w.data["diverged"]
    w.controls["bug"].value = "saturated sigmoid"
    assert w.data["losses"] != before[0]
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2] and "0.weight 1.3e-04" in w.readout.value
    w.controls["bug"].value = "none"
    assert w.data["losses"] == before[0]  # same settings, same run


def test_large_learning_rate_shows_divergence():
    w = GradNormWidget(lr=10.0)
    assert w.data["diverged"] and "diverged" in w.readout.value
    w.controls["lr"].value = 0.05
    assert not w.data["diverged"] and "-&gt;" in w.readout.value  # "->", escaped in the HTML readout


def test_artists_are_reused():
    w = GradNormWidget()
    loss_ax, grad_ax = w.figure.axes
    lines = (len(loss_ax.lines), len(grad_ax.lines))
    w.controls["bug"].value = "no zero_grad"
    assert (len(loss_ax.lines), len(grad_ax.lines)) == lines == (1, 4)
