"""Shared test set-up: plots go to the Agg backend (no window), and small helpers."""
import matplotlib

matplotlib.use("Agg")  # only in this process: notebook kernels keep their inline backend

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
