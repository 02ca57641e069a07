"""The numbers in the chapters' prose come from code through myst-nb's ``glue``.

These checks read only the committed files (nothing is executed): every ``{glue:text}`` role
in a chapter's ``.md`` names a key that a code cell of its ``.ipynb`` glues, the glued
text/plain can be formatted the way the role asks (a NumPy scalar glued as
``np.float64(...)`` cannot), and no two notebooks glue the same key.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from myst_nb.core.variables import format_plain_text

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))
GLUE_MIME = "application/papermill.record/text/plain"
ROLE = re.compile(r"\{glue:text\}`([^`:]+)(?::([^`]*))?`")


def glued(ipynb: Path) -> dict[str, str]:
    """Key -> glued text/plain, from the outputs of the executed notebook."""
    nb = nbformat.read(ipynb, as_version=4)
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE_MIME in out.get("data", {}):
                found[name] = out["data"][GLUE_MIME]
    return found


# the chapters whose prose pastes glued values (the others state no computed number in prose)
PASTING = [md for md in NOTEBOOKS if ROLE.search(md.read_text())]


def test_the_chapters_with_computed_prose_paste_glued_values():
    names = {md.stem for md in PASTING}
    assert {"02_gradient_descent", "04_mnist", "05_text_classification", "06_gpu_kernels"} <= names


@pytest.mark.parametrize("md", PASTING, ids=lambda p: p.stem)
def test_every_glue_role_has_a_glued_value_that_formats(md: Path):
    roles = ROLE.findall(md.read_text())
    values = glued(md.with_suffix(".ipynb"))
    missing = sorted({key for key, _ in roles if key not in values})
    assert not missing, (
        f"{md.name} pastes {missing}, which no cell of {md.with_suffix('.ipynb').name} glues: "
        "add the glue() call, or re-execute the notebook (python tools/notebooks.py)"
    )
    for key, spec in roles:
        try:
            format_plain_text(values[key], spec or "s")
        except (TypeError, ValueError) as exc:
            raise AssertionError(
                f"{md.name}: {{glue:text}}`{key}:{spec}` cannot format the glued "
                f"{values[key]!r} ({exc}); glue a plain float, int or str (float(x), not a "
                "NumPy scalar)"
            ) from exc


def test_glue_keys_are_unique_across_the_book():
    counts = Counter(
        key
        for md in NOTEBOOKS
        if md.with_suffix(".ipynb").exists()
        for key in glued(md.with_suffix(".ipynb"))
    )
    repeated = sorted(key for key, n in counts.items() if n > 1)
    assert not repeated, f"glue keys used by more than one notebook: {repeated}"
