"""A Score as a player reads it: the music21 score that :func:`write_musicxml` writes.

One written part per instrument (a keyboard's two hands are one part on a grand staff, see
:mod:`~schillinger_kernel.io.musicxml_staves`), bars from the time signatures, each voice
spelled in written values with tuplets and ties (:mod:`~schillinger_kernel.io.musicxml_values`),
voices of a multi-voice bar with stems apart and rests moved off the other voice's notes,
accidentals by bar against the key signature, beams by beat. Transposing instruments are
written at written pitch in the written key with a ``<transpose>``; clefs, names and
abbreviations come from :mod:`~schillinger_kernel.instruments`. On the first part: tempo marks
and rehearsal marks, and the feel of a swung score (its long-short pairs written as plain
eighths under a "Swing" or "Shuffle" mark, see :mod:`~.musicxml_feel`); chord symbols over
the first keyboard or guitar (else the first part at concert pitch); on every part:
dynamics from the velocities.

>>> from schillinger_kernel import Note, Part, Score
>>> s = Score(parts=(Part.create("Piano", (Note(0, 480, 72), Note(0, 480, 43))),))
>>> m, drums = to_notation(s, chords=((0, "Cmaj7"),), sections=((0, "A"),))
>>> [type(p).__name__ for p in m.parts], drums
(['PartStaff', 'PartStaff'], {})
>>> [h.figure for h in m.recurse().getElementsByClass("ChordSymbol")]
['Cmaj7']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from ..instruments import clef_for, notation_for, staff_labels
from ..pitch import key as parse_key
from ..pitch import pitch_name
from ..score import PPQ, Note, Part, Score
from .m21 import music21_instrument, unpitched_hit, written_key
from .musicxml_feel import feel_words, straight_score
from .musicxml_staves import (
    KEYBOARDS,
    Chord,
    bar_clefs,
    drum_voices,
    dynamic_marks,
    hairpins,
    hands,
    split_staff,
    voices,
)
from .musicxml_values import Bar, Piece, bars, beats, snap_times, spell_bar

__all__ = ["metadata_marks", "to_notation"]

_TYPES = {1920: "whole", 960: "half", 480: "quarter", 240: "eighth", 120: "16th", 60: "32nd",
          30: "64th"}
_M21_MODES = {"major": "major", "minor": "minor", "dorian": "dorian", "phrygian": "phrygian",
              "lydian": "lydian", "mixolydian": "mixolydian", "locrian": "locrian"}
_CLEF_NAMES = {"treble": "TrebleClef", "treble-8vb": "Treble8vbClef", "bass": "BassClef",
               "bass-8vb": "Bass8vbClef", "alto": "AltoClef", "tenor": "TenorClef",
               "percussion": "PercussionClef"}
_SYMBOL = re.compile(r"([A-G][b#]?)(.*?)(?:/([A-G][b#]?))?")
_MAJ_EXTENDED = re.compile(r"^maj(9|11|13)")
_REST_SHIFT = 4  # staff steps a rest moves away from the middle line when two voices share it


def _duration(piece: Piece) -> Any:
    from music21 import duration

    for base, name in _TYPES.items():
        for dots, factor in ((0, Fraction(1)), (1, Fraction(3, 2)), (2, Fraction(7, 4))):
            if base * factor != piece.value:
                continue
            d = duration.Duration(type=name, dots=dots)
            if piece.tuplet is not None:
                actual, normal, unit = piece.tuplet
                t = duration.Tuplet(actual, normal, _TYPES[unit])
                if piece.bracket:
                    t.type = piece.bracket  # type: ignore[assignment]  # one of music21's
                    t.bracket = True
                d.appendTuplet(t)
            return d
    raise ValueError(f"no written value for {piece.value} ticks")


def _pitched(pitches: tuple[int, ...], spelling: tuple[str, ...]) -> Any:
    from music21 import chord, note

    names = []
    for p in pitches:
        name = pitch_name(p, spelling)
        names.append(name[0] + name[1:].replace("b", "-"))
    el = note.Note(names[0]) if len(names) == 1 else chord.Chord(names)
    for p_ in el.pitches:
        # which signs show is decided per bar against the key signature
        if p_.accidental is not None and p_.accidental.name == "natural":
            p_.accidental = None
    return el


def _unpitched(pitches: tuple[int, ...], part_no: int, counter: list[int]) -> Any:
    from music21 import percussion

    hits = []
    for p in pitches:
        hit = unpitched_hit(p)
        # write_musicxml turns this id into the note's <instrument> (its drum)
        hit.id = f"P{part_no}-gm{p}-{counter[0]}"
        counter[0] += 1
        hits.append(hit)
    return hits[0] if len(hits) == 1 else percussion.PercussionChord(hits)


def _snapped(chords: list[Chord], snap: dict[int, Fraction]) -> list[tuple[Fraction, Fraction,
                                                                       tuple[int, ...], int]]:
    out: list[tuple[Fraction, Fraction, tuple[int, ...], int]] = []
    for s, e, p, v in chords:
        a, b = snap[s], snap[e]
        if out and out[-1][1] > a:  # snapping may pull a release past the next attack
            out[-1] = (out[-1][0], a, *out[-1][2:])
        if b > a:
            out.append((a, b, p, v))
    return [c for c in out if c[1] > c[0]]


def _bar_segments(bar: Bar, voice: list[tuple[Fraction, Fraction, tuple[int, ...], int]]
                  ) -> list[tuple[Fraction, Fraction, Any]]:
    lo, hi = bar.start, bar.start + bar.length
    segs: list[tuple[Fraction, Fraction, Any]] = []
    t = Fraction(0)
    for s, e, p, v in voice:
        if e <= lo or s >= hi:
            continue
        a, b = max(s, Fraction(lo)) - lo, min(e, Fraction(hi)) - lo
        if a > t:
            segs.append((t, a, None))
        segs.append((a, b, (p, v, s < lo, e > hi)))
        t = b
    if t < bar.length:
        segs.append((t, Fraction(bar.length), None))
    return segs


def _element(piece: Piece, drums: bool, spelling: tuple[str, ...], part_no: int,
             counter: list[int]) -> Any:
    from music21 import note, tie

    if piece.payload is None or (drums and piece.tie_from):
        # a drum is struck, not held: what a tie would add to a hit is written as rest
        el = note.Rest()
    else:
        pitches, velocity, before, after = piece.payload
        el = (_unpitched(pitches, part_no, counter) if drums else _pitched(pitches, spelling))
        el.volume.velocity = velocity
        # the bar's first piece of a held note ties from the bar before, its last to the next
        tied_from, tied_to = piece.tie_from or before, piece.tie_to or after
        if (tied_from or tied_to) and not drums:
            el.tie = tie.Tie("continue" if tied_from and tied_to else
                             "start" if tied_to else "stop")
    el.duration = _duration(piece)
    return el


def _staff_stream(k: int, staves: int, part_id: str) -> Any:
    from music21 import stream

    if staves == 1:
        return stream.Part(id=part_id)
    return stream.PartStaff(id=f"{part_id}-Staff{k + 1}")


def _group_parts(score: Score) -> list[tuple[list[Part], bool]]:
    """Written parts: the score's parts, a keyboard's hands joined ((parts, grand staff))."""
    out = []
    for group in hands(score.parts):
        members = [score.parts[i] for i in group]
        grand = len(members) == 2 or (not members[0].is_drums
                                      and members[0].program in KEYBOARDS)
        out.append((members, grand))
    return out


def _label(members: list[Part]) -> str:
    if len(members) == 1:
        return members[0].name
    return members[0].name.rsplit(" ", 1)[0] if " " in members[0].name else members[0].name


def to_notation(score: Score, *, chords: Sequence[tuple[int, str]] = (),
                sections: Sequence[tuple[int, str]] = ()) -> tuple[Any, dict[int, int]]:
    """The written score (a ``music21.stream.Score``) and ``{written part index: program}`` of
    its drum parts. ``chords``: ``(tick, symbol)`` written as chord symbols over the first
    part; ``sections``: ``(tick, label)`` written as rehearsal marks. Without them, the
    score's ``metadata["chords"]`` (``{"tick", "symbol"}`` entries) and ``metadata["form"]``
    (``{"label", "start_tick"}``, as :mod:`~schillinger_kernel.compose` writes it) give them
    (see :func:`metadata_marks`)."""
    from music21 import (
        clef,
        dynamics,
        expressions,
        harmony,
        key,
        layout,
        metadata,
        meter,
        stream,
        tempo,
    )
    from music21.stream import makeNotation

    if not isinstance(score, Score):
        raise TypeError(f"score must be a Score, got {type(score).__name__}")
    chords = tuple(chords) or metadata_marks(score, "chords", "tick", "symbol")
    sections = tuple(sections) or metadata_marks(score, "form", "start_tick", "label")
    out = stream.Score()
    out.metadata = metadata.Metadata()
    out.metadata.title = score.title
    out.metadata.composer = "Schillinger Workbench"
    ends = [score.end, *(t for t, _ in chords), *(t for t, _ in sections)]
    bar_list = bars(score.time_signatures, max(*ends, 1))
    words = feel_words(score, bar_list)
    if words:
        score = straight_score(score, bar_list)
    groups = _group_parts(score)
    comping = _chord_staff([m[0] for m, _g in groups])
    spellings = _chord_spellings(chords, parse_key(score.key).spelling)
    labels = staff_labels(tuple((_label(m), m[0].program, m[0].is_drums) for m, _g in groups))
    drums: dict[int, int] = {}
    for gi, (members, grand) in enumerate(groups):
        part = members[0]
        notation = notation_for(part.program, drums=part.is_drums)
        every = [n for m in members for n in m.notes]
        shift = -notation.chromatic
        # a note that would leave MIDI's range when written keeps the part at concert pitch
        written = (notation.transposes and not part.is_drums
                   and all(0 <= n.pitch + shift <= 127 for n in every))
        if not written:
            shift = 0
        key_name = written_key(score.key, notation) if written else parse_key(score.key).name
        k = parse_key(key_name)
        spelling = k.spelling
        name, abbreviation = labels[gi]
        moved = [[Note(n.start, n.duration, n.pitch + shift, n.velocity) for n in m.notes]
                 for m in members]
        staff_notes = moved
        if len(moved) == 1 and grand:
            upper, lower = split_staff(moved[0])
            # a keyboard line that stays on one side reads better on one staff
            grand = bool(upper) and bool(lower)
            staff_notes = [upper, lower] if grand else moved
        snap = snap_times([t for ns in staff_notes for n in ns for t in (n.start, n.end)],
                          bar_list)
        if part.is_drums:
            drums[gi] = part.program
            staff_voices = [[_snapped(v, _extend(snap, v, bar_list))
                             for v in drum_voices(staff_notes[0], bar_list)]]
        else:
            staff_voices = [[_snapped(v, snap) for v in voices(ns)] for ns in staff_notes]
        if grand:
            clefs = ["treble", "bass"]
        else:
            clefs = [clef_for(part.program, tuple(n.pitch for n in staff_notes[0]),
                              drums=part.is_drums, name=part.name)]
        # a cello line climbing high reads in the tenor clef for those bars
        per_bar = [bar_clefs(ns, bar_list, c, part.program)
                   for ns, c in zip(staff_notes, clefs, strict=False)]
        marks = dynamic_marks(every, bar_list)
        wedges = hairpins(every, bar_list)
        staves: list[Any] = []
        counter = [0]
        attacks: dict[Fraction, Any] = {}  # the first staff's attacks, for hairpins
        for si, vs in enumerate(staff_voices):
            st = _staff_stream(si, len(staff_voices), f"P{gi + 1}")
            st.partName, st.partAbbreviation = name, abbreviation
            # every staff names the same instrument: a staff without one gets music21's
            # default, and notation programs then print "Instrument change" on its notes
            inst = music21_instrument(part, name, abbreviation, notation, written)
            if si > 0:
                inst.instrumentId = staves[0].getInstrument().instrumentId
            st.insert(0, inst)
            last_sig = None
            for bi, bar in enumerate(bar_list):
                m = stream.Measure(number=bi + 1)
                here_clef = per_bar[si][bi]
                if bi == 0 or here_clef != per_bar[si][bi - 1]:
                    m.insert(0, getattr(clef, _CLEF_NAMES[here_clef])())
                if bi == 0 and not part.is_drums:  # a percussion staff has no key signature
                    m.insert(0, key.Key(k.tonic_name.replace("b", "-"),
                                        _M21_MODES.get(k.mode, "major")))
                if (bar.numerator, bar.denominator) != last_sig:
                    m.insert(0, _meter(bar, meter))
                    last_sig = (bar.numerator, bar.denominator)
                used = [(vi, v) for vi, v in enumerate(vs or [[]]) if vi == 0 or any(
                    c[0] < bar.start + bar.length and c[1] > bar.start for c in v)]
                for vi, v in used:
                    pieces = spell_bar(bar, _bar_segments(bar, v))
                    # a voice keeps its number in every bar (staff 2 counts from 5), so a
                    # tie never joins two voices
                    host = stream.Voice(id=str(vi + 1 + 4 * si))
                    for piece in pieces:
                        here = (spelling if written else
                                _spelling_at(spellings, bar.start + piece.start, spelling))
                        el = _element(piece, part.is_drums, here, gi + 1, counter)
                        if len(used) > 1:
                            el.stemDirection = "up" if vi % 2 == 0 else "down"
                            if el.isRest:
                                el.stepShift = _REST_SHIFT if vi % 2 == 0 else -_REST_SHIFT
                            # a third and fourth voice fill in between the outer two: their
                            # rests would only cover the others' notes
                            if el.isRest and vi >= 2:
                                el.style.hideObjectOnPrint = True
                        host.insert(Fraction(piece.start, PPQ), el)
                        if si == 0 and not el.isRest and not piece.tie_from:
                            attacks.setdefault(bar.start + piece.start, el)
                    m.insert(0, host)
                if si == 0:
                    _directions(m, bar, marks, score.tempos if gi == 0 else (),
                                chords if gi == comping else (), sections if gi == 0 else (),
                                dynamics, expressions, harmony, tempo,
                                words if gi == 0 and bi == 0 else None)
                st.append(m)
            if not part.is_drums:
                makeNotation.makeAccidentalsInMeasureStream(st)
            st.makeBeams(inPlace=True)
            for start, end, kind in wedges if si == 0 else ():
                first, last = attacks.get(snap.get(start, Fraction(start))), attacks.get(
                    snap.get(end, Fraction(end)))
                if first is not None and last is not None:
                    wedge = (dynamics.Crescendo if kind == "crescendo"
                             else dynamics.Diminuendo)(first, last)
                    st.insert(0, wedge)
            st.atSoundingPitch = not written
            staves.append(st)
        for st in staves:
            out.insert(0, st)
        if len(staves) > 1:
            out.insert(0, layout.StaffGroup(staves, name=name, abbreviation=abbreviation,
                                            symbol="brace", barTogether=True))
    return out, drums


def metadata_marks(score: Score, entry: str, tick: str, text: str) -> tuple[tuple[int, str], ...]:
    """``(tick, text)`` pairs from ``score.metadata[entry]``, a list of dicts such as the
    form plan of :mod:`~schillinger_kernel.compose` (``{"label", "start_tick", ...}``) or
    chord symbols (``{"tick", "symbol"}``); entries without both keys are skipped.

    >>> from schillinger_kernel import Score
    >>> s = Score(metadata={"form": [{"label": "A", "start_tick": 0}, {"label": "B"}]})
    >>> metadata_marks(s, "form", "start_tick", "label")
    ((0, 'A'),)
    """
    found = score.metadata.get(entry) if isinstance(score.metadata, dict) else None
    if not isinstance(found, list | tuple):
        return ()
    return tuple((int(e[tick]), str(e[text])) for e in found
                 if isinstance(e, dict) and isinstance(e.get(tick), int) and e.get(text))


def _extend(snap: dict[int, Fraction], chords: list[Chord],
            bar_list: Sequence[Bar]) -> dict[int, Fraction]:
    """Drum hits are held to new times: snap those too."""
    missing = [t for c in chords for t in (c[0], c[1]) if t not in snap]
    if not missing:
        return snap
    return {**snap, **snap_times(missing, bar_list)}


def _chord_spellings(chords: Sequence[tuple[int, str]], spelling: tuple[str, ...]
                     ) -> list[tuple[int, tuple[str, ...]]]:
    """``(tick, spelling)`` from each chord symbol on: the key's names with the chord's
    tones spelled as the chord spells them, in thirds from its root (E7 in C major has a
    G#, not the key's Ab; Fm6 a D, not a Cbb)."""
    from music21 import harmony

    out = []
    for t, symbol in sorted(chords):
        found = _SYMBOL.fullmatch(symbol.strip())
        if found is None:
            continue
        root, kind, bass = found.group(1), found.group(2), found.group(3)
        try:
            cs = harmony.ChordSymbol(_m21_figure(root, kind, bass))
        except Exception:  # music21 cannot read it: the key's spelling stays
            continue
        names = list(spelling)
        for p in cs.pitches:
            name = p.name.replace("-", "b")
            if len(name) <= 2:  # double sharps and flats stay the key's plain names
                names[p.pitchClass] = name
        out.append((t, tuple(names)))
    return out


def _spelling_at(spellings: list[tuple[int, tuple[str, ...]]], tick: Fraction,
                 default: tuple[str, ...]) -> tuple[str, ...]:
    here = default
    for t, names in spellings:
        if t > tick:
            break
        here = names
    return here


def _m21_figure(root: str, kind: str, bass: str | None) -> str:
    # music21 spells flats "-", a major ninth "M9" (it reads "maj9" as nothing) and knows
    # m7b5 only as a minor seventh with an added flat fifth (readers then print "(b5)")
    kind = _MAJ_EXTENDED.sub(r"M\1", kind)
    kind = "\u00f87" + kind[4:] if kind.startswith("m7b5") else kind
    return (root.replace("b", "-") + kind
            + (f"/{bass.replace('b', '-')}" if bass else ""))


def _meter(bar: Bar, meter: Any) -> Any:
    """The bar's time signature, beamed by our beats (7/8 as 2+2+3, 6/8 as 3+3)."""
    ts = meter.TimeSignature(f"{bar.numerator}/{bar.denominator}")
    unit = 4 * PPQ // bar.denominator
    groups = [f"{length // unit}/{bar.denominator}" for _s, length, _c in beats(bar)]
    if bar.denominator >= 8 and len(groups) > 1:
        ts.beamSequence.partition(groups)
        ts.beatSequence.partition(groups)
    return ts


def _chord_staff(parts: Sequence[Part]) -> int:
    """Where chord symbols go: the first keyboard or guitar, else the first part at concert
    pitch (a tenor sax reads written pitch: concert symbols over it would misname its
    chords), else the first part."""
    for test in (lambda p: p.program in KEYBOARDS or 24 <= p.program <= 31,
                 lambda p: not notation_for(p.program).transposes):
        found = [i for i, p in enumerate(parts) if not p.is_drums and test(p)]
        if found:
            return found[0]
    return 0


def _directions(m: Any, bar: Bar, marks: list[tuple[int, str]], tempos: Sequence[Any],
                chords: Sequence[tuple[int, str]], sections: Sequence[tuple[int, str]],
                dynamics: Any, expressions: Any, harmony: Any, tempo: Any,
                feel: str | None = None) -> None:
    lo, hi = bar.start, bar.start + bar.length

    def at(t: int) -> Fraction:
        return Fraction(t - lo, PPQ)

    for t, mark in marks:
        if lo <= t < hi:
            m.insert(at(t), dynamics.Dynamic(mark))
    if feel:  # "Shuffle" over the first bar, in the tempo's bold words, before its number
        text = expressions.TextExpression(feel)
        text.placement = "above"
        text.style.fontWeight = "bold"
        m.insert(0, text)
    for tc in tempos:
        if lo <= tc.tick < hi:
            mark = tempo.MetronomeMark(number=round(tc.bpm, 2))
            mark.placement = "above"
            m.insert(at(tc.tick), mark)
    for t, label in sections:
        if lo <= t < hi:
            mark = expressions.RehearsalMark(label)
            mark.placement = "above"
            m.insert(at(t), mark)
    for t, symbol in chords:
        if lo <= t < hi:
            found = _SYMBOL.fullmatch(symbol.strip())
            try:
                if found is None:
                    raise ValueError(symbol)
                root, kind, bass = found.group(1), found.group(2), found.group(3)
                cs = harmony.ChordSymbol(_m21_figure(root, kind, bass))
            except Exception:  # a symbol music21 cannot read is written as text
                m.insert(at(t), expressions.TextExpression(symbol))
                continue
            cs.writeAsChord = False
            cs.chordKindStr = kind  # printed as we name it
            m.insert(at(t), cs)
