"""The chapter-5 listings re-created: what their text-classification code actually does.

*New business models in the age of large models* §5.2 (an IMDb classifier in PyTorch) and
*Entrepreneurs chase the commercialisation of large models* §5.2-5.4 (a Chinese review
classifier in Keras) cannot produce what they claim. This module holds the reproductions the
chapter-5 errata (:mod:`.ch05`) and the Keras run (:mod:`.keras_text`) are computed from:

- each failing construct of the 002 listing, rebuilt with current libraries so that it raises
  the exception it raises there (:func:`exception_text` reports it);
- stand-ins for torchtext 0.11, which cannot be installed beside our torch: its legacy
  data-set names, ``Field.numericalize`` and ``BucketIterator``'s batches, re-expressed from
  its source;
- :class:`ListingTextClassifier`, the 002 model as printed, minus its ``nn.TorchScript`` lines
  and applied to the packed batch's data, so that it runs;
- the 003 data set (:data:`CHAPTER_ROWS`) and the inputs, targets and split its code derives
  from it, and the Keras arithmetic its training log contradicts: ``ceil(n / 32)`` batches per
  pass and accuracies ``k / n`` on ``n`` examples.

Nothing here is copied from the chapters: each construct is re-expressed in a few lines that
trigger the same failure. Nothing in the chapter package imports this module.
"""

from __future__ import annotations

import importlib
import math
import random
import sys
import types
from collections import Counter
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from ..text.sequences import pad_sequences
from ..text.tokenize import keras_style_tokens

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
    """The listing's first import: the legacy torchtext API (Field, BucketIterator).

    §5.1 installs ``torch torchvision`` only, so torchtext is absent (as it is here); the legacy
    API existed in torchtext 0.9-0.11 only, which need a torch from 2021.
    """
    importlib.import_module("torchtext.legacy.data")


#: ``torchtext.legacy.datasets.__all__`` in torchtext 0.11, the last release with the legacy
#: API (read from its source): the IMDb class is spelled ``IMDB``.
LEGACY_DATASETS = (
    "LanguageModelingDataset", "SNLI", "MultiNLI", "XNLI", "SST", "TranslationDataset",
    "Multi30k", "IWSLT", "WMT14", "WikiText2", "WikiText103", "PennTreebank", "TREC", "IMDB",
    "SequenceTaggingDataset", "UDPOS", "CoNLL2000Chunking", "BABI20",
)  # fmt: skip


def import_imdb_class(name: str = "IMDb") -> None:
    """``from torchtext.legacy.datasets import <name>`` against a stand-in of torchtext 0.11.

    The stand-in package holds exactly :data:`LEGACY_DATASETS`; Python's own import machinery
    raises the error, as it would with the real package (whose message also names its file).
    """
    names = ("torchtext", "torchtext.legacy", "torchtext.legacy.datasets")
    saved = {n: sys.modules.get(n) for n in names}
    stand_ins = {n: types.ModuleType(n) for n in names}
    for n in LEGACY_DATASETS:
        setattr(stand_ins["torchtext.legacy.datasets"], n, type(n, (), {}))
    try:
        sys.modules.update(stand_ins)
        exec(f"from torchtext.legacy.datasets import {name}", {})  # noqa: S102
    finally:
        for n, module in saved.items():
            if module is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = module


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


#: How torchtext 0.11's legacy ``Field`` turns a string into a number when ``use_vocab=False``
#: (its ``Field.dtypes``): the Python type called on the string, by tensor dtype.
_LEGACY_DTYPES = {
    torch.float16: float, torch.float32: float, torch.float64: float,
    torch.uint8: int, torch.int8: int, torch.int16: int, torch.int32: int, torch.int64: int,
}  # fmt: skip


def legacy_numericalize(values, *, dtype=torch.long, sequential: bool = False) -> torch.Tensor:
    """Stand-in for torchtext 0.11 ``Field.numericalize`` with ``use_vocab=False``.

    As the real method does: refuse a dtype it cannot coerce to, call ``int``/``float`` on
    every string of a non-sequential field, then build the tensor. ``Field``'s default dtype
    is ``torch.long``, so IMDb's labels 'pos' and 'neg' meet ``int('pos')`` first.
    """
    if dtype not in _LEGACY_DTYPES:
        raise ValueError(
            f"Specified Field dtype {dtype} can not be used with use_vocab=False because we do "
            "not know how to numericalize it."
        )
    convert = _LEGACY_DTYPES[dtype]
    if not sequential:
        values = [convert(v) if isinstance(v, str) else v for v in values]
    return torch.tensor(values, dtype=dtype)


def string_labels_without_vocab() -> None:
    """``LABEL = Field(sequential=False, use_vocab=False)`` on IMDb's labels 'pos' and 'neg'."""
    legacy_numericalize(["pos", "neg", "pos"])


