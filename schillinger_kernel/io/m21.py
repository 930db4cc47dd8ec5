"""Bridge to music21, writing side: :func:`to_music21` (reading back: :mod:`.m21_read`).

``to_music21`` builds a notation-ready ``music21.stream.Score``: one part per part with its
instrument (GM program, MIDI channel, name), key and time signatures, tempo marks, measures,
voices where notes overlap, ties across bar lines, and only notatable note values (a value
such as five sixteenths becomes a quarter tied to a sixteenth). Times are quantised per part
to a 64th-note grid, or to a 64th-triplet grid when every note of the part lies on it.

Every part is written as its player reads it (:func:`~schillinger_kernel.instruments.notation_for`):
in its clef (viola in alto clef, cello in bass clef, guitar in treble-8, a one-staff piano by
range), named and abbreviated per instrument with duplicates numbered (Violin I, Vln. I), and a
transposing instrument at written pitch in the transposed key with a ``<transpose>`` element,
so that a notation program sounds our pitches: a tenor sax's concert Bb3 is written C5 in C
major, a double bass's E1 is written E2. :func:`from_music21` reads such parts back at sounding
pitch.

Drum parts (MIDI channel 10) become unpitched percussion on a percussion clef: each GM drum
note is a ``note.Unpitched`` (several at once a ``percussion.PercussionChord``) placed and
headed as in :mod:`schillinger_kernel.io.drumkit`, carrying an ``UnpitchedPercussion``
``storedInstrument`` whose ``percMapPitch`` is the GM note, and an id ``P<part>-gm<note>-<k>``
that :func:`~schillinger_kernel.io.musicxml.write_musicxml` turns into a per-note
``<instrument>`` with ``<midi-unpitched>``, as notation programs expect.

``from_music21`` reads any music21 stream back (tied notes merged, chord symbols skipped;
unpitched notes by their stored instrument, else by staff position and notehead).

>>> from schillinger_kernel import Score, Note, Part
>>> s = Score(parts=(Part.create("Piano", (Note(0, 600, 60), Note(600, 1320, 64))),))
>>> m = to_music21(s)
>>> [n.quarterLength for n in m.parts[0].recurse().notes]
[1.0, 0.25, 2.0, 0.75]
>>> from_music21(m).parts[0].notes == s.parts[0].notes
True
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

from ..instruments import DRUM_CHANNEL, Notation, clef_for, notation_for, staff_labels
from ..pitch import NOTE_NAMES, pitch_name
from ..pitch import key as parse
from ..score import PPQ, Note, Part, Score
from .drumkit import drum_display, drum_name
from .m21_read import drum_pitch, from_music21

__all__ = [
    "MAX_VOICES",
    "NOTATABLE",
    "Event",
    "decompose",
    "from_music21",
    "music21_instrument",
    "to_music21",
    "unpitched_hit",
    "written_key",
]


# Note values a notation program takes as one note, in ticks (binary, dotted, triplet).
_BINARY = (2880, 1920, 1440, 960, 720, 480, 360, 240, 180, 120, 90, 60, 30)
_TRIPLET = (1280, 640, 320, 160, 80, 40)
NOTATABLE = frozenset(_BINARY + _TRIPLET)
MAX_VOICES = 4

_M21_MODES = {"major": "major", "minor": "minor", "ionian": "major", "aeolian": "minor",
              "harmonic": "minor", "melodic": "minor", "dorian": "dorian",
              "phrygian": "phrygian", "lydian": "lydian", "mixolydian": "mixolydian",
              "locrian": "locrian"}

Event = tuple[int, int, tuple[int, ...], int]  # start, duration, pitches, velocity


def decompose(ticks: int) -> tuple[int, ...]:
    """Split a duration into notatable values (largest first) to be tied together.

    >>> decompose(600), decompose(1680), decompose(400)
    ((480, 120), (1440, 240), (320, 80))
    """
    if ticks in NOTATABLE:
        return (ticks,)
    values: tuple[int, ...] = _BINARY if ticks % 30 == 0 else (*_TRIPLET, 1920, 960, 480, 240, 120)
    values = tuple(sorted(values, reverse=True))
    out: list[int] = []
    rest = ticks
    while rest > 0:
        v = next((v for v in values if v <= rest), None)
        if v is None:
            raise ValueError(f"duration {ticks} ticks cannot be written as notes")
        out.append(v)
        rest -= v
    return tuple(out)


def _grid(part: Part) -> int:
    times = [t for n in part.notes for t in (n.start, n.end)]
    if all(t % 30 == 0 for t in times):
        return 30
    if all(t % 40 == 0 for t in times):
        return 40
    return 30


def _events(part: Part) -> list[Event]:
    g = _grid(part)
    groups: dict[tuple[int, int], list[Note]] = {}
    for n in part.notes:
        s = round(n.start / g) * g
        e = max(round(n.end / g) * g, s + g)
        groups.setdefault((s, e - s), []).append(n)
    out = []
    for (s, d), ns in sorted(groups.items()):
        pitches = tuple(sorted({n.pitch for n in ns}))
        out.append((s, d, pitches, max(n.velocity for n in ns)))
    return out


def _voices(events: list[Event]) -> list[list[Event]]:
    voices: list[list[Event]] = []
    for ev in events:
        for v in voices:
            last = v[-1]
            if last[0] + last[1] <= ev[0]:
                v.append(ev)
                break
        else:
            if len(voices) < MAX_VOICES:
                voices.append([ev])
            else:  # too many overlaps for one staff: cut the voice that ends first
                v = min(voices, key=lambda v: v[-1][0] + v[-1][1])
                s, _d, p, vel = v[-1]
                if s < ev[0]:
                    v[-1] = (s, ev[0] - s, p, vel)
                    v.append(ev)
                else:
                    v[-1] = (s, max(v[-1][1], ev[1]), tuple(sorted(set(p) | set(ev[2]))), vel)
    return voices


def _bar_end(score: Score, end: int) -> int:
    sigs = score.time_signatures
    t, i = 0, 0
    while True:
        while i + 1 < len(sigs) and sigs[i + 1].tick <= t:
            i += 1
        if t >= end and t > 0:
            return t
        t += sigs[i].bar_ticks


def _m21_key(key: str) -> Any:
    from music21 import key as m21key

    k = parse(key)
    # music21 writes flats as '-': Eb is E-
    return m21key.Key(k.tonic_name.replace("b", "-"), _M21_MODES.get(k.mode, "major"))


def music21_instrument(part: Part, name: str, abbreviation: str, notation: Notation,
                       written: bool) -> Any:
    """music21's instrument for ``part``: its program, channel, names, and a transposition
    exactly when the notes are written (not sounding) pitches."""
    from music21 import instrument, interval

    try:
        inst = (instrument.Percussion() if part.is_drums
                else instrument.instrumentFromMidiProgram(part.program))
    except Exception:  # music21 knows no class for some programs
        inst = instrument.Instrument()
    inst.midiProgram = part.program
    inst.midiChannel = part.channel
    inst.partName = name
    inst.partAbbreviation = abbreviation
    inst.partId = None
    inst.instrumentName = notation.name
    inst.instrumentAbbreviation = notation.abbreviation
    # music21's class carries its own idea of the transposition (and none for most); ours is
    # the one that matches the written notes: <transpose> exactly when they are written.
    inst.transposition = None
    if written:
        d = notation.diatonic
        inst.transposition = interval.intervalFromGenericAndChromatic(
            d + 1 if d >= 0 else d - 1, notation.chromatic)
    return inst


_LETTERS = "CDEFGAB"
_LETTER_PC = (0, 2, 4, 5, 7, 9, 11)


def written_key(key: str, notation: Notation) -> str:
    """The key a transposing instrument's part is written in when the piece is in ``key``.

    The tonic moves by the written interval (letter and semitones); a key of more than six
    sharps or flats is written as its enharmonic twin when that one has fewer.

    >>> from schillinger_kernel.instruments import notation_for
    >>> written_key("Bb major", notation_for(66)), written_key("E minor", notation_for(65))
    ('C major', 'C# minor')
    >>> written_key("B major", notation_for(71)), written_key("F dorian", notation_for(60))
    ('Db major', 'C dorian')
    """
    if not isinstance(notation, Notation):
        raise TypeError(f"notation must be a Notation, got {type(notation).__name__}")
    k = parse(key)
    if not notation.transposes:
        return k.name
    letter = (_LETTERS.index(k.tonic_name[0]) - notation.diatonic) % 7
    pc = (k.tonic - notation.chromatic) % 12
    candidates = []
    for step in (0, 1, -1):  # the interval's own letter first, then its enharmonic neighbours
        let = (letter + step) % 7
        alter = (pc - _LETTER_PC[let] + 6) % 12 - 6
        if abs(alter) <= 1:
            candidates.append(f"{_LETTERS[let]}{'#' if alter > 0 else 'b' if alter else ''}")
    first = parse(f"{candidates[0]} {k.mode}")
    if abs(first.fifths) <= 6:
        return first.name
    return min((parse(f"{c} {k.mode}") for c in candidates),
               key=lambda w: (abs(w.fifths), w is not first)).name


def unpitched_hit(pitch: int) -> Any:
    """music21's unpitched note for the GM drum ``pitch``: display step, notehead, its kit."""
    from music21 import instrument, note

    step, octave, head = drum_display(pitch)
    el = note.Unpitched(displayName=f"{step}{octave}")
    el.notehead = head
    kit = instrument.UnpitchedPercussion()
    kit.percMapPitch = pitch
    kit.instrumentName = drum_name(pitch)
    kit.midiChannel = DRUM_CHANNEL
    el.storedInstrument = kit
    return el


