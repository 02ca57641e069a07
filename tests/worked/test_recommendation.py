"""The recommendation score of 003 §4.3.1."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from bigmodel_lab.worked import recommendation as rec

vectors = st.integers(1, 8).flatmap(
    lambda d: st.tuples(*[arrays(np.float64, d, elements=st.floats(-3, 3)) for _ in range(4)])
)


@given(vectors)
def test_score_is_sigmoid_of_two_dot_products_as_torch_computes_it(vs):
    tu, ei, eu, ti = (torch.tensor(v) for v in vs)
    expected = torch.sigmoid(torch.dot(tu, ei) + torch.dot(eu, ti)).item()
    assert rec.score(*vs) == pytest.approx(expected, rel=1e-12)


@given(vectors)
def test_score_is_one_number_strictly_between_0_and_1(vs):
    r = rec.score(*vs)
    assert isinstance(r, float) and 0.0 < r < 1.0


@given(s=st.floats(-30, 30))
def test_rating_scale_stays_inside_the_scale(s):
    r = rec.rating_scale(s)
    assert 1.0 <= r <= 5.0


def test_rating_scale_is_increasing_and_centred():
    s = np.linspace(-5, 5, 21)
    r = [rec.rating_scale(v) for v in s]
    assert np.all(np.diff(r) > 0)
    assert rec.rating_scale(0.0) == pytest.approx(3.0)


def test_vectors_of_different_lengths_are_refused_with_their_lengths():
    with pytest.raises(ValueError, match=r"one common length d.*theta_i': 2"):
        rec.score([0.1, 0.2, 0.3], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0])


def test_a_matrix_is_refused_where_a_vector_is_expected():
    with pytest.raises(ValueError, match="embedding_i: expected a 1-D array"):
        rec.score_argument([1.0, 2.0], np.ones((2, 2)), [1.0, 2.0], [1.0, 2.0])


def test_rating_scale_needs_high_above_low():
    with pytest.raises(ValueError, match="high: must exceed low"):
        rec.rating_scale(0.0, low=5, high=1)
