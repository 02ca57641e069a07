"""Open every page of the built book in headless Chromium and check what a reader would see.

For each page: no console errors, every image loaded, every internal link (and its #anchor)
resolves, and every formula was typeset by the local MathJax (no raw TeX, no TeX errors).
Networking to anything but the local server is blocked, so a page that needs the internet
fails here. A screenshot of each chapter's first screen is saved next to the build.

The build to check is named by $BOOK_HTML (``make test`` and ``make browser`` set it). Needs
Debian's ``chromium`` and ``chromium-driver``; without them the tests skip and say why.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[3]
BUILD = Path(os.environ.get("BOOK_HTML", ROOT / "book" / "_build" / "html")).resolve()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip(
        "headless Chromium is not installed: run `apt-get install chromium chromium-driver` "
        "to check the book in a browser (.ci/run installs them)",
        allow_module_level=True,
    )
if not (BUILD / "index.html").is_file():
    pytest.skip(f"no built book at {BUILD}: run `make book` first", allow_module_level=True)

PAGES = sorted(
    p.relative_to(BUILD).as_posix()
    for p in BUILD.rglob("*.html")
    if not p.relative_to(BUILD)
    .as_posix()
    .removeprefix("zh/")
    .startswith(("_static/", "_sources/", "_images/"))
)
# the first screen of every chapter in both editions (the Chinese one is in zh/)
CHAPTERS = [
    p
    for p in PAGES
    if p.removeprefix("zh/").startswith("notebooks/") or p.removeprefix("zh/") == "book/intro.html"
]


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_QuietHandler, directory=str(BUILD))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="bigmodel-lab-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
        # every host name but the local server's address resolves to nothing: no network
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium fetch a driver
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@functools.cache
def _ids(page: str) -> frozenset[str]:
    html = (BUILD / page).read_text(encoding="utf-8")
    return frozenset(re.findall(r'\bid="([^"]+)"', html))


def _load(browser, server, page):
    browser.get(f"{server}/{page}")
    # wait until MathJax has typeset the page, if the page loads it
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (window.MathJax && MathJax.startup && MathJax.startup.promise)"
        "  { MathJax.startup.promise.then(() => done(true), () => done(false)); }"
        "else { done(true); }"
    )


def test_the_build_has_pages():
    assert "book/intro.html" in PAGES and any(p.startswith("notebooks/") for p in PAGES)
    assert "zh/book/intro.html" in PAGES, "the Chinese edition is missing (built into zh/)"


def test_a_chinese_font_is_installed():
    """Without one the Chinese pages render as boxes (the screenshots would show it)."""
    fc_list = shutil.which("fc-list")
    assert fc_list, "fontconfig's fc-list is missing: apt-get install fontconfig"
    fonts = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True)
    assert fonts.stdout.strip(), (
        "no font covers Chinese, so the Chinese edition would show missing-glyph boxes: "
        "apt-get install fonts-wqy-microhei (.ci/run installs it)"
    )


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_cleanly(browser, server, page):
    _load(browser, server, page)
    problems = []

    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    problems += [f"console error: {m}" for m in errors]

    broken = browser.execute_script(
        "return Array.from(document.images)"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);"
    )
    problems += [f"broken image: {src}" for src in broken]

    raw_math = browser.execute_script(
        "return Array.from(document.querySelectorAll('.math'))"
        ".filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60));"
    )
    problems += [f"math not typeset: {t!r}" for t in raw_math]
    tex_errors = browser.execute_script(
        "return Array.from(document.querySelectorAll('mjx-merror'))"
        ".map(e => e.getAttribute('data-mjx-error') || e.textContent);"
    )
    problems += [f"TeX error: {t}" for t in tex_errors]

    hrefs = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);"
    )
    for href in hrefs:
        parts = urlsplit(href)
        if not href.startswith(server):
            continue
        target = unquote(parts.path).lstrip("/") or "index.html"
        if target.endswith("/"):
            target += "index.html"
        if not (BUILD / target).is_file():
            problems.append(f"link to a missing page: {href}")
        elif parts.fragment and target.endswith(".html") and parts.fragment not in _ids(target):
            problems.append(f"link to a missing anchor: {href}")

    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_first_screen_screenshot(browser, server, page):
    _load(browser, server, page)
    shots = BUILD.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    out = shots / (page.replace("/", "_").removesuffix(".html") + ".png")
    assert browser.save_screenshot(str(out))
    assert out.stat().st_size > 10_000, f"{out} is suspiciously small (a blank page?)"
