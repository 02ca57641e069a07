"""Padding (填充), truncation, and length-bucketed batches ready for packing (打包).

A batch of token-id sequences of different lengths becomes a rectangle by padding with
PAD_ID (0). The true lengths travel with it, so that the recurrent layer can skip the padding
(``torch.nn.utils.rnn.pack_padded_sequence``) instead of reading zeros. Sorting examples of
similar length into the same batch (what torchtext's ``BucketIterator`` did) keeps the
rectangles small. A long text can instead be cut into windows of a few dozen ids, each a
training example with its text's label (:func:`windows`, :func:`windowed_split`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from .stratified_splits import IndexSplit
from .vocab import PAD_ID

_SIDES = ("pre", "post")


def _check_side(name: str, value: str) -> None:
    if value not in _SIDES:
        raise ValueError(f"{name}: expected 'pre' or 'post', got {value!r}.")


def pad_sequences(
    seqs: Sequence[Sequence[int]],
    max_len: int | None = None,
    *,
    padding: str = "post",
    truncating: str = "post",
    value: int = PAD_ID,
) -> tuple[np.ndarray, np.ndarray]:
    """Rectangle ``(n, max_len)`` of ids and the kept length of each row.

    ``truncating="post"`` keeps the first ``max_len`` ids, ``"pre"`` the last ones;
    ``padding`` says on which side the fill goes. Keras's ``pad_sequences`` uses "pre" for
    both by default; packing needs the real tokens first, so our default is "post".
    """
    _check_side("padding", padding)
    _check_side("truncating", truncating)
    if isinstance(seqs, np.ndarray) and seqs.ndim == 2:
        seqs = seqs.tolist()
    lengths = [len(s) for s in seqs]
    if max_len is None:
        max_len = max(lengths, default=0)
    if not isinstance(max_len, (int, np.integer)) or max_len < 1:
        raise ValueError(
            f"max_len: expected a positive int (or None for the longest), got {max_len!r}."
        )
    out = np.full((len(seqs), max_len), value, dtype=np.int64)
    kept = np.zeros(len(seqs), dtype=np.int64)
    for row, seq in enumerate(seqs):
        seq = list(seq)
        if len(seq) > max_len:
            seq = seq[-max_len:] if truncating == "pre" else seq[:max_len]
        n = len(seq)
        kept[row] = n
        if n:
            if padding == "post":
                out[row, :n] = seq
            else:
                out[row, max_len - n :] = seq
    return out, kept


def length_quantile(seqs: Sequence[Sequence], q: float) -> int:
    """The shortest padding length that leaves at least a share ``q`` of sequences untruncated."""
    if not 0 < q <= 1:
        raise ValueError(f"q: expected a share in (0, 1], got {q}.")
    lengths = np.sort([len(s) for s in seqs])
    if lengths.size == 0:
        raise ValueError("seqs: is empty; there is no length distribution.")
    # the k-th shortest length covers k sequences; we need k >= q * n
    k = math.ceil(q * lengths.size - 1e-9)
    return int(lengths[max(k, 1) - 1])


class Batch(NamedTuple):
    """Padded ids ``(B, T)`` with ``T`` the longest kept length in the batch, and lengths ``(B,)``."""

    tokens: torch.Tensor
    lengths: torch.Tensor


class BatchLoader:
    """Re-iterable batches of ``(Batch, target)`` for :func:`bigmodel_lab.training.fit`.

    ``ids`` come from :func:`pad_sequences` ("post" padding). With ``shuffle`` each pass draws
    a new order from its own generator (seeded, so runs repeat): examples are shuffled, cut
    into pools of ``pool`` batches, sorted by length inside a pool, batched, and the batches
    shuffled. Without ``shuffle`` the order is the data order. Empty texts keep one PAD token
    (length 1), because a packed sequence cannot have length 0.
    """

    def __init__(
        self,
        ids: np.ndarray,
        lengths: np.ndarray,
        labels,
        *,
        batch_size: int = 64,
        shuffle: bool = False,
        seed: int = 0,
        pool: int = 50,
        label_dtype: torch.dtype = torch.long,
    ):
        ids = np.asarray(ids)
        lengths = np.asarray(lengths)
        labels = np.asarray(labels)
        if ids.ndim != 2 or ids.dtype.kind not in "iu":
            raise ValueError(
                f"ids: expected a 2-D integer array from pad_sequences, got {ids.dtype} {ids.shape}."
            )
        if lengths.shape != (ids.shape[0],) or labels.shape[:1] != (ids.shape[0],):
            raise ValueError(
                f"ids, lengths and labels must have one row each per example, got {ids.shape[0]}, "
                f"{lengths.shape} and {labels.shape}."
            )
        if lengths.size and (lengths.min() < 0 or lengths.max() > ids.shape[1]):
            raise ValueError(
                f"lengths: must lie in [0, {ids.shape[1]}], got {lengths.min()}..{lengths.max()}."
            )
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size: expected a positive int, got {batch_size!r}.")
        self.ids = torch.as_tensor(ids, dtype=torch.long)
        self.lengths = torch.as_tensor(np.maximum(lengths, 1), dtype=torch.long)
        self.labels = torch.as_tensor(labels, dtype=label_dtype)
        self.batch_size, self.shuffle, self.pool = batch_size, shuffle, pool
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return math.ceil(len(self.labels) / self.batch_size)

    def _order(self) -> list[torch.Tensor]:
        n, bs = len(self.labels), self.batch_size
        if not self.shuffle:
            return list(torch.arange(n).split(bs))
        perm = torch.randperm(n, generator=self.generator)
        batches = []
        for chunk in perm.split(bs * self.pool):
            by_length = chunk[torch.argsort(self.lengths[chunk], descending=True, stable=True)]
            batches.extend(by_length.split(bs))
        shuffled = torch.randperm(len(batches), generator=self.generator)
        return [batches[i] for i in shuffled]

    def __iter__(self):
        for index in self._order():
            lengths = self.lengths[index]
            width = int(lengths.max())
            yield Batch(self.ids[index, :width], lengths), self.labels[index]


def windows(
    ids: Sequence[int], size: int, *, last: int | None = None, min_len: int = 10
) -> list[list[int]]:
    """Cut ``ids`` into consecutive windows of ``size`` ids (the last one may be shorter).

    ``last`` keeps only the final ``last`` ids first (a review's verdict tends to come at its
    end). A trailing window shorter than ``min_len`` is dropped unless it is the only one.
    """
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"size: expected a positive int, got {size!r}.")
    if last is not None and (not isinstance(last, int) or last < 1):
        raise ValueError(f"last: expected a positive int or None, got {last!r}.")
    ids = list(ids)
    if last is not None:
        ids = ids[-last:]
    out = [ids[i : i + size] for i in range(0, len(ids), size)]
    if len(out) > 1 and len(out[-1]) < min_len:
        out.pop()
    return out or [[]]


def window_dataset(
    encoded: Sequence[Sequence[int]], labels, size: int, *, last: int | None = None
) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
    """Windows of every text, each with its text's label and the text's position ("owner")."""
    labels = np.asarray(labels)
    if len(encoded) != labels.shape[0]:
        raise ValueError(f"encoded and labels: {len(encoded)} texts but {labels.shape[0]} labels.")
    pieces, owner = [], []
    for k, ids in enumerate(encoded):
        cut = windows(ids, size, last=last)
        pieces.extend(cut)
        owner.extend([k] * len(cut))
    owner = np.asarray(owner, dtype=np.int64)
    return pieces, labels[owner], owner


class Loaders(NamedTuple):
    train: BatchLoader
    val: BatchLoader
    test: BatchLoader


def make_loaders(
    ids: np.ndarray,
    lengths: np.ndarray,
    labels,
    split,
    *,
    batch_size: int = 64,
    binary: bool = False,
    seed: int = 0,
    eval_batch_size: int = 512,
) -> Loaders:
    """Training (shuffled, bucketed), validation and test loaders for the positions in ``split``.

    ``split`` has ``train``, ``val`` and ``test`` position arrays (see
    :func:`bigmodel_lab.text.stratified_splits.split_three`). ``binary`` gives float targets for
    ``BCEWithLogitsLoss``; otherwise targets are class ids for ``NLLLoss``.
    """
    labels = np.asarray(labels)
    dtype = torch.float32 if binary else torch.long

    def loader(pos, shuffle, bs):
        return BatchLoader(
            ids[pos],
            lengths[pos],
            labels[pos],
            batch_size=bs,
            shuffle=shuffle,
            seed=seed,
            label_dtype=dtype,
        )

    return Loaders(
        loader(split.train, True, batch_size),
        loader(split.val, False, eval_batch_size),
        loader(split.test, False, eval_batch_size),
    )


class Windowed(NamedTuple):
    """Windows of every text as one padded array, and which windows belong to which part.

    ``split`` holds window positions (train, val, test); ``val_owner[i]`` (``test_owner[i]``)
    is the position, within the original validation (test) part, of the text that validation
    (test) window ``i`` came from.
    """

    ids: np.ndarray
    lengths: np.ndarray
    labels: np.ndarray
    split: IndexSplit
    val_owner: np.ndarray
    test_owner: np.ndarray


def windowed_split(
    encoded: Sequence[Sequence[int]], labels, split, size: int, *, train_last: int | None = None
) -> Windowed:
    """Cut training texts into windows of their last ``train_last`` ids, and validation and
    test texts into windows covering the whole text (evaluating only reads, so it is cheap).
    """
    labels = np.asarray(labels)
    parts, owners, offset, chunks = {}, {}, 0, []
    for name in ("train", "val", "test"):
        pos = np.asarray(getattr(split, name))
        last = train_last if name == "train" else None
        pieces, _, owner = window_dataset([encoded[i] for i in pos], labels[pos], size, last=last)
        chunks.append((pieces, labels[pos][owner]))
        parts[name] = np.arange(offset, offset + len(pieces))
        owners[name] = owner
        offset += len(pieces)
    ids, lengths = pad_sequences([p for pieces, _ in chunks for p in pieces], size)
    window_labels = np.concatenate([lab for _, lab in chunks])
    return Windowed(
        ids,
        lengths,
        window_labels,
        IndexSplit(parts["train"], parts["val"], parts["test"]),
        owners["val"],
        owners["test"],
    )
