"""Write the Jupyter Book configuration of one edition of the book, and place a built edition.

There is one set of sources and one ``book/_config.yml``. Every other build is a variant of
it, written here:

``config OUT.yml [--language zh_CN] [--committed-outputs] [--jupyter-cache DIR] [--gettext]``
    ``--language zh_CN``: the Chinese edition. Sphinx renders each translatable paragraph from
    the gettext catalogs in ``book/locale/zh_CN/LC_MESSAGES`` and the theme's own labels
    (search, contents, navigation) in Chinese; code, outputs and math are the English
    build's (``book/_ext/editions.py`` keeps them out of the catalogs).
    ``--committed-outputs``: render the committed ``.ipynb`` outputs with execution off
    (``make test`` does this after nbval has proved them current; ``make translations``
    extracts the messages the same way, in seconds).
    ``--jupyter-cache DIR``: read executed notebooks from the English build's cache, so the
    Chinese edition of ``make book`` executes nothing.
    ``--gettext``: no locale, for ``sphinx-build -b gettext`` (``jupyter-book build
    --builder custom --custom-builder gettext``).

``publish BUILT_HTML EDITION_HTML``
    Replace ``EDITION_HTML`` (``book/_build/html/zh``) with a copy of ``BUILT_HTML``: the
    Chinese edition is served from ``zh/`` beneath the English one, which is where each page's
    language switch points.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LOCALES = HERE / "locale"

# The book's title and part captions are configuration, not page text: the Chinese title is
# set here; the part captions are in book/intro's catalog (book/_ext/editions.py).
TITLES = {"zh_CN": "bigmodel-lab：深度学习，每个数字都经过验证"}
AUTHORS = {"zh_CN": "bigmodel-lab 的贡献者"}


def edition_config(
    language: str = "en",
    committed_outputs: bool = False,
    jupyter_cache: str | None = None,
) -> dict:
    """The configuration of one edition, as a dictionary ready for YAML."""
    config = yaml.safe_load((HERE / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config["sphinx"]["config"]
    if committed_outputs:
        config["execute"]["execute_notebooks"] = "off"
        patterns = sphinx["exclude_patterns"]
        patterns[patterns.index("notebooks/*.ipynb")] = "notebooks/*.md"
    if jupyter_cache:
        config["execute"]["cache"] = str(Path(jupyter_cache).resolve())
    if language != "en":
        if not (LOCALES / language / "LC_MESSAGES").is_dir():
            raise SystemExit(
                f"no catalogs for {language!r} in {LOCALES}: run `make translations` to create them"
            )
        config["title"] = TITLES.get(language, config["title"])
        config["author"] = AUTHORS.get(language, config["author"])
        sphinx["language"] = language
        sphinx["locale_dirs"] = [str(LOCALES)]
    # local extension paths are relative to the configuration file, which moves
    extensions = config["sphinx"].get("local_extensions", {})
    for name, path in extensions.items():
        extensions[name] = str((HERE / path).resolve())
    return config


def write_config(out: str, **options) -> None:
    config = edition_config(**options)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )


def publish(built: str, edition: str) -> None:
    source, target = Path(built), Path(edition)
    if not (source / "index.html").is_file():
        raise SystemExit(f"{source} holds no built edition (no index.html): build it first")
    if not (target.parent / "index.html").is_file():
        raise SystemExit(
            f"{target.parent} holds no English edition (no index.html): the Chinese edition "
            "is published beneath it, so build the English one first"
        )
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="write one edition's _config.yml")
    config.add_argument("out")
    config.add_argument("--language", default="en", choices=["en", *TITLES])
    config.add_argument("--committed-outputs", action="store_true")
    config.add_argument("--jupyter-cache")
    config.add_argument("--gettext", action="store_true", help="for message extraction")
    place = commands.add_parser("publish", help="copy a built edition beneath the English one")
    place.add_argument("built")
    place.add_argument("edition")
    args = parser.parse_args(argv)
    if args.command == "config":
        write_config(
            args.out,
            language="en" if args.gettext else args.language,
            committed_outputs=args.committed_outputs or args.gettext,
            jupyter_cache=args.jupyter_cache,
        )
    else:
        publish(args.built, args.edition)
    return 0


if __name__ == "__main__":
    sys.exit(main())
