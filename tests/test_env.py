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
