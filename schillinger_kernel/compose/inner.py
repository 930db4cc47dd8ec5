"""Inner voices that move: one voice of the voice-led harmony, walked through with passing
and neighbour tones, chord tones of other positions and a rhythm that changes from bar to bar.

Each chord is entered on the voice's own chord tone (the voice leading of Book V) or, every
other chord, on the chord tone next above or below it in turn (the same chord in another
position, as voice exchange gives it); the attacks between move by scale step: a passing
tone toward the next chord's tone, a neighbour tone between two notes of the chord,
alternately above and below; of two such tones the voice takes the one whose pitch class it
has not played in the last :data:`WINDOW` bars. In every bar a held note is split, its last
unit a passing tone: the first one in every other bar, the last one in the bars between, so
the voice's rhythm is not the same in every bar.

>>> from schillinger_kernel.compose.parts import Plan
>>> from schillinger_kernel.harmony import chords_from_symbols, voice
>>> from schillinger_kernel.harmony import ChordSpec
>>> from schillinger_kernel.scales import key_scale
>>> prog = voice([ChordSpec(c.root, dict(c.functions), c.structure, c.degree)
...               for c in chords_from_symbols(["C", "Am", "F", "G"] * 2, "C major")],
...              "C major")
>>> plan = Plan(prog, key_scale("C major"), 1920, 240, 1920, 8)
>>> notes = moving_voice(plan, 2, (3, 3), (50, 72))
>>> len({n.pitch % 12 for n in notes}) >= 5
True
"""

from __future__ import annotations

from collections.abc import Sequence

from ..score import Note
from .parts import Plan, chord_tones, through

__all__ = ["WINDOW", "moving_voice"]

WINDOW = 8  # bars over which a voice prefers pitch classes it has not played yet


def _fold(p: int, lo: int, hi: int) -> int:
    while p < lo:
        p += 12
    while p > hi:
        p -= 12
    return p


def _voice_pitch(plan: Plan, tick: int, index: int, lo: int, hi: int,
                 function: int | None = None) -> int:
    chord = plan.chord_at(tick)
    p = _fold(chord.pitches[min(index, len(chord.pitches) - 1)], lo, hi)
    pc = dict(chord.functions).get(function) if function is not None else None
    if pc is None:
        return p
    cands = [q for q in range(lo, hi + 1) if q % 12 == pc]
    return min(cands, key=lambda q: (abs(q - p), q)) if cands else p


def _other_position(plan: Plan, tick: int, home: int, lo: int, hi: int, upward: bool) -> int:
    """The chord tone next above (``upward``) or below ``home`` (the other way at the end
    of the range)."""
    tones = chord_tones(plan.chord_at(tick))
    up = [p for p in range(home + 1, min(hi, home + 6) + 1) if p % 12 in tones]
    down = [p for p in range(home - 1, max(lo, home - 6) - 1, -1) if p % 12 in tones]
    first, second = (up, down) if upward else (down, up)
    return (first or second or [home])[0]


def _step(plan: Plan, p: int, steps: int, lo: int, hi: int) -> int:
    sc = plan.scale
    q = sc.step(sc.nearest(p), steps)
    if not lo <= q <= hi:
        q = sc.step(sc.nearest(p), -steps)
    return q if lo <= q <= hi else p


def _fresh(candidates: Sequence[int], used: set[int], default: int | None = None) -> int:
    """The first candidate whose pitch class the voice has not played lately (else the first
    one): of two equally good steps, the one that widens the line's compass."""
    for q in candidates:
        if q % 12 not in used:
            return q
    if candidates:
        return candidates[0]
    assert default is not None
    return default


def _split(slots: list[tuple[int, int, bool]], plan: Plan,
           index: int) -> list[tuple[int, int, bool]]:
    """In every bar one note of two units or more gives its last unit to a passing tone:
    the first such note in every other bar, the last one in the bars between."""
    chosen: dict[int, int] = {}
    for i, (s, d, attacked) in enumerate(slots):
        bar = s // plan.bar
        if d >= 2 * plan.unit and attacked and ((bar + index) % 2 == 0 or bar not in chosen):
            chosen[bar] = i
    out = []
    marked = set(chosen.values())
    for i, (s, d, attacked) in enumerate(slots):
        if i in marked:
            out += [(s, d - plan.unit, True), (s + d - plan.unit, plan.unit, True)]
        else:
            out.append((s, d, attacked))
    return out


def moving_voice(plan: Plan, index: int, rhythm: Sequence[int], rng: tuple[int, int], *,
                 function: int | None = None, velocity: int = 70) -> list[Note]:
    """Voice ``index`` of the voicing (1.. = upper voices, low to high) on ``rhythm`` running
    on through the chord changes, moving by step between the chord tones (see the module).

    Notes on chord changes are chord tones; passing and neighbour tones fall only between.
    The last two chords (the cadence) are entered on the voicing's own tones. With
    ``function`` (3: the third) the voice takes that tone of each chord, nearest its voicing
    pitch, instead of voice ``index`` (a three-voice harmony keeps the third, and in a
    dominant seventh the leading tone, this way).
    """
    lo, hi = rng
    slots = _split(through(plan, rhythm), plan, index)
    out: list[Note] = []
    prev: int | None = None
    used: set[int] = set()  # pitch classes heard in this stretch of WINDOW bars
    neighbour = 1
    for i, (s, d, attacked) in enumerate(slots):
        if s % (WINDOW * plan.bar) < (out[-1].start % (WINDOW * plan.bar) if out else 1):
            used = set()
        c0 = s // plan.chord_ticks * plan.chord_ticks
        c1 = c0 + plan.chord_ticks
        home = _voice_pitch(plan, s, index, lo, hi, function)
        cadence = c0 >= plan.end - 2 * plan.chord_ticks  # the closing chords keep their voicing
        k = c0 // plan.chord_ticks + index
        if k % 2 and not cadence:
            home = _fresh([_other_position(plan, s, home, lo, hi, up) for up in (k % 4 == 1,
                                                                                 k % 4 != 1)],
                          used)
        nxt = slots[i + 1][0] if i + 1 < len(slots) else plan.end
        if s == c0 or prev is None:
            p = home
        elif nxt >= c1 and c1 < plan.end:  # the last note in the chord leads to the next one
            target = _voice_pitch(plan, c1, index, lo, hi, function)
            first = 1 if prev > target else -1
            p = _fresh([q for q in (_step(plan, target, first, lo, hi),
                                    _step(plan, target, -first, lo, hi)) if q != prev], used,
                       _step(plan, prev, 1 if target > prev else -1, lo, hi))
        elif prev != home:
            p = home
        else:
            p = _fresh([_step(plan, home, neighbour, lo, hi),
                        _step(plan, home, -neighbour, lo, hi)], used)
            neighbour = -neighbour
        accent = 8 if s % plan.bar == 0 and attacked else 0
        out.append(Note(s, d, p, velocity + accent))
        used.add(p % 12)
        prev = p
    return out