def _m21_name(pitch: int, spelling: tuple[str, ...]) -> str:
    # spelled in the piece's key (the V of E is B D# F#, not Cb Eb Gb); music21 writes b as -
    name = pitch_name(pitch, spelling)
    return name[0] + name[1:].replace("b", "-")


def _element(ev: Event, drums: bool = False, spelling: tuple[str, ...] = NOTE_NAMES) -> Any:
    from music21 import chord, note, percussion

    _s, d, pitches, vel = ev
    el: Any
    if drums:
        hits = [unpitched_hit(p) for p in pitches]
        el = hits[0] if len(hits) == 1 else percussion.PercussionChord(hits)
    else:
        names = [_m21_name(p, spelling) for p in pitches]
        el = note.Note(names[0]) if len(names) == 1 else chord.Chord(names)
        for p in el.pitches:
            # music21 marks every white key natural; which signs to show is decided per
            # measure against the key signature (to_music21), as a notation program would.
            if p.accidental is not None and p.accidental.name == "natural":
                p.accidental = None
    el.quarterLength = Fraction(d, PPQ)
    el.volume.velocity = vel
    return el


def _mark_drum_ids(measured: Any, part_index: int) -> None:
    """Unique ids ``P<part>-gm<note>-<k>`` on every unpitched note (after ties and splits)."""
    from music21 import note, percussion

    hits = [n for el in measured.recurse().notes for n in (
        el.notes if isinstance(el, percussion.PercussionChord) else (el,))]
    for k, el in enumerate(n for n in hits if isinstance(n, note.Unpitched)):
        el.id = f"P{part_index + 1}-gm{drum_pitch(el)}-{k}"


