from bigmodel_lab import env


def test_report_lists_packages_device_and_data(monkeypatch):
    monkeypatch.setattr(env, "DATA_CHECKS", [])
    lines, ok = env.report()
    text = "\n".join(lines)
    assert ok
    for dist in ("torch", "numpy", "jupyter-book"):
        assert any(line.split()[0] == dist for line in lines if line.startswith("  ")), dist
    assert "device:" in text and "data:" in text


def test_a_failing_data_check_is_reported_and_fails(monkeypatch):
    import types

    broken = types.ModuleType("fake_data")

    def status():
        raise RuntimeError("train-images-idx3-ubyte.gz: checksum mismatch")

    broken.status = status
    monkeypatch.setitem(__import__("sys").modules, "fake_data", broken)
    monkeypatch.setattr(env, "DATA_CHECKS", [("fake", "fake_data", "status")])
    lines, ok = env.report()
    assert not ok
    assert any("FAILED: train-images-idx3-ubyte.gz: checksum mismatch" in line for line in lines)


def test_a_missing_package_fails_the_check(monkeypatch):
    monkeypatch.setattr(env, "PACKAGES", ["numpy", "surely-not-installed-package"])
    monkeypatch.setattr(env, "DATA_CHECKS", [])
    lines, ok = env.report()
    assert not ok and any("MISSING" in line for line in lines)
