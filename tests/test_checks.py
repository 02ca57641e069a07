"""The argument checks every layer uses (bigmodel_lab.checks): what they accept and refuse."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from bigmodel_lab.checks import check_nonnegative, check_number, check_positive_int


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), torch.tensor(3), np.array(3)])
def test_a_whole_number_arrives_as_a_python_int(value):
    out = check_positive_int("step", value)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize(
    "value", [True, 2.0, np.float32(2.0), 0, -1, torch.tensor(True), "3", torch.ones(2)]
)
def test_anything_but_a_whole_number_of_at_least_one_is_refused(value):
    with pytest.raises(ValueError, match="step: expected a whole number >= 1"):
        check_positive_int("step", value)


def test_the_minimum_is_stated_in_the_error():
    assert check_positive_int("workers", 0, minimum=0) == 0
    with pytest.raises(ValueError, match=">= 2, got 1"):
        check_positive_int("world_size", 1, minimum=2)


@pytest.mark.parametrize("value", [0.1, np.float32(0.1), np.float64(0.1), torch.tensor(0.1), 0])
def test_a_number_arrives_as_a_python_float(value):
    out = check_nonnegative("lr", value)
    assert type(out) is float and out == pytest.approx(float(value))


@pytest.mark.parametrize("value", [True, "0.1", None, torch.ones(2), [0.1]])
def test_what_is_not_a_number_is_a_type_error(value):
    with pytest.raises(TypeError, match="lr: expected a number"):
        check_nonnegative("lr", value)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -0.1])
def test_a_number_outside_the_range_is_a_value_error_naming_the_range(value):
    with pytest.raises(ValueError, match="lr: expected a finite number >= 0, got"):
        check_nonnegative("lr", value)


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-2, max_value=2),
    st.booleans(),
    st.booleans(),
)
def test_the_interval_ends_are_open_or_closed_as_asked(v, low_open, high_open):
    inside = (v > 0 if low_open else v >= 0) and (v < 1 if high_open else v <= 1)
    call = lambda: check_number("p", v, low=0.0, high=1.0, low_open=low_open, high_open=high_open)  # noqa: E731
    if inside:
        assert call() == v
    else:
        with pytest.raises(ValueError, match=r"p: expected a finite value in [\[(]0, 1[\])]"):
            call()
    assert math.isfinite(v)