def _split_unnotatable(measures: Any) -> None:
    from music21 import tie

    for el in list(measures.recurse().notesAndRests):
        ticks = Fraction(el.quarterLength) * PPQ
        if ticks.denominator != 1 or int(ticks) in NOTATABLE:
            continue
        pieces = decompose(int(ticks))
        site = el.activeSite
        offset = el.offset
        old_tie = None if el.isRest else el.tie
        site.remove(el)
        pos = Fraction(offset)
        for k, value in enumerate(pieces):
            new = copy.deepcopy(el)
            new.quarterLength = Fraction(value, PPQ)
            if not el.isRest:
                first, last = k == 0, k == len(pieces) - 1
                before = old_tie is not None and old_tie.type in ("stop", "continue")
                after = old_tie is not None and old_tie.type in ("start", "continue")
                kind = ("continue" if (not first or before) and (not last or after)
                        else "start" if first and not before else "stop")
                new.tie = tie.Tie(kind)
            site.insert(pos, new)
            pos += Fraction(value, PPQ)


def _clef_classes() -> dict[str, Any]:
    from music21 import clef

    return {"treble": clef.TrebleClef, "treble-8vb": clef.Treble8vbClef, "bass": clef.BassClef,
            "bass-8vb": clef.Bass8vbClef, "alto": clef.AltoClef, "tenor": clef.TenorClef,
            "percussion": clef.PercussionClef}


