import pytest
import torch

from bigmodel_lab import env


def test_report_lists_packages_device_and_data(monkeypatch):
    monkeypatch.setattr(env, "data_report", lambda: (["  ok      MNIST: data/mnist"], True))
    lines, ok = env.report()
    text = "\n".join(lines)
    assert ok
    for dist in ("torch", "numpy", "jupyter-book"):
        assert any(line.split()[0] == dist for line in lines if line.startswith("  ")), dist
    assert "device:" in text and "data:" in text and "MNIST: data/mnist" in text


def test_a_failing_data_check_fails_the_report(monkeypatch):
    monkeypatch.setattr(env, "data_report", lambda: (["  FAILED  MNIST: checksum"], False))
    lines, ok = env.report()
    assert not ok and "  FAILED  MNIST: checksum" in lines


def test_data_report_runs_the_data_layers_verification(monkeypatch):
    from bigmodel_lab.data import __main__ as data_main

    def fake_run(command, *, with_imdb=False, out):
        assert command == "verify"  # the environment check never downloads
        print("FAILED  MNIST: t10k-images-idx3-ubyte.gz: the file is missing", file=out)
        return 1

    monkeypatch.setattr(data_main, "run", fake_run)
    lines, ok = env.data_report()
    assert not ok and lines == ["  FAILED  MNIST: t10k-images-idx3-ubyte.gz: the file is missing"]


def test_a_missing_package_fails_the_check(monkeypatch):
    monkeypatch.setattr(env, "PACKAGES", ["numpy", "surely-not-installed-package"])
    monkeypatch.setattr(env, "data_report", lambda: ([], True))
    lines, ok = env.report()
    assert not ok and any("MISSING" in line for line in lines)


def _report(monkeypatch, versions=None):
    monkeypatch.setattr(env, "data_report", lambda: ([], True))
    if versions is not None:
        real = env._version
        monkeypatch.setattr(env, "_version", lambda dist: versions.get(dist) or real(dist))
    lines, ok = env.report()
    return lines, ok, "\n".join(lines)


def test_versions_are_compared_with_constraints_txt(monkeypatch):
    pins = env.pinned_versions()
    assert pins["numpy"] and pins["torch"] == "2.13.0"  # read from the repository's file
    lines, _, text = _report(monkeypatch, {"numpy": "1.26.4", "torch": pins["torch"] + "+cpu"})
    assert any(
        line.split()[:2] == ["numpy", "1.26.4"] and f"differs: tested with {pins['numpy']}" in line
        for line in lines
    )
    differences = text.split("differences from the tested set-up (constraints.txt):")[1]
    assert f"numpy 1.26.4 (tested with {pins['numpy']})" in differences
    assert "torch" not in differences.split("data:")[0]  # a +cpu build is the same release


def test_the_report_lists_the_notebook_packages_and_optional_lab_ones(monkeypatch):
    lines, ok, _ = _report(monkeypatch, {"jupyterlab": "MISSING", "jupyterlab-myst": "MISSING"})
    names = {line.split()[0] for line in lines if line.startswith("  ") and len(line.split()) > 1}
    assert {"jupyterlab", "jupyterlab-myst", "ipykernel", "ipywidgets", "tqdm"} <= names
    assert ok, "jupyterlab is optional: `make lab` installs it"


def test_the_report_names_cpu_capability_blas_core_and_threads(monkeypatch):
    _, _, text = _report(monkeypatch)
    assert f"torch CPU capability: {torch.backends.cpu.get_cpu_capability()}" in text
    blas = [line for line in text.splitlines() if line.startswith("  BLAS: ")]
    assert blas and "core " in blas[0] and "thread(s)" in blas[0]


@pytest.mark.parametrize(
    "value, cuda, expected",
    [
        (None, False, "no CUDA GPU is visible, so bigmodel_lab.kernels sets TRITON_INTERPRET=1"),
        ("1", False, "interpreter on CPU tensors (TRITON_INTERPRET=1 is set"),
        ("0", False, "cannot run: TRITON_INTERPRET=0 is set"),
        (None, True, "compiled for the GPU"),
    ],
)
def test_the_triton_mode_is_explained_without_unset(monkeypatch, value, cuda, expected):
    if value is None:
        monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    else:
        monkeypatch.setenv("TRITON_INTERPRET", value)
    line = env._triton_line(cuda)
    assert expected in line and "unset)" not in line
    _, _, text = _report(monkeypatch)
    assert "TRITON_INTERPRET=unset" not in text
