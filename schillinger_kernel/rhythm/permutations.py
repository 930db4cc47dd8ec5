"""Book I: general and circular permutations, permutations of higher order and
homogeneous continuity.

>>> general_permutations("abc")
('abc', 'acb', 'cab', 'bac', 'bca', 'cba')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeVar

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from .value import Rhythm

T = TypeVar("T")

__all__ = [
    "circular_permutations",
    "general_permutations",
    "higher_order",
    "homogeneous_continuity",
    "permutation_count",
    "permutations",
]

# ----- permutations ---------------------------------------------------------------------------
def _items(items: Sequence[T] | str, limit: int = 10, what: str = "permutations"
           ) -> tuple[Any, ...]:
    if isinstance(items, (str | bytes, Sequence)):
        seq = tuple(items)
        if not seq:
            raise ParameterError("items must not be empty")
        if len(seq) > limit:
            raise ParameterError(f"items: at most {limit} elements for {what}, got {len(seq)}")
        return seq
    raise ParameterTypeError(f"items must be a sequence, got {type(items).__name__}")


def _shape(items: Any, perms: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    seen: dict[tuple[Any, ...], None] = dict.fromkeys(perms)
    if isinstance(items, str):
        return tuple("".join(p) for p in seen)
    if isinstance(items, Rhythm):
        return tuple(Rhythm(p) for p in seen)
    return tuple(seen)


def general_permutations(items: Sequence[T] | str) -> tuple[Any, ...]:
    """All arrangements in Schillinger's table order (distinct ones when elements repeat).

    The last element is inserted into each arrangement of the others, from the right end
    leftwards.

    >>> general_permutations((2, 1, 1))
    ((2, 1, 1), (1, 2, 1), (1, 1, 2))
    """
    seq = _items(items)
    perms: list[tuple[Any, ...]] = [(seq[0],)]
    for x in seq[1:]:
        perms = [(*p[:i], x, *p[i:]) for p in perms for i in range(len(p), -1, -1)]
    return _shape(items, perms)


def circular_permutations(items: Sequence[T] | str,
                          direction: str = "clockwise") -> tuple[Any, ...]:
    """Circular permutations: clockwise = successive left rotations; counter-clockwise =
    the tail reversed, then rotated.

    >>> circular_permutations("abc"), circular_permutations("abc", "counterclockwise")
    (('abc', 'bca', 'cab'), ('acb', 'cba', 'bac'))
    """
    seq = _items(items, 1000, "circular permutations")
    if direction not in ("clockwise", "counterclockwise", "counter-clockwise"):
        raise ParameterError(
            f"direction must be 'clockwise' or 'counterclockwise', got {direction!r}")
    if direction != "clockwise":
        seq = (seq[0], *reversed(seq[1:]))
    perms = [seq[i:] + seq[:i] for i in range(len(seq))]
    return _shape(items, perms)


def permutations(items: Sequence[T] | str, circular: bool = False,
                 direction: str = "clockwise") -> tuple[Any, ...]:
    """General (table order) or circular permutations of durations, accents or groups.

    >>> permutations((2, 1, 1), circular=True)
    ((2, 1, 1), (1, 1, 2), (1, 2, 1))
    """
    if circular:
        return circular_permutations(items, direction)
    return general_permutations(items)


def permutation_count(items: Sequence[T] | str, circular: bool = False) -> int:
    """How many distinct permutations a group has, repeated elements counted once (Ch. 9).

    General permutations: n! / (m_1!·m_2!·...), where the m_i count each repeated element
    ("aabc": 4!/2! = 12). Circular permutations: *reading:* the book's circular permutations
    are the rotations of the group (:func:`circular_permutations`, n of them for n distinct
    elements), so the count is the number of distinct rotations: the smallest shift that
    maps the group onto itself ("abab": 2).

    Parameters
    ----------
    items : sequence or str
        The group (durations, accents, letters, whole groups).
    circular : bool
        Count circular instead of general permutations.

    Returns
    -------
    int

    Examples
    --------
    >>> permutation_count("aabc"), permutation_count("abc")
    (12, 6)
    >>> permutation_count("aabc", circular=True)
    4
    >>> permutation_count((2, 1, 2, 1), circular=True)
    2
    """
    seq = _items(items, 10_000, "counting")
    n = len(seq)
    if circular:
        return next(s for s in range(1, n + 1) if n % s == 0 and seq[s:] + seq[:s] == seq)
    counts: dict[Any, int] = {}
    for x in seq:
        counts[x] = counts.get(x, 0) + 1
    total = math.factorial(n)
    for m in counts.values():
        total //= math.factorial(m)
    return total


def _group_of(x: int | Sequence[T]) -> tuple[Any, ...]:
    if isinstance(x, int) and not isinstance(x, bool):
        return (x,)
    if isinstance(x, Sequence) and len(x):
        return tuple(x)
    raise ParameterError(f"a group must be an int or a non-empty sequence, got {x!r}")


def higher_order(a: int | Sequence[T] | str, b: int | Sequence[T] | str,
                 order: int) -> tuple[Any, Any]:
    """Permutations of higher order: a_n = a_(n-1) + b_(n-1), b_n = b_(n-1) + a_(n-1).

    ``+`` joins groups; a_1 = a and b_1 = b. Two strings give strings.

    >>> higher_order((2, 1), (1, 2), 3)
    ((2, 1, 1, 2, 1, 2, 2, 1), (1, 2, 2, 1, 2, 1, 1, 2))
    >>> higher_order("a", "b", 3)
    ('abba', 'baab')
    """
    x, y = _group_of(a), _group_of(b)
    check_int("order", order, 1, 16)
    for _ in range(order - 1):
        x, y = x + y, y + x
    if isinstance(a, str) and isinstance(b, str):
        return "".join(x), "".join(y)
    return x, y


def homogeneous_continuity(elements: Sequence[T] | str) -> tuple[Any, ...]:
    """k parts from k elements: part p plays the circular rotations p, p+1, ... in turn.

    A string gives strings.

    >>> homogeneous_continuity((2, 1, 1))
    ((2, 1, 1, 1, 1, 2, 1, 2, 1), (1, 1, 2, 1, 2, 1, 2, 1, 1), (1, 2, 1, 2, 1, 1, 1, 1, 2))
    >>> homogeneous_continuity("abc")
    ('abcbcacab', 'bcacababc', 'cababcbca')
    """
    seq = _items(elements, 100, "homogeneous continuity")
    k = len(seq)
    rotations = [seq[i:] + seq[:i] for i in range(k)]
    parts = tuple(sum((rotations[(p + j) % k] for j in range(k)), ()) for p in range(k))
    if isinstance(elements, str):
        return tuple("".join(part) for part in parts)
    return parts

