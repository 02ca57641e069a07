"""Plots that more than one chapter draws, with one consistent look."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def learning_curves(history, *, title: str = "", ax=None):
    """Loss and accuracy per epoch, training and (if present) validation, side by side."""
    frame = history.as_frame() if hasattr(history, "as_frame") else history
    if ax is None:
        fig, ax = plt.subplots(1, 2, figsize=(9, 3.2))
    else:
        fig = ax[0].figure
    for col, style in (("train_loss", "-o"), ("val_loss", "--s")):
        if col in frame:
            ax[0].plot(frame.index, frame[col], style, label=col.replace("_", " "))
    for col, style in (("train_acc", "-o"), ("val_acc", "--s")):
        if col in frame:
            ax[1].plot(frame.index, frame[col], style, label=col.replace("_", " "))
    ax[0].set(xlabel="epoch", ylabel="loss")
    ax[1].set(xlabel="epoch", ylabel="accuracy")
    for a in ax:
        a.legend()
        a.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Counts C[i, j] of examples of true class i predicted as class j."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}.")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def plot_confusion_matrix(cm: np.ndarray, labels=None, *, title: str = "", ax=None):
    """A confusion matrix as an annotated heat map (rows: true class, columns: predicted)."""
    n = cm.shape[0]
    labels = list(range(n)) if labels is None else list(labels)
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.55 * n + 2.5, 0.55 * n + 2))
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                str(cm[i, j]),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if cm[i, j] > threshold else "black",
            )
    ax.figure.tight_layout()
    return ax.figure
