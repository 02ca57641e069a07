"""The computations behind chapter 1's errata records (bigmodel_lab.errata.ch01)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from bigmodel_lab import errata
from bigmodel_lab.errata import Kind, ch01
from bigmodel_lab.formulas import binary_cross_entropy, sigmoid
from bigmodel_lab.verification import numerical_gradient


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(0.5, 12.0), depth=st.integers(2, 12))
def test_the_weights_not_sigmoid_prime_decide_the_backward_gain(scale, depth):
    factors, gain = ch01.backward_gain(scale, depth)
    assert np.isclose(factors, 0.25 ** (depth - 1), rtol=1e-12)
    assert np.isclose(gain, (scale / 4) ** (depth - 1), rtol=1e-9)
    if scale > 4:  # σ' ≤ 1/4 everywhere, and yet the error grows
        assert gain > 1 > factors


def test_backward_gain_refuses_bad_arguments():
    with pytest.raises(ValueError, match="depth"):
        ch01.backward_gain(8.0, depth=1)
    with pytest.raises(ValueError, match="scale"):
        ch01.backward_gain(0.0)


@given(y_hat=st.floats(0.01, 0.99))
def test_output_deltas_are_the_derivatives_of_their_losses(y_hat):
    z = np.array([np.log(y_hat / (1 - y_hat))])
    for y in (0.0, 1.0):
        d = ch01.output_delta_examples(y_hat, y)
        t = np.array([y])
        bce = numerical_gradient(lambda t=t: binary_cross_entropy(sigmoid(z), t), z)[0]
        half_se = numerical_gradient(lambda y=y: 0.5 * float((sigmoid(z)[0] - y) ** 2), z)[0]
        assert abs(d["binary cross-entropy"] - bce) < 1e-6
        assert abs(d["1/2 squared error"] - half_se) < 1e-6
    # the two cross-entropies agree at y = 1 and differ at y = 0: why the book uses y = 0
    one, zero = ch01.output_delta_examples(y_hat, 1.0), ch01.output_delta_examples(y_hat, 0.0)
    assert np.isclose(one["binary cross-entropy"], one["categorical CE -y log(y_hat)"])
    assert zero["categorical CE -y log(y_hat)"] == 0 < zero["binary cross-entropy"]


def test_output_delta_examples_refuse_impossible_values():
    with pytest.raises(ValueError, match="y_hat"):
        ch01.output_delta_examples(1.0, 0.0)
    with pytest.raises(ValueError, match="label"):
        ch01.output_delta_examples(0.5, 0.3)


@given(n=st.integers(2, 8), seed=st.integers(0, 1000))
def test_the_bias_gradient_of_a_sum_over_samples_is_the_sum(n, seed):
    g = ch01.output_bias_gradient_example(n, seed)
    assert np.allclose(g["finite differences"], g["formula summed over samples"], atol=1e-7)
    assert g["formula on the batch"].shape == (2, n) != g["b"].shape
    assert not np.allclose(g["formula, first sample"], g["formula summed over samples"])


def test_layer_two_reads_the_first_layer_not_x():
    s = ch01.weight_gradient_shapes()
    assert s["∂L/∂W^(2) = δ^(2) a^(1)ᵀ"] == s["W^(2)"] != s["δ^(2) xᵀ"]


def test_chapter_one_records():
    import re
    from pathlib import Path

    # metadata only (declared() computes nothing): the values are tested above, function by function
    records = [m for m in errata.declared() if m["where"].startswith("notebooks/01_")]
    by_quantity = {m["quantity"]: m for m in records}
    # 001 §4.2.2 δ_k = ŷ_k - y_k is right for the sigmoid + binary cross-entropy it is used with
    assert not [m for m in records if m["printed"] == r"\delta_k = \hat{y}_k - y_k"]
    for q in ["ReLU(x) for x > 0", "is ReLU linear?", "ReLU and vanishing gradients"]:
        assert by_quantity[q]["kind"] is Kind.WRONG_CLAIM
    assert {(m["source"], m["section"]) for m in records} >= {("003", "§4.1.3"), ("004", "§4.2")}
    text = (
        Path(__file__).resolve().parents[2] / "notebooks" / "01_forward_backward.md"
    ).read_text()
    labels = set(re.findall(r"^\(([\w-]+)\)=$", text, re.M))
    for m in records:
        assert m["where"].partition("#")[2] in labels, m
