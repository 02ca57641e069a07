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


def test_tf_keras_namespace_has_the_same_layers_and_no_cats_and_dogs_either():
    # TensorFlow 2.16+ maps tf.keras to Keras 3's compatibility namespace keras._tf_keras.keras;
    # the substitution tensorflow.keras -> keras changes nothing the listings use
    keras = keras_listings.import_keras()
    import keras._tf_keras.keras as tf_keras

    for name in ["Sequential", "layers", "datasets"]:
        assert hasattr(tf_keras, name)
    for layer in ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]:
        assert getattr(tf_keras.layers, layer) is getattr(keras.layers, layer)
    assert tf_keras.Sequential is keras.Sequential
    public = tuple(sorted(n for n in dir(tf_keras.datasets) if not n.startswith("_")))
    assert public == ch04.KERAS_DATASETS and "dogs_cats" not in public


@pytest.mark.parametrize("seed", [0, 1])
def test_the_004_validation_data_are_its_test_data(seed):
    r = keras_listings.validation_is_test(n_train=64, n_test=32, epochs=1, seed=seed)
    assert 0.0 <= r["test accuracy"] <= 1.0
    assert r["difference"] < 1e-6


def test_the_committed_full_runs_name_both_runs_and_the_004_error():
    rows = keras_listings.read()
    runs = {
        row["run"]: row for row in rows if row["listing"].startswith("001") and row["epochs"] == "5"
    }
    assert {row["train images"] for row in rows if row["listing"].startswith("001")} == {
        "12800",
        "60000",
    }
    keras, port = runs["Keras 3, as printed"], runs["PyTorch port ChapterCNN"]
    assert keras["parameters"] == port["parameters"] == "347146"
    assert keras["input shape"] == "60000x28x28" and port["input shape"] == "60000x1x28x28"
    assert abs(float(keras["test accuracy"]) - float(port["test accuracy"])) < 0.01
    (cats,) = [row for row in rows if row["listing"].startswith("004")]
    assert "dogs_cats" in cats["outcome"]
