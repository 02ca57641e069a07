import numpy as np
import pytest

from bigmodel_lab.gradcheck import compare, comparison_table, format_table, numerical_gradient


def test_numerical_gradient_of_a_quadratic_is_exact_to_rounding(rng):
    A = rng.normal(size=(4, 4))
    A = A @ A.T
    x = rng.normal(size=4)
    num = numerical_gradient(lambda: 0.5 * x @ A @ x, x)
    np.testing.assert_allclose(num, A @ x, rtol=1e-7, atol=1e-8)


def test_numerical_gradient_restores_the_parameters(rng):
    x = rng.normal(size=(2, 3))
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_compare_flags_exact_close_and_different():
    a = np.array([1.0, 2.0])
    rows = [compare("same", a, a), compare("close", a, a + 1e-13), compare("off", a, a + 1e-3)]
    table = comparison_table(rows)
    assert table.loc["same", "exact"] and table.loc["same", "close"]
    assert not table.loc["close", "exact"] and table.loc["close", "close"]
    assert not table.loc["off", "close"]
    assert table.loc["off", "max_abs_diff"] == pytest.approx(1e-3)
    text = format_table(table)
    assert "< 1e-12" in text and "1.00e-03" in text


def test_format_table_prints_no_bit_equality():
    """Bit-identical and nearly identical results print the same line: bit equality of floats
    is a property of one machine (summation order), so the printed table must not show it."""
    a = np.array([1.0, 2.0])
    table = comparison_table([compare("d", a, a), compare("e", a, a + 1e-15)])
    text = format_table(table)
    assert "exact" not in text and "True" in text
    lines = text.splitlines()
    assert lines[-2].split()[1:] == lines[-1].split()[1:] == ["True", "<", "1e-12"]


def test_compare_refuses_different_shapes():
    with pytest.raises(ValueError, match=r"shape \(2,\) but the reference has shape \(3,\)"):
        compare("x", np.zeros(2), np.zeros(3))
