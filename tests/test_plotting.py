import matplotlib.pyplot as plt
import pytest

from course_utils.plotting import plot_grad_norms, plot_losses
from course_utils.training import History


def history():
    return History(
        losses=[4.0, 3.0, 2.0, 1.0],
        epoch_losses=[3.5, 1.5],
        grad_norms={"weight": [1.0, 0.5, 0.25, 0.125], "bias": [0.1, 0.1, 0.1, 0.1]},
    )


def test_plot_losses_draws_step_and_epoch_lines():
    ax = plot_losses(history())
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines["step loss"].get_xdata()) == [1, 2, 3, 4]
    assert list(lines["step loss"].get_ydata()) == [4.0, 3.0, 2.0, 1.0]
    assert list(lines["epoch mean"].get_xdata()) == [2, 4]
    assert list(lines["epoch mean"].get_ydata()) == [3.5, 1.5]
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"


def test_plot_losses_uses_the_given_axes():
    _, ax = plt.subplots()
    assert plot_losses(history(), ax=ax) is ax


def test_plot_grad_norms_one_labelled_line_per_parameter():
    ax = plot_grad_norms(history())
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert lines == {"weight": [1.0, 0.5, 0.25, 0.125], "bias": [0.1] * 4}
    assert ax.get_yscale() == "log"
    assert plot_grad_norms(history(), log=False).get_yscale() == "linear"


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: plot_losses([1.0, 2.0]), TypeError, "history must be the History"),
        (lambda: plot_losses(History()), ValueError, "no steps"),
        (lambda: plot_grad_norms(History(losses=[1.0], epoch_losses=[1.0])), ValueError, "record_grads=True"),
        (lambda: plot_grad_norms(history(), log="yes"), TypeError, "log must be True or False"),
        (lambda: plot_losses(history(), ax="left"), TypeError, "ax must be a matplotlib Axes"),
    ],
)
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
