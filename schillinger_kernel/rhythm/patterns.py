"""The seed's convenience API on top of Book I: patterns, polyrhythms and variations.

Every function is deterministic for a given ``seed``.

>>> from schillinger_kernel.rhythm import generate_polyrhythm
>>> generate_polyrhythm(3, 2).resultant
Rhythm((2, 1, 1, 2))
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..checks import check_int
from ..errors import ParameterError
from .permutations import general_permutations
from .resultants import canonical_pairs, fractioning, interference
from .value import Rhythm, as_rhythm, augment, diminish, invert, retrograde

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
    import math

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


def generate_variations(base: Sequence[int], techniques: Sequence[str] = VARIATION_TECHNIQUES,
                        count: int = 4, seed: int | None = None) -> tuple[Rhythm, ...]:
    """``count`` variations of ``base``, cycling through ``techniques`` (Book I variations).

    augment (x2), diminish (by the common factor, else skipped), retrograde, invert,
    permute (a general permutation chosen by ``seed``), rotate (circular), fraction
    (each duration's fractioning by its first generator pair when it has one).

    >>> generate_variations((2, 1, 1), ("retrograde", "augment"), 2)
    (Rhythm((1, 1, 2)), Rhythm((4, 2, 2)))
    """
    r = as_rhythm(base)
    check_int("count", count, 1, 1000)
    if isinstance(techniques, str) or not techniques:
        raise ParameterError("techniques must be a non-empty list of names")
    for t in techniques:
        if t not in VARIATION_TECHNIQUES:
            raise ParameterError(
                f"unknown technique {t!r}; allowed: {', '.join(VARIATION_TECHNIQUES)}")
    rng = random.Random(seed)
    out: list[Rhythm] = []
    for i in range(count):
        t = techniques[i % len(techniques)]
        if t == "augment":
            v = augment(r, 2 + i // len(techniques))
        elif t == "diminish":
            import math

            g = math.gcd(*r.durations)
            v = diminish(r, g) if g > 1 else augment(r, 2)
        elif t == "retrograde":
            v = retrograde(r)
        elif t == "invert":
            v = invert(r)
        elif t == "permute":
            perms = general_permutations(r.durations[:8])
            v = Rhythm(tuple(rng.choice(perms)) + r.durations[8:])
        elif t == "rotate":
            k = 1 + i // len(techniques)
            v = Rhythm(r.durations[k % len(r):] + r.durations[:k % len(r)])
        else:
            a, b = r.generators[:2] if len(r.generators) >= 2 else (3, 2)
            a, b = max(a, b), min(a, b)
            v = fractioning(a, b) if a > b else Rhythm(r.durations * 2)
        out.append(v)
    return tuple(out)
