import matplotlib.pyplot as plt
import pytest

from course_utils.analysis.health import Health, LayerStats
from course_utils.plotting import (
    plain_log_scale,
    plot_activations,
    plot_grad_norms,
    plot_losses,
    plot_run,
    plot_update_ratios,
)
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


def test_plot_losses_draws_no_epoch_dot_when_every_epoch_is_one_step():
    one_step_epochs = History(losses=[4.0, 3.0, 2.0], epoch_losses=[4.0, 3.0, 2.0])
    labels = [line.get_label() for line in plot_losses(one_step_epochs).get_lines()]
    assert labels == ["step loss"]


def test_plain_log_scale_labels_plain_numbers():
    _, ax = plt.subplots()
    ax.plot([1, 2, 3], [3.95, 4.1, 4.35])  # less than a decade: matplotlib would write 4.35x10^0
    plain_log_scale(ax)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ax.get_yscale() == "log" and labels
    assert all("10" not in text.replace("0.1", "") and "^" not in text and "times" not in text for text in labels)
    assert all(float(text) > 0 for text in labels)
    _, ax = plt.subplots()
    ax.plot([1, 2], [0.001, 1000.0])
    plain_log_scale(ax, "y")
    ax.figure.canvas.draw()
    assert {"0.001", "1", "1e+03"} <= {t.get_text() for t in ax.get_yticklabels()}
    with pytest.raises(ValueError, match="axis must be"):
        plain_log_scale(ax, "z")


def _health():
    return Health(activations={"1": [LayerStats(0.5, 0.2, 0.0), LayerStats(0.4, 0.1, 0.25)]},
                  update_ratios={"weight": [-1.0, -2.0], "bias": [-3.0, -4.0]})


def test_plot_update_ratios_and_activations_draw_the_recorded_values():
    lines = {line.get_label(): list(line.get_ydata()) for line in plot_update_ratios(_health()).get_lines()}
    assert lines["weight"] == [-1.0, -2.0] and lines["bias"] == [-3.0, -4.0]
    lines = {line.get_label(): list(line.get_ydata()) for line in plot_activations(_health()).get_lines()}
    assert lines == {"layer 1: mean ± std": [0.5, 0.4], "layer 1: saturated fraction": [0.0, 0.25]}


def test_plot_run_has_two_or_four_panels():
    fig = plot_run(history(), title="a run")
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log" and fig._suptitle.get_text() == "a run"
    fig = plot_run(history(), _health())
    assert [ax.get_title() for ax in fig.axes] == ["Training loss", "Gradient norm per parameter",
                                                  "Update:data ratio per parameter", "Activations per layer"]


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: plot_update_ratios(history()), TypeError, "health must be the Health"),
        (lambda: plot_activations(Health()), ValueError, "no steps"),
        (lambda: plot_activations(Health(update_ratios={"w": [-1.0]})), ValueError, "no activation layers"),
        (lambda: plot_run(history(), title=3), TypeError, "title"),
    ],
)
def test_bad_health_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
