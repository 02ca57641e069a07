"""Copy MathJax from the installed Python package into book/_static/mathjax.

The built book then renders its mathematics without any network access: Sphinx's
``mathjax_path`` points at this local copy instead of a CDN. MathJax comes from the PyPI
package ``django-static-mathjax`` (MathJax 3.2.2, Apache-2.0), installed with the book's
dependencies; only its browser build (``es5``) is copied, without the speech-rule engine.

Run by ``make book`` and ``make test``; safe to re-run (it skips an up-to-date copy).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent / "_static" / "mathjax"


def main() -> int:
    try:
        import mathjax  # provided by django-static-mathjax
    except ImportError:
        print(
            "MathJax is missing: install the book's dependencies with `make install`.",
            file=sys.stderr,
        )
        return 1
    source = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    entry = source / "tex-chtml.js"
    if not entry.is_file():
        print(
            f"{entry} not found: the mathjax package looks incomplete; reinstall it with "
            "`.venv/bin/python -m pip install --force-reinstall django-static-mathjax`.",
            file=sys.stderr,
        )
        return 1
    stamp = TARGET / ".source"
    if stamp.is_file() and stamp.read_text() == str(source) and (TARGET / "tex-chtml.js").is_file():
        return 0
    if TARGET.exists():
        shutil.rmtree(TARGET)
    shutil.copytree(source, TARGET, ignore=shutil.ignore_patterns("sre", "*-full*", "node-main.js"))
    stamp.write_text(str(source))
    print(f"copied MathJax from {source} to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
