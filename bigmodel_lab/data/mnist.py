"""MNIST (手写数字数据集): 60,000 training and 10,000 test images of handwritten digits, offline.

The four files are committed under ``data/mnist/`` in the IDX format of LeCun, Cortes and
Burges, compressed with ``gzip -n -9``. Loading never touches the network:

1. the compressed file must exist and match its SHA-256 in the folder's ``SHA256SUMS``
   (:func:`bigmodel_lab.data.verify`);
2. its decompressed bytes must form a valid IDX file of the expected kind and size (magic
   number, rank, every dimension, total length);
3. the decompressed bytes must match the SHA-256 of the original MNIST file. That sum is the
   same whichever mirror or compressor the file came from, so a download from any mirror is
   checked against the same identity as the committed copy.

Any failure raises :class:`~bigmodel_lab.data.DataFileError` naming the file and how to
restore it; nothing is loaded partially. :func:`download` fetches the files for readers who
lack the repository copy (skipping files already present and valid, checking each download).

IDX layout (all integers big-endian): two zero bytes, a type code (0x08 = unsigned byte), the
rank d; then d unsigned 32-bit sizes; then the values in row-major order.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import urllib.request
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import REPO_DATA, DataFileError, cache_dir, sha256, verify

N_CLASSES = 10
IMAGE_SIZE = 28

#: Mirrors serving the original gzip files under their standard names.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

_UBYTE = 0x08


@dataclass(frozen=True)
class IdxFile:
    """One MNIST file: its name, the array shape it holds, and the SHA-256 of its IDX bytes."""

    name: str
    shape: tuple[int, ...]
    raw_sha256: str

    @property
    def raw_size(self) -> int:
        return 4 + 4 * len(self.shape) + int(np.prod(self.shape))


#: The SHA-256 sums of the decompressed originals (as published with the data set's mirrors).
FILES = {
    f.name: f
    for f in (
        IdxFile(
            "train-images-idx3-ubyte.gz",
            (60_000, 28, 28),
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        ),
        IdxFile(
            "train-labels-idx1-ubyte.gz",
            (60_000,),
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ),
        IdxFile(
            "t10k-images-idx3-ubyte.gz",
            (10_000, 28, 28),
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ),
        IdxFile(
            "t10k-labels-idx1-ubyte.gz",
            (10_000,),
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ),
    )
}

#: split -> (images file, labels file)
SPLITS = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

SUMS_FILE = "SHA256SUMS"


def repo_dir() -> Path:
    """The committed copy: ``data/mnist`` in the repository."""
    return REPO_DATA / "mnist"


def default_dir() -> Path:
    """The repository copy when it exists, else ``cache_dir()/mnist`` (where download() writes)."""
    repo = repo_dir()
    return repo if (repo / SUMS_FILE).is_file() else cache_dir() / "mnist"


def restore_hint(root: Path) -> str:
    """How to bring back the files of ``root``; ends every DataFileError message."""
    root = Path(root).resolve()
    if root == repo_dir().resolve():
        return (
            "run `git checkout -- data/mnist` in the repository, or call "
            "bigmodel_lab.data.mnist.download() to fetch a checked copy into "
            f"{cache_dir() / 'mnist'} (then set BIGMODEL_LAB_DATA or pass root=)."
        )
    return f"call bigmodel_lab.data.mnist.download(root={str(root)!r}, force=True)."


def _check_split(split: str) -> tuple[str, str]:
    try:
        return SPLITS[split]
    except (KeyError, TypeError):
        raise ValueError(f"split: expected 'train' or 'test', got {split!r}.") from None


def read_sums(root: Path) -> dict[str, str]:
    """Parse ``root/SHA256SUMS`` (``<sha256>  <name>`` per line); {} if the folder has none."""
    path = Path(root) / SUMS_FILE
    if not path.is_file():
        return {}
    sums = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 64:
            raise DataFileError(
                f"{path}: line {number} is not '<sha256>  <file name>' ({line!r}). To restore "
                f"it: {restore_hint(root)}"
            )
        sums[parts[1].lstrip("*")] = parts[0]
    return sums


def parse_idx(
    data: bytes, spec: IdxFile, *, path: Path | str = "<bytes>", restore: str = ""
) -> np.ndarray:
    """Decode IDX bytes into a read-only uint8 array, refusing anything but ``spec``'s layout."""
    where = f"{path}: " if path else ""
    tail = f" To restore it: {restore}" if restore else ""
    rank = len(spec.shape)
    if len(data) < 4 + 4 * rank:
        raise DataFileError(
            f"{where}holds only {len(data)} bytes after decompression, too few "
            f"for an IDX header of rank {rank}.{tail}"
        )
    zero, code, got_rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or code != _UBYTE or got_rank != rank:
        raise DataFileError(
            f"{where}bad IDX magic number 0x{data[:4].hex()} (expected 0x0000{_UBYTE:02x}{rank:02x}"
            f": unsigned bytes of rank {rank}); this is not the file {spec.name}.{tail}"
        )
    dims = struct.unpack(f">{rank}I", data[4 : 4 + 4 * rank])
    if dims != spec.shape:
        raise DataFileError(
            f"{where}the IDX header declares shape {dims}, expected {spec.shape}.{tail}"
        )
    if len(data) != spec.raw_size:
        raise DataFileError(
            f"{where}expected {spec.raw_size} bytes after decompression for shape {spec.shape}, "
            f"got {len(data)} (the file is truncated or has trailing data).{tail}"
        )
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(spec.shape)
    return array  # frombuffer over bytes is already read-only


