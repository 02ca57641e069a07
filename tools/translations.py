"""Keep the Chinese edition's gettext catalogs in step with the English sources.

The catalogs are ``book/locale/zh_CN/LC_MESSAGES/<page>.po``, one per page of the book, managed
with sphinx-intl. Commands:

``extract [--out DIR]``
    Extract every translatable message of the book into ``.pot`` templates (Sphinx's gettext
    builder, from the committed notebook outputs: nothing is executed; a few seconds).
``update``
    ``make translations``: extract, merge the templates into the catalogs with sphinx-intl
    (a changed English paragraph becomes a *fuzzy* entry that keeps its old translation as a
    hint; a new one an empty entry), then list what needs translating.
``status``
    List, catalog by catalog, the entries that are untranslated or fuzzy; exit status 1 if any.
``check``
    Check every translated entry (exit status 1 lists the problems): the markup a translation
    must keep is kept (math, inline code, role targets, link targets, the Chinese already in
    the English text, such as a quoted article or a term in parentheses), and wherever the
    English mentions a glossary term the translation uses the glossary's Chinese term.
``export PO OUT.yml`` / ``import OUT.yml PO``
    Round-trip a catalog through YAML (``- en: |-`` / ``zh: |-`` pairs), which needs no
    escaping of TeX's backslashes and quotes: convenient for translating many entries at once.
    ``import`` refuses an ``en`` that is not in the catalog.

The Chinese edition's rules for translators are in CONTRIBUTING.md ("Translating the book").
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LANGUAGE = "zh_CN"
LOCALE = ROOT / "book" / "locale"
CATALOGS = LOCALE / LANGUAGE / "LC_MESSAGES"
GLOSSARY = ROOT / "book" / "glossary.md"

# --- what a translation must keep -------------------------------------------------------------

_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\s)(?:[^$\\]|\\.)+?(?<!\s)\$")
_ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
_CODE = re.compile(r"``.+?``|`[^`]+`")
# "4. MNIST" alone on a line is an ordered list to Markdown: a translated heading must be "4\. MNIST"
# (the English heading is parsed in its page, where the "#" before it makes it a heading).
_LIST_START = re.compile(r"^(\d+)[.)] ")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CJK = re.compile(
    r"[\u3400-\u9fff\uf900-\ufaff][\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef·…\d\s.%,:/+-]*[\u3400-\u9fff\uf900-\ufaff」』）]|[\u3400-\u9fff]"
)


def _role_target(name: str, content: str) -> str:
    """What a role points at, which the translation keeps: the ``<target>`` or the whole."""
    match = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", content)
    if match and name in {"ref", "doc", "numref", "term", "download"}:
        return f"{{{name}}}<{match.group(2)}>"
    return f"{{{name}}}`{content}`"


def kept_markup(text: str) -> list[str]:
    """The pieces of a message that its translation must reproduce exactly, sorted."""
    pieces = []
    rest = _MATH.sub(lambda m: pieces.append(m.group(0)) or " ", text)
    rest = _ROLE.sub(lambda m: pieces.append(_role_target(*m.groups())) or " ", rest)
    rest = _CODE.sub(lambda m: pieces.append(m.group(0)) or " ", rest)
    pieces += [f"]({target})" for target in _LINK.findall(rest)]
    return sorted(pieces)


def chinese_runs(text: str) -> list[str]:
    """Runs of Chinese in an English message (a quoted article, a term), outside markup."""
    rest = _CODE.sub(" ", _ROLE.sub(" ", _MATH.sub(" ", text)))
    return [run.strip() for run in _CJK.findall(rest) if len(run.strip()) >= 2]


def prose(text: str) -> str:
    """A message without its math, roles, code and link targets: the words a reader reads."""
    rest = _CODE.sub(" ", _ROLE.sub(" ", _MATH.sub(" ", text)))
    return _LINK.sub("]", rest)


# --- the glossary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    english: str  # the glossary's English entry, qualifiers removed: "error", "sharding"
    chinese: tuple[str, ...]  # the forms the glossary gives: ("Dropout", "随机丢弃", "随机失活")

    @property
    def pattern(self) -> re.Pattern:
        words = re.split(r"[\s-]+", self.english)
        body = r"[\s-]+".join(re.escape(w) for w in words)
        spellings = [rf"{body}(?:s|es)?", *VARIANTS.get(self.english.lower(), [])]
        return re.compile(rf"(?<![\w-])(?:{'|'.join(spellings)})(?![\w-])", re.IGNORECASE)


# Other spellings of a term that the English uses (verb forms, hyphenation).
VARIANTS = {
    "overfitting": [r"over-?fit(?:s|ted|ting)?"],
    "max pooling": [r"max[\s-]pool(?:s|ed|ing)?"],
    "convolution": [r"convolutions?"],
}


# English words with a second meaning in this book, whose Chinese differs from the glossary's
# term: the check does not apply to them. "error" is also a mistake (an erratum, 错误) and
# "rank" also the number of axes of an array (the IDX header's, 维数).
AMBIGUOUS = {"error", "rank"}
# Phrases that contain a glossary word without being that term: Adam's bias correction is 偏差修正.
NOT_THE_TERM = [re.compile(p, re.IGNORECASE) for p in [r"bias[\s-]+correct\w*"]]


def _alternatives(english: str) -> list[str]:
    """ "L1 / L2 regularisation" -> ["L1 regularisation", "L2 regularisation"]."""
    parts = re.split(r"\s*/\s*", english)
    words = parts[-1].split()
    tail = " ".join(words[1:])
    return [f"{p} {tail}" if tail and len(p.split()) == 1 else p for p in parts[:-1]] + [parts[-1]]


def glossary_terms(path: Path = GLOSSARY) -> list[Term]:
    """The glossary table's rows as terms, longest English first (so phrases win)."""
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not line.startswith("| ") or cells[0] in {"English", ""}:
            continue
        if set(cells[0]) <= set("-: "):
            continue
        english = re.sub(r"\s*\(.*?\)", "", cells[0]).strip()
        forms = re.split(r"[（）()；;、]|标准译名", cells[1])
        chinese = tuple(f.strip() for f in forms if f.strip())
        for name in _alternatives(english):
            if name.lower() not in AMBIGUOUS:
                terms.append(Term(name, chinese))
    return sorted(terms, key=lambda t: -len(t.english))


