"""Progress bars (bigmodel_lab.progress): on by default, off with BIGMODEL_LAB_PROGRESS=0."""

import pytest

from bigmodel_lab import progress


@pytest.mark.parametrize("value, on", [("0", False), ("off", False), ("1", True), ("", True)])
def test_progress_switch(monkeypatch, value, on):
    monkeypatch.setenv("BIGMODEL_LAB_PROGRESS", value)
    assert progress.enabled() is on
    bar = progress.progress(range(3))
    assert bar.disable is (not on)
    assert list(bar) == [0, 1, 2]
