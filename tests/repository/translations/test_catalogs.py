"""The Chinese edition's catalogs: complete, in step with the English sources, and consistent.

``make translations`` (tools/translations.py update) is what fixes a failure here: it merges
the current English text into the catalogs and lists the entries to translate.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location("translations", ROOT / "tools" / "translations.py")
translations = sys.modules.setdefault("translations", importlib.util.module_from_spec(spec))
spec.loader.exec_module(translations)  # registered first: its dataclasses look themselves up


def test_there_is_a_catalog_for_every_page_of_the_book():
    pages = {p for p in translations.status()}
    toc = (ROOT / "book" / "_toc.yml").read_text(encoding="utf-8")
    listed = {line.split(":", 1)[1].strip() for line in toc.splitlines() if "file:" in line}
    listed.add("book/intro")
    assert pages == listed


def test_no_entry_is_untranslated_or_fuzzy():
    todo = {page: c[1:] for page, c in translations.status().items() if c[1] or c[2]}
    assert not todo, (
        "untranslated or fuzzy entries, as (untranslated, fuzzy) per page: "
        f"{todo}; translate them (tools/translations.py export/import) and remove the fuzzy flags"
    )


def test_the_theme_labels_missing_from_the_installed_catalogs_are_translated():
    import polib

    theme = polib.pofile(str(translations.THEME_CATALOG))
    assert len(theme) > 0 and theme.percent_translated() == 100
    assert "Link to this heading" in {e.msgid for e in theme}


@pytest.fixture(scope="module")
def fresh_templates(tmp_path_factory):
    """The .pot templates extracted from the sources as they are now."""
    return translations.extract(tmp_path_factory.mktemp("gettext"))


def test_the_catalogs_hold_exactly_the_messages_of_the_current_sources(fresh_templates):
    report = translations.stale(fresh_templates)
    assert not report, "the catalogs are stale; run `make translations`:\n" + "\n".join(report)


def test_outputs_and_display_math_are_not_in_the_catalogs(fresh_templates):
    # the appendix is almost all tables printed by code: only its prose reaches the catalog
    messages = translations.templates(fresh_templates)
    assert len(messages["notebooks/A1_errata"]) < 10
    everything = set().union(*messages.values())
    assert "z = W a + b ," not in everything  # a display formula of chapter 1
    assert any("{glue:text}" in m for m in everything)  # prose around glued numbers is


def test_every_translation_keeps_its_markup_and_uses_the_glossary_terms():
    terms = translations.glossary_terms()
    problems = [
        p for path in translations.catalogs() for p in translations.problems_in(path, terms)
    ]
    assert not problems, "\n".join(problems)