class _LazyClefs(dict[str, Any]):
    def __missing__(self, name: str) -> Any:
        self.update(_clef_classes())
        return self[name]


_CLEFS = _LazyClefs()  # music21 is imported on first use, not with this module


def to_music21(score: Score) -> Any:
    """A notation-ready ``music21.stream.Score`` for ``score`` (see the module doc).

    >>> from schillinger_kernel import Note, Part, Score
    >>> sax = Part.create("Tenor Sax", (Note(0, 480, 58),), instrument="tenor sax")
    >>> m = to_music21(Score(parts=(sax,), key="Bb major")).parts[0]
    >>> inst = m.recurse().getElementsByClass("Instrument").first()
    >>> m.partName, [n.nameWithOctave for n in m.recurse().notes], inst.transposition.name
    ('Tenor Saxophone', ['C5'], 'M9')
    """
    from music21 import metadata, meter, note, stream, tempo
    from music21.stream import makeNotation

    if not isinstance(score, Score):
        raise TypeError(f"score must be a Score, got {type(score).__name__}")
    out = stream.Score()
    out.metadata = metadata.Metadata()
    out.metadata.title = score.title
    out.metadata.composer = "Schillinger Workbench"
    total = _bar_end(score, max(score.end, 1))
    labels = staff_labels(tuple((p.name, p.program, p.is_drums) for p in score.parts))
    for i, part in enumerate(score.parts):
        notation = notation_for(part.program, drums=part.is_drums)
        shift = -notation.chromatic  # sounding -> written
        # a note that would leave MIDI's range when written stays at concert pitch (rare:
        # a baritone sax above its range); the part is then written untransposed
        written = (notation.transposes and not part.is_drums
                   and all(0 <= n.pitch + shift <= 127 for n in part.notes))
        if not written:
            shift = 0
        key_name = written_key(score.key, notation) if written else parse(score.key).name
        spelling = parse(key_name).spelling
        name, abbreviation = labels[i]
        p = stream.Part(id=f"P{i + 1}")
        p.partName = name
        p.partAbbreviation = abbreviation
        p.insert(0, music21_instrument(part, name, abbreviation, notation, written))
        events = [(s, d, tuple(q + shift for q in ps), v) for s, d, ps, v in _events(part)]
        pitches = tuple(q for ev in events for q in ev[2])
        p.insert(0, _CLEFS[clef_for(part.program, pitches, drums=part.is_drums,
                                    name=part.name)]())
        if not part.is_drums:  # a percussion staff carries no key signature
            p.insert(0, _m21_key(key_name))
        if i == 0:
            for t in score.tempos:
                p.insert(Fraction(t.tick, PPQ), tempo.MetronomeMark(number=t.bpm))
        voices = _voices(events) or [[]]
        containers = []
        for vi, evs in enumerate(voices):
            v = stream.Voice(id=str(vi + 1)) if len(voices) > 1 else p
            cursor = 0
            for ev in evs:
                if ev[0] > cursor:
                    v.insert(Fraction(cursor, PPQ), note.Rest(quarterLength=Fraction(
                        ev[0] - cursor, PPQ)))
                v.insert(Fraction(ev[0], PPQ), _element(ev, part.is_drums, spelling))
                cursor = ev[0] + ev[1]
            if cursor < total:
                v.insert(Fraction(cursor, PPQ), note.Rest(quarterLength=Fraction(
                    total - cursor, PPQ)))
            containers.append(v)
        if len(voices) > 1:
            for v in containers:
                p.insert(0, v)
        meters: Any = stream.Stream()
        for ts in score.time_signatures:
            meters.insert(Fraction(ts.tick, PPQ), meter.TimeSignature(
                f"{ts.numerator}/{ts.denominator}"))
        measured = p.makeMeasures(meterStream=meters)
        measured.makeTies(inPlace=True)
        _split_unnotatable(measured)
        if not part.is_drums:
            makeNotation.makeAccidentalsInMeasureStream(measured)
        measured.makeBeams(inPlace=True)
        if part.is_drums:
            _mark_drum_ids(measured, i)
        measured.partName = name
        measured.partAbbreviation = abbreviation
        # the notes are written pitches: music21 must not transpose them again on export
        measured.atSoundingPitch = not written
        out.insert(0, measured)
    return out
