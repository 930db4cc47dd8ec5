"""Book IV's axis terms: ``a2T``, ``2a2T``, ``bT3P`` parsed into :class:`AxisTerm` values.

>>> parse_terms("a2T + bT")
(AxisTerm(axis='a', time=Fraction(2, 1), pitch=1), AxisTerm(axis='b', time=Fraction(1, 1), pitch=1))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import ParameterError, ParameterTypeError

__all__ = ["AXES", "AxisTerm", "parse_terms"]


AXES = ("0", "a", "b", "c", "d")

_COEFS = r"((?:\s*(?:\d+(?:/\d+)?)?\s*[TtPp])*)\s*$"
_BOOK_RE = re.compile(r"^()([0abcd])" + _COEFS)
_SHORT_RE = re.compile(r"^(\d+)\s*\*?\s*([0abcd])" + _COEFS)
_COEF_RE = re.compile(r"\s*(\d+(?:/\d+)?)?\s*([TtPp])")


@dataclass(frozen=True)
class AxisTerm:
    """One secondary axis with its time coefficient (in T) and pitch coefficient (steps)."""

    axis: str
    time: Fraction = Fraction(1)
    pitch: int = 1

    def __post_init__(self) -> None:
        if self.axis not in AXES:
            raise ParameterError(f"terms: axis must be one of {', '.join(AXES)}, got {self.axis!r}")
        t = Fraction(self.time)
        if t <= 0:
            raise ParameterError(f"terms: time coefficient must be > 0, got {self.time!r}")
        object.__setattr__(self, "time", t)
        if isinstance(self.pitch, bool) or not isinstance(self.pitch, int) or self.pitch < 0:
            raise ParameterError(
                f"terms: pitch coefficient must be an int >= 0, got {self.pitch!r}")

    def __str__(self) -> str:
        """The book's notation: axis, time coefficient with T, pitch coefficient with P."""
        p = "" if self.pitch == 1 else f"{self.pitch}P"
        t = "" if self.time == 1 else str(self.time)
        return f"{self.axis}{t}T{p}"


def _parse_one(text: str) -> AxisTerm:
    # the book's form first: in "00P" the leading 0 is the axis; where that reading is not a
    # valid term ("00T" would be a zero time) the short form (pitch coefficient first) is
    # tried, so "00T" is the 0 axis with pitch coefficient 0
    book = _BOOK_RE.match(text)
    short = _SHORT_RE.match(text)
    if not book and not short:
        raise ParameterError(
            f"terms: cannot read {text!r}; write axis[time]T[pitch]P (the book's 'a2T2P') or "
            f"[pitch]axis[time]T ('2a2T'), with axis 0, a, b, c or d", field="terms")
    if book and short:
        try:
            return _term_of(text, book)
        except ValueError:
            return _term_of(text, short)
    return _term_of(text, book or short)  # type: ignore[arg-type]


def _term_of(text: str, m: re.Match[str]) -> AxisTerm:
    coefs: dict[str, Fraction] = {}
    for num, letter in _COEF_RE.findall(m.group(3)):
        which = letter.upper()
        if which in coefs:
            raise ParameterError(f"terms: {text!r} gives the {which} coefficient twice",
                                 field="terms")
        coefs[which] = Fraction(num) if num else Fraction(1)
    if "P" in coefs and m.group(1):
        raise ParameterError(f"terms: {text!r} gives the pitch coefficient twice (leading "
                             f"number and P); use one", field="terms")
    pitch = Fraction(m.group(1)) if m.group(1) else coefs.get("P", Fraction(1))
    if pitch.denominator != 1:
        raise ParameterError(f"terms: the pitch coefficient of {text!r} must be a whole number "
                             f"of scale steps, got {pitch}", field="terms")
    return AxisTerm(m.group(2), coefs.get("T", Fraction(1)), int(pitch))


def parse_terms(terms: str | Sequence[Any]) -> tuple[AxisTerm, ...]:
    """Terms from text (``"a2T2P + bT + 2c + d"``) or a list of AxisTerm / (axis, time[, pitch]).

    Book IV (secondary axes; SCHILLINGER.md names no chapter) writes a term as the axis
    followed by its time coefficient with T and its pitch coefficient with P: ``a2T2P``
    rises for two T with two scale steps per attack. That form is read here in either
    order (``a2P2T``); the shorter ``2a2T`` (pitch coefficient first) is accepted too. A
    missing coefficient is 1. Where a text reads both ways ("00T": the 0 axis with a zero
    time, or pitch coefficient 0 on the 0 axis) the book's form wins when it is a valid
    term, else the short one.

    Parameters
    ----------
    terms : str or sequence
        Terms joined by ``+``, or a sequence of :class:`AxisTerm`, strings or
        ``(axis, time[, pitch])`` tuples.

    Returns
    -------
    tuple of AxisTerm

    Examples
    --------
    >>> [str(t) for t in parse_terms("2a3T + 0 + d")]
    ['a3T2P', '0T', 'dT']
    >>> [(t.axis, str(t.time), t.pitch) for t in parse_terms("a2T2P + b1/2T")]
    [('a', '2', 2), ('b', '1/2', 1)]
    """
    out: list[AxisTerm] = []
    if isinstance(terms, str):
        pieces = [p.strip() for p in terms.split("+")]
        if not terms.strip() or any(not p for p in pieces):
            raise ParameterError(f"terms must look like 'a2T + bT', got {terms!r}")
        for p in pieces:
            out.append(_parse_one(p))
    elif isinstance(terms, Sequence):
        for t in terms:
            if isinstance(t, AxisTerm):
                out.append(t)
            elif isinstance(t, str):
                out.extend(parse_terms(t))
            elif isinstance(t, Sequence) and 1 <= len(t) <= 3:
                out.append(AxisTerm(str(t[0]), Fraction(t[1]) if len(t) > 1 else Fraction(1),
                                    int(t[2]) if len(t) > 2 else 1))
            else:
                raise ParameterError(f"terms: cannot read {t!r}")
    else:
        raise ParameterTypeError(f"terms must be a str or a sequence, got {type(terms).__name__}")
    if not out:
        raise ParameterError("terms must not be empty")
    return tuple(out)

