"""Shared test configuration: a fixed seed for every test, and hypothesis kept quick."""

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("book", max_examples=40, deadline=None, derandomize=True)
settings.load_profile("book")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
