"""The computations behind chapter 2's errata (bigmodel_lab/errata/ch02.py)."""

import numpy as np
import pytest
import torch

from bigmodel_lab import errata
from bigmodel_lab.errata import ch02


def test_the_printed_mse_gradient_is_minus_the_true_one_per_example():
    d = ch02.mse_gradient_example()
    # per example, printed + autograd vanishes: a sign flip and nothing else
    assert d["sign_flip_residual"] < 1e-12
    assert np.all(np.abs(d["autograd_per_example"]) > 0.1)  # and the gradients are not all ~0
    assert d["ours"] == pytest.approx(d["autograd"], rel=1e-12)
    assert d["printed"] == pytest.approx(-d["autograd"], rel=1e-12)
    assert d["loss_after_printed_step"] > d["loss_before"] > d["loss_after_correct_step"]


@pytest.mark.parametrize("theta", [-1.0, 0.3, 2.5])
def test_sign_flip_holds_for_any_theta(monkeypatch, theta):
    monkeypatch.setitem(ch02.MSE_EXAMPLE, "theta", theta)
    d = ch02.mse_gradient_example()
    assert d["sign_flip_residual"] < 1e-12
    assert d["printed"] == pytest.approx(-d["autograd"], rel=1e-12, abs=1e-12)


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


@pytest.mark.parametrize("factor", [2.0, 10.0, -3.0])
def test_standardising_before_the_split_lets_a_test_row_move_the_training_features(factor):
    d = ch02.standardisation_leak(factor)
    assert d["train_size"] + d["test_size"] == 442 and d["train_size"] == 353
    assert d["article"] > 0.01
    assert d["split first"] < 1e-12


def test_the_leak_grows_with_the_size_of_the_change():
    leaks = [ch02.standardisation_leak(f)["article"] for f in (1.5, 3.0, 10.0)]
    assert leaks == sorted(leaks)
    assert ch02.standardisation_leak(1.0)["article"] < 1e-12  # nothing changed, nothing moves


def test_the_chapter_classifier_listing_fails_where_the_book_says():
    errors = ch02.classifier_listing_errors()
    assert [kind for _, kind, _ in errors] == [
        "RuntimeError",
        "NameError",
        "ValueError",
        "RuntimeError",
    ]
    assert "ambiguous" in errors[0][2] and "num_epochs" in errors[1][2]
    assert "target size" in errors[2][2] and "Long" in errors[3][2]


def test_the_label_rule_is_ambiguous_for_a_row_of_features():
    with pytest.raises(RuntimeError, match="ambiguous"):
        [1 if x > 0 else 0 for x in torch.randn(3, 10)]  # noqa: B018
    assert "pseudocode" in ch02.classifier_label_rule_undefined()


def test_batch_size_study_covers_every_seed_and_both_budgets():
    rows = ch02.batch_size_rows()
    assert {r["seed"] for r in rows} == set(ch02.BATCH_SEEDS)
    assert {r["budget"] for r in rows} == {"equal epochs", "equal updates"}
    assert all(np.isfinite(r["val_loss"]) for r in rows)
    wins = ch02.batch_size_wins()
    for counts in wins.values():
        assert sum(counts.values()) == len(ch02.BATCH_SEEDS)
    verdict = ch02.batch_size_verdict()
    assert verdict.startswith("equal epochs:") and "equal updates:" in verdict


def test_every_chapter_2_record_points_at_a_label_in_the_notebook():
    from pathlib import Path

    from bigmodel_lab.errata import declared

    root = Path(__file__).resolve().parents[2]
    records = [r for r in declared() if r["where"].startswith(ch02.NB)]
    assert len(records) == 6
    text = (root / f"{ch02.NB}.md").read_text()
    for rec in records:
        page, _, label = rec["where"].partition("#")
        assert page == ch02.NB and label, rec["where"]
        assert f"({label})=" in text, f"{rec['where']}: no such label in the notebook"


def test_chapter_2_records_quote_their_article_when_the_seeds_are_here():
    from pathlib import Path

    from bigmodel_lab import errata

    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the Chinese articles are not beside the checkout")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    import check_quotes

    mine = [r for r in errata.declared() if r["where"].startswith(ch02.NB)]
    assert check_quotes.check(mine, check_quotes.load_articles(seeds)) == {}


def test_the_chapter_s_table_holds_exactly_its_records_sorted_by_section():
    from bigmodel_lab.errata import declared, section_key

    recs = errata.all_records(where=ch02.NB)
    mine = [r for r in declared() if r["where"].startswith(ch02.NB)]
    assert sorted((r.source, r.section, r.quantity) for r in recs) == sorted(
        (r["source"], r["section"], r["quantity"]) for r in mine
    )
    keys = [(r.source, section_key(r.section)) for r in recs]
    assert keys == sorted(keys)
    assert all(r.computed for r in recs)