def _decompress(path: Path, restore: str) -> bytes:
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise DataFileError(
            f"{path}: cannot be decompressed ({exc}); the file is corrupt or "
            f"truncated. To restore it: {restore}"
        ) from None


def read_file(name: str, root: Path | str | None = None) -> np.ndarray:
    """Verify and decode one MNIST file of ``root`` (default :func:`default_dir`)."""
    if name not in FILES:
        raise ValueError(f"name: expected one of {sorted(FILES)}, got {name!r}.")
    root = Path(root) if root is not None else default_dir()
    spec = FILES[name]
    restore = restore_hint(root)
    path = root / name
    expected_gz = read_sums(root).get(name)
    if expected_gz is not None:
        verify(path, expected_gz, restore=restore)
    elif not path.is_file():
        raise DataFileError(f"{path}: the file is missing. To restore it: {restore}")
    data = _decompress(path, restore)
    array = parse_idx(data, spec, path=path, restore=restore)
    actual = hashlib.sha256(data).hexdigest()
    if actual != spec.raw_sha256:
        raise DataFileError(
            f"{path}: the decompressed bytes do not match the original MNIST file (expected "
            f"sha256 {spec.raw_sha256}, got {actual}). To restore it: {restore}"
        )
    return array


def _stamp(root: Path, names) -> tuple:
    """Size and modification time of each file, so a changed file is never served from cache."""
    out = []
    for name in names:
        try:
            st = (root / name).stat()
            out.append((name, st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append((name, None, None))
    sums = root / SUMS_FILE
    out.append((SUMS_FILE, sums.stat().st_mtime_ns if sums.is_file() else None))
    return tuple(out)


@lru_cache(maxsize=4)
def _load_cached(split: str, root: str, stamp: tuple):
    images_name, labels_name = SPLITS[split]
    images = read_file(images_name, root)
    labels = read_file(labels_name, root)
    if labels.max() >= N_CLASSES:
        raise DataFileError(
            f"{Path(root) / labels_name}: holds a label {int(labels.max())}, "
            f"outside 0..9. To restore it: {restore_hint(Path(root))}"
        )
    labels = labels.astype(np.int64)
    labels.flags.writeable = False
    return images, labels


def load(split: str = "train", root: Path | str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 28, 28) uint8 and labels (N,) int64 of ``split`` ('train' or 'test').

    Both arrays are read-only (they are cached and shared); copy them before editing in place.
    """
    _check_split(split)
    root = Path(root) if root is not None else default_dir()
    return _load_cached(split, str(root), _stamp(root, SPLITS[split]))


def load_tensors(
    split: str = "train",
    root: Path | str | None = None,
    *,
    normalize: tuple[float, float] | None = None,
):
    """``(x, y)`` as torch tensors: x float32 (N, 1, 28, 28) in [0, 1], y int64 (N,).

    ``normalize=(mean, std)`` additionally maps each pixel p to (p - mean) / std.
    """
    import torch

    images, labels = load(split, root)
    x = torch.tensor(images, dtype=torch.float32).div_(255.0).unsqueeze(1)
    if normalize is not None:
        mean, std = normalize
        if not (np.isfinite(mean) and np.isfinite(std) and std > 0):
            raise ValueError(
                f"normalize: expected (mean, std) with a finite mean and std > 0, "
                f"got {normalize!r}."
            )
        x.sub_(float(mean)).div_(float(std))
    return x, torch.tensor(labels)


def dataset(split: str = "train", root: Path | str | None = None, **kwargs):
    """The split as a ``torch.utils.data.TensorDataset`` of (image, label) pairs."""
    from torch.utils.data import TensorDataset

    return TensorDataset(*load_tensors(split, root, **kwargs))


def download(
    root: Path | str | None = None,
    *,
    mirrors=MIRRORS,
    force: bool = False,
    opener=None,
    timeout: float = 60.0,
) -> Path:
    """Fetch the four files into ``root`` (default ``cache_dir()/mnist``) and return ``root``.

    A file already present and valid is skipped unless ``force``. Each download is checked
    (decompressed IDX layout and SHA-256 of the original) before it replaces anything, the next
    mirror is tried on failure, and ``SHA256SUMS`` is written for the files as stored.
    ``opener(url, timeout=...)`` returns a file-like response (default urllib's urlopen).
    """
    root = Path(root) if root is not None else cache_dir() / "mnist"
    if isinstance(mirrors, str) or not mirrors:
        raise ValueError(f"mirrors: expected a non-empty sequence of base URLs, got {mirrors!r}.")
    opener = opener or urllib.request.urlopen
    root.mkdir(parents=True, exist_ok=True)
    for name, spec in FILES.items():
        target = root / name
        if target.is_file() and not force:
            try:
                if hashlib.sha256(_decompress(target, "")).hexdigest() == spec.raw_sha256:
                    continue
            except DataFileError:
                pass  # corrupt: fetch it again
        failures = []
        for base in mirrors:
            url = base.rstrip("/") + "/" + name
            try:
                with opener(url, timeout=timeout) as response:
                    payload = response.read()
                data = gzip.decompress(payload)
                parse_idx(data, spec, path=url)
                got = hashlib.sha256(data).hexdigest()
                if got != spec.raw_sha256:
                    raise DataFileError(
                        f"{url}: sha256 of the content is {got}, expected {spec.raw_sha256}"
                    )
            except (OSError, EOFError, zlib.error, ValueError, DataFileError) as exc:
                failures.append(f"{url}: {exc}")
                continue
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(payload)
            os.replace(partial, target)
            break
        else:
            raise DataFileError(
                f"{name}: no mirror delivered a valid copy; tried:\n  "
                + "\n  ".join(failures)
                + "\nCheck the network connection or pass other mirrors=."
            )
    lines = [f"{sha256(root / name)}  {name}" for name in FILES]
    (root / SUMS_FILE).write_text("\n".join(lines) + "\n")
    return root


def class_counts(labels) -> np.ndarray:
    """How many examples of each digit 0..9."""
    return np.bincount(np.asarray(labels), minlength=N_CLASSES)


def pixel_stats(split: str = "train", root: Path | str | None = None) -> tuple[float, float]:
    """Mean and standard deviation of all pixels of ``split``, scaled to [0, 1]."""
    images, _ = load(split, root)
    x = images.astype(np.float64) / 255.0
    return float(x.mean()), float(x.std())
