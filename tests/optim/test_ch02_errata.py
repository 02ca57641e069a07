"""The computations behind chapter 2's errata (bigmodel_lab/errata/ch02.py)."""

import numpy as np
import pytest

from bigmodel_lab.errata import ch02


def test_mse_gradient_has_the_opposite_sign_and_n_times_the_size_in_the_chapter():
    d = ch02.mse_gradient_example()
    assert d["ours"] == pytest.approx(d["autograd"], rel=1e-12)
    n = len(ch02.MSE_EXAMPLE["x"])
    assert d["chapter"] == pytest.approx(-n * d["autograd"], rel=1e-12)
    assert d["loss_after_chapter_step"] > d["loss_before"] > d["loss_after_correct_step"]


def test_learning_rate_runs_converge_below_the_bound_and_diverge_above():
    runs = ch02.learning_rate_runs(factors=(0.5, 1.05), steps=60)
    small, large = runs[0.5][0], runs[1.05][0]
    fit_p, _ = ch02.diabetes_problems()
    best = fit_p.loss(fit_p.solution())
    assert small[-1] < small[0] and small[-1] - best < 0.01
    assert large[-1] > 100 * large[0]


def test_decay_brings_sgd_closer_to_the_minimum():
    d = ch02.decay_runs(epochs=10)
    assert 0 <= d["step decay"][0] < d["constant"][0]


def test_regression_listing_fails_on_the_missing_data():
    assert ch02.regression_listing_error() == ("NameError", "name 'X' is not defined")


def test_batch_size_verdict_reports_both_budgets():
    verdict = ch02.batch_size_verdict()
    assert verdict.startswith("equal epochs:") and "equal updates:" in verdict
    rows = ch02.batch_size_rows()
    assert {r["budget"] for r in rows} == {"equal epochs", "equal updates"}
    assert all(np.isfinite(r["val_loss"]) for r in rows)
    # the finding the two records rest on, with a margin far above seed-to-seed variation:
    # more updates over-fit the noisy labels, whatever the batch size
    val = {(r["batch size"], r["budget"]): r["val_loss"] for r in rows}
    assert val[4, "equal epochs"] > 1.5 * val[100, "equal epochs"]
    assert val[100, "equal updates"] > 1.5 * val[4, "equal updates"]


def test_every_chapter_2_record_points_at_a_label_in_the_notebook():
    from pathlib import Path

    from bigmodel_lab.errata import all_records

    root = Path(__file__).resolve().parents[2]
    records = [r for r in all_records() if r.where.startswith(ch02.NB)]
    assert len(records) >= 9
    text = (root / f"{ch02.NB}.md").read_text()
    for rec in records:
        page, _, label = rec.where.partition("#")
        assert page == ch02.NB and label, rec.where
        assert f"({label})=" in text, f"{rec.where}: no such label in the notebook"
