"""The portability runner: its settings cover what they promise, and it fails on a difference."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("portability_run", HERE / "run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)


def test_combined_settings_take_every_value_once():
    values = {(k, v) for setting in run.SETTINGS.values() for k, v in setting.items()}
    combined = [(k, v) for setting in run.COMBINED.values() for k, v in setting.items()]
    assert set(combined) == values
    assert len(combined) == len(set(combined)), "a value is repeated"
    # each combined setting changes all three sources of summation order
    for setting in run.COMBINED.values():
        assert {"ATEN_CPU_CAPABILITY", "OPENBLAS_CORETYPE", "OMP_NUM_THREADS"} <= set(setting)


def test_the_issue_settings_are_all_there():
    assert {s.get("ATEN_CPU_CAPABILITY") for s in run.SETTINGS.values()} >= {"default", "avx2"}
    assert "Haswell" in {s.get("OPENBLAS_CORETYPE") for s in run.SETTINGS.values()}
    assert {s.get("OMP_NUM_THREADS") for s in run.SETTINGS.values()} >= {"1", "2"}


def _notebook(path: Path, printed: str) -> str:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import os\nprint(os.environ['ATEN_CPU_CAPABILITY'])")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed + "\n")]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return str(path)


def test_a_setting_that_changes_an_output_fails_and_names_the_cell(tmp_path):
    # a notebook that prints the very variable the setting changes: "default" matches the
    # stored output, "avx2" does not
    nb = _notebook(tmp_path / "prints_isa.ipynb", "default")
    name, passed, _, log = run.run_setting(
        "aten-default", run.SETTINGS["aten-default"], [nb], tmp_path
    )
    assert name == "aten-default" and passed, log.read_text()
    _, passed, _, log = run.run_setting("aten-avx2", run.SETTINGS["aten-avx2"], [nb], tmp_path)
    assert not passed
    text = log.read_text()
    assert "Cell 0: Cell outputs differ" in text and "avx2" in text
