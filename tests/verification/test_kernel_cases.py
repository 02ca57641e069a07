"""The kernel registry (bigmodel_lab.verification.kernel_cases): every case runs, and is not vacuous."""

import pytest
from assertions import assert_triad

from bigmodel_lab.kernels import sigmoid
from bigmodel_lab.verification import kernel_cases as cases, kernel_triads as triads


def test_every_case_produces_its_documented_quantities():
    for case in cases.CASES.values():
        result = triads.run_case(case, case.shapes[1])
        assert result.quantities == ["output"] + [f"grad {g}" for g in case.grads]
        assert_triad(result)


def test_a_wrong_kernel_is_caught():
    """The triad is not vacuous: a kernel that is off by 1e-4 fails it."""
    wrong = cases.Case(**{**cases.SIGMOID.__dict__, "kernel": lambda x: sigmoid(x) * (1 + 1e-4)})
    with pytest.raises(AssertionError, match="kernel vs formula"):
        assert_triad(triads.run_case(wrong, (3, 7)))
