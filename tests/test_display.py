"""How the book prints numbers and agreements (bigmodel_lab.display): bounds, reports, tables."""

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab import display
from bigmodel_lab.display import (
    bound_frame,
    compare,
    comparison_table,
    fmt,
    fmt_vector,
    format_bound,
    format_table,
    matrix_frame,
    verdict_table,
)


def test_fixed_precision_never_prints_a_negative_zero():
    assert fmt(-1e-9) == "0.0000" and fmt(-0.00004, 4) == "0.0000"
    assert fmt(-0.5) == "-0.5000" and fmt(2 / 3, 2) == "0.67"
    assert fmt_vector(np.array([[1.0, -1e-12]])) == "[1.0000, 0.0000]"


def test_matrix_frame_labels_rows_and_columns_and_checks_their_number():
    frame = matrix_frame([[1.0, 2.0]], ["r"], ["a", "b"], digits=1)
    assert frame.loc["r", "b"] == "2.0"
    with pytest.raises(ValueError, match=r"expected shape \(2, 2\) to match the labels"):
        matrix_frame([[1.0, 2.0]], ["r", "s"], ["a", "b"])


def test_bound_frame_formats_only_the_float_columns():
    frame = bound_frame(
        [{"op": "relu", "n": 3, "error": 0.0}, {"op": "tanh", "n": 4, "error": 2e-3}]
    )
    assert list(frame["error"]) == ["< 1e-05", "2.0e-03"]
    assert list(frame["n"]) == [3, 4] and list(frame["op"]) == ["relu", "tanh"]


def test_verdict_table_keeps_only_what_every_machine_agrees_on():
    a = np.array([1.0, 2.0])
    table = comparison_table([compare("d", a, a + 1e-15), compare("e", a, a + 1e-3)])
    verdict = verdict_table(table, 1e-12)
    assert list(verdict.columns) == ["close", "max |diff| < 1e-12"]
    assert verdict.loc["d"].tolist() == [True, True] and verdict.loc["e"].tolist() == [False, False]
    assert isinstance(verdict, pd.DataFrame)


def test_identical_arrays_match():
    a = np.array([1.0, np.nan, np.inf, -np.inf, 0.0])
    assert display.mismatch_report("a", a, a.copy(), 0.0) is None


def test_report_counts_and_locates_every_kind_of_mismatch():
    expected = np.zeros((3, 4))
    actual = expected.copy()
    actual[0, 1] = np.nan
    actual[2, 3] = np.inf
    actual[1, 2] = 0.5
    actual[2, 0] = 1e-9  # within atol
    report = display.mismatch_report("q", actual, expected, rtol=1e-5, atol=1e-8)
    assert report.startswith("q: 3 of 12 elements differ")
    assert "NaN in the result: 1, first at (0, 1)" in report
    assert "infinite in the result: 1, first at (2, 3)" in report
    assert "largest |difference| 5.000e-01 at (1, 2)" in report


def test_nan_in_the_reference_only_is_a_mismatch():
    report = display.mismatch_report("q", np.array([1.0, 2.0]), np.array([1.0, np.nan]), 0.1)
    assert "NaN in the reference: 1, first at 1" in report


def test_infinities_of_opposite_sign_differ():
    assert display.mismatch_report("q", np.array([np.inf]), np.array([-np.inf]), 0.1) is not None


def test_shape_mismatch_is_reported():
    assert "shape" in display.mismatch_report("q", np.zeros(3), np.zeros((3, 1)), 0.1)


def test_tolerance_scales_with_the_largest_finite_reference():
    rtol, atol = display.tolerance(torch.tensor([0.5, -4.0, float("inf")]), 1e-5)
    assert rtol == 1e-5 and atol == pytest.approx(4e-5)


def test_relative_error_and_bounds():
    assert display.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert display.relative_error(np.ones(2), np.zeros(2)) == float("inf")
    assert display.relative_error([1.0, 2.0], [1.0, 4.0]) == pytest.approx(0.5)
    # zero prints as the bound, like any difference below it: bit equality is not portable
    assert [display.format_bound(v) for v in (0.0, 3e-7, 2.5e-3)] == [
        "< 1e-05",
        "< 1e-05",
        "2.5e-03",
    ]


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


def test_a_zero_difference_is_never_printed_bare():
    assert format_bound(0.0, 1e-6) == "< 1e-06"
    assert format_bound(3.2e-3, 1e-6) == "3.2e-03"


@given(value=st.floats(0.0, 1e3), exponent=st.integers(-15, -1))
def test_below_the_floor_only_the_floor_is_printed(value, exponent):
    floor = 10.0**exponent
    out = format_bound(value, floor)
    if value < floor:
        assert out == f"< {floor:.0e}"
    else:
        assert float(out) == float(f"{value:.1e}") and not out.startswith("<")
