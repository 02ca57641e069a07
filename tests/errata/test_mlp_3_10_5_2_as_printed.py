"""000 §4.5 as printed: the 3-10-5-2 MLP's loss and gradient formulas, evaluated as written."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.errata import mlp_3_10_5_2_as_printed as printed
from bigmodel_lab.worked import mlp_3_10_5_2 as mlp


def literal_by_loops(ex):
    """The chapter's printed formulas, index by index, as a second transcription."""
    c = mlp.forward_backward(ex)
    d3, a2, z1, W2 = c["delta3"], c["a2"], c["z1"], ex.W[1]
    relu1 = [1.0 if v > 0 else 0.0 for v in z1]
    out = {
        "dW3": np.zeros((2, 5)),
        "dW2": np.zeros((5, 10)),
        "db2": np.zeros(5),
        "dW1": np.zeros((10, 3)),
        "db1": np.zeros(10),
    }
    for k in range(2):
        out["dW3"][k, :] = d3[k]
    for j in range(5):
        out["dW2"][j, :] = sum(d3[k] * a2[j] for k in range(2))
        out["db2"][j] = sum(d3[k] for k in range(2))
    for i in range(10):
        out["dW1"][i, :] = sum(d3[k] * W2[j, k] * relu1[i] for j in range(5) for k in range(2))
        out["db1"][i] = sum(d3[k] * relu1[i] for j in range(5) for k in range(2))
    return out


@given(seed=st.integers(0, 500))
def test_literal_formulas_match_an_index_by_index_transcription(seed):
    ex = mlp.make_example(seed)
    lit, ref = printed.chapter_literal(ex), literal_by_loops(ex)
    for key, value in ref.items():
        np.testing.assert_allclose(lit[key], value, rtol=1e-12, atol=1e-15, err_msg=key)


@given(seed=st.integers(0, 500))
def test_the_missing_bracket_only_matters_for_targets_0(seed):
    ex = mlp.make_example(seed)
    ones = mlp.Example(W=ex.W, b=ex.b, x=ex.x, y=np.array([1.0, 1.0]))
    assert printed.chapter_literal(ones)["L"] == pytest.approx(mlp.forward_backward(ones)["L"])
    assert printed.chapter_literal(ex)["L"] < mlp.forward_backward(ex)["L"]
    # and the literal loss's output error has the wrong sign for the target-0 output
    lit_d3 = printed.chapter_literal(ex)["delta3"]
    assert lit_d3[1] == pytest.approx(-mlp.forward_backward(ex)["delta3"][1])


def test_the_chapter_is_right_only_about_the_output_bias():
    diff = printed.max_differences(mlp.make_example())
    assert diff["db3"] == 0.0
    assert all(v > 1e-3 for k, v in diff.items() if k != "db3")


def test_the_comparison_table_has_one_row_per_transcribed_formula():
    table = printed.literal_versus_correct(mlp.make_example())
    assert list(table["quantity"]) == list(printed.CHAPTER_FORMULAS)
    assert set(printed.CHAPTER_FORMULAS) == set(mlp.CORRECT_FORMULAS)
    assert not table.isna().any().any()
