"""003 §4.3.2 as printed: the diagnosis softmax as written, its printed scores and result."""

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab.errata import diagnosis_as_printed as printed
from bigmodel_lab.worked import diagnosis as dx

pairs = st.integers(1, 8).flatmap(
    lambda d: st.tuples(
        arrays(np.float64, d, elements=st.floats(-5, 5)),
        arrays(np.float64, d, elements=st.floats(-5, 5)),
    )
)


@given(pairs)
def test_the_formula_as_written_always_outputs_one_certain_class(pair):
    theta, e = pair
    np.testing.assert_array_equal(printed.literal(theta, e), [1.0])


def test_literal_needs_vectors_of_equal_length():
    with pytest.raises(ValueError, match="theta: expected shape"):
        printed.literal([0.1, 0.2], dx.EMBEDDING_X)


def test_the_printed_result_is_not_a_softmax_of_the_printed_scores():
    from bigmodel_lab.formulas import softmax

    p = softmax(printed.PRINTED_LOGITS)
    assert not np.allclose(p, printed.PRINTED_PROBABILITIES, atol=0.05)
    # close scores give a nearly flat distribution: nothing near 0.5
    assert p.max() < 0.25
    assert printed.printed_sum() != pytest.approx(1.0)


def test_readings_table_lists_the_four_readings():
    assert len(printed.readings()) == 4
