"""The MNIST loader: real data, verified files, clear errors, and a downloader tested offline."""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import struct

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.data import DataFileError, mnist

# Published facts about MNIST (LeCun, Cortes and Burges): examples per digit 0..9.
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture
def copy_dir(tmp_path):
    """A private copy of the committed files, safe to damage."""
    root = tmp_path / "mnist"
    shutil.copytree(mnist.repo_dir(), root)
    return root


def _rewrite(root, name, raw: bytes):
    """Replace a file by a valid gzip of ``raw`` and update SHA256SUMS to match it."""
    (root / name).write_bytes(gzip.compress(raw, mtime=0))
    lines = []
    for line in (root / mnist.SUMS_FILE).read_text().splitlines():
        digest, fname = line.split()
        if fname == name:
            digest = hashlib.sha256((root / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {fname}")
    (root / mnist.SUMS_FILE).write_text("\n".join(lines) + "\n")


def _raw(name) -> bytes:
    return gzip.decompress((mnist.repo_dir() / name).read_bytes())


# -- the real data --------------------------------------------------------------------------


def test_the_committed_files_are_the_real_mnist():
    x, y = mnist.load("train")
    xt, yt = mnist.load("test")
    assert x.shape == (60_000, 28, 28) and x.dtype == np.uint8
    assert xt.shape == (10_000, 28, 28) and yt.shape == (10_000,)
    assert y.dtype == np.int64
    assert mnist.class_counts(y).tolist() == TRAIN_COUNTS
    assert mnist.class_counts(yt).tolist() == TEST_COUNTS
    assert x.min() == 0 and x.max() == 255


def test_loaded_arrays_are_read_only_so_the_cache_cannot_be_corrupted():
    x, y = mnist.load("test")
    with pytest.raises(ValueError):
        x[0, 0, 0] = 1
    with pytest.raises(ValueError):
        y[0] = 1


def test_pixel_stats_match_a_direct_computation():
    mean, std = mnist.pixel_stats("test")
    x = mnist.load("test")[0].astype(np.float64) / 255.0
    assert mean == pytest.approx(x.mean(), rel=1e-12)
    assert std == pytest.approx(np.sqrt(((x - x.mean()) ** 2).mean()), rel=1e-9)


def test_tensors_are_scaled_and_normalised():
    x, y = mnist.load_tensors("test")
    raw, labels = mnist.load("test")
    assert x.shape == (10_000, 1, 28, 28) and x.dtype == torch.float32
    assert y.dtype == torch.int64 and torch.equal(y, torch.from_numpy(labels.copy()))
    assert torch.allclose(x[:, 0], torch.from_numpy(raw.astype(np.float32)) / 255.0)
    z, _ = mnist.load_tensors("test", normalize=(0.5, 0.25))
    assert torch.allclose(z, (x - 0.5) / 0.25, atol=1e-6)
    ds = mnist.dataset("test")
    assert len(ds) == 10_000 and ds[3][1].item() == labels[3]


@pytest.mark.parametrize("bad", [(0.1, 0.0), (0.1, -1.0), (float("nan"), 1.0)])
def test_bad_normalisation_is_refused(bad):
    with pytest.raises(ValueError, match="normalize"):
        mnist.load_tensors("test", normalize=bad)


def test_unknown_split_names_the_choices():
    with pytest.raises(ValueError, match="'train' or 'test'"):
        mnist.load("validation")


# -- damaged files --------------------------------------------------------------------------


def test_a_copy_loads_like_the_repository(copy_dir):
    x, y = mnist.load("test", root=copy_dir)
    xr, yr = mnist.load("test")
    assert np.array_equal(x, xr) and np.array_equal(y, yr)


def test_missing_file_names_it_and_how_to_restore(copy_dir):
    (copy_dir / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataFileError, match="t10k-labels-idx1-ubyte.gz.*missing.*download"):
        mnist.load("test", root=copy_dir)


def test_truncated_file_fails_its_checksum(copy_dir):
    path = copy_dir / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100_000])
    with pytest.raises(DataFileError, match="t10k-images-idx3-ubyte.gz.*checksum mismatch"):
        mnist.load("test", root=copy_dir)


def test_truncated_file_without_sums_is_still_caught(copy_dir):
    (copy_dir / mnist.SUMS_FILE).unlink()
    path = copy_dir / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100_000])
    with pytest.raises(DataFileError, match="cannot be decompressed"):
        mnist.load("test", root=copy_dir)


def test_labels_in_place_of_images_fail_the_magic_number(copy_dir):
    _rewrite(copy_dir, "t10k-images-idx3-ubyte.gz", _raw("t10k-labels-idx1-ubyte.gz"))
    with pytest.raises(DataFileError, match="bad IDX magic number 0x00000801"):
        mnist.load("test", root=copy_dir)


def test_a_valid_idx_file_with_other_content_fails_the_content_checksum(copy_dir):
    raw = bytearray(_raw("t10k-labels-idx1-ubyte.gz"))
    raw[8], raw[9] = raw[9], raw[8]  # swap two labels: same layout, different data
    assert raw[8] != raw[9]
    _rewrite(copy_dir, "t10k-labels-idx1-ubyte.gz", bytes(raw))
    with pytest.raises(DataFileError, match="do not match the original MNIST file"):
        mnist.load("test", root=copy_dir)


