"""Fixtures of the chapter-2 torch tests: one torch thread and no progress bars, the diabetes split."""

import pytest

from bigmodel_lab.optim.overfitting import single_thread
from bigmodel_lab.optim.splits import diabetes_split


@pytest.fixture
def quiet_single_thread(monkeypatch):
    """Torch on one thread (tiny models, sums in a fixed order) and no progress bars."""
    monkeypatch.setenv("BIGMODEL_LAB_PROGRESS", "0")
    with single_thread():
        yield


@pytest.fixture(scope="module")
def diabetes():
    return diabetes_split()
