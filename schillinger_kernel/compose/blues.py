"""The blues: the 12-bar form, its changes and a boogie bass for the shuffle feel.

The piece is in choruses of twelve bars (A, then returns A', A'' ... varied by the book's
techniques, see :func:`~.form.varied_return`); bars left over after the last whole chorus
are a coda (a tag on the chorus's last bars). The changes, one chord a bar
(:func:`blues_chorus`):

* plain (complexity < 0.3): I7 I7 I7 I7 | IV7 IV7 I7 I7 | V7 IV7 I7 V7 (the form itself
  holds I7 and IV7 over several bars);
* with complexity: the quick change to IV7 in bar 2, iii7-I7 into IV7 (bars 3-4), the
  passing #iv dim7 in bar 6, VI7-ii7-V7 (bars 8-10);
* minor keys take the minor blues: i7 iv7 ... bVI7 V7 (with complexity v7-I7 into iv7,
  #iv dim7 and bIII7 into bVI7);

every chorus but the last ends on its turnaround V7 (a half cadence), the last one closes
IV7 V7 I7 (or bVI7 iv7 V7 i7), the final chord attacked on the last downbeat.

>>> [c.root for c in blues_chorus("F major", 0.0, final=False)]
[5, 5, 5, 5, 10, 10, 5, 5, 0, 10, 5, 0]
>>> [s.label for s in blues_form(Rhythm((2, 1, 1, 2)), 28, seed=1)]
['A', "A'", 'Coda']
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ParameterError
from ..harmony import ChordSpec
from ..pitch import parse_key
from ..rhythm import Rhythm
from ..score import Note
from .form import Section, technique_order, varied_return
from .parts import Plan

__all__ = ["CHORUS", "blues_chorus", "blues_form", "blues_harmony", "boogie_bass"]

CHORUS = 12
_MINOR = ("minor", "aeolian", "dorian", "phrygian", "harmonic", "melodic")
# Semitones above the chord root of the boogie figure, a note a beat: R 3 5 6 b7 6 5 3
# ("3" and "b7" are the chord's own third and seventh).
_BOOGIE = (0, 3, 5, 6, 7, 6, 5, 3)


def _chord(root: int, kind: str, degree: int | None = None) -> ChordSpec:
    third, fifth, seventh = {"7": (4, 7, 10), "m7": (3, 7, 10), "dim7": (3, 6, 9)}[kind]
    r = root % 12
    return ChordSpec(r, {1: r, 3: (r + third) % 12, 5: (r + fifth) % 12,
                         7: (r + seventh) % 12}, "S7", degree)


def blues_chorus(key: str, cx: float, *, final: bool) -> list[ChordSpec]:
    """Twelve bars of blues changes in ``key`` (see the module).

    >>> [c.root for c in blues_chorus("C minor", 0.5, final=True)][-4:]
    [8, 5, 7, 0]
    """
    t, mode = parse_key(key)
    minor = mode in _MINOR
    one = _chord(t, "m7" if minor else "7", 1)
    four = _chord(t + 5, "m7" if minor else "7", 4)
    five = _chord(t + 7, "7", 5)
    nine = _chord(t + 8, "7") if minor else five
    bars = [one, one, one, one, four, four, one, one, nine, five if minor else four, one, five]
    if cx >= 0.3:
        bars[1] = four
        bars[3] = _chord(t, "7")  # V7 of IV
        bars[2] = _chord(t + 7, "m7") if minor else _chord(t + 4, "m7", 3)
        bars[5] = _chord(t + 6, "dim7")
        bars[7] = _chord(t + 3, "7") if minor else _chord(t + 9, "7", 6)
        if not minor:
            bars[8] = _chord(t + 2, "m7", 2)
            bars[9] = five
    if final:
        bars[-3:] = [four, five, one]
        if bars[-4].root == four.root:
            bars[-4] = nine if minor else five
    return bars


def blues_form(theme: Rhythm, bars: int, *, seed: int = 0) -> tuple[Section, ...]:
    """Choruses of :data:`CHORUS` bars on ``theme`` and a coda of the bars left over.

    >>> [(s.label, s.bars) for s in blues_form(Rhythm((2, 1, 1, 2)), 16)]
    [('A', 12), ('Coda', 4)]
    """
    if bars < CHORUS:
        raise ParameterError(f"duration: a blues is in choruses of {CHORUS} bars, so it needs "
                             f"at least {CHORUS} bars, got {bars}")
    order = technique_order(seed)
    out = [Section("A", CHORUS, "theme", theme.durations)]
    for i in range(1, bars // CHORUS):
        out.append(varied_return("A" + "'" * i, CHORUS, order[(i - 1) % len(order)], theme))
    if bars % CHORUS:
        out.append(Section("Coda", bars % CHORUS, "theme", theme.durations))
    return tuple(out)


def blues_harmony(key: str, cx: float, sections: Sequence[Section]
                  ) -> tuple[list[ChordSpec], list[str]]:
    """One chord a bar for a :func:`blues_form`, and each section's cadence: every chorus
    before the last section ends half (its turnaround V7), the last one authentic; a coda is
    the last bars of a closing chorus (before a two-bar coda, V7-I7, the chorus closes).

    >>> specs, names = blues_harmony("G major", 0.5, blues_form(Rhythm((2, 1)), 28))
    >>> len(specs), names
    (28, ['half', 'half', 'authentic'])
    """
    specs: list[ChordSpec] = []
    names = []
    for i, sec in enumerate(sections):
        last = i == len(sections) - 1
        # a two-bar coda is V7-I7 itself: the chorus before it closes, or V7 would sound twice
        closes = last or (sections[i + 1].label == "Coda" and sections[i + 1].bars == 2)
        chorus = blues_chorus(key, cx, final=closes)
        specs += chorus[-sec.bars:] if sec.label == "Coda" else chorus
        names.append("authentic" if closes else "half")
    return specs, names


def boogie_bass(plan: Plan, rng: tuple[int, int], velocity: int = 88) -> list[Note]:
    """The boogie figure R 3 5 6 b7 6 5 3, a chord tone a beat from each chord's root (its
    own third and seventh), restarting on every chord change; a quarter-note beat is played
    as two eighths, the second softer (the shuffle swings it long-short).

    >>> from schillinger_kernel.harmony import voice
    >>> from schillinger_kernel.scales import key_scale
    >>> plan = Plan(voice(blues_chorus("C major", 0.0, final=False), "C major"),
    ...             key_scale("C major"), 1920, 240, 1920, 12)
    >>> [n.pitch for n in boogie_bass(plan, (28, 52))][:8]
    [36, 36, 40, 40, 43, 43, 45, 45]
    """
    lo, hi = rng
    onsets = plan.beat_onsets()
    out: list[Note] = []
    k = 0
    for i, t in enumerate(onsets):
        end = onsets[i + 1] if i + 1 < len(onsets) else plan.end
        chord = plan.chord_at(t)
        k = 0 if t % plan.chord_ticks == 0 else k + 1
        fs = dict(chord.functions)
        root = lo + (chord.root - lo) % 12
        step = _BOOGIE[k % len(_BOOGIE)]
        pc = {0: chord.root, 3: fs.get(3), 5: fs.get(5), 7: fs.get(7)}.get(step)
        p = root + ((pc if pc is not None else chord.root + 9) - chord.root) % 12
        p = max(lo, min(hi, p))
        accent = 8 if t % plan.chord_ticks == 0 else 0
        if end - t == 2 * plan.unit:
            out += [Note(t, plan.unit, p, velocity + accent),
                    Note(t + plan.unit, plan.unit, p, velocity - 14)]
        else:
            out.append(Note(t, end - t, p, velocity + accent))
    return out
