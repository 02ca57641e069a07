"""The labelled-text container that every text data set in the book returns.

Labels are integers indexing ``classes``; for the sentiment corpora 0 is negative and 1 is
positive. The container checks itself on construction, so a loader cannot hand out texts and
labels of different lengths or labels outside the class list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Class names of every binary sentiment corpus in the book (label 0, label 1).
SENTIMENT_CLASSES = ("negative", "positive")

#: The command that fetches and verifies every data set (``bigmodel_lab/data/__main__.py``).
FETCH_COMMAND = "python -m bigmodel_lab.data fetch"


@dataclass(frozen=True)
class TextDataset:
    """Texts with integer labels. ``info`` holds loader-specific facts (counts, sources)."""

    name: str
    texts: list[str]
    labels: np.ndarray
    classes: tuple[str, ...] = SENTIMENT_CLASSES
    info: dict = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.texts, list) or not all(isinstance(t, str) for t in self.texts):
            raise TypeError(f"{self.name}: texts must be a list of str.")
        labels = np.asarray(self.labels)
        if labels.dtype.kind not in "iu" or labels.ndim != 1:
            raise ValueError(
                f"{self.name}: labels must be a 1-D integer array, got dtype {labels.dtype} and "
                f"shape {labels.shape}."
            )
        if labels.shape[0] != len(self.texts):
            raise ValueError(
                f"{self.name}: {len(self.texts)} texts but {labels.shape[0]} labels; they must "
                "pair up one to one."
            )
        if labels.size and (labels.min() < 0 or labels.max() >= len(self.classes)):
            raise ValueError(
                f"{self.name}: labels must lie in [0, {len(self.classes) - 1}] for classes "
                f"{self.classes}, got values from {labels.min()} to {labels.max()}."
            )
        object.__setattr__(self, "labels", labels.astype(np.int64))

    def __len__(self) -> int:
        return len(self.texts)

    def counts(self) -> dict[str, int]:
        """Number of examples per class name."""
        per_class = np.bincount(self.labels, minlength=len(self.classes))
        return {c: int(n) for c, n in zip(self.classes, per_class, strict=True)}

    def subset(self, index) -> TextDataset:
        """The examples at the given integer positions, in that order."""
        index = np.asarray(index)
        if index.dtype.kind not in "iu":
            raise ValueError(f"index: expected integer positions, got dtype {index.dtype}.")
        return TextDataset(
            name=self.name,
            texts=[self.texts[i] for i in index],
            labels=self.labels[index],
            classes=self.classes,
            info=dict(self.info),
        )
