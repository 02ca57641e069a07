"""The seeds' Keras listings, run in Keras 3 on the torch backend (bigmodel_lab.errata.keras_listings)."""

import pytest

from bigmodel_lab.errata import ch04, keras_listings


def test_bad_budgets_are_refused_before_keras_runs():
    with pytest.raises(ValueError, match="n_train"):
        keras_listings.run_001_cnn(n_train=10)
    with pytest.raises(ValueError, match="epochs"):
        keras_listings.run_port_cnn(epochs=0)


def test_the_004_listing_fails_at_its_loader_with_keras_own_error():
    r = keras_listings.run_004_catsdogs()
    assert r["ran"] == ["tf.keras.Sequential([...])", "model.compile(...)"]
    assert r["failed"] == "tf.keras.datasets.dogs_cats.load_data()"
    assert r["error"].startswith("AttributeError:") and "dogs_cats" in r["error"]
    # the chapter's stand-in names exactly Keras's data sets and raises Keras's own message
    assert tuple(r["keras datasets"]) == ch04.KERAS_DATASETS
    assert ch04.dogs_cats_loader_error() == r["error"]
