"""Book I: the theory of rhythm (SSMC Book I), as pure functions returning :class:`Rhythm`.

Durations are positive ints in a unit *t*; negative durations are rests. Interference
periods are the **product** of the generators, as in the book (``period="lcm"`` is an option).

>>> interference(3, 2)
Rhythm((2, 1, 1, 2))
>>> interference(3, 2).attacks, interference(3, 2).period, interference(3, 2).grid
((0, 2, 3, 4), 6, '101110')
>>> fractioning(3, 2)
Rhythm((2, 1, 1, 1, 1, 1, 2))
>>> from schillinger_kernel.rhythm import general_permutations, power
>>> power((2, 1), 2)
Rhythm((4, 2, 2, 1))
>>> general_permutations("abc")
('abc', 'acb', 'cab', 'bac', 'bca', 'cba')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:  # pragma: no cover
    from .score import Score

MAX_GENERATOR = 1000
MAX_PERIOD = 1_000_000

T = TypeVar("T")


def _check_int(name: str, value: object, low: int = 1, high: int = MAX_GENERATOR) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in {low}..{high}, got {value}")
    return value


def _check_generators(generators: Sequence[int], lo: int = 2, hi: int = 4) -> tuple[int, ...]:
    gens = tuple(generators)
    if not lo <= len(gens) <= hi:
        raise ValueError(f"generators: need {lo} to {hi} generators, got {len(gens)}")
    for g in gens:
        _check_int("generator", g)
    return gens


def _check_period(period: int) -> int:
    if period > MAX_PERIOD:
        raise ValueError(f"period {period} is too large (at most {MAX_PERIOD} units); "
                         "use smaller generators")
    return period


class Rhythm(Sequence[int]):
    """An immutable sequence of durations (ints; negative = rest) with Book I helpers.

    A Rhythm compares equal to a tuple of the same durations. ``generators`` and ``accents``
    are metadata from the technique that made it (used by the graph and by ``to_score``).

    >>> r = Rhythm((2, 1, 1, 2))
    >>> r == (2, 1, 1, 2), r.period, r.retrograde(), r.augment(2)
    (True, 6, Rhythm((2, 1, 1, 2)), Rhythm((4, 2, 2, 4)))
    """

    __slots__ = ("_accents", "_durations", "_generators")

    def __init__(self, durations: Sequence[int], generators: Sequence[int] = (),
                 accents: Sequence[int] = ()) -> None:
        if isinstance(durations, str | bytes) or not isinstance(durations, Sequence):
            raise TypeError(f"durations must be a sequence of ints, got {type(durations).__name__}")
        durs = tuple(durations)
        if not durs:
            raise ValueError("durations must not be empty")
        for d in durs:
            if isinstance(d, bool) or not isinstance(d, int):
                raise TypeError(f"durations must be ints, got {type(d).__name__} {d!r}")
            if d == 0:
                raise ValueError("durations must be non-zero (negative durations are rests)")
        self._durations: tuple[int, ...] = durs
        self._generators: tuple[int, ...] = tuple(generators)
        self._accents: tuple[int, ...] = tuple(accents)

    # ----- sequence protocol --------------------------------------------------------------
    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[int, ...]: ...
    def __getitem__(self, i: int | slice) -> int | tuple[int, ...]:
        return self._durations[i]

    def __len__(self) -> int:
        return len(self._durations)

    def __iter__(self) -> Iterator[int]:
        return iter(self._durations)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rhythm):
            return self._durations == other._durations
        if isinstance(other, tuple | list):
            return self._durations == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._durations)

    def __add__(self, other: Sequence[int]) -> Rhythm:
        return Rhythm(self._durations + tuple(other))

    def __repr__(self) -> str:
        return f"Rhythm({self._durations!r})"

    # ----- views ----------------------------------------------------------------------------
    @property
    def durations(self) -> tuple[int, ...]:
        """The durations as a plain tuple."""
        return self._durations

    @property
    def generators(self) -> tuple[int, ...]:
        """Generators of the interference that produced this rhythm (empty if none)."""
        return self._generators

    @property
    def accents(self) -> tuple[int, ...]:
        """Onsets (in units) where two or more generators coincide."""
        return self._accents

    @property
    def period(self) -> int:
        """Total length in units (rests included)."""
        return sum(abs(d) for d in self._durations)

    @property
    def onsets(self) -> tuple[int, ...]:
        """Start of every duration, rests included."""
        out, t = [], 0
        for d in self._durations:
            out.append(t)
            t += abs(d)
        return tuple(out)

    @property
    def attacks(self) -> tuple[int, ...]:
        """Onsets of the sounding durations (rests excluded)."""
        return tuple(t for t, d in zip(self.onsets, self._durations, strict=True) if d > 0)

    @property
    def grid(self) -> str:
        """Binary grid: ``1`` on each attack unit, ``0`` elsewhere: ``(2, 1, 1, 2) -> '101110'``."""
        cells = ["0"] * self.period
        for a in self.attacks:
            cells[a] = "1"
        return "".join(cells)

    # ----- variations -----------------------------------------------------------------------
    def retrograde(self) -> Rhythm:
        """The durations backwards."""
        return retrograde(self)

    def augment(self, k: int) -> Rhythm:
        """Every duration multiplied by ``k``."""
        return augment(self, k)

    def diminish(self, k: int) -> Rhythm:
        """Every duration divided by ``k`` (exact division only)."""
        return diminish(self, k)

    def invert(self) -> Rhythm:
        """Durations reflected about their range (see :func:`invert`)."""
        return invert(self)

    def group(self, bar: int) -> tuple[tuple[int, ...], ...]:
        """The rhythm barred in ``bar`` units (see :func:`group`)."""
        return group(self, bar)

    def to_score(self, pitch: int | str | Sequence[int | str] = 60, *, unit: int = 240,
                 tempo: float = 120.0, velocity: int = 90, accent_velocity: int = 120,
                 instrument: str = "piano", time_signature: tuple[int, int] = (4, 4),
                 repeat: int = 1, key: str = "C major", title: str | None = None) -> Score:
        """A one-part Score: the rhythm ``repeat`` times, one unit = ``unit`` ticks (eighths).

        >>> s = interference(3, 2).to_score()
        >>> [(n.start, n.duration) for n in s.parts[0].notes]
        [(0, 480), (480, 240), (720, 240), (960, 480)]
        """
        from .score import Score

        _check_int("repeat", repeat, 1, 10_000)
        accents = tuple(a + k * self.period for k in range(repeat) for a in self._accents)
        name = title or (
            "r" + "÷".join(map(str, self._generators)) if self._generators else "Rhythm")
        return Score.from_durations(
            self._durations * repeat, pitch, unit=unit, velocity=velocity,
            accents=accents, accent_velocity=accent_velocity, instrument=instrument,
            part_name=name, tempo=tempo, time_signature=time_signature, key=key, title=name)

    def _repr_svg_(self) -> str | None:
        from .graph import rhythm_svg

        try:
            return rhythm_svg(self, self._generators or None)
        except ValueError:  # too long to draw: the text repr stands in
            return None


def _as_rhythm(r: Sequence[int]) -> Rhythm:
    return r if isinstance(r, Rhythm) else Rhythm(tuple(r))


def from_attacks(attacks: Sequence[int], period: int, generators: Sequence[int] = (),
                 accents: Sequence[int] = ()) -> Rhythm:
    """The rhythm whose durations are the gaps between ``attacks``, closing at ``period``.

    >>> from_attacks((0, 2, 3, 4), 6)
    Rhythm((2, 1, 1, 2))
    """
    pts = sorted(set(attacks))
    if not pts or pts[0] != 0 or pts[-1] >= period:
        raise ValueError("attacks must start at 0 and lie inside the period")
    durs = tuple(b - a for a, b in zip(pts, [*pts[1:], period], strict=True))
    return Rhythm(durs, generators, accents)


# ----- interference ---------------------------------------------------------------------------
def _period_of(gens: Sequence[int], period: str | int) -> int:
    if period == "product":
        return _check_period(math.prod(gens))
    if period == "lcm":
        return _check_period(math.lcm(*gens))
    if isinstance(period, int) and not isinstance(period, bool) and period >= 1:
        return _check_period(period)
    raise ValueError(f"period must be 'product', 'lcm' or a positive int, got {period!r}")


def interference(*generators: int, period: str | int = "product") -> Rhythm:
    """Resultant of the interference of 2 to 4 generators (a÷b, a÷b÷c).

    Attacks of each generator g fall at 0, g, 2g, ... inside the period (the product of the
    generators by default, as in the book; ``"lcm"`` or an explicit int otherwise). Accents
    mark where two or more generators coincide.

    >>> interference(4, 3)
    Rhythm((3, 1, 2, 2, 1, 3))
    >>> interference(6, 4)
    Rhythm((4, 2, 2, 4, 4, 2, 2, 4))
    >>> interference(6, 4, period="lcm")
    Rhythm((4, 2, 2, 4))
    >>> interference(3, 2).accents
    (0,)
    """
    gens = _check_generators(generators)
    return _resultant(gens, _period_of(gens, period))


def _resultant(gens: tuple[int, ...], p: int) -> Rhythm:
    counts: dict[int, int] = {}
    for g in gens:
        for t in range(0, p, g):
            counts[t] = counts.get(t, 0) + 1
    accents = tuple(sorted(t for t, c in counts.items() if c > 1))
    return from_attacks(tuple(counts), p, gens, accents)


def canonical_pairs() -> tuple[tuple[int, int], ...]:
    """The book's 19 two-generator interferences a÷b, in the book's order.

    >>> len(canonical_pairs()), canonical_pairs()[:3]
    (19, ((3, 2), (4, 3), (5, 2)))
    """
    return ((3, 2), (4, 3), (5, 2), (5, 3), (5, 4), (6, 5), (7, 2), (7, 3), (7, 4), (7, 5),
            (7, 6), (8, 3), (8, 5), (8, 7), (9, 2), (9, 4), (9, 5), (9, 7), (9, 8))


def group(rhythm: Sequence[int], bar: int) -> tuple[tuple[int, ...], ...]:
    """Bar a rhythm every ``bar`` units; a duration crossing a bar line is split (tied).

    >>> group(interference(3, 2), 3)
    ((2, 1), (1, 2))
    >>> group(interference(3, 2), 2)
    ((2,), (1, 1), (2,))
    """
    r = _as_rhythm(rhythm)
    _check_int("bar", bar, 1, MAX_PERIOD)
    bars: list[tuple[int, ...]] = []
    cur: list[int] = []
    room = bar
    for d in r:
        sign, left = (1 if d > 0 else -1), abs(d)
        while left:
            take = min(left, room)
            cur.append(sign * take)
            left -= take
            room -= take
            if room == 0:
                bars.append(tuple(cur))
                cur, room = [], bar
    if cur:
        bars.append(tuple(cur))
    return tuple(bars)


# ----- fractioning and pairs of groups ------------------------------------------------------
def _check_major_minor(a: int, b: int) -> None:
    _check_int("a", a)
    _check_int("b", b)
    if a <= b:
        raise ValueError(
            f"this technique needs a > b (the major generator first), got a={a}, b={b}")
    _check_period(a * a * 2)


def fractioning(a: int, b: int) -> Rhythm:
    """Fractioning a÷b: period a²; b restarts at each of the first a-b+1 attacks of a.

    >>> fractioning(4, 3)
    Rhythm((3, 1, 2, 1, 1, 1, 1, 2, 1, 3))
    """
    _check_major_minor(a, b)
    major = [k * a for k in range(a)]
    minor = [k * a + j * b for k in range(a - b + 1) for j in range(a)]
    counts: dict[int, int] = {}
    for t in major + sorted(set(minor)):
        counts[t] = counts.get(t, 0) + 1
    accents = tuple(sorted(t for t, c in counts.items() if c > 1))
    return from_attacks(tuple(counts), a * a, (a, b), accents)


def expansion(a: int, b: int) -> Rhythm:
    """Interference a÷b followed by fractioning a÷b.

    >>> expansion(3, 2)
    Rhythm((2, 1, 1, 2, 2, 1, 1, 1, 1, 1, 2))
    """
    _check_major_minor(a, b)
    return Rhythm(interference(a, b).durations + fractioning(a, b).durations, (a, b))


def contraction(a: int, b: int) -> Rhythm:
    """Fractioning a÷b followed by interference a÷b.

    >>> contraction(3, 2)
    Rhythm((2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2))
    """
    _check_major_minor(a, b)
    return Rhythm(fractioning(a, b).durations + interference(a, b).durations, (a, b))


def balance(a: int, b: int) -> Rhythm:
    """Fractioning, then interference m = a // b times, then a sustained a² - m·a·b.

    A balance always lasts 2a².

    >>> balance(3, 2)
    Rhythm((2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 3))
    >>> balance(5, 2).period == 2 * 25
    True
    """
    _check_major_minor(a, b)
    m = a // b
    tail = a * a - m * a * b
    durs = fractioning(a, b).durations + interference(a, b).durations * m
    return Rhythm(durs + ((tail,) if tail else ()), (a, b))


# ----- three generators -----------------------------------------------------------------------
def complementary_factors(*generators: int) -> tuple[int, ...]:
    """Product of the generators divided by each generator.

    >>> complementary_factors(2, 3, 5)
    (15, 10, 6)
    """
    gens = _check_generators(generators)
    p = _check_period(math.prod(gens))
    return tuple(p // g for g in gens)


def countertheme(*generators: int) -> Rhythm:
    """Interference of the complementary factors over the product of the generators.

    >>> countertheme(2, 3, 5)
    Rhythm((6, 4, 2, 3, 3, 2, 4, 6))
    >>> countertheme(20, 30, 40).period   # factors above MAX_GENERATOR are fine
    24000
    """
    factors = complementary_factors(*generators)
    return _resultant(factors, math.prod(generators))


def summation_triples() -> tuple[tuple[int, int, int], ...]:
    """Practical triples a÷b÷c from the summation series: 2÷3÷5, 3÷5÷8, 3÷4÷7, 4÷5÷9."""
    return ((2, 3, 5), (3, 5, 8), (3, 4, 7), (4, 5, 9))


# ----- variations named by the seed ------------------------------------------------------------
def augment(rhythm: Sequence[int], k: int) -> Rhythm:
    """Every duration multiplied by ``k``.

    >>> augment((2, 1), 3)
    Rhythm((6, 3))
    """
    r = _as_rhythm(rhythm)
    _check_int("k", k, 1, MAX_GENERATOR)
    return Rhythm(tuple(d * k for d in r), r.generators, tuple(a * k for a in r.accents))


def diminish(rhythm: Sequence[int], k: int) -> Rhythm:
    """Every duration divided by ``k``; refuses when a duration is not a multiple of ``k``.

    >>> diminish((4, 2), 2)
    Rhythm((2, 1))
    """
    r = _as_rhythm(rhythm)
    _check_int("k", k, 1, MAX_GENERATOR)
    bad = [d for d in r if d % k]
    if bad:
        raise ValueError(f"diminish by {k}: durations {bad} are not multiples of {k}")
    return Rhythm(tuple(d // k for d in r), r.generators, tuple(a // k for a in r.accents))


def retrograde(rhythm: Sequence[int]) -> Rhythm:
    """The durations backwards (accents mirrored).

    >>> retrograde((3, 1, 2))
    Rhythm((2, 1, 3))
    """
    r = _as_rhythm(rhythm)
    rev = r.durations[::-1]
    # An accent on an attack moves to where that attack's duration now starts.
    ends = {t: t + abs(d) for t, d in zip(r.onsets, r.durations, strict=True)}
    accents = tuple(sorted(r.period - ends[a] for a in r.accents if a in ends))
    return Rhythm(rev, r.generators, accents)


def invert(rhythm: Sequence[int]) -> Rhythm:
    """Each duration d becomes max + min - d (a reflection about the range; rests keep sign).

    >>> invert((3, 1, 2))
    Rhythm((1, 3, 2))
    """
    r = _as_rhythm(rhythm)
    mags = [abs(d) for d in r]
    hi, lo = max(mags), min(mags)
    return Rhythm(tuple((hi + lo - abs(d)) * (1 if d > 0 else -1) for d in r))


# ----- the technique registry: one name -> one function, shared by server and widgets --------
def _perm_technique(generators: Sequence[int], direction: str = "clockwise") -> Rhythm:
    from .rhythm_groups import circular_permutations

    base = interference(*generators)
    perms = circular_permutations(base.durations, direction)
    return Rhythm(sum(perms, ()), base.generators)


def _power_technique(generators: Sequence[int], n: int = 2) -> Rhythm:
    from .rhythm_groups import power

    return power(tuple(generators), n)


def _pair(f: Callable[[int, int], Rhythm]) -> Callable[..., Rhythm]:
    def run(generators: Sequence[int]) -> Rhythm:
        gens = tuple(generators)
        if len(gens) != 2:
            raise ValueError(f"{f.__name__} takes two generators [a, b], got {list(gens)}")
        return f(*gens)

    run.__name__ = f.__name__
    run.__doc__ = f.__doc__
    return run


TECHNIQUES: dict[str, Callable[..., Rhythm]] = {
    "interference": lambda generators, period="product": interference(*generators,
                                                                      period=period),
    "fractioning": _pair(fractioning),
    "expansion": _pair(expansion),
    "contraction": _pair(contraction),
    "balance": _pair(balance),
    "countertheme": lambda generators: countertheme(*generators),
    "power": _power_technique,
    "permutations": _perm_technique,
}
"""Technique name -> ``f(generators, **options) -> Rhythm``: the one entry point the REST API,
the WebSocket, OSC and the widgets share.