def test_trailing_bytes_are_refused(copy_dir):
    _rewrite(copy_dir, "t10k-labels-idx1-ubyte.gz", _raw("t10k-labels-idx1-ubyte.gz") + b"\0")
    with pytest.raises(DataFileError, match="truncated or has trailing data"):
        mnist.load("test", root=copy_dir)


def test_a_malformed_sums_file_is_reported(copy_dir):
    (copy_dir / mnist.SUMS_FILE).write_text("not a checksum line\n")
    with pytest.raises(DataFileError, match="SHA256SUMS: line 1"):
        mnist.load("test", root=copy_dir)


def test_the_repository_hint_says_git_checkout():
    hint = mnist.restore_hint(mnist.repo_dir())
    assert "git checkout -- data/mnist" in hint and "download()" in hint


def test_a_file_changed_on_disk_is_not_served_from_the_cache(copy_dir):
    mnist.load("test", root=copy_dir)
    (copy_dir / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataFileError, match="missing"):
        mnist.load("test", root=copy_dir)


# -- the IDX parser -------------------------------------------------------------------------


def _idx(array: np.ndarray) -> bytes:
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


@given(st.lists(st.integers(1, 5), min_size=1, max_size=3), st.integers(0, 2**32 - 1))
def test_idx_round_trip(shape, seed):
    array = np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)
    spec = mnist.IdxFile("x.gz", tuple(shape), "0" * 64)
    out = mnist.parse_idx(_idx(array), spec)
    assert np.array_equal(out, array) and not out.flags.writeable


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda b: b[:5], "too few"),
        (lambda b: b"\x00\x00\x0d" + b[3:], "magic"),
        (lambda b: b"\x01" + b[1:], "magic"),
        (lambda b: b[:4] + struct.pack(">2I", 3, 5) + b[12:], "declares shape"),
        (lambda b: b[:-1], "truncated"),
    ],
)
def test_idx_parser_refuses_malformed_bytes(mutate, message):
    spec = mnist.IdxFile("x.gz", (2, 5), "0" * 64)
    good = _idx(np.arange(10).reshape(2, 5))
    assert mnist.parse_idx(good, spec).shape == (2, 5)
    with pytest.raises(DataFileError, match=message):
        mnist.parse_idx(mutate(good), spec)


# -- the downloader, offline ----------------------------------------------------------------


def test_download_from_a_file_url_mirror(tmp_path):
    mirror = mnist.repo_dir().as_uri() + "/"
    root = mnist.download(tmp_path / "dl", mirrors=[mirror])
    for name in mnist.FILES:
        assert (root / name).read_bytes() == (mnist.repo_dir() / name).read_bytes()
    assert mnist.read_sums(root) == mnist.read_sums(mnist.repo_dir())
    x, y = mnist.load("test", root=root)
    assert np.array_equal(y, mnist.load("test")[1])


class CountingOpener:
    """Serves bytes per URL from a dict and counts requests; a missing URL raises OSError."""

    def __init__(self, payloads):
        self.payloads = payloads
        self.calls = []

    def __call__(self, url, timeout=None):
        self.calls.append(url)
        if url not in self.payloads:
            raise OSError(f"404 for {url}")
        return io.BytesIO(self.payloads[url])


def _payloads(base, transform=lambda name, data: data):
    return {
        base + name: transform(name, (mnist.repo_dir() / name).read_bytes()) for name in mnist.FILES
    }


def test_download_skips_valid_files_and_refetches_damaged_ones(tmp_path):
    opener = CountingOpener(_payloads("https://m1/"))
    root = mnist.download(tmp_path, mirrors=["https://m1/"], opener=opener)
    assert len(opener.calls) == 4
    mnist.download(root, mirrors=["https://m1/"], opener=opener)
    assert len(opener.calls) == 4  # nothing fetched again
    path = root / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    mnist.download(root, mirrors=["https://m1/"], opener=opener)
    assert opener.calls[4:] == ["https://m1/train-labels-idx1-ubyte.gz"]
    mnist.download(root, mirrors=["https://m1/"], opener=opener, force=True)
    assert len(opener.calls) == 9
    assert np.array_equal(mnist.load("train", root=root)[1], mnist.load("train")[1])


def test_download_checks_content_and_falls_back_to_the_next_mirror(tmp_path):
    def corrupt(name, data):
        raw = bytearray(gzip.decompress(data))
        raw[-1] ^= 0xFF
        return gzip.compress(bytes(raw), compresslevel=1)

    payloads = _payloads("https://bad/", corrupt) | _payloads("https://good/")
    opener = CountingOpener(payloads)
    root = mnist.download(tmp_path, mirrors=["https://bad/", "https://good/"], opener=opener)
    assert sum(u.startswith("https://bad/") for u in opener.calls) == 4
    assert np.array_equal(mnist.load("test", root=root)[0], mnist.load("test")[0])


def test_download_reports_every_failed_mirror_and_writes_nothing(tmp_path):
    opener = CountingOpener({})
    with pytest.raises(
        DataFileError, match=r"no mirror delivered(.|\n)*https://a/(.|\n)*https://b/"
    ):
        mnist.download(tmp_path, mirrors=["https://a/", "https://b/"], opener=opener)
    assert not any(tmp_path.glob("*.gz"))


def test_download_refuses_a_bare_string_of_mirrors(tmp_path):
    with pytest.raises(ValueError, match="mirrors"):
        mnist.download(tmp_path, mirrors="https://one/")
