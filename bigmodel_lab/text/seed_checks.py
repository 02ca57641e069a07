"""What the source chapters' text-classification listings actually do, computed.

*New business models in the age of large models* §5.2 (an IMDb classifier in PyTorch) and
*Entrepreneurs chase the commercialisation of large models* §5.2-5.4 (a Chinese review
classifier in Keras) cannot produce what they claim. The functions here rebuild each failing
construct with current libraries and return the exception it raises, and recompute the
quantities the Chinese chapter's training log contradicts. Nothing here is copied from the
chapters: each construct is re-expressed in a few lines that trigger the same failure.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from .sequences import pad_sequences
from .tokenize import keras_style_tokens

#: The five (product, label) rows that make up the Chinese chapter's whole data set (§5.2.1).
CHAPTER_ROWS = (
    ("商品A", "好评"),
    ("商品B", "中评"),
    ("商品C", "差评"),
    ("商品D", "好评"),
    ("商品E", "中评"),
)
#: Keras's default batch size, used by both ``fit`` and ``evaluate`` in the chapter.
KERAS_BATCH = 32


def exception_text(action: Callable[[], object]) -> str:
    """``"TypeName: message"`` of the exception ``action()`` raises, or ``"no error"``."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - reporting any failure is the point
        return f"{type(exc).__name__}: {exc}"
    return "no error"


# --- New business models in the age of large models, §5.2 -------------------------------


def import_legacy_torchtext() -> None:
    """The listing's first import: the legacy torchtext API (Field, BucketIterator)."""
    import importlib

    importlib.import_module("torchtext.legacy.data")


def torchscript_attribute() -> None:
    """The model's ``nn.TorchScript`` layer: no such class exists in torch.nn."""
    getattr(nn, "TorchScript")  # noqa: B009 - spelled as the chapter uses it


def linear_on_packed_sequence() -> None:
    """The model feeds a PackedSequence straight into Linear layers."""
    embedded = torch.zeros(3, 4, 8)
    packed = nn.utils.rnn.pack_padded_sequence(embedded, torch.tensor([4, 3, 2]), batch_first=True)
    nn.Sequential(nn.Linear(8, 16), nn.ReLU())(packed)


def pack_time_major_as_batch_first(seq_len: int = 7, batch: int = 4) -> None:
    """Legacy ``Field`` batches are (time, batch); the model packs them as (batch, time)."""
    embedded = torch.zeros(seq_len, batch, 8)  # what the iterator yields
    lengths = torch.tensor([seq_len, 5, 3, 2][:batch])  # one length per review
    nn.utils.rnn.pack_padded_sequence(embedded, lengths, batch_first=True)


def string_labels_without_vocab() -> None:
    """``LABEL = Field(sequential=False, use_vocab=False)`` tensorises IMDb's 'pos'/'neg' as is."""
    torch.tensor(["pos", "neg", "pos"])


# --- Entrepreneurs chase the commercialisation of large models, §5.1-5.4 -----------------


def pandas_imported_as_pd() -> None:
    """§5.1.3 imports pandas as ``pd`` and then prints ``pandas.__version__``."""
    namespace: dict = {}
    exec("import pandas as pd\npandas.__version__", namespace)  # noqa: S102


def keras_word_index(texts) -> dict[str, int]:
    """Word ids as Keras's ``Tokenizer`` assigns them: by count, ties in order of first sight."""
    counts = Counter()
    for text in texts:
        counts.update(keras_style_tokens(text))
    ranked = sorted(counts, key=lambda w: -counts[w])  # sorted() is stable: ties keep order
    return {w: i for i, w in enumerate(ranked, start=1)}


def chapter_inputs(maxlen: int = 5) -> np.ndarray:
    """The padded input matrix the chapter trains on: built from the *label* column."""
    labels = [label for _, label in CHAPTER_ROWS]
    index = keras_word_index(labels)
    seqs = [[index[w] for w in keras_style_tokens(t)] for t in labels]
    padded, _ = pad_sequences(seqs, maxlen, padding="pre", truncating="pre")  # Keras defaults
    return padded


def chapter_targets() -> np.ndarray:
    """``row[1] == '好评'``: the three classes reduced to "好评 or not"."""
    return np.array([label == "好评" for _, label in CHAPTER_ROWS], dtype=np.int64)


def chapter_split_sizes(test_size: float = 0.2, seed: int = 42) -> tuple[int, int]:
    """(train, test) sizes of ``train_test_split`` on the chapter's five rows."""
    from sklearn.model_selection import train_test_split

    x_train, x_test = train_test_split(
        list(range(len(CHAPTER_ROWS))), test_size=test_size, random_state=seed
    )
    return len(x_train), len(x_test)


def keras_steps(n_examples: int, batch_size: int = KERAS_BATCH) -> int:
    """Batches Keras runs per pass over ``n_examples`` (the "k/k" in its progress bar)."""
    if n_examples < 1 or batch_size < 1:
        raise ValueError(
            f"n_examples and batch_size: expected positive ints, got {n_examples} and {batch_size}."
        )
    return math.ceil(n_examples / batch_size)


def examples_for_steps(steps: int, batch_size: int = KERAS_BATCH) -> tuple[int, int]:
    """The range of data-set sizes for which Keras shows ``steps`` batches."""
    if steps < 1:
        raise ValueError(f"steps: expected a positive int, got {steps}.")
    return (steps - 1) * batch_size + 1, steps * batch_size


def attainable_accuracies(n_examples: int) -> list[float]:
    """Every accuracy a classifier can score on ``n_examples`` examples: k / n."""
    if n_examples < 1:
        raise ValueError(f"n_examples: expected a positive int, got {n_examples}.")
    return [k / n_examples for k in range(n_examples + 1)]


def is_attainable(accuracy: float, n_examples: int, *, shown_decimals: int = 4) -> bool:
    """Can ``accuracy`` (as printed, rounded to ``shown_decimals``) come from n examples?"""
    half = 0.5 * 10.0 ** (-shown_decimals)
    return any(abs(a - accuracy) <= half for a in attainable_accuracies(n_examples))
