"""Argument checks shared by every layer: one place that says what was wrong and what is allowed.

Each check returns the value it accepted (so it reads inline) and raises the taxonomy's
:class:`~schillinger_kernel.errors.ParameterTypeError` (a ``TypeError``) for a wrong type or
:class:`~schillinger_kernel.errors.ParameterError` (a ``ValueError``) for a value out of range,
with ``field`` set to the argument's name so every door reports it without parsing text.

>>> check_int("repeat", 3, 1, 10)
3
>>> check_int("repeat", 0, 1, 10)
Traceback (most recent call last):
...
schillinger_kernel.errors.ParameterError: repeat must be in 1..10, got 0
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .errors import ParameterError, ParameterTypeError

__all__ = ["check_choice", "check_float", "check_int", "check_int_sequence"]


def check_int(name: str, value: object, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int within ``low..high`` (either bound may be open: ``None``).

    >>> check_int("count", 4, 1)
    4
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterTypeError(
            f"{name} must be an int, got {type(value).__name__} {value!r}", field=name)
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            allowed = f"in {low}..{high}"
        else:
            allowed = f">= {low}" if low is not None else f"<= {high}"
        raise ParameterError(f"{name} must be {allowed}, got {value}", field=name)
    return value


def check_float(name: str, value: object, low: float, high: float,
                low_open: bool = False) -> float:
    """``value`` as a finite float in ``low..high`` (``(low..high]`` with ``low_open``).

    >>> check_float("tempo", 120, 0.0, 1000.0, low_open=True)
    120.0
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterTypeError(
            f"{name} must be a number, got {type(value).__name__} {value!r}", field=name)
    v = float(value)
    if math.isnan(v) or v > high or v < low or (low_open and v == low):
        op = ">" if low_open else ">="
        raise ParameterError(f"{name} must be {op} {low} and <= {high}, got {value!r}",
                             field=name)
    return v


def check_int_sequence(name: str, values: object, low: int | None = None,
                       high: int | None = None, *, min_len: int = 0,
                       max_len: int | None = None) -> tuple[int, ...]:
    """``values`` as a tuple of ints, each within ``low..high``, of ``min_len..max_len`` items.

    >>> check_int_sequence("generators", [3, 2], 1, 1000, min_len=2, max_len=4)
    (3, 2)
    """
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ParameterTypeError(
            f"{name} must be a list of ints, got {type(values).__name__}", field=name)
    if len(values) < min_len or (max_len is not None and len(values) > max_len):
        want = f"{min_len}..{max_len}" if max_len is not None else f"at least {min_len}"
        raise ParameterError(f"{name}: need {want} values, got {len(values)}", field=name)
    return tuple(check_int(name, v, low, high) for v in values)


def check_choice(name: str, value: object, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed`` (strings), else an error listing them.

    >>> check_choice("style", "jazz", ("classical", "jazz"))
    'jazz'
    """
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(f"{name} must be one of {', '.join(allowed)}, got {value!r}",
                             field=name)
    return value
