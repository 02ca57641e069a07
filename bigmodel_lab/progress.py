"""Progress bars for long work, switchable off for reproducible outputs.

Interactive readers get a tqdm bar (a widget in Jupyter, text in a terminal). When the
environment variable ``BIGMODEL_LAB_PROGRESS`` is ``0`` (the Makefile sets it while executing
notebooks for nbval, for the committed outputs and for the book), bars are disabled: their text
changes from run to run and would make output comparison meaningless.
"""

from __future__ import annotations

import os

from tqdm.auto import tqdm


def enabled() -> bool:
    value = os.environ.get("BIGMODEL_LAB_PROGRESS", "1").strip().lower()
    return value not in {"0", "false", "no", "off"}


def progress(iterable=None, **kwargs):
    """``tqdm(iterable, **kwargs)``, disabled when ``BIGMODEL_LAB_PROGRESS=0``."""
    kwargs.setdefault("leave", False)
    kwargs.setdefault("disable", not enabled())
    return tqdm(iterable, **kwargs)
