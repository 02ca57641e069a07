"""Confidence intervals, scores and their table, predictions and window votes."""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from scipy.optimize import brentq
from scipy.stats import norm

from bigmodel_lab.text.scoring import (
    bootstrap_interval,
    predict_labels,
    results_table,
    score,
    vote_windows,
    wilson_interval,
)


@given(
    st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_wilson_bounds_solve_the_score_equation(kn, confidence):
    """Wilson's interval is the set of p with |k/n - p| <= z sqrt(p(1-p)/n); find its ends
    by root-finding and compare with the closed form."""
    k, n = kn
    z = norm.ppf(0.5 + confidence / 2)
    phat = k / n

    def gap(p):
        return abs(phat - p) - z * np.sqrt(p * (1 - p) / n)

    low, high = wilson_interval(k, n, confidence)
    # gap < 0 just beside phat and > 0 at the far end (unless phat sits there)
    ref_low = 0.0 if k == 0 else brentq(gap, 0.0, phat - 1e-12 if k == n else phat)
    ref_high = 1.0 if k == n else brentq(gap, phat + 1e-12 if k == 0 else phat, 1.0)
    assert low == pytest.approx(ref_low, abs=1e-9)
    assert high == pytest.approx(ref_high, abs=1e-9)
    assert 0.0 <= low <= phat <= high <= 1.0


def test_wilson_narrows_with_more_data_and_refuses_nonsense():
    small, large = wilson_interval(8, 10), wilson_interval(800, 1000)
    assert large[1] - large[0] < small[1] - small[0]
    assert wilson_interval(1, 1)[1] == 1.0 and wilson_interval(1, 1)[0] < 0.5
    with pytest.raises(ValueError, match="correct: expected an int in"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="n: expected a positive"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 2, confidence=95)


def test_bootstrap_agrees_with_wilson_on_a_large_sample(rng):
    hits = rng.random(3000) < 0.8
    boot = bootstrap_interval(hits, n_boot=1000, seed=0)
    wil = wilson_interval(int(hits.sum()), hits.size)
    assert boot[0] == pytest.approx(wil[0], abs=0.006)
    assert boot[1] == pytest.approx(wil[1], abs=0.006)
    assert bootstrap_interval(np.ones(5)) == (1.0, 1.0)
    with pytest.raises(ValueError, match="0/1"):
        bootstrap_interval(np.array([0.5, 1.0]))


def test_vote_windows_sums_log_probabilities_per_text():
    scores = np.log(np.array([[0.9, 0.1], [0.4, 0.6], [0.45, 0.55], [0.2, 0.8]]))
    assert vote_windows(scores, np.array([0, 0, 1, 1]), 2).tolist() == [0, 1]
    assert vote_windows(np.array([2.0, -3.0, 0.5]), np.array([0, 0, 1]), 2).tolist() == [0, 1]
    with pytest.raises(ValueError, match="texts \\[1\\] have no window"):
        vote_windows(scores, np.zeros(4, dtype=int), 2)
    with pytest.raises(ValueError, match="one entry per window"):
        vote_windows(scores, np.zeros(3, dtype=int), 1)


class _Fixed(torch.nn.Module):
    def __init__(self, out):
        super().__init__()
        self.out = out

    def forward(self, inputs):
        return self.out[inputs]


def test_predict_labels_reads_logits_and_log_probabilities():
    index = torch.arange(3)
    loader = [(index, torch.tensor([1.0, 0.0, 1.0]))]
    pred, true, prob = predict_labels(_Fixed(torch.tensor([2.0, -1.0, -0.5])), loader)
    assert pred.tolist() == [1, 0, 0] and true.tolist() == [1, 0, 1]
    np.testing.assert_allclose(prob, torch.sigmoid(torch.tensor([2.0, -1.0, -0.5])).numpy())
    logp = torch.log(torch.tensor([[0.3, 0.7], [0.6, 0.4], [0.5, 0.5]]))
    pred, _, prob = predict_labels(_Fixed(logp), [(index, torch.tensor([1, 0, 0]))])
    assert pred.tolist() == [1, 0, 0]
    np.testing.assert_allclose(prob, [0.7, 0.4, 0.5], rtol=1e-6)


def test_score_counts_and_formats():
    s = score("m", np.array([1, 0, 1, 1]), np.array([1, 1, 1, 1]))
    assert (s.correct, s.n, s.accuracy) == (3, 4, 0.75)
    assert s.row()["accuracy"] == "0.750" and s.row()["95% interval"].startswith("[")
    with pytest.raises(ValueError, match="equal 1-D shapes"):
        score("m", np.array([1]), np.array([1, 0]))


def test_results_table_has_one_row_per_score_indexed_by_model():
    a = score("a", np.array([1, 0, 1, 1]), np.array([1, 1, 1, 1]))
    b = score("b", np.array([1, 0]), np.array([1, 0]))
    table = results_table(s for s in (a, b))  # any iterable, a generator included
    assert table.index.tolist() == ["a", "b"] and table.index.name == "model"
    assert table.loc["a"].to_dict() == {k: v for k, v in a.row().items() if k != "model"}
    assert table.loc["b", "accuracy"] == "1.000" and table.loc["b", "test texts"] == 2
    with pytest.raises(TypeError, match="sequence of Score"):
        results_table([])
    with pytest.raises(TypeError, match="sequence of Score"):
        results_table([a, a.row()])
