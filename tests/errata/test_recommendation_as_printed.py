"""003 §4.3.1 as printed: the recommendation score's printed argument and score."""

import numpy as np
import pytest

from bigmodel_lab.errata import recommendation_as_printed as printed
from bigmodel_lab.worked import recommendation as rec


def test_the_example_reproduces_neither_printed_value():
    parts = rec.example_parts()
    s = parts["s (their sum)"]
    assert s == pytest.approx(parts["θ_u · Embedding(i)"] + parts["Embedding(u) · θ_i"])
    elementwise = rec.THETA_U * rec.EMBEDDING_I + rec.EMBEDDING_U * rec.THETA_I
    assert not np.allclose(elementwise, printed.PRINTED_ARGUMENT, atol=5e-3)
    assert round(parts["r̂_ui = σ(s)"], 1) != 0.8
    # the sigmoid of any entry of the printed vector is not 0.8 either
    assert np.all(np.abs(1 / (1 + np.exp(-printed.PRINTED_ARGUMENT)) - 0.8) > 0.05)


def test_readings_table_has_three_readings():
    table = printed.readings()
    assert list(table.columns) == ["reading", "argument of σ", "σ(argument)"]
    assert len(table) == 3
