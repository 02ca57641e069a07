"""The chapter's helpers: kernel source and the launch-grid picture."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from bigmodel_lab.kernels import illustrate  # noqa: E402


def test_kernel_source_is_the_decorated_function():
    text = illustrate.kernel_source("relu", "backward")
    assert text.startswith("@triton.jit\ndef _relu_backward_kernel(")
    assert "grad_y_ptr" in text
    assert "def tl_tanh(x)" in illustrate.kernel_source("tanh", "tl_tanh")


def test_unknown_kernel_lists_the_ones_that_exist():
    with pytest.raises(ValueError, match="_adam_step_kernel"):
        illustrate.kernel_source("adam", "forward")


def test_tile_figure_draws_one_labelled_tile_per_program():
    ax = illustrate.tile_figure(40, 70, 16, 16)
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == 3 * 5 and "(2, 4)" in labels  # ceil(40/16) x ceil(70/16) programs
    assert "15 programs" in ax.get_title()
    plt.close(ax.figure)