def missing_terms(msgid: str, msgstr: str, terms: list[Term]) -> list[Term]:
    """Glossary terms that the English mentions and the translation does not render."""
    text = prose(msgid)
    for phrase in NOT_THE_TERM:
        text = phrase.sub(" ", text)
    target = msgstr.lower()
    missing = []
    for term in terms:
        if not term.pattern.search(text):
            continue
        text = term.pattern.sub(" ", text)  # a longer term masks the shorter ones inside it
        if not any(form.lower() in target for form in term.chinese):
            missing.append(term)
    return missing


# --- catalogs -------------------------------------------------------------------------------


# The theme's labels that the installed Chinese catalogs leave untranslated (domain "sphinx",
# which Sphinx reads from the project's locale_dirs first); not a page of the book.
THEME_CATALOG = CATALOGS / "sphinx.po"


def catalogs() -> list[Path]:
    """The catalogs of the book's pages (the theme's catalog is not one)."""
    return sorted(p for p in CATALOGS.rglob("*.po") if p != THEME_CATALOG)


def _page(path: Path) -> str:
    return path.relative_to(CATALOGS).with_suffix("").as_posix()


def problems_in(path: Path, terms: list[Term] | None = None) -> list[str]:
    """Everything wrong with one catalog's translated entries (see ``check``)."""
    import polib

    terms = glossary_terms() if terms is None else terms
    problems = []
    glossary_page = _page(path) == "book/glossary"
    for entry in polib.pofile(str(path)):
        if not entry.msgstr or entry.obsolete:
            continue
        where = f"{_page(path)}: {entry.msgid[:70]!r}"
        want, got = kept_markup(entry.msgid), kept_markup(entry.msgstr)
        if want != got:
            lost = sorted(set(want) - set(got))
            added = sorted(set(got) - set(want))
            problems.append(f"{where}: markup changed (lost {lost}, added {added})")
        if _LIST_START.match(entry.msgstr):
            fixed = _LIST_START.sub(r"\1\\. ", entry.msgstr)
            problems.append(
                f"{where}: starts like a numbered list item, so Markdown would not read it as "
                f"a heading or paragraph; escape the full stop: {fixed[:30]!r}"
            )
        for run in chinese_runs(entry.msgid):
            if run not in entry.msgstr:
                problems.append(f"{where}: the Chinese {run!r} of the English is not kept")
        if not glossary_page:  # the glossary defines the terms; its rows name several at once
            for term in missing_terms(entry.msgid, entry.msgstr, terms):
                problems.append(
                    f"{where}: mentions {term.english!r}; the glossary's Chinese is "
                    f"{' / '.join(term.chinese)}"
                )
    return problems


def status() -> dict[str, tuple[int, int, int]]:
    """Per catalog: (translated, untranslated, fuzzy) entries."""
    import polib

    counts = {}
    for path in catalogs():
        po = polib.pofile(str(path))
        counts[_page(path)] = (
            len(po.translated_entries()),
            len(po.untranslated_entries()),
            len(po.fuzzy_entries()),
        )
    return counts


