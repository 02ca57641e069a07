"""The two editions of the built book: twins page for page, sharing code, outputs and math.

Reads the HTML of the build named by $BOOK_HTML (``make test`` sets it): the English edition at
its root and the Chinese one in ``zh/``. Needs no browser; test_browser.py opens the pages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[3]
BUILD = Path(os.environ.get("BOOK_HTML", ROOT / "book" / "_build" / "html")).resolve()
ZH = BUILD / "zh"

if not (BUILD / "index.html").is_file() or not (ZH / "index.html").is_file():
    pytest.skip(
        f"no built book with both editions at {BUILD}: run `make book`", allow_module_level=True
    )


def _pages(root: Path) -> list[str]:
    skip = ("_static/", "_sources/", "_images/", "zh/")
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not p.relative_to(root).as_posix().startswith(skip)
    )


PAGES = _pages(BUILD)
NOTEBOOKS = [p for p in PAGES if p.startswith("notebooks/")]


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_has_a_twin_in_the_other_edition():
    assert PAGES == _pages(ZH)
    assert "book/intro.html" in PAGES and len(NOTEBOOKS) >= 15


@pytest.mark.parametrize("page", [p for p in PAGES if p != "index.html"])
def test_each_page_links_to_its_twin_and_declares_its_language(page):
    for root, twin_root, lang in [(BUILD, ZH, "en"), (ZH, BUILD, "zh-CN")]:
        soup = _soup(root / page)
        assert soup.html.get("lang") == lang
        switch = soup.select("a.editions-switch")
        assert len(switch) == 1, f"{root / page}: no language switch"
        target = (root / page).parent / switch[0]["href"]
        assert target.resolve() == (twin_root / page).resolve(), f"{root / page}: {target}"


def _blocks(soup: BeautifulSoup, selector: str, squeeze: bool = False) -> list[str]:
    blocks = [str(node) for node in soup.select(selector)]
    # a message is one line: a line break inside inline TeX becomes a space (same formula)
    return [re.sub(r"\s+", " ", b) for b in blocks] if squeeze else blocks


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_code_outputs_and_math_are_the_same_in_both_editions(page):
    en, zh = _soup(BUILD / page), _soup(ZH / page)
    for selector in ["div.cell_input", "div.cell_output", "div.math"]:
        assert _blocks(en, selector) == _blocks(zh, selector), f"{page}: {selector} differ"
    # inline math may move within a translated sentence, so it is compared as a multiset
    assert sorted(_blocks(en, "span.math", True)) == sorted(_blocks(zh, "span.math", True))
    assert sorted(_blocks(en, "span.pasted-text")) == sorted(_blocks(zh, "span.pasted-text"))


CJK = re.compile(r"[\u4e00-\u9fff]")
TRANSLATED = ["book/intro.html", *NOTEBOOKS, "book/glossary.html"]


@pytest.mark.parametrize("page", TRANSLATED)
def test_the_chinese_pages_read_as_chinese(page):
    soup = _soup(ZH / page)
    article = soup.select_one("article") or soup.body
    for node in article.select("div.cell, script, style, .math, pre, code"):
        node.decompose()
    prose = article.get_text(" ")
    letters = len(re.findall(r"[A-Za-z]", prose))
    han = len(CJK.findall(prose))
    assert han > letters / 4, f"{page}: {han} Chinese characters against {letters} Latin letters"
    assert CJK.search(soup.select_one("h1").get_text()), f"{page}: the title is not translated"


def test_the_theme_labels_are_chinese():
    soup = _soup(ZH / "notebooks/04_mnist.html")
    assert soup.select_one("input[name=q]")["placeholder"] == "搜索本书……"
    assert "目录" in soup.select_one(".page-toc").get_text()
    footer = soup.select_one(".prev-next-area").get_text()
    assert "下一页" in footer
    captions = [c.get_text(strip=True) for c in soup.select("p.caption")]  # intro's catalog
    assert captions and all(CJK.search(c) for c in captions), captions
