"""tools/notebooks.py: the rebuild refuses to overwrite edits made in the .ipynb."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import jupytext
import nbformat

spec = importlib.util.spec_from_file_location(
    "rebuild", Path(__file__).resolve().parents[3] / "tools" / "notebooks.py"
)
rebuild = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rebuild)

SOURCE = """---
jupytext:
  formats: ipynb,md:myst
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A chapter

```{code-cell} ipython3
print(1 + 1)
```
"""


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    md = tmp_path / "ch.md"
    md.write_text(SOURCE)
    ipynb = md.with_suffix(".ipynb")
    nbformat.write(jupytext.read(md), ipynb)
    return md, ipynb


def _touch(path: Path, when: float) -> None:
    os.utime(path, (when, when))


def test_a_pair_in_sync_may_be_rebuilt(tmp_path):
    md, ipynb = _pair(tmp_path)
    assert rebuild.unsynced_edit(md, ipynb) is None
    assert rebuild.unsynced_edit(md, tmp_path / "missing.ipynb") is None


def test_an_edit_saved_in_the_ipynb_after_the_md_is_refused(tmp_path):
    md, ipynb = _pair(tmp_path)
    nb = nbformat.read(ipynb, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('my exercise answer')"))
    nbformat.write(nb, ipynb)
    _touch(md, 1_000_000)
    _touch(ipynb, 2_000_000)
    message = rebuild.unsynced_edit(md, ipynb)
    assert message and "jupytext --sync" in message and "git checkout" in message
    assert rebuild.main(["--check-only", str(md)]) == 1
    # the .md edited after the .ipynb: the normal case, the rebuild may go ahead
    _touch(md, 3_000_000)
    assert rebuild.unsynced_edit(md, ipynb) is None
    assert rebuild.main(["--check-only", str(md)]) == 0


def test_a_corrupt_ipynb_is_left_alone_with_a_message(tmp_path):
    md, ipynb = _pair(tmp_path)
    ipynb.write_text("{ not json")
    assert "cannot be read" in rebuild.unsynced_edit(md, ipynb)
