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

The melody is drawn on the key's blues scale (:func:`blues_scale`: 1 b3 3 4 b5 5 b7 in
major, 1 b3 4 b5 5 b7 in minor) by the same Book IV axes as every style, then sung against
each chord (:func:`blue_line`): a tone a semitone above a sounding chord tone (the natural
7 over a dominant seventh, the 3 over IV7, the b5 over IV7 and V7) clashes and moves to the
nearest tone that does not, a blue note if one is as near; a blue note a semitone under a
chord tone (b3 under the 3 of I7, b5 under its 5) is a bend: a sixteenth that slides up
to the chord tone, unless the line already goes there (a repeated blue note stays bent).

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
from ..scales import Scale
from ..score import Note, Score
from .form import Section, technique_order, varied_return
from .parts import Plan, chord_tones

__all__ = ["BLUE_NOTES", "CHORUS", "blue_line", "blue_report", "blues_chorus", "blues_form",
           "blues_harmony", "blues_scale", "boogie_bass"]

CHORUS = 12
_MINOR = ("minor", "aeolian", "dorian", "phrygian", "harmonic", "melodic")
# Semitones above the chord root of the boogie figure, a note a beat: R 3 5 6 b7 6 5 3
# ("3" and "b7" are the chord's own third and seventh).
_BOOGIE = (0, 3, 5, 6, 7, 6, 5, 3)
# The blue notes, in semitones above the key's tonic: b3, b5, b7.
BLUE_NOTES = frozenset({3, 6, 10})
# The major blues keeps the 3 beside the b3 (the bend needs its target in the line).
_SCALE_MAJOR = (0, 3, 4, 5, 6, 7, 10)
_SCALE_MINOR = (0, 3, 5, 6, 7, 10)


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


def blues_scale(key: str) -> Scale:
    """The scale a blues melody is drawn on: 1 b3 3 4 b5 5 b7 of a major key, the minor
    blues scale 1 b3 4 b5 5 b7 of a minor one.

    >>> blues_scale("C major"), blues_scale("A minor").pitch_classes
    (Scale((0, 3, 4, 5, 6, 7, 10)), (9, 0, 2, 3, 4, 7))
    """
    t, mode = parse_key(key)
    steps = _SCALE_MINOR if mode in _MINOR else _SCALE_MAJOR
    return Scale((t + d for d in steps), 12, f"{key} blues")


def _clashes(pc: int, tones: set[int]) -> bool:
    """A minor ninth over a chord tone: the tone a semitone above it, not itself in the chord."""
    return pc % 12 not in tones and (pc - 1) % 12 in tones


def _chords_under(plan: Plan, start: int, end: int) -> list[set[int]]:
    first = start // plan.chord_ticks
    last = max(first, (end - 1) // plan.chord_ticks)
    return [chord_tones(plan.chord_at(i * plan.chord_ticks)) for i in range(first, last + 1)]


def blue_line(notes: Sequence[Note], plan: Plan, key: str) -> list[Note]:
    """``notes`` (a melody on :func:`blues_scale`) sung against the plan's chords: no tone
    a semitone above a sounding chord tone, blue notes under a chord tone bent up to it
    (see the module).

    >>> from schillinger_kernel.harmony import voice
    >>> from schillinger_kernel.scales import key_scale
    >>> plan = Plan(voice(blues_chorus("C major", 0.0, final=False), "C major"),
    ...             key_scale("C major"), 1920, 240, 1920, 12)
    >>> [(n.start, n.duration, n.pitch) for n in blue_line(
    ...     [Note(0, 480, 63), Note(480, 480, 71), Note(7680, 480, 64)], plan, "C major")]
    [(0, 120, 63), (120, 360, 64), (480, 480, 70), (7680, 480, 63)]

    Over C7 the b3 (Eb) bends to E and the B (a natural 7) becomes the chord's Bb; over F7
    the E (F7's major seventh) becomes the b3 of the key, F7's own seventh.
    """
    t = parse_key(key)[0]
    pcs = {(t + d) % 12 for d in (_SCALE_MINOR if parse_key(key)[1] in _MINOR
                                  else _SCALE_MAJOR)}
    fitted: list[Note] = []
    for n in notes:
        under = _chords_under(plan, n.start, n.end)
        p = n.pitch
        if any(_clashes(p, tones) for tones in under):
            ok = [q for q in range(p - 3, p + 4)
                  if q % 12 in pcs | under[0] and not any(_clashes(q, x) for x in under)]
            # a blue note where one is as near, else the lower tone (the clash resolves down)
            p = min(ok, key=lambda q: (abs(q - p), (q - t) % 12 not in BLUE_NOTES, q),
                    default=p)
        fitted.append(Note(n.start, n.duration, p, n.velocity))
    out: list[Note] = []
    for i, n in enumerate(fitted):
        under = _chords_under(plan, n.start, n.end)
        nxt = fitted[i + 1].pitch if i + 1 < len(fitted) else None
        # the bent tone is held on: it must not clash with a chord the note reaches
        bend = ((n.pitch - t) % 12 in BLUE_NOTES and (n.pitch + 1) % 12 in under[0]
                and n.pitch % 12 not in under[0] and nxt != n.pitch + 1
                and n.duration >= plan.unit
                and not any(_clashes(n.pitch + 1, x) for x in under))
        if bend and out and out[-1].pitch == n.pitch + 1 and out[-1].end == n.start:
            # a repeated blue note stays where the bend took it (bending again and again
            # reads as a trill)
            out.append(Note(n.start, n.duration, n.pitch + 1, n.velocity))
        elif bend:
            grace = plan.unit // 2
            out += [Note(n.start, grace, n.pitch, n.velocity),
                    Note(n.start + grace, n.duration - grace, n.pitch + 1, n.velocity)]
        else:
            out.append(n)
    return out


def blue_report(score: Score, part: int = 0) -> dict[str, float | int]:
    """How bluesy and how clean a melody is: its ``notes``, the ``blue`` share (b3, b5, b7
    of the key), the ``clashes`` (tones a semitone above a chord tone of
    ``score.metadata["chords"]`` sounding with them, e.g. a natural 7 over a dominant
    seventh) and the ``bends`` (a blue note followed by the chord tone a semitone above).

    >>> from schillinger_kernel.compose import generate_composition
    >>> r = blue_report(generate_composition("B", 96, "F major", 12, "blues", seed=2))
    >>> r["notes"], round(r["blue"], 2), r["clashes"], r["bends"]
    (61, 0.23, 0, 5)
    """
    found = score.metadata.get("chords") if isinstance(score.metadata, dict) else None
    if not found or not score.parts:
        raise ParameterError("score: blue_report needs a melody and the chords of "
                             "score.metadata['chords'], as generate_composition writes them")
    t = parse_key(score.key)[0]
    chords = sorted((c["tick"], set(c["pitch_classes"])) for c in found)
    notes = sorted(score.parts[part].notes)
    clashes = bends = 0
    for i, n in enumerate(notes):
        sounding = [tones for k, (tick, tones) in enumerate(chords)
                    if tick < n.end and (k + 1 == len(chords) or chords[k + 1][0] > n.start)]
        clashes += any(_clashes(n.pitch, x) for x in sounding)
        bends += (i + 1 < len(notes) and (n.pitch - t) % 12 in BLUE_NOTES
                  and notes[i + 1].pitch == n.pitch + 1 and notes[i + 1].start == n.end)
    blue = sum((n.pitch - t) % 12 in BLUE_NOTES for n in notes)
    return {"notes": len(notes), "blue": blue / max(1, len(notes)), "clashes": clashes,
            "bends": bends}
