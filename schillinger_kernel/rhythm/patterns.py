"""The seed's convenience API on top of Book I: patterns, polyrhythms and variations.

Every function is deterministic for a given ``seed``.

>>> from schillinger_kernel.rhythm import generate_polyrhythm
>>> generate_polyrhythm(3, 2).resultant
Rhythm((2, 1, 1, 2))
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..checks import check_int
from ..errors import ParameterError
from .permutations import general_permutations
from .powers import trace_origin
from .resultants import canonical_pairs, fractioning, interference
from .value import MAX_PERIOD, Rhythm, as_rhythm, augment, diminish, invert, retrograde

if TYPE_CHECKING:  # pragma: no cover
    from ..score import Score

__all__ = [
    "ACCENT_PATTERNS",
    "VARIATION_TECHNIQUES",
    "Polyrhythm",
    "generate_pattern",
    "generate_polyrhythm",
    "generate_variations",
]

ACCENT_PATTERNS = ("interference", "downbeat", "none")
VARIATION_TECHNIQUES = ("augment", "diminish", "retrograde", "invert", "permute", "rotate",
                        "fraction")


def _parse_meter(time_signature: str | Sequence[int]) -> tuple[int, int]:
    if isinstance(time_signature, str):
        try:
            num_s, den_s = time_signature.split("/")
            num, den = int(num_s), int(den_s)
        except ValueError:
            raise ParameterError(
                f"time_signature must look like '4/4', got {time_signature!r}") from None
    elif isinstance(time_signature, Sequence) and len(time_signature) == 2:
        num, den = int(time_signature[0]), int(time_signature[1])
    else:
        raise ParameterError(f"time_signature must be '4/4' or (4, 4), got {time_signature!r}")
    check_int("time_signature numerator", num, 1, 32)
    if den not in (1, 2, 4, 8, 16, 32):
        raise ParameterError(f"time_signature denominator must be 1, 2, 4, 8, 16 or 32, got {den}")
    return num, den


def generate_pattern(time_signature: str | Sequence[int] = "4/4", subdivision: int = 2,
                     complexity: float = 0.5, accent_pattern: str | Sequence[int] = "interference",
                     seed: int | None = None) -> Rhythm:
    """A bar-filling rhythm from an interference a÷b chosen by ``complexity`` (0..1).

    ``subdivision`` is units per beat. The resultant is repeated until it closes with the bars.
    ``accent_pattern``: ``"interference"`` (coincidences), ``"downbeat"`` (bar starts),
    ``"none"`` or explicit unit positions.

    >>> r = generate_pattern("3/4", 2, complexity=0.0, seed=1)
    >>> r.period % 6, r == generate_pattern("3/4", 2, complexity=0.0, seed=1)
    (0, True)
    """
    num, den = _parse_meter(time_signature)
    check_int("subdivision", subdivision, 1, 16)
    if isinstance(complexity, bool) or not isinstance(complexity, int | float) or not (
            0.0 <= complexity <= 1.0):
        raise ParameterError(f"complexity must be a number in 0..1, got {complexity!r}")
    rng = random.Random(seed)
    pairs = sorted(canonical_pairs(), key=lambda p: (p[0] * p[1], p))
    # Complexity picks a window of the pairs ordered by period; the seed picks inside it.
    lo = int(complexity * (len(pairs) - 4))
    a, b = rng.choice(pairs[lo:lo + 4])
    base = interference(a, b)
    bar = num * subdivision * 4 // den
    if bar < 1:
        raise ParameterError("time_signature and subdivision give a bar shorter than one unit")

    reps = math.lcm(base.period, bar) // base.period
    if reps * base.period > 4096:
        reps = max(1, bar // base.period) or 1
    period = base.period * reps
    if isinstance(accent_pattern, str):
        if accent_pattern not in ACCENT_PATTERNS:
            raise ParameterError(f"accent_pattern must be one of {', '.join(ACCENT_PATTERNS)} or a "
                             f"list of unit positions, got {accent_pattern!r}")
        if accent_pattern == "interference":
            accents = tuple(x + k * base.period for k in range(reps) for x in base.accents)
        elif accent_pattern == "downbeat":
            accents = tuple(t for t in range(0, period, bar))
        else:
            accents = ()
    else:
        accents = tuple(int(x) for x in accent_pattern)
    onsets = set(Rhythm(base.durations * reps).attacks)
    return Rhythm(base.durations * reps, (a, b), tuple(x for x in accents if x in onsets))


@dataclass(frozen=True)
class Polyrhythm:
    """Two meters sounding together: each generator's line and their resultant."""

    primary: Rhythm
    secondary: Rhythm
    resultant: Rhythm

    @property
    def period(self) -> int:
        """Length in units of the whole polyrhythm."""
        return self.resultant.period

    def to_score(self, *, unit: int = 240, tempo: float = 120.0,
                 pitches: tuple[int, int, int] = (36, 38, 42)) -> Score:
        """A three-part drum score: primary, secondary, resultant (GM kick, snare, hat)."""

        parts: list[Score] = []
        for name, r, p in zip(("primary", "secondary", "resultant"),
                              (self.primary, self.secondary, self.resultant), pitches,
                              strict=True):
            parts.append(r.to_score(p, unit=unit, tempo=tempo, instrument="drums", title=name))
        score = parts[0]
        for s in parts[1:]:
            score = score.layer(s)
        return score


