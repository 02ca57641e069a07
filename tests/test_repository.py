"""Checks on the repository itself: dependency lists agree, notebook pairs are in sync,
every notebook is in the book, and CI runs the README's command."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))


def declared_requirements() -> dict[str, Requirement]:
    reqs = (
        PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]
    )
    return {Requirement(r).name.lower(): Requirement(r) for r in reqs}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {}
    for line in pip_section:
        if line.startswith("-"):
            continue
        req = Requirement(line)
        listed[req.name.lower()] = req
    declared = declared_requirements()
    assert set(listed) == set(declared), (
        f"only in pyproject: {sorted(set(declared) - set(listed))}; "
        f"only in environment.yml: {sorted(set(listed) - set(declared))}"
    )
    for name, req in declared.items():
        if name == "torch":
            assert str(listed[name].specifier) == "==2.13.0"
        else:
            assert listed[name].specifier == req.specifier, name
            assert listed[name].marker == req.marker, name


def test_constraints_pin_torch_and_jupyter_book_1():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower()] = version
    assert pins["torch"] == "2.13.0"
    assert pins["jupyter-book"].startswith("1.")
    missing = [n for n in declared_requirements() if n not in pins]
    assert not missing, f"constraints.txt lacks exact versions for {missing}"


def _sources(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_pair_is_in_sync_and_executed(md: Path):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.is_file(), f"{md.name} has no paired .ipynb; run `make notebooks`"
    text_nb = jupytext.read(md)
    run_nb = nbformat.read(ipynb, as_version=4)
    assert _sources(text_nb) == _sources(run_nb), (
        f"{md.name} and {ipynb.name} differ; run `make notebooks` after editing the .md"
    )
    for cell in run_nb.cells:
        if cell.cell_type == "code" and cell.source.strip():
            assert cell.execution_count is not None, f"{ipynb.name}: a code cell was not executed"
            assert not any(o.output_type == "error" for o in cell.outputs), ipynb.name


def test_every_ipynb_has_a_markdown_twin():
    for ipynb in (ROOT / "notebooks").glob("*.ipynb"):
        assert ipynb.with_suffix(".md").is_file(), f"{ipynb.name} has no .md source"


def _toc_files(node) -> list[str]:
    out = []
    if isinstance(node, dict):
        if "file" in node:
            out.append(node["file"])
        for value in node.values():
            out.extend(_toc_files(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_toc_files(item))
    return out


def test_every_notebook_is_in_the_book_and_every_toc_entry_exists():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    files = _toc_files(toc) + [toc["root"]]
    for f in files:
        assert (ROOT / f"{f}.md").is_file(), f"_toc.yml names {f}, which does not exist"
    in_toc = {f for f in files if f.startswith("notebooks/")}
    for md in NOTEBOOKS:
        assert f"notebooks/{md.stem}" in in_toc, f"{md.name} is not in book/_toc.yml"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", readme, re.M)
    assert re.search(r"^make book\b", readme, re.M)
    assert re.search(r"^make test$", ci, re.M)
