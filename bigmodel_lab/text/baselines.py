"""Baselines every text model must beat, trained and scored on the same split.

- :func:`majority_class`: always answer the most frequent training label.
- :func:`tfidf_logistic_regression`: TF-IDF weighted word n-grams (1-2 by default) fed to an
  L2-regularised logistic regression (scikit-learn). On a few thousand texts this linear
  model is hard to beat.
- :func:`mean_vector_logistic_regression`: each text as the average of its words' pretrained
  vectors, then logistic regression; shows what the pretrained vectors carry on their own.

All three take already tokenised texts, so that they see exactly the tokens the neural models
see. :func:`baseline_scores` trains them on a split's training part and scores each on its test
part (accuracy with a 95% Wilson interval, :func:`bigmodel_lab.text.scoring.score`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from ..checks import check_labels
from .scoring import Score, score


@dataclass
class BaselineResult:
    name: str
    predictions: np.ndarray
    accuracy: float
    model: object = None


def _labels(name, y) -> np.ndarray:
    y = np.asarray(y)
    return check_labels(name, y, int(y.max()) + 1 if y.size else 1)


def _check_pair(tokens: Sequence, y: np.ndarray, which: str) -> None:
    if len(tokens) != len(y):
        raise ValueError(f"{which}_tokens and y_{which}: {len(tokens)} texts but {len(y)} labels.")
    if tokens and isinstance(tokens[0], str):
        raise TypeError(f"{which}_tokens: expected lists of tokens, got str; tokenise first.")


def majority_class(y_train, y_test) -> BaselineResult:
    """Predict the most frequent training label (the smallest label on a tie) for every text."""
    y_train, y_test = _labels("y_train", y_train), _labels("y_test", y_test)
    if y_train.size == 0:
        raise ValueError("y_train: is empty; there is no majority class.")
    label = int(np.argmax(np.bincount(y_train)))
    pred = np.full(y_test.shape, label, dtype=np.int64)
    return BaselineResult("majority class", pred, float(np.mean(pred == y_test)), label)


def _identity(tokens):
    return tokens


def tfidf_logistic_regression(
    train_tokens, y_train, test_tokens, y_test, *, ngram_range=(1, 2), C: float = 1.0
) -> BaselineResult:
    """TF-IDF n-grams + logistic regression; returns test predictions and accuracy."""
    y_train, y_test = _labels("y_train", y_train), _labels("y_test", y_test)
    _check_pair(train_tokens, y_train, "train")
    _check_pair(test_tokens, y_test, "test")
    pipe = Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    tokenizer=_identity,
                    preprocessor=_identity,
                    lowercase=False,
                    token_pattern=None,
                    ngram_range=tuple(ngram_range),
                    sublinear_tf=True,
                ),
            ),
            ("logreg", LogisticRegression(C=C, max_iter=2000)),
        ]
    )
    pipe.fit(list(train_tokens), y_train)
    pred = pipe.predict(list(test_tokens))
    lo, hi = ngram_range
    return BaselineResult(
        f"TF-IDF {lo}-{hi}-grams + logistic regression", pred, float(np.mean(pred == y_test)), pipe
    )


def mean_vectors(token_lists, vectors) -> tuple[np.ndarray, float]:
    """Average pretrained vector of each text's known words (zeros if none); and coverage."""
    out = np.zeros((len(token_lists), vectors.dim), dtype=np.float64)
    known = total = 0
    for row, tokens in enumerate(token_lists):
        rows = [vectors.index[t] for t in tokens if t in vectors.index]
        total += len(tokens)
        known += len(rows)
        if rows:
            out[row] = vectors.vectors[rows].mean(axis=0)
    return out, (known / total if total else 0.0)


def mean_vector_logistic_regression(
    train_tokens, y_train, test_tokens, y_test, vectors, *, C: float = 1.0
) -> BaselineResult:
    """Logistic regression on the mean pretrained vector of each text."""
    y_train, y_test = _labels("y_train", y_train), _labels("y_test", y_test)
    _check_pair(train_tokens, y_train, "train")
    _check_pair(test_tokens, y_test, "test")
    x_train, _ = mean_vectors(train_tokens, vectors)
    x_test, _ = mean_vectors(test_tokens, vectors)
    model = LogisticRegression(C=C, max_iter=2000).fit(x_train, y_train)
    pred = model.predict(x_test)
    return BaselineResult(
        f"mean {vectors.dim}-d vector + logistic regression",
        pred,
        float(np.mean(pred == y_test)),
        model,
    )


def baseline_scores(tokens, labels, split, vectors=None, *, C: float = 10.0) -> dict[str, Score]:
    """The baselines trained on ``split.train`` and scored on ``split.test``, by name.

    ``tokens[i]`` and ``labels[i]`` belong to text ``i``; ``split`` has ``train`` and ``test``
    position arrays (:func:`bigmodel_lab.text.stratified_splits.split_three`). Majority class and TF-IDF
    1-2-grams with logistic regression (``C``, fixed in advance) always; the mean-vector
    baseline too when ``vectors`` (pretrained word vectors) are given.
    """
    labels = np.asarray(labels)
    if len(tokens) != len(labels):
        raise ValueError(f"tokens and labels: {len(tokens)} texts but {len(labels)} labels.")
    train = [tokens[i] for i in split.train]
    test = [tokens[i] for i in split.test]
    y_train, y_test = labels[split.train], labels[split.test]
    runs = [
        majority_class(y_train, y_test),
        tfidf_logistic_regression(train, y_train, test, y_test, C=C),
    ]
    if vectors is not None:
        runs.append(mean_vector_logistic_regression(train, y_train, test, y_test, vectors))
    return {r.name: score(r.name, y_test, r.predictions) for r in runs}
