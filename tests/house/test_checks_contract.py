"""The argument checks' contract: what each accepts, the exact error class, the field it
names and the words that tell a user what was wrong and what is allowed.

Every door (REST, WebSocket, OSC, the CLI) shows these messages and reads ``field`` as it is,
so the wording and the field are behaviour, not decoration.
"""

from __future__ import annotations

import math

import pytest

from schillinger_kernel.checks import check_choice, check_float, check_int, check_int_sequence
from schillinger_kernel.errors import ParameterError, ParameterTypeError


# ----- check_int -------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [1, 5, 10])
def test_check_int_accepts_both_bounds_and_returns_the_value(value: int) -> None:
    assert check_int("repeat", value, 1, 10) == value


@pytest.mark.parametrize("bad", [True, False, 2.0, "3", None])
def test_check_int_refuses_non_ints_naming_the_type_and_value(bad: object) -> None:
    with pytest.raises(ParameterTypeError) as info:
        check_int("repeat", bad, 1, 10)
    assert str(info.value) == f"repeat must be an int, got {type(bad).__name__} {bad!r}"
    assert info.value.field == "repeat"


@pytest.mark.parametrize("value", [0, 11, -3])
def test_check_int_closed_range_says_the_range(value: int) -> None:
    with pytest.raises(ParameterError) as info:
        check_int("repeat", value, 1, 10)
    assert str(info.value) == f"repeat must be in 1..10, got {value}"
    assert info.value.field == "repeat"


def test_check_int_low_bound_only() -> None:
    assert check_int("count", 1, 1) == 1
    assert check_int("count", 10**9, 1) == 10**9
    with pytest.raises(ParameterError) as info:
        check_int("count", 0, 1)
    assert str(info.value) == "count must be >= 1, got 0"
    assert info.value.field == "count"


def test_check_int_high_bound_only() -> None:
    assert check_int("offset", 7, None, 7) == 7
    assert check_int("offset", -10**9, None, 7) == -10**9
    with pytest.raises(ParameterError) as info:
        check_int("offset", 8, None, 7)
    assert str(info.value) == "offset must be <= 7, got 8"
    assert info.value.field == "offset"


def test_check_int_without_bounds_takes_any_int() -> None:
    assert check_int("n", -(10**12)) == -(10**12)
    assert check_int("n", 0) == 0


# ----- check_float -----------------------------------------------------------------------------
def test_check_float_returns_a_float_within_closed_bounds() -> None:
    for value in (0, 0.0, 0.5, 1, 1.0):
        got = check_float("gain", value, 0.0, 1.0)
        assert got == float(value) and type(got) is float


@pytest.mark.parametrize("bad", [True, "0.5", None, [0.5]])
def test_check_float_refuses_non_numbers_naming_the_type_and_value(bad: object) -> None:
    with pytest.raises(ParameterTypeError) as info:
        check_float("gain", bad, 0.0, 1.0)
    assert str(info.value) == f"gain must be a number, got {type(bad).__name__} {bad!r}"
    assert info.value.field == "gain"


@pytest.mark.parametrize("value", [-0.001, 1.001, math.nan, math.inf, -math.inf])
def test_check_float_closed_range_refusals(value: float) -> None:
    with pytest.raises(ParameterError) as info:
        check_float("gain", value, 0.0, 1.0)
    assert str(info.value) == f"gain must be >= 0.0 and <= 1.0, got {value!r}"
    assert info.value.field == "gain"


def test_check_float_low_open_refuses_the_low_bound_only() -> None:
    assert check_float("tempo", 1000, 0.0, 1000.0, low_open=True) == 1000.0
    assert check_float("tempo", 1e-9, 0.0, 1000.0, low_open=True) == 1e-9
    with pytest.raises(ParameterError) as info:
        check_float("tempo", 0, 0.0, 1000.0, low_open=True)
    assert str(info.value) == "tempo must be > 0.0 and <= 1000.0, got 0"
    assert info.value.field == "tempo"


def test_check_float_low_open_defaults_to_closed() -> None:
    assert check_float("tempo", 0, 0.0, 1000.0) == 0.0


# ----- check_int_sequence ----------------------------------------------------------------------
def test_check_int_sequence_returns_a_tuple_of_the_values() -> None:
    assert check_int_sequence("gens", [3, 2], 1, 9, min_len=2, max_len=4) == (3, 2)
    assert check_int_sequence("gens", (1, 9, 5, 4), 1, 9, min_len=2, max_len=4) == (1, 9, 5, 4)
    assert check_int_sequence("gens", []) == ()
    assert check_int_sequence("gens", range(3)) == (0, 1, 2)


@pytest.mark.parametrize("bad", ["32", b"32", 3, None, {3, 2}])
def test_check_int_sequence_refuses_non_lists(bad: object) -> None:
    with pytest.raises(ParameterTypeError) as info:
        check_int_sequence("gens", bad)
    assert str(info.value) == f"gens must be a list of ints, got {type(bad).__name__}"
    assert info.value.field == "gens"


def test_check_int_sequence_length_bounds_both_sides() -> None:
    with pytest.raises(ParameterError) as info:
        check_int_sequence("gens", [3], 1, 9, min_len=2, max_len=4)
    assert str(info.value) == "gens: need 2..4 values, got 1"
    assert info.value.field == "gens"
    with pytest.raises(ParameterError) as info:
        check_int_sequence("gens", [3, 2, 2, 2, 2], 1, 9, min_len=2, max_len=4)
    assert str(info.value) == "gens: need 2..4 values, got 5"
    with pytest.raises(ParameterError) as info:
        check_int_sequence("gens", [3], min_len=2)
    assert str(info.value) == "gens: need at least 2 values, got 1"
    assert check_int_sequence("gens", list(range(100)), min_len=2) == tuple(range(100))


def test_check_int_sequence_checks_every_item_with_its_bounds() -> None:
    with pytest.raises(ParameterError) as info:
        check_int_sequence("gens", [3, 0], 1, 9)
    assert str(info.value) == "gens must be in 1..9, got 0"
    assert info.value.field == "gens"
    with pytest.raises(ParameterError, match=r"gens must be in 1\.\.9, got 10"):
        check_int_sequence("gens", [10], 1, 9)
    with pytest.raises(ParameterTypeError, match=r"gens must be an int, got float 2\.5"):
        check_int_sequence("gens", [3, 2.5])


# ----- check_choice ----------------------------------------------------------------------------
def test_check_choice_returns_an_allowed_value() -> None:
    assert check_choice("style", "jazz", ("classical", "jazz")) == "jazz"
    assert check_choice("style", "classical", ["classical", "jazz"]) == "classical"


@pytest.mark.parametrize("bad", ["rock", "Jazz", "", 3, None])
def test_check_choice_lists_the_allowed_values(bad: object) -> None:
    with pytest.raises(ParameterError) as info:
        check_choice("style", bad, ("classical", "jazz"))
    assert str(info.value) == f"style must be one of classical, jazz, got {bad!r}"
    assert info.value.field == "style"
