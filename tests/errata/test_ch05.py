"""Chapter 5's errata records: each is computed, and each computed value says what it claims."""

import pytest

from bigmodel_lab.errata import Kind, all_records, ch05, declared, text_listings as L


@pytest.fixture(scope="module")
def records():
    return all_records(where="notebooks/05_")


def by_quantity(records, source, start):
    (rec,) = [r for r in records if r.source == source and r.quantity.startswith(start)]
    return rec


def test_every_chapter_5_record_is_computed_and_none_reports_no_error(records):
    assert {r.source for r in records} == {"002", "003"}
    for r in records:
        assert r.computed and "no error" not in r.computed, r
        if r.kind is Kind.CODE_DOES_NOT_RUN:
            assert "Error:" in r.computed, r


def test_stand_ins_say_that_they_are_stand_ins(records):
    for start in ("name of the IMDb", "training batches from BucketIterator", "labels 'pos'"):
        assert "stand-in for torchtext 0.11" in by_quantity(records, "002", start).computed


def test_the_002_model_records(records):
    n_layers = by_quantity(records, "002", "the layer count")
    assert "never read" in n_layers.computed
    last = by_quantity(records, "002", "output read at hidden[-1")
    assert "3 of 4 rows returned are padding" in last.computed
    bucket = by_quantity(records, "002", "training batches from BucketIterator")
    assert bucket.computed.count(" 0 of ") == 1 and "must be sorted" in bucket.computed


def test_the_003_records_agree_with_the_committed_keras_runs(records):
    fit = by_quantity(records, "003", "model.fit on y_train")
    assert "list" in fit.computed and "Unrecognized data type" in fit.computed
    assert by_quantity(records, "003", "batches per training epoch").computed.startswith("1/1")
    generalisation = by_quantity(records, "003", "generalisation")
    assert generalisation.kind is Kind.WRONG_CLAIM and "[0.21, 1.00]" in generalisation.computed
    tokenizer = by_quantity(records, "003", "Keras Tokenizer")
    assert "jieba" in tokenizer.computed and tokenizer.kind is Kind.WRONG_CLAIM


def test_no_record_claims_the_imports_or_the_split_are_wrong():
    # the listing's imports work under tf.keras in Keras 3, and 4/1 is an exact 80/20 split
    quantities = [m["quantity"] for m in declared() if m["source"] == "003"]
    assert not [q for q in quantities if "80/20" in q or ("import" in q and "pandas" not in q)]
    assert L.chapter_split_sizes() == (4, 1)
    assert ch05.SAMPLE_REVIEW
