"""The :class:`Rhythm` value of Book I and the operations that belong to it.

A Rhythm is an immutable sequence of durations (positive ints in a unit *t*; negative
durations are rests). Everything else in :mod:`schillinger_kernel.rhythm` builds on this
module; it imports nothing from its siblings.

>>> Rhythm((2, 1, 1, 2)).attacks
(0, 2, 3, 4)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, overload

from ..checks import check_int
from ..errors import ParameterError, ParameterTypeError
from .graph import rhythm_svg

if TYPE_CHECKING:  # pragma: no cover
    from ..score import Score

__all__ = [
    "MAX_GENERATOR", "MAX_PERIOD", "Rhythm", "as_rhythm", "augment", "check_generators",
    "check_period", "diminish", "from_attacks", "group", "invert", "retrograde",
]

MAX_GENERATOR = 1000
MAX_PERIOD = 1_000_000


def check_generators(generators: Sequence[int], lo: int = 2, hi: int = 4) -> tuple[int, ...]:
    """The generators as a tuple of ``lo..hi`` ints in 1..MAX_GENERATOR.

    >>> check_generators([3, 2])
    (3, 2)
    """
    gens = tuple(generators)
    if not lo <= len(gens) <= hi:
        raise ParameterError(f"generators: need {lo} to {hi} generators, got {len(gens)}",
                             field="generators")
    for g in gens:
        check_int("generator", g, 1, MAX_GENERATOR)
    return gens


def check_period(period: int) -> int:
    """``period`` if it is at most :data:`MAX_PERIOD` units.

    >>> check_period(6)
    6
    """
    if period > MAX_PERIOD:
        raise ParameterError(f"period {period} is too large (at most {MAX_PERIOD} units); "
                             "use smaller generators", field="period")
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
            raise ParameterTypeError(
                f"durations must be a sequence of ints, got {type(durations).__name__}")
        durs = tuple(durations)
        if not durs:
            raise ParameterError("durations must not be empty")
        for d in durs:
            if isinstance(d, bool) or not isinstance(d, int):
                raise ParameterTypeError(f"durations must be ints, got {type(d).__name__} {d!r}")
            if d == 0:
                raise ParameterError("durations must be non-zero (negative durations are rests)")
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

        >>> s = Rhythm((2, 1, 1, 2)).to_score()
        >>> [(n.start, n.duration) for n in s.parts[0].notes]
        [(0, 480), (480, 240), (720, 240), (960, 480)]
        """
        from ..score import Score

        check_int("repeat", repeat, 1, 10_000)
        period = self.period  # summed once: per accent it made this quadratic
        accents = tuple(a + k * period for k in range(repeat) for a in self._accents)
        name = title or (
            "r" + "÷".join(map(str, self._generators)) if self._generators else "Rhythm")
        return Score.from_durations(
            self._durations * repeat, pitch, unit=unit, velocity=velocity,
            accents=accents, accent_velocity=accent_velocity, instrument=instrument,
            part_name=name, tempo=tempo, time_signature=time_signature, key=key, title=name)

    def _repr_svg_(self) -> str | None:
        try:
            return rhythm_svg(self, self._generators or None)
        except ValueError:  # too long to draw: the text repr stands in
            return None

    def _repr_html_(self) -> str | None:
        """The Schillinger graph beside the rhythm on a one-line percussion staff."""
        from ..notation import mimebundle  # engraving sits above the theory: imported late

        return mimebundle(self).get("text/html")


def as_rhythm(r: Sequence[int]) -> Rhythm:
    return r if isinstance(r, Rhythm) else Rhythm(tuple(r))


def from_attacks(attacks: Sequence[int], period: int, generators: Sequence[int] = (),
                 accents: Sequence[int] = ()) -> Rhythm:
    """The rhythm whose durations are the gaps between ``attacks``, closing at ``period``.

    >>> from_attacks((0, 2, 3, 4), 6)
    Rhythm((2, 1, 1, 2))
    """
    pts = sorted(set(attacks))
    if not pts or pts[0] != 0 or pts[-1] >= period:
        raise ParameterError("attacks must start at 0 and lie inside the period")
    durs = tuple(b - a for a, b in zip(pts, [*pts[1:], period], strict=True))
    return Rhythm(durs, generators, accents)



def group(rhythm: Sequence[int], bar: int) -> tuple[tuple[int, ...], ...]:
    """Bar a rhythm every ``bar`` units; a duration crossing a bar line is split (tied).

    >>> group((2, 1, 1, 2), 3)
    ((2, 1), (1, 2))
    >>> group((2, 1, 1, 2), 2)
    ((2,), (1, 1), (2,))
    """
    r = as_rhythm(rhythm)
    check_int("bar", bar, 1, MAX_PERIOD)
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


# ----- variations named by the seed ------------------------------------------------------------
def augment(rhythm: Sequence[int], k: int) -> Rhythm:
    """Every duration multiplied by ``k``.

    >>> augment((2, 1), 3)
    Rhythm((6, 3))
    """
    r = as_rhythm(rhythm)
    check_int("k", k, 1, MAX_GENERATOR)
    return Rhythm(tuple(d * k for d in r), r.generators, tuple(a * k for a in r.accents))


def diminish(rhythm: Sequence[int], k: int) -> Rhythm:
    """Every duration divided by ``k``; refuses when a duration is not a multiple of ``k``.

    >>> diminish((4, 2), 2)
    Rhythm((2, 1))
    """
    r = as_rhythm(rhythm)
    check_int("k", k, 1, MAX_GENERATOR)
    bad = [d for d in r if d % k]
    if bad:
        raise ParameterError(f"diminish by {k}: durations {bad} are not multiples of {k}")
    return Rhythm(tuple(d // k for d in r), r.generators, tuple(a // k for a in r.accents))


def retrograde(rhythm: Sequence[int]) -> Rhythm:
    """The durations backwards (accents mirrored).

    >>> retrograde((3, 1, 2))
    Rhythm((2, 1, 3))
    """
    r = as_rhythm(rhythm)
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
    r = as_rhythm(rhythm)
    mags = [abs(d) for d in r]
    hi, lo = max(mags), min(mags)
    return Rhythm(tuple((hi + lo - abs(d)) * (1 if d > 0 else -1) for d in r))

