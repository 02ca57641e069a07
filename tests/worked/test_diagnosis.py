"""The diagnosis softmax of 003 §4.3.2."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab.worked import diagnosis as dx


@given(
    st.integers(2, 6).flatmap(
        lambda k: st.tuples(
            arrays(np.float64, (k, 5), elements=st.floats(-5, 5)),
            arrays(np.float64, 5, elements=st.floats(-5, 5)),
        )
    )
)
def test_a_parameter_matrix_gives_the_softmax_torch_computes(pair):
    Theta, e = pair
    p = dx.disease_probabilities(Theta, e)
    ref = torch.softmax(torch.tensor(Theta) @ torch.tensor(e), dim=0).numpy()
    np.testing.assert_allclose(p, ref, rtol=1e-12, atol=1e-15)
    assert p.shape == (Theta.shape[0],)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_a_weight_vector_is_refused_with_what_to_pass_instead():
    with pytest.raises(ValueError, match=r"Theta: expected a matrix of shape \(K, 5\)"):
        dx.disease_probabilities(dx.THETA, dx.EMBEDDING_X)


def test_a_matrix_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="Theta: expected shape"):
        dx.disease_probabilities(np.ones((3, 4)), dx.EMBEDDING_X)
