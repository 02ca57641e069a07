"""Write a variant of book/_config.yml that builds the book from the committed .ipynb outputs.

``make test`` first re-executes every notebook under nbval, which fails unless the committed
.ipynb outputs equal a fresh execution. Having proved that, it builds the book from those
outputs (execution off) instead of executing every notebook a second time, and the browser
test then checks the pages. Everything else in the configuration is unchanged.

Usage: python book/config_for_tests.py OUTPUT.yml
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def main(out: str) -> int:
    config = yaml.safe_load((HERE / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    patterns = config["sphinx"]["config"]["exclude_patterns"]
    patterns[patterns.index("notebooks/*.ipynb")] = "notebooks/*.md"
    # local extension paths are relative to the configuration file, which moves
    extensions = config["sphinx"].get("local_extensions", {})
    for name, path in extensions.items():
        extensions[name] = str((HERE / path).resolve())
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python book/config_for_tests.py OUTPUT.yml")
    raise SystemExit(main(sys.argv[1]))
