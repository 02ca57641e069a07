"""The reproductions behind chapter 4's errata (bigmodel_lab.errata.ch04)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from bigmodel_lab import errata
from bigmodel_lab.errata import ch04

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def seeds_001():
    files = sorted(SEEDS.glob("001_*.txt"))
    if not files:
        pytest.skip(f"the articles are not in {SEEDS} (make check-quotes checks them there)")
    return files[0].read_text(encoding="utf-8")


def test_the_printed_update_climbs_and_the_corrected_one_descends():
    r = ch04.update_sign_example()
    assert r["printed"] > r["before"] > r["corrected"]


def test_the_two_readings_of_sigmoid_derivative_and_autograd():
    on_output, at_output, needed = ch04.hidden_derivative_example(0.0)
    s = 1 / (1 + math.exp(-0.5))  # σ(σ(0)) = σ(0.5)
    assert on_output == pytest.approx(0.25, abs=1e-15) == needed
    assert at_output == pytest.approx(s * (1 - s), rel=1e-12)
    for z in (-3.0, 0.7, 2.0):
        on_output, at_output, needed = ch04.hidden_derivative_example(z)
        assert on_output == pytest.approx(needed, rel=1e-12)
        assert abs(at_output - needed) > 1e-3


def test_the_pseudocode_statements_are_the_articles(seeds_001):
    body = " ".join(seeds_001.split())
    for statement in ch04.PSEUDOCODE_STEP:
        assert statement in body, statement


def test_with_vectors_the_first_failing_statement_is_the_w2_update():
    r = ch04.run_pseudocode_step()
    assert (
        r["failed"] == "weights_hidden_output += hidden_layer_output.T.dot(d_output_layer_output)"
    )
    assert r["error"].startswith("ValueError: shapes (500,) and (10,) not aligned")
    assert r["ran"] == list(ch04.PSEUDOCODE_STEP[: len(r["ran"])])
    rows = ch04.run_pseudocode_step(rows=True)
    assert rows["failed"] == "biases_hidden_output += d_output_layer_output"
    assert "broadcast" in rows["error"]
    assert ch04.one_example_weight_gradient() == r["error"]


def test_listing_reproductions_raise_the_errors_they_claim():
    assert ch04.dogs_cats_loader_error() == (
        "AttributeError: module 'keras.datasets' has no attribute 'dogs_cats'"
    )
    assert ch04.batch_attribute_error() == "AttributeError: 'list' object has no attribute 'input'"
    outcomes = ch04.module_method_errors()
    assert all(o.split(":")[0] in ("AttributeError", "TypeError") for o in outcomes.values())
    assert ch04.evaluation_without_eval_mode() == (False, True)
    assert ch04.undefined_names() == {"LargeModel": False, "num_epochs": False}


def test_the_keras_stand_in_holds_the_real_data_sets_only():
    ns = ch04.keras_datasets_namespace()
    assert hasattr(ns, "mnist") and hasattr(ns, "cifar10") and not hasattr(ns, "dogs_cats")


def test_cats_dogs_parameters_grow_with_the_square_of_the_side():
    p = ch04.cats_dogs_parameters((28, 150))
    dense_28 = 32 * 13 * 13 * 128
    dense_150 = 32 * 74 * 74 * 128
    assert p[150] - p[28] == dense_150 - dense_28


def test_every_chapter_4_record_differs_from_the_print_and_points_at_a_label():
    text = (ROOT / "notebooks" / "04_mnist.md").read_text()
    labels = set(re.findall(r"^\(([\w-]+)\)=$", text, flags=re.M))
    records = [r for r in errata.all_records() if r.where.startswith("notebooks/04_mnist")]
    assert len(records) >= 5
    for rec in records:
        assert rec.computed != rec.printed
        page, _, target = rec.where.partition("#")
        assert page == "notebooks/04_mnist" and target in labels, rec.where


def test_the_withdrawn_channel_axis_record_stays_withdrawn():
    # Keras adds the trailing channel axis of size 1 itself (issue 14, checked there with
    # Keras 3.15): the §5.2.1 listing's (N, 28, 28) images are no erratum.
    assert not hasattr(ch04, "images_lack_the_channel_axis")
    assert not [
        r
        for r in errata.all_records(source="001")
        if r.section == "§5.2.1" and "input_shape" in r.quantity
    ]


def test_pseudocode_placeholders_and_design_criticism_are_no_errata():
    # 001 §3.2 and 002 §3.2-3.3 are labelled 伪代码; 004 §4.3's 28 × 28 input is a design choice
    records = [r for r in errata.all_records() if r.where.startswith("notebooks/04_mnist")]
    assert not [r for r in records if r.source == "002"]
    assert not [r for r in records if r.source == "004" and r.section == "§4.3"]


def test_the_printed_update_climbs_with_no_learning_rate():
    rule = ch04.PRINTED_UPDATE
    assert (rule.sign, rule.lr, rule.hidden_derivative) == (+1, 1.0, "a(1-a)")
    losses = ch04.update_sign_example(n=16)
    assert losses["printed"] > losses["before"] > losses["corrected"]
