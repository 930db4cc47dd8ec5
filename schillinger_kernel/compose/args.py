"""Arguments of the composition API, read one documented way: numbers, keys, meters, seeds
and rhythmic themes.

A theme is a :class:`~schillinger_kernel.rhythm.Rhythm`, or the book's notation as text, or
a pair (2 to 4 ints) of generators; it is never guessed from how many numbers a tuple holds:

>>> theme_rhythm("r3÷2")
(Rhythm((2, 1, 1, 2)), (3, 2))
>>> theme_rhythm("2+1+1+2")
(Rhythm((2, 1, 1, 2)), None)
>>> theme_rhythm((5, 3, 2))[1]
(5, 3, 2)
>>> meter_beats("6/8")
(6, 8, (3, 3))
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from ..checks import check_choice, check_float, check_int
from ..errors import ParameterError
from ..pitch import parse_key
from ..rhythm import Rhythm, interference
from ..scales import key_scale

__all__ = [
    "METERS",
    "THEME_FORMS",
    "choice",
    "count",
    "key_name",
    "meter_beats",
    "number",
    "seed_of",
    "theme_rhythm",
]

# The meters offered, each as its beats in eighths (compound meters beat in dotted quarters,
# 7/8 as 2+2+3).
METERS: dict[str, tuple[int, ...]] = {
    "2/4": (2, 2), "3/4": (2, 2, 2), "4/4": (2, 2, 2, 2), "5/4": (2, 2, 2, 2, 2),
    "6/8": (3, 3), "7/8": (2, 2, 3), "9/8": (3, 3, 3), "12/8": (3, 3, 3, 3),
    "2/2": (4, 4), "3/8": (3,),
}
THEME_FORMS = ("a Rhythm value such as Rhythm((2, 1, 1, 2))",
               "durations as text '2+1+1+2' (a negative term is a rest: '2+-1+1')",
               "generators as text 'r3÷2', '3÷2', '3:2' or 'r5÷3÷2'",
               "generators as 2 to 4 ints, (3, 2) or [5, 3, 2]")
_MAX_UNITS = 512


def number(name: str, value: object, low: float, high: float) -> float:
    """``value`` as a float in ``low..high``.

    >>> number("tempo", 96, 20.0, 400.0)
    96.0
    """
    return check_float(name, value, low, high)


def count(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in ``low..high``.

    >>> count("duration", 16, 1, 512)
    16
    """
    return check_int(name, value, low, high)


def key_name(key: object) -> str:
    """A key name, ``"D"`` read as ``"D major"``.

    >>> key_name("D"), key_name("F# minor")
    ('D major', 'F# minor')
    """
    if not isinstance(key, str):
        raise ParameterError(f"key must be a name like 'C major' or 'A minor', got {key!r}")
    try:
        parse_key(key)
        key_scale(key)
    except ValueError as exc:
        raise ParameterError(f"key: {exc}") from None
    return key.strip() if len(key.split()) > 1 or key.strip().endswith("m") else f"{key} major"


def choice(name: str, value: object, allowed: Sequence[str]) -> str:
    """``value`` (any case) as one of ``allowed``.

    >>> choice("style", "Jazz", ("classical", "jazz"))
    'jazz'
    """
    text = value.strip().lower() if isinstance(value, str) else value
    return check_choice(name, text, allowed)


def meter_beats(meter: object) -> tuple[int, int, tuple[int, ...]]:
    """``"6/8"`` or ``(6, 8)`` -> (numerator, denominator, beats in eighths).

    >>> meter_beats((7, 8))
    (7, 8, (2, 2, 3))
    """
    text = f"{meter[0]}/{meter[1]}" if isinstance(meter, tuple) and len(meter) == 2 else meter
    if not isinstance(text, str) or text.replace(" ", "") not in METERS:
        raise ParameterError(f"meter must be one of {', '.join(METERS)}, got {meter!r}")
    text = text.replace(" ", "")
    num, den = (int(x) for x in text.split("/"))
    return num, den, METERS[text]


def seed_of(seed: object) -> int:
    """``seed``, or a random one for ``None``.

    >>> seed_of(7)
    7
    """
    if seed is None:
        return random.randrange(2**31)
    return check_int("seed", seed)


def _refuse(theme: object, why: str) -> ParameterError:
    return ParameterError(f"themes: {why}, got {theme!r}; a theme is one of: "
                          + "; ".join(THEME_FORMS))


def _generators(theme: object, gens: Sequence[int]) -> tuple[Rhythm, tuple[int, ...]]:
    if not 2 <= len(gens) <= 4:
        raise _refuse(theme, "generators are 2 to 4 ints")
    if any(g < 1 or g > 64 for g in gens) or len(set(gens)) != len(gens):
        raise _refuse(theme, "generators are different ints in 1..64")
    ordered = tuple(sorted(gens, reverse=True))
    return interference(*ordered), ordered


def _durations(theme: object, terms: Sequence[int]) -> Rhythm:
    if any(d == 0 for d in terms) or all(d < 0 for d in terms) or \
            sum(map(abs, terms)) > _MAX_UNITS:
        raise _refuse(theme, f"durations are non-zero ints with at least one note, at most "
                             f"{_MAX_UNITS} units in all")
    return Rhythm(tuple(terms))


def theme_rhythm(theme: Any) -> tuple[Rhythm, tuple[int, ...] | None]:
    """A theme as (rhythm, its generators or None).

    Read one way only (:data:`THEME_FORMS`): a ``Rhythm`` is taken as it is (with its
    generators when it has them); text with ``÷`` or ``:`` (``"r3÷2"``, ``"3:2"``,
    ``"r5÷3÷2"``) names generators, text with ``+`` (``"2+1+1+2"``) spells durations; a tuple
    or list of ints is always generators, whatever its length, so ``(2, 1)`` is r2÷1 and
    ``(2, 1, 1, 2)`` is refused (repeated generators) with the forms that are allowed.

    >>> theme_rhythm((3, 2))
    (Rhythm((2, 1, 1, 2)), (3, 2))
    >>> theme_rhythm("3:2") == theme_rhythm((2, 3))
    True
    >>> theme_rhythm(Rhythm((3, 1, 2)))[0].durations
    (3, 1, 2)
    """
    if isinstance(theme, Rhythm):
        gens = tuple(theme.generators)
        return theme, gens if 2 <= len(gens) <= 4 else None
    if isinstance(theme, str):
        text = theme.strip().replace(" ", "")
        if re.fullmatch(r"r?\d+([÷:]\d+){1,3}", text):
            return _generators(theme, [int(x) for x in re.split("[÷:]", text.lstrip("r"))])
        if re.fullmatch(r"-?\d+(\+-?\d+)*", text):
            return _durations(theme, [int(x) for x in text.split("+")]), None
        raise _refuse(theme, "cannot read this text")
    if isinstance(theme, Sequence) and all(
            isinstance(d, int) and not isinstance(d, bool) for d in theme):
        return _generators(theme, list(theme))
    raise _refuse(theme, "not a rhythm, notation text or generators")