def generate_polyrhythm(primary_meter: int, secondary_meter: int, length: int = 1) -> Polyrhythm:
    """``primary_meter`` against ``secondary_meter`` for ``length`` common periods.

    >>> p = generate_polyrhythm(3, 2, 2)
    >>> p.primary, p.secondary, p.period
    (Rhythm((2, 2, 2, 2, 2, 2)), Rhythm((3, 3, 3, 3)), 12)
    """
    a = check_int("primary_meter", primary_meter, 1, 64)
    b = check_int("secondary_meter", secondary_meter, 1, 64)
    check_int("length", length, 1, 256)
    res = interference(a, b)
    p = res.period
    # a beats against b beats in one period: the primary line pulses every p/a units.
    primary = Rhythm((p // a,) * a * length)
    secondary = Rhythm((p // b,) * b * length)
    resultant = Rhythm(res.durations * length, (a, b),
                          tuple(x + k * p for k in range(length) for x in res.accents))
    return Polyrhythm(primary, secondary, resultant)


def _fraction(r: Rhythm) -> Rhythm:
    """The given rhythm fractioned (the "fraction" variation)."""
    if len(r.durations) > 1 and all(d > 0 for d in r):
        try:
            a, b = trace_origin(r.durations)
        except ValueError:
            pass
        else:
            if interference(a, b).durations == r.durations:
                return fractioning(a, b)
    if len(r) ** 2 > MAX_PERIOD:
        raise ParameterError(f"fraction: {len(r)} durations are too many to fraction "
                             f"(at most {math.isqrt(MAX_PERIOD)})")
    # Each term divided in the proportions of the whole group (the group's distributive
    # square); the part of a rest, or a rest's part of a term, stays silent.
    return Rhythm(tuple(abs(d) * abs(g) * (1 if d > 0 and g > 0 else -1)
                        for d in r for g in r), r.generators)


def generate_variations(base: Sequence[int], techniques: Sequence[str] = VARIATION_TECHNIQUES,
                        count: int = 4, seed: int | None = None) -> tuple[Rhythm, ...]:
    """``count`` variations of ``base``, cycling through ``techniques`` (Book I variations).

    - augment: every duration multiplied by 2 (by 3 on the second round, ...);
    - diminish: divided by the common factor of the durations; a rhythm whose durations
      have no common factor cannot be diminished exactly, so the technique is skipped
      (the cycle moves on to the next technique; when nothing else is asked for, the
      call fails);
    - retrograde, invert (see :func:`~.value.invert`);
    - permute: a general permutation of the first eight durations chosen by ``seed``;
    - rotate: a circular permutation (one step further each round);
    - fraction: the base fractioned. A resultant r a÷b (recognised by its durations,
      :func:`~.powers.trace_origin`) becomes the fractioning a÷b of its own generators
      (Book I, Ch. 4); any other rhythm has each of its durations divided in the proportions
      of the whole rhythm (its distributive square, Ch. 12: 2+1 gives 4+2+2+1).

    Parameters
    ----------
    base : sequence of int
        The rhythm to vary.
    techniques : sequence of str
        Names from :data:`VARIATION_TECHNIQUES`, used in turn.
    count : int
        How many variations.
    seed : int, optional
        Seed of the random choices (``permute``).

    Returns
    -------
    tuple of Rhythm

    Examples
    --------
    >>> generate_variations((2, 1, 1), ("retrograde", "augment"), 2)
    (Rhythm((1, 1, 2)), Rhythm((4, 2, 2)))
    >>> generate_variations((3, 1, 2, 2, 1, 3), ("fraction",), 1)   # r4÷3 -> fractioning 4÷3
    (Rhythm((3, 1, 2, 1, 1, 1, 1, 2, 1, 3)),)
    >>> generate_variations((2, 1), ("fraction",), 1)[0]
    Rhythm((4, 2, 2, 1))
    >>> generate_variations((4, 2), ("diminish", "retrograde"), 3)
    (Rhythm((2, 1)), Rhythm((2, 4)), Rhythm((2, 1)))
    >>> generate_variations((3, 2), ("diminish", "retrograde"), 2)   # 3, 2: no common factor
    (Rhythm((2, 3)), Rhythm((2, 3)))
    """
    r = as_rhythm(base)
    check_int("count", count, 1, 1000)
    if isinstance(techniques, str) or not techniques:
        raise ParameterError("techniques must be a non-empty list of names")
    for t in techniques:
        if t not in VARIATION_TECHNIQUES:
            raise ParameterError(
                f"unknown technique {t!r}; allowed: {', '.join(VARIATION_TECHNIQUES)}")
    common = math.gcd(*(abs(d) for d in r.durations))
    usable = [t for t in techniques if t != "diminish" or common > 1]
    if not usable:
        raise ParameterError(
            f"diminish: the durations {list(r.durations)} have no common factor, so they "
            "cannot be diminished exactly; ask for another technique too")
    rng = random.Random(seed)
    out: list[Rhythm] = []
    i = 0
    while len(out) < count:
        t = techniques[i % len(techniques)]
        rnd = i // len(techniques)
        i += 1
        if t not in usable:
            continue
        if t == "augment":
            v = augment(r, 2 + rnd)
        elif t == "diminish":
            v = diminish(r, common)
        elif t == "retrograde":
            v = retrograde(r)
        elif t == "invert":
            v = invert(r)
        elif t == "permute":
            perms = general_permutations(r.durations[:8])
            v = Rhythm(tuple(rng.choice(perms)) + r.durations[8:])
        elif t == "rotate":
            k = 1 + rnd
            v = Rhythm(r.durations[k % len(r):] + r.durations[:k % len(r)])
        else:
            v = _fraction(r)
        out.append(v)
    return tuple(out)
