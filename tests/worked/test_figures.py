"""The figures of chapter 3: the 2-2-1 network drawn with its values, and its gradients as bars."""

import matplotlib
import numpy as np
import pytest

from bigmodel_lab.worked import sigmoid_2layer as s2

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bigmodel_lab.worked import figures  # noqa: E402


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.axes[0].texts)


@pytest.mark.parametrize("y", s2.LABELS)
def test_the_network_drawing_shows_the_correct_values_for_the_label(y):
    fig = figures.draw_network(y)
    texts = _texts(fig)
    e = s2.exact(y)
    for key in ["z1", "a1", "delta1", "z2", "a2", "delta2", "z3", "y_hat", "L", "delta3"]:
        assert f"{e[key]:.4f}" in texts, key
    for name in s2.PARAMETER_NAMES:
        assert f"{name} = {s2.parameter(s2.network(), name):g}" in texts, name
    assert "printed" not in texts and "printed" not in fig.axes[0].get_title()
    plt.close(fig)


def test_values_passed_as_printed_are_drawn_beside_the_correct_ones():
    keys = ["z1", "a1", "delta1", "z2", "a2", "delta2", "z3", "y_hat", "L", "delta3"]
    other = {key: 10.0 + i / 1000 for i, key in enumerate(keys)}
    fig = figures.draw_network(1.0, printed=other)
    texts = _texts(fig)
    assert texts.count("printed") == 3  # one block per hidden unit and one at the output
    for key, value in other.items():
        assert f"{value:.3f}" in texts, key
    assert "printed (red)" in fig.axes[0].get_title()
    plt.close(fig)


def test_the_gradient_bars_are_the_finite_difference_gradients_of_each_label():
    fig = figures.plot_gradients()
    heights = [[p.get_height() for p in c] for c in fig.axes[0].containers]
    assert len(heights) == 2 and all(len(h) == len(s2.PARAMETER_NAMES) for h in heights)
    for bars, y in zip(heights, s2.LABELS, strict=True):
        true = s2.finite_difference_gradients(y)
        assert np.allclose(bars, [true[n] for n in s2.PARAMETER_NAMES])
    plt.close(fig)


def test_a_parameter_left_out_of_the_implied_gradients_is_marked_not_updated():
    implied = {name: 0.5 for name in s2.PARAMETER_NAMES if name != "b2"}
    fig = figures.plot_gradients(implied)
    heights = [[p.get_height() for p in c] for c in fig.axes[0].containers]
    assert len(heights) == 3
    drawn = dict(zip(s2.PARAMETER_NAMES, heights[0], strict=True))
    assert np.isnan(drawn["b2"]) and all(drawn[n] == 0.5 for n in implied)
    assert _texts(fig).count("not\nupdated") == 1
    plt.close(fig)
