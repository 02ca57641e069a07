"""Baselines: majority class, TF-IDF + logistic regression, mean word vectors, and their scores."""

import numpy as np
import pytest

from bigmodel_lab.data.glove import WordVectors
from bigmodel_lab.text.baselines import (
    baseline_scores,
    majority_class,
    mean_vector_logistic_regression,
    mean_vectors,
    tfidf_logistic_regression,
)
from bigmodel_lab.text.stratified_splits import split_three


def test_majority_class_predicts_the_most_frequent_training_label():
    result = majority_class(np.array([0, 1, 1]), np.array([1, 0, 1, 1]))
    assert result.predictions.tolist() == [1, 1, 1, 1] and result.accuracy == 0.75
    assert majority_class(np.array([1, 0]), np.array([0])).model == 0  # a tie: smallest label
    with pytest.raises(ValueError, match="integer class labels"):
        majority_class(np.array([0.0, 1.0]), np.array([0]))


def _toy(rng, n):
    words = {1: ["great", "superb", "moving"], 0: ["dull", "awful", "boring"]}
    filler = ["the", "film", "plot", "was", "a"]
    y = rng.integers(0, 2, size=n)
    tokens = [list(rng.choice(filler, 4)) + [str(rng.choice(words[int(c)]))] for c in y]
    return tokens, y


def test_tfidf_logistic_regression_learns_a_separable_toy(rng):
    train, y_train = _toy(rng, 200)
    test, y_test = _toy(rng, 30)
    result = tfidf_logistic_regression(train, y_train, test, y_test)
    assert result.accuracy == 1.0
    assert (result.predictions == y_test).all()
    vocab = result.model.named_steps["tfidf"].vocabulary_
    assert "the film" in vocab or "film the" in vocab  # word pairs are features too


def test_tfidf_refuses_untokenised_or_mismatched_input(rng):
    train, y = _toy(rng, 10)
    with pytest.raises(TypeError, match="train_tokens: expected lists of tokens"):
        tfidf_logistic_regression([" ".join(t) for t in train], y, train, y)
    with pytest.raises(ValueError, match="test_tokens and y_test: 10 texts but 9 labels"):
        tfidf_logistic_regression(train, y, train, y[:9])


def test_mean_vectors_average_known_words_only():
    vectors = WordVectors(["a", "b"], np.array([[1.0, 0.0], [0.0, 3.0]], dtype=np.float32))
    means, coverage = mean_vectors([["a", "b", "zz"], ["zz"], ["b"]], vectors)
    np.testing.assert_allclose(means, [[0.5, 1.5], [0.0, 0.0], [0.0, 3.0]])
    assert coverage == 3 / 5


def test_mean_vector_regression_separates_a_toy_with_meaningful_vectors(rng):
    vectors = WordVectors(
        ["great", "superb", "moving", "dull", "awful", "boring"],
        np.repeat(np.array([[1.0], [-1.0]]), 3, axis=0) * np.ones((1, 3)),
    )
    train, y_train = _toy(rng, 40)
    test, y_test = _toy(rng, 20)
    result = mean_vector_logistic_regression(train, y_train, test, y_test, vectors)
    assert result.accuracy == 1.0


def test_baseline_scores_train_on_the_training_part_and_score_the_test_part(rng):
    tokens, y = _toy(rng, 120)
    split = split_three(y, seed=0)
    scores = baseline_scores(tokens, y, split)
    assert list(scores) == ["majority class", "TF-IDF 1-2-grams + logistic regression"]
    y_test = y[split.test]
    majority = scores["majority class"]
    assert majority.n == len(split.test) and majority.name == "majority class"
    expected = majority_class(y[split.train], y_test).accuracy
    assert majority.accuracy == pytest.approx(expected)
    assert scores["TF-IDF 1-2-grams + logistic regression"].accuracy == 1.0
    assert scores["majority class"].low < majority.accuracy < scores["majority class"].high
    # the test texts never reach training: flip every test label and the majority stays put
    flipped = y.copy()
    flipped[split.test] = 1 - flipped[split.test]
    again = baseline_scores(tokens, flipped, split)["majority class"]
    assert again.correct == majority.n - majority.correct
    vectors = WordVectors(["great", "dull"], np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    with_vectors = baseline_scores(tokens, y, split, vectors, C=1.0)
    assert list(with_vectors)[-1] == "mean 2-d vector + logistic regression"
    with pytest.raises(ValueError, match="120 texts but 119 labels"):
        baseline_scores(tokens, y[:-1], split)
