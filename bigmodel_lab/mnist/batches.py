"""Mini-batches sliced from tensors already in memory, with an optional per-batch transform.

MNIST fits in memory (60,000 × 784 float32 = 188 MB), so a DataLoader's worker processes,
per-item indexing and collation are pure overhead on a small CPU. :class:`TensorBatches` does
the minimum: once per epoch it draws a permutation (from its own seeded generator, so the
order is repeatable and independent of the global RNG), gathers the tensors in that order, and
yields contiguous slices of ``batch_size`` rows. It is re-iterable, has ``len()``, and yields
``(inputs, targets)`` pairs, which is all :func:`bigmodel_lab.training.fit` needs.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


class TensorBatches:
    """Iterate over ``(x[i:i+b], y[i:i+b])`` batches, reshuffled on every pass if ``shuffle``.

    ``transform(x_batch, generator)`` (e.g. random shifts) is applied to each input batch; it
    gets the iterator's generator so that augmentation is repeatable too.
    """

    def __init__(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        batch_size: int,
        *,
        shuffle: bool = False,
        seed: int = 0,
        drop_last: bool = False,
        transform: Callable | None = None,
    ):
        if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
            raise TypeError(
                f"x and y: expected torch tensors, got {type(x).__name__} and "
                f"{type(y).__name__}; convert with torch.as_tensor first."
            )
        if x.ndim == 0 or y.ndim == 0 or x.shape[0] != y.shape[0]:
            raise ValueError(
                f"x and y: expected the same number of rows, got shapes "
                f"{tuple(x.shape)} and {tuple(y.shape)}."
            )
        if x.shape[0] == 0:
            raise ValueError("x: holds no examples; an epoch over it would be empty.")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size: expected a positive integer, got {batch_size!r}.")
        if drop_last and batch_size > x.shape[0]:
            raise ValueError(
                f"batch_size: {batch_size} exceeds the {x.shape[0]} examples, so "
                "drop_last=True would leave no batch; lower it or keep drop_last."
            )
        self.x, self.y = x, y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.transform = transform
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        n, b = self.x.shape[0], self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self):
        x, y = self.x, self.y
        if self.shuffle:
            order = torch.randperm(x.shape[0], generator=self.generator)
            x, y = x[order], y[order]
        stop = len(self) * self.batch_size
        for start in range(0, min(stop, x.shape[0]), self.batch_size):
            xb = x[start : start + self.batch_size]
            if self.transform is not None:
                xb = self.transform(xb, self.generator)
            yield xb, y[start : start + self.batch_size]


def random_shift(max_shift: int = 2) -> Callable:
    """A transform moving each image by up to ``max_shift`` pixels in each direction.

    Each image of a batch (N, C, H, W) gets its own integer offset (dy, dx) drawn uniformly from
    [-max_shift, max_shift]; pixels moved in from outside are 0 (the background of MNIST after
    scaling to [0, 1]; pass normalised images with care: their background is not 0).
    """
    if isinstance(max_shift, bool) or not isinstance(max_shift, int) or max_shift < 0:
        raise ValueError(f"max_shift: expected a non-negative integer, got {max_shift!r}.")

    def shift(xb: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if xb.ndim != 4:
            raise ValueError(f"xb: expected a batch of shape (N, C, H, W), got {tuple(xb.shape)}.")
        if max_shift == 0:
            return xb
        n, _, h, w = xb.shape
        m = max_shift
        padded = torch.nn.functional.pad(xb, (m, m, m, m))
        offsets = torch.randint(0, 2 * m + 1, (2, n), generator=generator)
        rows = (offsets[0][:, None] + torch.arange(h))[:, None, :, None]  # (N, 1, H, 1)
        cols = (offsets[1][:, None] + torch.arange(w))[:, None, None, :]  # (N, 1, 1, W)
        batch = torch.arange(n)[:, None, None, None]
        chan = torch.arange(xb.shape[1])[None, :, None, None]
        return padded[batch, chan, rows, cols]

    return shift
