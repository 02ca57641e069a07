"""Structured errata: every error found in a source chapter, with the value our code computes.

One record per finding. The printed value is quoted from the chapter (that is the point of an
erratum); the computed value is never typed in: each record is produced by a function that
computes it with the package, registered with :func:`erratum`. The book's errata appendix and
the chapters' side-by-side tables are rendered from these records at build time, and nbval
compares them, so a changed computation fails the suite.

Records are grouped in one module per book chapter that demonstrates them (``ch01``, ``ch02``,
...); :func:`all_records` imports them all. This package is also the only home of the
reproductions behind the records, each module named for what it re-creates:

- ``sigmoid_2layer_as_printed``, ``mlp_3_10_5_2_as_printed``, ``recommendation_as_printed``,
  ``diagnosis_as_printed``: the worked examples' numbers and formulas as the articles print
  them, line by line, beside chapter 3's correct ones (``bigmodel_lab.worked``);
- ``text_listings``: the text-classification listings of 002 §5.2 and 003 §5.2 as printed,
  with stand-ins (named as such) for the library calls that cannot run;
- ``keras_listings``, ``keras_text``: the Keras listings run as printed on Keras 3 (torch
  backend), with their committed result files.

Nothing else in ``bigmodel_lab`` imports this package (``bigmodel_lab.LAYERS``): the chapter
packages hold only correct code.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import pandas as pd

from ..progress import progress

#: The five source chapters, by file stem, with their translated titles (cite by title + section).
SOURCES = {
    "000": "Evaluating the business value of large models",
    "001": "Large models: from data to business value",
    "002": "New business models in the age of large models",
    "003": "Entrepreneurs chase the commercialisation of large models",
    "004": "Business-model innovation of large-model companies",
}

#: What a reader holding only the Chinese article looks for: its title, or, where it has none,
#: its first heading (000 and 004 open with "1. 背景介绍"; the sentence quoted is the one that
#: names the article's subject).
SOURCES_ZH = {
    "000": "（无标题；首个标题为“1. 背景介绍”，文中自述：“本文旨在深入探讨大模型的商业价值评估模型”）",
    "001": "大模型：从数据到商业价值的实现",
    "002": "大模型时代下的新型商业模式",
    "003": "创业者热情不减，追逐大模型商业化机遇",
    "004": "（无标题；首个标题为“1. 背景介绍”，文中自述：“本文将围绕大模型企业的商业模式创新”）",
}


class Kind(str, Enum):
    ARITHMETIC = "arithmetic"
    WRONG_FORMULA = "wrong formula"
    INCONSISTENT_SETUP = "inconsistent set-up"
    CODE_DOES_NOT_RUN = "code does not run"
    IMPOSSIBLE_CLAIM = "impossible claim"
    #: a statement in words that is false ("ReLU is linear"), as opposed to a wrong formula
    WRONG_CLAIM = "wrong claim"


@dataclass(frozen=True)
class Erratum:
    """One error in a source chapter.

    source: file stem of the chapter ("000" ... "004"); section: e.g. "§4.3";
    quantity: what is wrong; printed: what the chapter printed, quoted in the original Chinese
    (or the formula or code exactly as printed), so that a reader can find the line;
    computed: what our code computes, as text; kind: a :class:`Kind`;
    where: the book page that demonstrates it (a document path such as
    "notebooks/01_forward_backward", optionally with "#label").
    """

    source: str
    section: str
    quantity: str
    printed: str
    computed: str
    kind: Kind
    where: str

    @property
    def title(self) -> str:
        return SOURCES[self.source]

    @property
    def title_zh(self) -> str:
        return SOURCES_ZH[self.source]


_REGISTRY: list[tuple[dict, Callable[[], object]]] = []


def erratum(*, source: str, section: str, quantity: str, printed: str, kind: Kind, where: str):
    """Register a function that computes the correct value for one erratum.

    The function takes no arguments and returns the computed value; a float is shown with
    6 significant digits, anything else with ``str``.
    """
    if source not in SOURCES:
        raise ValueError(f"source: expected one of {sorted(SOURCES)}, got {source!r}.")
    if not isinstance(kind, Kind):
        raise ValueError(f"kind: expected a bigmodel_lab.errata.Kind, got {kind!r}.")
    meta = dict(
        source=source, section=section, quantity=quantity, printed=printed, kind=kind, where=where
    )

    def register(fn: Callable[[], object]):
        _REGISTRY.append((meta, fn))
        return fn

    return register


def format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("ch"):
            importlib.import_module(f"{__name__}.{info.name}")


def declared() -> list[dict]:
    """Every registered record's metadata (source, section, quantity, printed, kind, where),
    without computing its value: what a check of the quotes needs."""
    _load_all()
    return [dict(meta) for meta, _ in _REGISTRY]


def all_records(source: str | None = None, where: str | None = None) -> list[Erratum]:
    """Compute and return every registered erratum, or those of one source chapter (``source``)
    or demonstrated on one book page (``where``: a prefix of the record's ``where``, such as
    ``"notebooks/02_"``). Only the chosen records are computed.

    Sorted by source, then by section number, then by registration order.
    """
    _load_all()
    chosen = [
        (order, meta, fn)
        for order, (meta, fn) in enumerate(_REGISTRY)
        if (source is None or meta["source"] == source)
        and (where is None or meta["where"].startswith(where))
    ]
    out = []
    # computing the records re-runs the source chapters' examples: seconds, so show a bar
    for order, meta, fn in progress(chosen, desc="errata records"):
        out.append((order, Erratum(computed=format_value(fn()), **meta)))
    out.sort(key=lambda pair: (pair[1].source, section_key(pair[1].section), pair[0]))
    return [rec for _, rec in out]


def section_key(section: str) -> tuple[int, ...]:
    """The order of sections: "§4.3.2" -> (4, 3, 2); "§5.2.1.a" -> (5, 2, 1, 0)."""
    parts = []
    for piece in section.lstrip("§").split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def to_frame(records: list[Erratum]) -> pd.DataFrame:
    """The records as a table: section, quantity, printed, computed, kind."""
    return pd.DataFrame(
        [
            {
                "section": r.section,
                "quantity": r.quantity,
                "chapter printed": r.printed,
                "code computes": r.computed,
                "kind": r.kind.value,
            }
            for r in records
        ]
    )


#: ASCII punctuation that Markdown (with MyST's dollar and amsmath extensions) may read as
#: syntax; ``|`` is left to the table-cell escape.
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]<>()#+-.!$&~^=:'\"/;,?%@")


def literal(text: str) -> str:
    """``text`` escaped so that Markdown shows it character for character.

    The "chapter printed" column quotes the article's own characters, LaTeX source and code
    included (``\\(``, ``_``, ``*``, ``$``); unescaped, Markdown would turn them into math,
    emphasis or nothing. CommonMark lets a backslash escape any ASCII punctuation.
    """
    return "".join("\\" + ch if ch in _MARKDOWN_PUNCTUATION else ch for ch in str(text))


def to_markdown(records: list[Erratum], *, links: bool = True, with_source: bool = False) -> str:
    """A Markdown table of the records.

    With ``links``, a last column links to the book page that demonstrates each record, as a
    MyST cross-reference (``{ref}`` to the section's label, or ``{doc}`` to the page), which
    the book resolves and checks; the book renders cell Markdown as MyST for this reason.
    The "chapter printed" column is shown literally (:func:`literal`).
    """
    head = (["source"] if with_source else []) + [
        "section",
        "quantity",
        "chapter printed",
        "code computes",
        "kind",
    ]
    if links:
        head.append("shown in")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    for r in records:
        row = ([f"*{r.title}*"] if with_source else []) + [
            r.section,
            r.quantity,
            literal(r.printed),
            r.computed,
            r.kind.value,
        ]
        if links:
            page, _, anchor = r.where.partition("#")
            name = page.rsplit("/", 1)[-1]
            target = anchor if anchor else None
            row.append(f"{{ref}}`{name} <{target}>`" if target else f"{{doc}}`{name} <{name}>`")
        lines.append("| " + " | ".join(cell(x) for x in row) + " |")
    return "\n".join(lines)


def show(records: list[Erratum], **kwargs):
    """Display the records as a rendered Markdown table in a notebook (see :func:`to_markdown`)."""
    from IPython.display import Markdown

    return Markdown(to_markdown(records, **kwargs))
