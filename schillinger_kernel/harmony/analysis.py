"""Harmonic analysis with music21: chord names, symbols, roman numerals and the key.

``analyze_harmony(notes)`` accepts a :class:`~schillinger_kernel.score.Score`, a Part, Note
values, ``(pitch, start, duration)`` tuples, or a list of chords (each a *list* of pitches
or note names, one per bar). Notes sounding together form a chord; consecutive slices with the
same pitch classes merge; ``window`` (ticks) instead groups everything sounding in each
window (a bar: ``window=1920``). music21 names the chords and finds the key.

>>> a = analyze_harmony([[60, 64, 67], [57, 60, 64], [53, 57, 60], [55, 59, 62, 65], [60, 64, 67]])
>>> a.key, a.romans
('C major', ('I', 'vi', 'IV', 'V7', 'I'))
>>> a.symbols[3]
'G7'
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError, ParameterTypeError
from ..pitch import key as parse
from ..pitch import to_midi_pitch
from ..score import PPQ, Note, Part, Score
from .voicing import Progression

__all__ = [
    "AnalyzedChord",
    "HarmonyAnalysis",
    "analyze_harmony",
]


@dataclass(frozen=True)
class AnalyzedChord:
    """One harmonic slice: when, which pitches, and music21's names for it."""

    start: int
    duration: int
    pitches: tuple[int, ...]
    root: str
    name: str
    symbol: str
    roman: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"start": self.start, "duration": self.duration, "pitches": list(self.pitches),
                "root": self.root, "name": self.name, "symbol": self.symbol,
                "roman": self.roman}


@dataclass(frozen=True)
class HarmonyAnalysis:
    """The key (with music21's correlation) and the analysed chords."""

    key: str
    confidence: float
    chords: tuple[AnalyzedChord, ...]

    @property
    def romans(self) -> tuple[str, ...]:
        """Roman numerals in the key."""
        return tuple(c.roman for c in self.chords)

    @property
    def symbols(self) -> tuple[str, ...]:
        """Chord symbols."""
        return tuple(c.symbol for c in self.chords)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"key": self.key, "confidence": self.confidence,
                "chords": [c.to_dict() for c in self.chords]}


def _events(notes: Any) -> list[tuple[int, int, int]]:
    """(start, duration, pitch) of every note; chord lists become one chord per bar."""
    if isinstance(notes, Score):
        return [(n.start, n.duration, n.pitch) for p in notes.parts if not p.is_drums
                for n in p.notes]
    if isinstance(notes, Part):
        return [(n.start, n.duration, n.pitch) for n in notes.notes]
    if hasattr(notes, "flatten") and hasattr(notes, "recurse"):
        return _stream_events(notes)
    if isinstance(notes, str) or not isinstance(notes, Sequence):
        raise ParameterTypeError(f"notes must be a Score, Part, Progression, music21 stream, "
                                 f"notes or a list of chords, got {type(notes).__name__}")
    if notes and all(isinstance(v, int | str) and not isinstance(v, bool) for v in notes):
        notes = [list(notes)]  # one chord given as its pitches
    triples = [it for it in notes if isinstance(it, tuple) and len(it) == 3
               and all(isinstance(v, int) and not isinstance(v, bool) for v in it)]
    # Triples are (pitch, start, duration) notes as in Book III, unless they can only be
    # chords: timed notes start somewhere at 0 or carry tick values beyond MIDI's range.
    timed = bool(triples) and any(t[1] == 0 or max(t) > 127 for t in triples)
    out: list[tuple[int, int, int]] = []
    for i, item in enumerate(notes):
        if isinstance(item, Note):
            out.append((item.start, item.duration, item.pitch))
        elif timed and item in triples:
            pitch, start, dur = item
            out.append((start, dur, to_midi_pitch(pitch)))
        elif isinstance(item, Sequence) and not isinstance(item, str):
            if not item:
                raise ParameterError(f"notes: chord {i} is empty")
            out.extend((i * 4 * PPQ, 4 * PPQ, to_midi_pitch(p)) for p in item)
        else:
            raise ParameterTypeError(f"notes: cannot read item {item!r}")
    return out


def _stream_events(stream: Any) -> list[tuple[int, int, int]]:
    """(start, duration, pitch) of every pitched note and chord tone of a music21 stream,
    its offsets (quarter notes) in ticks; unpitched percussion is left out as for a Score's
    drums."""
    out: list[tuple[int, int, int]] = []
    for el in stream.flatten().notes:
        start = round(float(el.offset) * PPQ)
        dur = max(1, round(float(el.quarterLength) * PPQ))
        out.extend((start, dur, int(p.midi)) for p in getattr(el, "pitches", ()))
    if not out:
        raise ParameterError("notes: the music21 stream holds no pitched notes")
    return out