def legacy_bucket_batches(lengths, batch_size: int, *, train: bool, seed: int = 0):
    """Stand-in for the batches of torchtext 0.11's ``BucketIterator.splits(...)`` defaults.

    Returns the review lengths of each batch, in the order the iterator yields them. As in the
    real iterator, ``splits`` makes the first data set the training one (``train=True``), and
    then ``sort = not train``, ``shuffle = train`` and ``sort_within_batch = sort``. The
    training iterator therefore shuffles the examples, cuts them into pools of 100 batches
    and batches each pool *unsorted*; the test iterator sorts by length and reverses each batch
    (decreasing, as packing wants). Python's ``random`` stands in for torchtext's
    ``RandomShuffler``.
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size: expected a positive int, got {batch_size!r}.")
    lengths = [int(n) for n in lengths]
    order = list(range(len(lengths)))

    def chunks(items, size):
        return [items[i : i + size] for i in range(0, len(items), size)]

    rng = random.Random(seed)
    if not train:  # sort=True: one sorted pass, each batch then reversed
        batches = chunks(sorted(order, key=lambda i: lengths[i]), batch_size)
        batches = [b[::-1] for b in batches]
    else:  # shuffle=True, sort_within_batch=False
        rng.shuffle(order)
        batches = []
        for pool in chunks(order, 100 * batch_size):
            pool_batches = chunks(pool, batch_size)
            rng.shuffle(pool_batches)
            batches.extend(pool_batches)
    return [[lengths[i] for i in b] for b in batches]


def imdb_like_lengths(n: int = 640, seed: int = 0) -> list[int]:
    """Review lengths in tokens, spread like IMDb's (tens to about a thousand)."""
    rng = np.random.default_rng(seed)
    return [int(x) for x in np.clip(rng.lognormal(5.2, 0.7, size=n), 10, 2500)]


def is_decreasing(values) -> bool:
    return all(a >= b for a, b in zip(values, values[1:], strict=False))


def pack_unsorted_training_batch(batch_size: int = 64) -> None:
    """Pack a training batch from :func:`legacy_bucket_batches`, ``enforce_sorted`` default.

    The (time, batch) layout error is set aside: the batch is laid out (batch, time), as
    ``batch_first=True`` expects.
    """
    lengths = legacy_bucket_batches(imdb_like_lengths(), batch_size, train=True)[0]
    embedded = torch.zeros(len(lengths), max(lengths), 4)
    nn.utils.rnn.pack_padded_sequence(embedded, torch.tensor(lengths), batch_first=True)


class ListingTextClassifier(nn.Module):
    """The §5.2 model rebuilt without its ``nn.TorchScript`` lines, so that it can run.

    Embedding -> Linear -> ReLU -> Dropout -> Linear -> LogSoftmax, applied to each token of the
    packed batch (its data tensor: the one change that lets the Linear layers accept it), then
    unpacked, and the row at the last time step returned, as the listing does. ``n_layers`` is
    accepted and, as in the listing, never read. Batches are (batch, time), with lengths
    sorted in decreasing order (the two other errors set aside).
    """

    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.model = nn.Sequential(
            nn.Linear(embedding_dim, hidden_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_dim, output_dim),
            nn.LogSoftmax(dim=1),
        )

    def forward(self, text, text_lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embedding(text), text_lengths.cpu(), batch_first=True
        )
        scored = packed._replace(data=self.model(packed.data))
        hidden, _ = nn.utils.rnn.pad_packed_sequence(scored)  # (time, batch, classes)
        return hidden[-1, :, :]


#: The listing's sizes: 25,000 words + <unk> + <pad>, embedding 100, hidden 256, 2 classes.
LISTING_SIZES = dict(vocab_size=25_002, embedding_dim=100, hidden_dim=256, output_dim=2)


def listing_parameters(n_layers: int) -> int:
    """Parameters of :class:`ListingTextClassifier` at the listing's sizes, for ``n_layers``."""
    model = ListingTextClassifier(**LISTING_SIZES, n_layers=n_layers, dropout=0.5)
    return sum(p.numel() for p in model.parameters())


def listing_embedding_std(seed: int = 0) -> float:
    """Standard deviation of the embedding rows the listing's model starts from."""
    torch.manual_seed(seed)
    model = ListingTextClassifier(**LISTING_SIZES, n_layers=2, dropout=0.5)
    return float(model.embedding.weight.detach().std())


def last_step_rows(lengths=(7, 5, 3, 2), seed: int = 0) -> torch.Tensor:
    """What ``hidden[-1, :, :]`` returns for one batch of reviews with these lengths."""
    torch.manual_seed(seed)
    model = ListingTextClassifier(50, 8, 16, 2, n_layers=2, dropout=0.5).eval()
    lengths = torch.tensor(lengths)
    text = torch.randint(1, 50, (len(lengths), int(lengths.max())))
    with torch.no_grad():
        return model(text, lengths)


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
