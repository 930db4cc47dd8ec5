"""Reading music21 back: :func:`from_music21` turns any music21 stream into a :class:`Score`.

Tied notes are merged across voices and measures, chord symbols skipped, transposing parts read
at sounding pitch, and unpitched percussion read by its stored GM instrument (else by staff
position and notehead, :mod:`schillinger_kernel.io.drumkit`). The writing side is
:mod:`schillinger_kernel.io.m21`.

>>> from music21 import note, stream
>>> part = stream.Part([note.Note("E4", quarterLength=1), note.Note("G4", quarterLength=0.5)])
>>> [(n.start, n.duration, n.pitch) for n in from_music21(part).parts[0].notes]
[(0, 480, 64), (480, 240, 67)]
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from ..instruments import DRUM_CHANNEL
from ..score import PPQ, Note, Part, Score, TempoChange, TimeSignature
from .drumkit import drum_from_display

__all__ = ["drum_pitch", "from_music21"]

# the modes a Score's key may name; any other music21 mode is read as major
_OUR_MODES = ("major", "minor", "dorian", "phrygian", "lydian", "mixolydian", "locrian")


def drum_pitch(el: Any) -> int:
    """The GM note of a music21 ``Unpitched``: stored instrument, else position + head."""
    kit = getattr(el, "storedInstrument", None)
    if kit is not None and getattr(kit, "percMapPitch", None) is not None:
        return int(kit.percMapPitch)
    found = drum_from_display(el.displayStep, el.displayOctave, el.notehead)
    return found if found is not None else int(el.displayPitch().midi)


def _parts(s: Any) -> list[Any]:
    from music21 import stream

    if isinstance(s, stream.Score) or (hasattr(s, "parts") and len(s.parts)):
        return list(s.parts)
    return [s]


def _velocity(el: Any) -> int:
    v = getattr(getattr(el, "volume", None), "velocity", None)
    return max(1, min(127, int(v))) if v is not None else 90


def _pitches(el: Any) -> Sequence[int]:
    from music21 import chord, note, percussion

    if isinstance(el, note.Unpitched):
        return [drum_pitch(el)]
    if isinstance(el, chord.Chord):
        return [p.midi for p in el.pitches]
    if isinstance(el, percussion.PercussionChord):
        return [m for n in el.notes for m in _pitches(n)]
    return [el.pitch.midi]


def _ties(el: Any) -> list[tuple[int, str | None]]:
    from music21 import chord, percussion

    if isinstance(el, chord.Chord | percussion.PercussionChord):
        out: list[tuple[int, str | None]] = []
        for n in el.notes:
            t = n.tie if n.tie is not None else el.tie
            out.extend((m, t.type if t is not None else None) for m in _pitches(n))
        return out
    return [(m, el.tie.type if el.tie else None) for m in _pitches(el)]


def _merged_notes(flat: Any, skip: type) -> list[Note]:
    """Notes of a flat stream with tied notes merged (works across voices and measures)."""
    out: list[Note] = []
    pending: dict[int, list[int]] = {}  # pitch -> [start, end, velocity]

    def emit(m: int) -> None:
        s, e, v = pending.pop(m)
        out.append(Note(s, max(1, e - s), m, v))

    items = sorted((el for el in flat.notes if not isinstance(el, skip)
                    and el.duration.quarterLength > 0), key=lambda el: Fraction(el.offset))
    for el in items:
        start = round(Fraction(el.offset) * PPQ)
        end = start + max(1, round(Fraction(el.duration.quarterLength) * PPQ))
        vel = _velocity(el)
        for m, tie in _ties(el):
            if not 0 <= m <= 127:
                raise ValueError(f"stream: note pitch {m} is outside MIDI 0..127")
            if tie in ("stop", "continue") and m in pending and pending[m][1] == start:
                pending[m][1] = end
                if tie == "stop":
                    emit(m)
                continue
            if m in pending:
                emit(m)
            pending[m] = [start, end, vel]
            if tie not in ("start", "continue"):
                emit(m)
    for m in list(pending):
        emit(m)
    return sorted(out)


def _sounding(part: Any) -> Any:
    """A part at sounding pitch: a transposing instrument's written notes (and key) moved."""
    inst = part.getInstrument(returnDefault=True)
    if inst.transposition is None or part.atSoundingPitch is True:
        return part
    return part.toSoundingPitch(inPlace=False)


def from_music21(s: Any) -> Score:
    """A :class:`Score` from a music21 stream: parts, notes, chords, tempo, meter, key."""
    from music21 import harmony, instrument, key, meter, note, percussion, stream, tempo

    if not isinstance(s, stream.Stream):
        raise TypeError(f"stream must be a music21 Stream, got {type(s).__name__}")
    parts = []
    sounding = [_sounding(p) for p in _parts(s)]
    for i, p in enumerate(sounding):
        notes = _merged_notes(p.flatten(), harmony.ChordSymbol)
        inst = p.getInstrument(returnDefault=True)
        program = inst.midiProgram if inst.midiProgram is not None else 0
        channel = inst.midiChannel if inst.midiChannel is not None else 0
        if (type(inst) is instrument.Percussion  # not PitchedPercussion (vibraphone ...)
                or isinstance(inst, instrument.UnpitchedPercussion)
                or getattr(inst, "inGMPercMap", False)
                or p.recurse().getElementsByClass((note.Unpitched,
                                                   percussion.PercussionChord)).first()):
            channel = DRUM_CHANNEL
        name = (p.partName or inst.partName or inst.instrumentName or f"Part {i + 1}").strip()
        parts.append(Part(name=name or f"Part {i + 1}", notes=tuple(notes),
                          program=int(program) % 128, channel=int(channel) % 16))
    first = sounding[0].flatten() if parts else s.flatten()
    tempos: dict[int, float] = {}
    for mm in s.flatten().getElementsByClass(tempo.MetronomeMark):
        bpm = mm.getQuarterBPM()
        if bpm:
            tempos.setdefault(round(Fraction(mm.offset) * PPQ), float(bpm))
    sigs: dict[int, tuple[int, int]] = {}
    for ts in first.getElementsByClass(meter.TimeSignature):
        sigs.setdefault(round(Fraction(ts.offset) * PPQ), (ts.numerator, ts.denominator))
    key_name = "C major"
    # the first staff that has a key signature (a drum staff first in the score has none)
    keyed = [ks for part_ in (sounding or [s]) for ks in
             part_.flatten().getElementsByClass(key.KeySignature)][:1]
    for k in keyed:
        kk = k if isinstance(k, key.Key) else k.asKey("major")
        mode = kk.mode if kk.mode in _OUR_MODES else "major"
        key_name = f"{kk.tonic.name.replace('-', 'b')} {mode}"
        break
    title = "Untitled"
    if s.metadata is not None and s.metadata.bestTitle:
        title = str(s.metadata.bestTitle)
    tempo_list = [TempoChange(t, b) for t, b in sorted(tempos.items())]
    if not tempo_list or tempo_list[0].tick != 0:
        tempo_list.insert(0, TempoChange(0, tempo_list[0].bpm if tempo_list else 120.0))
    sig_list = [TimeSignature(t, n, d) for t, (n, d) in sorted(sigs.items())]
    if not sig_list or sig_list[0].tick != 0:
        sig_list.insert(0, TimeSignature(0, 4, 4))
    return Score(parts=tuple(parts), tempos=tuple(tempo_list), time_signatures=tuple(sig_list),
                 key=key_name, title=title)