>>> TECHNIQUES["interference"]([5, 3]) == interference(5, 3)
True
"""


def technique(name: str, generators: Sequence[int], **options: Any) -> Rhythm:
    """Run a Book I technique by name (see :data:`TECHNIQUES`).

    >>> technique("fractioning", [3, 2])
    Rhythm((2, 1, 1, 1, 1, 1, 2))
    """
    if name not in TECHNIQUES:
        raise ValueError(f"technique must be one of {', '.join(TECHNIQUES)}, got {name!r}")
    if isinstance(generators, str) or not isinstance(generators, Sequence):
        raise TypeError(f"generators must be a list of ints, got {type(generators).__name__}")
    try:
        return TECHNIQUES[name](list(generators), **options)
    except TypeError as exc:
        if "unexpected keyword" in str(exc):
            raise ValueError(f"technique {name!r}: {exc}") from None
        raise


if TYPE_CHECKING:  # pragma: no cover
    from .rhythm_groups import (
        Coordination,
        accelerate,
        circular_permutations,
        converse_sync,
        coordinate,
        distribute,
        distribution_closure,
        general_permutations,
        higher_order,
        homogeneous_continuity,
        permutations,
        power,
        rubato,
        series,
        synchronize,
        synchronize_power,
    )
    from .rhythm_patterns import (
        Polyrhythm,
        generate_pattern,
        generate_polyrhythm,
        generate_variations,
    )

# Book I continues in rhythm_groups (split for size) and the seed API in rhythm_patterns;
# both build on this module, so their names load on first use (no import cycle).
_LATER: dict[str, str] = {
    "Coordination": "rhythm_groups",
    "accelerate": "rhythm_groups",
    "circular_permutations": "rhythm_groups",
    "converse_sync": "rhythm_groups",
    "coordinate": "rhythm_groups",
    "distribute": "rhythm_groups",
    "distribution_closure": "rhythm_groups",
    "general_permutations": "rhythm_groups",
    "higher_order": "rhythm_groups",
    "homogeneous_continuity": "rhythm_groups",
    "permutations": "rhythm_groups",
    "power": "rhythm_groups",
    "rubato": "rhythm_groups",
    "series": "rhythm_groups",
    "synchronize": "rhythm_groups",
    "synchronize_power": "rhythm_groups",
    "Polyrhythm": "rhythm_patterns",
    "generate_pattern": "rhythm_patterns",
    "generate_polyrhythm": "rhythm_patterns",
    "generate_variations": "rhythm_patterns",
}


def __getattr__(name: str) -> Any:
    if name in _LATER:
        import importlib

        value = getattr(importlib.import_module(f".{_LATER[name]}", __package__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LATER))


__all__ = [
    "MAX_GENERATOR", "MAX_PERIOD", "TECHNIQUES", "Coordination", "Polyrhythm", "Rhythm",
    "accelerate", "augment", "balance", "canonical_pairs", "circular_permutations",
    "complementary_factors", "contraction", "converse_sync", "coordinate", "countertheme",
    "diminish", "distribute", "distribution_closure", "expansion", "fractioning",
    "from_attacks", "general_permutations", "generate_pattern", "generate_polyrhythm",
    "generate_variations", "group", "higher_order", "homogeneous_continuity", "interference",
    "invert", "permutations", "power", "retrograde", "rubato", "series", "summation_triples",
    "synchronize", "synchronize_power", "technique",
]
