from hypothesis import given, strategies as st

from bigmodel_lab.bounds import format_bound


def test_a_zero_difference_is_never_printed_bare():
    assert format_bound(0.0, 1e-6) == "< 1e-06"
    assert format_bound(3.2e-3, 1e-6) == "3.2e-03"


@given(value=st.floats(0.0, 1e3), exponent=st.integers(-15, -1))
def test_below_the_floor_only_the_floor_is_printed(value, exponent):
    floor = 10.0**exponent
    out = format_bound(value, floor)
    if value < floor:
        assert out == f"< {floor:.0e}"
    else:
        assert float(out) == float(f"{value:.1e}") and not out.startswith("<")
