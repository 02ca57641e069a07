"""Stratified splits of a labelled corpus into training, validation and test positions.

:func:`stratified_split` cuts the positions ``0 .. n-1`` into a training and a test part with
the class proportions kept in both (a fixed seed makes it repeatable). :func:`split_three`
then holds out a share of the training part for validation, where the networks choose their
epoch; the test part is the same as the two-way split's, so that baselines and networks are
scored on the same texts and the test part is never used for a choice.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.model_selection import train_test_split

from ..checks import check_labels


def stratified_split(
    labels, *, test_size: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Train and test positions with the class proportions kept in both (fixed ``seed``)."""
    labels = np.asarray(labels)
    labels = check_labels("labels", labels, int(labels.max()) + 1 if labels.size else 1)
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size: expected a share in (0, 1), got {test_size}.")
    counts = np.bincount(labels)
    if counts[counts > 0].min() < 2:
        raise ValueError(
            f"labels: every class needs at least 2 examples for a stratified split, got counts "
            f"{counts.tolist()}."
        )
    positions = np.arange(labels.size)
    train, test = train_test_split(
        positions, test_size=test_size, random_state=seed, stratify=labels
    )
    return np.sort(train), np.sort(test)


class IndexSplit(NamedTuple):
    """Sorted positions of the training, validation and test examples."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def split_three(
    labels, *, test_size: float = 0.2, val_size: float = 0.1, seed: int = 0
) -> IndexSplit:
    """An 80/20 stratified train/test split, then ``val_size`` of the training part held out.

    The test part is exactly :func:`stratified_split`'s, so baselines trained on
    ``train`` (or on ``train`` and ``val``) are scored on the same texts as the networks.
    """
    labels = np.asarray(labels)
    train, test = stratified_split(labels, test_size=test_size, seed=seed)
    inner_train, inner_val = stratified_split(labels[train], test_size=val_size, seed=seed)
    return IndexSplit(train[inner_train], train[inner_val], test)