def extract(out: Path) -> Path:
    """Write the .pot templates of every page into ``out`` and return their folder."""
    out.mkdir(parents=True, exist_ok=True)
    config = out / "_config.yml"
    subprocess.run(
        [sys.executable, str(ROOT / "book" / "editions.py"), "config", str(config), "--gettext"],
        check=True,
    )
    env = dict(os.environ, BIGMODEL_LAB_PROGRESS="0", PYTHONHASHSEED="0")
    result = subprocess.run(
        [
            str(BIN / "jupyter-book"), "build", str(ROOT), "--config", str(config),
            "--toc", str(ROOT / "book" / "_toc.yml"), "--path-output", str(out),
            "--builder", "custom", "--custom-builder", "gettext", "--quiet",
        ],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("message extraction failed (the output above says why)")
    return out / "_build" / "gettext"


def templates(folder: Path) -> dict[str, set[str]]:
    """Per page, the set of message ids in the extracted templates."""
    import polib

    return {
        p.relative_to(folder).with_suffix("").as_posix(): {e.msgid for e in polib.pofile(str(p))}
        for p in sorted(folder.rglob("*.pot"))
    }


def stale(folder: Path) -> list[str]:
    """How the catalogs differ from freshly extracted templates (empty when in step)."""
    import polib

    fresh = templates(folder)
    have = {_page(p): {e.msgid for e in polib.pofile(str(p)) if not e.obsolete} for p in catalogs()}
    report = []
    for page in sorted(set(fresh) | set(have)):
        if page not in have:
            report.append(f"{page}: no catalog")
        elif page not in fresh:
            report.append(f"{page}: a catalog for a page the book no longer has")
        else:
            for msgid in sorted(fresh[page] - have[page]):
                report.append(f"{page}: new English text not in the catalog: {msgid[:70]!r}")
            for msgid in sorted(have[page] - fresh[page]):
                report.append(
                    f"{page}: the catalog holds text the page no longer has: {msgid[:70]!r}"
                )
    return report


def _print_status() -> int:
    counts = status()
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    todo = 0
    for page, (done, untranslated, fuzzy) in counts.items():
        if untranslated or fuzzy:
            todo += untranslated + fuzzy
            print(f"  {page}: {untranslated} untranslated, {fuzzy} fuzzy ({done} translated)")
    print(f"{total[0]} of {sum(total)} messages translated; {todo} need translating")
    return 1 if todo else 0


def export_yaml(po_path: Path, out: Path, only_todo: bool = True) -> int:
    import polib
    import yaml

    class Block(str):
        pass

    yaml.add_representer(
        Block, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|")
    )
    rows = [
        {"en": Block(e.msgid), "zh": Block(e.msgstr if e.msgstr and not e.fuzzy else "")}
        for e in polib.pofile(str(po_path))
        if not e.obsolete and (not only_todo or not e.translated())
    ]
    out.write_text(yaml.dump(rows, allow_unicode=True, sort_keys=False, width=10**6), "utf-8")
    return len(rows)


def import_yaml(source: Path, po_path: Path) -> int:
    import polib
    import yaml

    rows = yaml.safe_load(source.read_text(encoding="utf-8")) or []
    po = polib.pofile(str(po_path), wrapwidth=0)  # unwrapped, as sphinx-intl update -w 0 writes
    by_id = {e.msgid: e for e in po if not e.obsolete}
    unknown = [r["en"][:70] for r in rows if r["en"].rstrip("\n") not in by_id]
    if unknown:
        raise SystemExit(f"{source}: not in {po_path}: {unknown}")
    done = 0
    for row in rows:
        zh = (row.get("zh") or "").rstrip("\n")
        if zh:
            entry = by_id[row["en"].rstrip("\n")]
            entry.msgstr = _LIST_START.sub(r"\1\\. ", zh)  # a heading "4. ..." stays one
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            done += 1
    po.save()
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ext = commands.add_parser("extract")
    ext.add_argument("--out", type=Path, default=ROOT / "book" / "_build" / "gettext-source")
    commands.add_parser("update")
    commands.add_parser("status")
    commands.add_parser("check")
    exp = commands.add_parser("export")
    exp.add_argument("po", type=Path)
    exp.add_argument("out", type=Path)
    exp.add_argument("--all", action="store_true", help="also the translated entries")
    imp = commands.add_parser("import")
    imp.add_argument("source", type=Path)
    imp.add_argument("po", type=Path)
    args = parser.parse_args(argv)

    if args.command == "extract":
        print(extract(args.out))
        return 0
    if args.command == "update":
        folder = extract(ROOT / "book" / "_build" / "gettext-source")
        subprocess.run(
            [str(BIN / "sphinx-intl"), "update", "-p", str(folder), "-l", LANGUAGE,
             "-d", str(LOCALE), "-w", "0"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        _print_status()
        return 0  # what needs translating is listed; `status` and the tests fail on it
    if args.command == "status":
        return _print_status()
    if args.command == "check":
        terms = glossary_terms()
        problems = [p for path in catalogs() for p in problems_in(path, terms)]
        print("\n".join(problems) or "every translated message keeps its markup and terms")
        return 1 if problems else 0
    if args.command == "export":
        print(f"{export_yaml(args.po, args.out, only_todo=not args.all)} entries -> {args.out}")
        return 0
    print(f"{import_yaml(args.source, args.po)} entries translated in {args.po}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
