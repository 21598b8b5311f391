import random

import numpy as np
import pytest
import torch

from course_utils import get_device, setup_notebook


@pytest.fixture(autouse=True)
def _restore_torch_state():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)
    torch.set_printoptions(profile="default")
    np.set_printoptions(precision=8, suppress=False)


def _draws():
    return random.random(), float(np.random.rand()), torch.randn(3)


def test_setup_notebook_seeds_python_numpy_and_torch():
    setup_notebook(7)
    first = _draws()
    setup_notebook(7)
    second = _draws()
    assert first[0] == second[0] and first[1] == second[1]
    assert torch.equal(first[2], second[2])
    setup_notebook(8)
    assert not torch.equal(_draws()[2], first[2])


def test_setup_notebook_matches_torch_manual_seed():
    setup_notebook(1)
    a = torch.randn(4)
    torch.manual_seed(1)
    assert torch.equal(a, torch.randn(4))


def test_setup_notebook_pins_threads_and_print_options():
    torch.set_num_threads(2)
    setup_notebook()
    assert torch.get_num_threads() == 1
    assert repr(torch.tensor([0.123456, 0.00001])) == "tensor([0.1235, 0.0000])"


def test_setup_notebook_sets_matplotlib_defaults():
    import matplotlib

    setup_notebook()
    assert tuple(matplotlib.rcParams["figure.figsize"]) == (6.0, 3.6)
    assert matplotlib.rcParams["axes.grid"] is True
    assert matplotlib.rcParams["figure.constrained_layout.use"] is True


def test_setup_notebook_in_ipython_shows_figures_as_laid_out():
    """In IPython the inline PNG formatter saves a Figure without bbox_inches="tight" (its second pass over
    every text costs about half the drawing time); the constrained layout keeps the labels inside."""
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    shell = InteractiveShell.instance()
    try:
        png = shell.display_formatter.formatters["image/png"]
        setup_notebook()
        printer = png.lookup_by_type(Figure)
        assert printer.keywords["bbox_inches"] is None and printer.keywords["fmt"] == "png"
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.set_ylabel("a long label on the left of the axes")
        ax.set_xlabel("and one below them")
        fig.canvas.draw()
        inside = fig.get_tightbbox(fig.canvas.get_renderer())
        assert inside.x0 >= 0 and inside.y0 >= 0  # nothing is cut off although nothing trims the margins
        plt.close(fig)
    finally:
        InteractiveShell.clear_instance()


def test_setup_notebook_returns_none_and_prints_nothing(capsys):
    assert setup_notebook(0) is None
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("1", TypeError), (True, TypeError)])
def test_setup_notebook_rejects_bad_seed(seed, error):
    with pytest.raises(error, match="seed"):
        setup_notebook(seed)


def test_get_device_defaults_to_cpu(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    assert get_device() == torch.device("cpu")


def test_get_device_reads_environment(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "CPU")
    assert get_device() == torch.device("cpu")


def test_get_device_unknown_name(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="COURSE_DEVICE='tpu'.*cpu, cuda, mps"):
        get_device()


def test_get_device_unavailable_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="not available"):
        get_device("cuda")


def test_get_device_available_cuda_is_returned(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_device("cuda:0") == torch.device("cuda:0")


def test_get_device_unavailable_mps(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="mps"):
        get_device("mps")


def test_get_device_rejects_non_string():
    with pytest.raises(TypeError, match="name must be a str"):
        get_device(0)
