"""Check that every erratum quotes its article verbatim: ``make check-quotes``.

An erratum's ``printed`` field is what a reader holding only the Chinese article searches for,
so each of its fragments (separated by " … ") must occur in that article word for word. Runs of
white space count as one space on both sides (the articles wrap lines and indent code); nothing
else is forgiven, not full-width punctuation, not a changed symbol.

The articles are not part of the repository (they are someone else's text); the check reads
them from ``--seeds`` (default ``../shared/seeds`` beside the checkout, where the project's
workspace keeps them) and says so when they are missing instead of passing.

Usage: ``python tools/check_quotes.py [--seeds DIR]``; exit status 1 lists each quote not found.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEPARATOR = " … "


def normalise(text: str) -> str:
    """Collapse every run of white space to one space."""
    return re.sub(r"\s+", " ", text).strip()


def fragments(printed: str) -> list[str]:
    """The pieces of a quote that must each occur in the article."""
    return [normalise(piece) for piece in printed.split(SEPARATOR) if normalise(piece)]


def missing_fragments(printed: str, article: str) -> list[str]:
    """The fragments of ``printed`` that ``article`` does not contain (empty: a true quote)."""
    body = normalise(article)
    return [piece for piece in fragments(printed) if piece not in body]


def load_articles(seeds: Path) -> dict[str, str]:
    """The articles by file stem ("000" ... "004"), read from ``seeds``."""
    if not seeds.is_dir():
        raise SystemExit(
            f"check_quotes: no articles in {seeds}: pass --seeds DIR, the folder that holds "
            "000_*.txt ... 004_*.txt."
        )
    articles = {path.name[:3]: path.read_text(encoding="utf-8") for path in seeds.glob("00?_*.txt")}
    if not articles:
        raise SystemExit(f"check_quotes: {seeds} holds no 00N_*.txt article files.")
    return articles


def check(records: list[dict], articles: dict[str, str]) -> dict[int, list[str]]:
    """For each record (by position) whose quote is not verbatim in its article, why not."""
    problems: dict[int, list[str]] = {}
    for i, rec in enumerate(records):
        where = f"{rec['source']} {rec['section']} ({rec['quantity']})"
        article = articles.get(rec["source"])
        if article is None:
            problems[i] = [f"{where}: article {rec['source']} not found"]
            continue
        missing = missing_fragments(rec["printed"], article)
        if missing:
            problems[i] = [f"{where}: not in the article: {piece!r}" for piece in missing]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bigmodel_lab import errata

    records = errata.declared()
    problems = check(records, load_articles(args.seeds))
    for lines in problems.values():
        print("\n".join(lines))
    print(f"{len(records) - len(problems)} of {len(records)} records quote their article verbatim.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