def _slices(events: list[tuple[int, int, int]], window: int | None
            ) -> list[tuple[int, int, tuple[int, ...]]]:
    if window is not None:
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ParameterError(f"window must be a positive int (ticks), got {window!r}")
        end = max(s + d for s, d, _ in events)
        out = []
        for w0 in range(0, end, window):
            ps = sorted({p for s, d, p in events if s < w0 + window and s + d > w0})
            if ps:
                out.append((w0, window, tuple(ps)))
        return _merge(out)
    bounds = sorted({s for s, _, _ in events} | {s + d for s, d, _ in events})
    out = []
    for a, b in itertools.pairwise(bounds):
        ps = sorted({p for s, d, p in events if s < b and s + d > a})
        if ps:
            out.append((a, b - a, tuple(ps)))
    return _merge(out)


def _merge(slices: list[tuple[int, int, tuple[int, ...]]]
           ) -> list[tuple[int, int, tuple[int, ...]]]:
    merged: list[tuple[int, int, tuple[int, ...]]] = []
    for s, d, ps in slices:
        if merged and merged[-1][0] + merged[-1][1] == s and (
                {p % 12 for p in merged[-1][2]} == {p % 12 for p in ps}):
            ms, md, mps = merged[-1]
            merged[-1] = (ms, md + d, tuple(sorted(set(mps) | set(ps))))
        else:
            merged.append((s, d, ps))
    return merged


def analyze_harmony(notes: Any, key: str | None = None,
                    window: int | None = None) -> HarmonyAnalysis:
    """Name the chords of ``notes``, their roman numerals and the key (via music21).

    Parameters
    ----------
    notes : a Score (drums ignored), Part, a :class:`Progression` (analysed in its own key
        unless ``key`` is given), a music21 stream (its notes and chords), Note values,
        ``(pitch, start, duration)`` tuples, a list of chords (each a list or tuple of MIDI
        pitches or names, one chord per bar), or one chord as a flat list of pitches.
        Triples count as timed notes when one of them starts at 0 or holds a value beyond
        127; otherwise they are chords.
    key : analyse in this key (e.g. ``"A minor"``) instead of finding it.
    window : group by windows of this many ticks instead of by simultaneities.
    """
    from music21 import chord as m21chord
    from music21 import harmony as m21harmony
    from music21 import key as m21key
    from music21 import roman as m21roman
    from music21 import stream as m21stream

    if isinstance(notes, Progression):
        key = notes.key if key is None else key
        notes = [chord.pitches for chord in notes]
    events = _events(notes)
    if not events:
        raise ParameterError("notes must not be empty")
    slices = _slices(events, window)
    chords = []
    s: Any = m21stream.Stream()
    for start, dur, ps in slices:
        c = m21chord.Chord(list(ps))
        c.quarterLength = dur / PPQ
        s.insert(start / PPQ, c)
        chords.append((start, dur, ps, c))
    if key is not None:
        given = parse(key)
        mode = given.mode
        m21mode = "minor" if mode in ("minor", "aeolian", "harmonic", "melodic") else mode
        # music21 writes flats as '-': Eb is E-
        k = m21key.Key(given.tonic_name.replace("b", "-"),
                       "major" if m21mode == "ionian" else m21mode)
        confidence = 1.0
    else:
        k = s.analyze("key")
        confidence = float(getattr(k, "correlationCoefficient", 0.0) or 0.0)
    key_name = f"{k.tonic.name.replace('-', 'b')} {k.mode}"
    out = []
    for start, dur, ps, c in chords:
        try:
            symbol = m21harmony.chordSymbolFigureFromChord(c)
        except Exception:  # music21 raises assorted errors on odd sets
            symbol = ""
        if not symbol or "Cannot Be Identified" in symbol:
            symbol = ""
        try:
            roman = m21roman.romanNumeralFromChord(c, k).figure
        except Exception:
            roman = ""
        root = c.root().name.replace("-", "b") if ps else ""
        out.append(AnalyzedChord(start, dur, ps, root, c.pitchedCommonName,
                                 symbol.replace("-", "b"), roman))
    return HarmonyAnalysis(key_name, round(confidence, 4), tuple(out))


