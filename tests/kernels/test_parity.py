"""The comparison helpers of bigmodel_lab.kernels.parity, and the registry itself."""

import numpy as np
import pytest
import torch

from bigmodel_lab.kernels import parity

from .helpers import assert_triad


def test_identical_arrays_match():
    a = np.array([1.0, np.nan, np.inf, -np.inf, 0.0])
    assert parity.mismatch_report("a", a, a.copy(), 0.0) is None


def test_report_counts_and_locates_every_kind_of_mismatch():
    expected = np.zeros((3, 4))
    actual = expected.copy()
    actual[0, 1] = np.nan
    actual[2, 3] = np.inf
    actual[1, 2] = 0.5
    actual[2, 0] = 1e-9  # within atol
    report = parity.mismatch_report("q", actual, expected, rtol=1e-5, atol=1e-8)
    assert report.startswith("q: 3 of 12 elements differ")
    assert "NaN in the result: 1, first at (0, 1)" in report
    assert "infinite in the result: 1, first at (2, 3)" in report
    assert "largest |difference| 5.000e-01 at (1, 2)" in report


def test_nan_in_the_reference_only_is_a_mismatch():
    report = parity.mismatch_report("q", np.array([1.0, 2.0]), np.array([1.0, np.nan]), 0.1)
    assert "NaN in the reference: 1, first at 1" in report


def test_infinities_of_opposite_sign_differ():
    assert parity.mismatch_report("q", np.array([np.inf]), np.array([-np.inf]), 0.1) is not None


def test_shape_mismatch_is_reported():
    assert "shape" in parity.mismatch_report("q", np.zeros(3), np.zeros((3, 1)), 0.1)


def test_tolerance_scales_with_the_largest_finite_reference():
    rtol, atol = parity.tolerance(torch.tensor([0.5, -4.0, float("inf")]), 1e-5)
    assert rtol == 1e-5 and atol == pytest.approx(4e-5)


def test_relative_error_and_bounds():
    assert parity.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert parity.relative_error(np.ones(2), np.zeros(2)) == float("inf")
    assert parity.relative_error([1.0, 2.0], [1.0, 4.0]) == pytest.approx(0.5)
    # zero prints as the bound, like any difference below it: bit equality is not portable
    assert [parity.format_bound(v) for v in (0.0, 3e-7, 2.5e-3)] == [
        "< 1e-05",
        "< 1e-05",
        "2.5e-03",
    ]


def test_every_case_produces_its_documented_quantities():
    for case in parity.CASES.values():
        result = parity.run_case(case, case.shapes[1])
        assert result.quantities == ["output"] + [f"grad {g}" for g in case.grads]
        assert_triad(result)


def test_a_wrong_kernel_is_caught():
    """The triad is not vacuous: a kernel that is off by 1e-4 fails it."""
    wrong = parity.Case(
        **{**parity.SIGMOID.__dict__, "kernel": lambda x: parity.sigmoid(x) * (1 + 1e-4)}
    )
    with pytest.raises(AssertionError, match="kernel vs formula"):
        assert_triad(parity.run_case(wrong, (3, 7)))


def test_parity_table_has_one_row_per_quantity():
    frame = parity.parity_table(["relu", "mse_loss"], shape_index=1)
    assert list(frame["quantity"]) == ["output", "grad x", "output", "grad pred", "grad target"]
    assert set(frame["kernel vs formula"]) <= {"0", "< 1e-05"}


def test_optimiser_rows_cover_every_setting_within_tolerance():
    rows = parity.optimiser_rows(shape=(5, 7), steps=10)
    assert [r["optimiser"] for r in rows] == list(parity.OPTIMISER_CONFIGS)
    assert all(r["kernel vs torch.optim"] < parity.RTOL[torch.float32] for r in rows)


def test_mnist_cnn_rows_compare_loss_logits_and_six_gradients():
    rows = parity.mnist_cnn_rows(batch=2)
    assert [r["quantity"] for r in rows][:2] == ["loss", "logits"] and len(rows) == 8
    assert all(r["kernel vs torch (float64)"] < parity.RTOL[torch.float32] for r in rows)


def test_side_by_side_sgd_training_stays_together():
    run = parity.train_side_by_side("sgd", steps=2, batch=2)
    assert len(run["loss (kernels)"]) == 2
    assert parity.relative_error(run["loss (kernels)"], run["loss (torch)"]) < 1e-5
    assert max(run["parameter drift"].values()) < 1e-5
    with pytest.raises(ValueError, match="optimiser"):
        parity.train_side_by_side("rmsprop")
