"""In-memory mini-batches and random shifts."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.mnist.batches import TensorBatches, random_shift


def data(n: int):
    x = torch.arange(n, dtype=torch.float32).reshape(n, 1).repeat(1, 3)
    return x, torch.arange(n)


@given(st.integers(1, 50), st.integers(1, 20), st.booleans(), st.booleans())
def test_every_example_appears_once_per_epoch(n, batch_size, shuffle, drop_last):
    if drop_last and batch_size > n:
        return
    x, y = data(n)
    loader = TensorBatches(x, y, batch_size, shuffle=shuffle, drop_last=drop_last)
    for _ in range(2):
        batches = list(loader)
        assert len(batches) == len(loader)
        seen = torch.cat([yb for _, yb in batches])
        for xb, yb in batches:
            assert xb.shape[0] == yb.shape[0] <= batch_size
            assert torch.equal(xb[:, 0].long(), yb)  # inputs stay paired with their targets
        if drop_last:
            assert all(yb.shape[0] == batch_size for _, yb in batches)
            assert seen.numel() == (n // batch_size) * batch_size
            assert len(set(seen.tolist())) == seen.numel()
        else:
            assert sorted(seen.tolist()) == list(range(n))
            assert seen.tolist() == list(range(n)) or shuffle


def test_shuffling_is_seeded_and_changes_between_epochs():
    x, y = data(100)
    a = TensorBatches(x, y, 10, shuffle=True, seed=3)
    b = TensorBatches(x, y, 10, shuffle=True, seed=3)
    first_a = torch.cat([yb for _, yb in a])
    assert torch.equal(first_a, torch.cat([yb for _, yb in b]))
    assert not torch.equal(first_a, torch.cat([yb for _, yb in a]))
    assert not torch.equal(first_a, torch.arange(100))


def test_shuffling_does_not_touch_the_global_generator():
    x, y = data(20)
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    list(TensorBatches(x, y, 4, shuffle=True))
    assert torch.equal(torch.rand(3), expected)


def test_transform_sees_each_input_batch():
    x, y = data(10)
    loader = TensorBatches(x, y, 4, transform=lambda xb, g: xb * 2)
    assert torch.equal(torch.cat([xb for xb, _ in loader]), x * 2)


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        (([1, 2], torch.zeros(2), 1), {}, TypeError, "torch tensors"),
        ((torch.zeros(3, 2), torch.zeros(2), 1), {}, ValueError, "same number of rows"),
        ((torch.zeros(0, 2), torch.zeros(0), 1), {}, ValueError, "no examples"),
        ((torch.zeros(3, 2), torch.zeros(3), 0), {}, ValueError, "batch_size"),
        ((torch.zeros(3, 2), torch.zeros(3), 2.0), {}, ValueError, "batch_size"),
        ((torch.zeros(3, 2), torch.zeros(3), 5), {"drop_last": True}, ValueError, "no batch"),
    ],
)
def test_bad_arguments_are_refused(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        TensorBatches(*args, **kwargs)


def reference_shift(img: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """Move img (C, H, W) by (dy, dx): out[r, c] = img[r - dy, c - dx], zero outside."""
    out = torch.zeros_like(img)
    h, w = img.shape[-2:]
    for r in range(h):
        for c in range(w):
            if 0 <= r - dy < h and 0 <= c - dx < w:
                out[:, r, c] = img[:, r - dy, c - dx]
    return out


@given(st.integers(0, 3), st.integers(0, 1000))
def test_random_shift_moves_each_image_by_its_own_offset(m, seed):
    x = torch.rand(5, 2, 6, 7, generator=torch.Generator().manual_seed(seed))
    out = random_shift(m)(x, torch.Generator().manual_seed(seed))
    offsets = torch.randint(0, 2 * m + 1, (2, 5), generator=torch.Generator().manual_seed(seed))
    assert out.shape == x.shape
    for i in range(5):
        # padded[m + r - dy...]: an offset o selects rows o..o+H of the padded image, i.e. a
        # shift of the content by m - o
        dy, dx = m - int(offsets[0, i]), m - int(offsets[1, i])
        assert torch.equal(out[i], reference_shift(x[i], dy, dx))


def test_zero_shift_is_the_identity_and_bad_shifts_are_refused():
    x = torch.rand(2, 1, 4, 4)
    assert torch.equal(random_shift(0)(x), x)
    with pytest.raises(ValueError, match="max_shift"):
        random_shift(-1)
    with pytest.raises(ValueError, match="xb"):
        random_shift(1)(torch.rand(4, 4))
