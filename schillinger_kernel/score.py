"""The one data model: :class:`Score`, :class:`Part`, :class:`Note`.

Every other part of the workbench (theory, exports, renderer, widgets, server) trades in
``Score`` values. They are immutable: every operation returns a new value. Time is in ticks at
480 per quarter note (:data:`PPQ`); on the wire to DAWs it is in beats (quarter = 1.0).

>>> s = Score.from_durations((2, 1, 1, 2), pitches=(60, 64), unit=240)
>>> [(n.start, n.duration, n.pitch) for n in s.parts[0].notes]
[(0, 480, 60), (480, 240, 64), (720, 240, 60), (960, 480, 64)]
>>> s.transpose(2).parts[0].notes[0].pitch
62
>>> Score.from_json(s.to_json()) == s
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import instruments
from .checks import check_float, check_int
from .errors import ParameterError, ParameterTypeError
from .pitch import key as key_of
from .pitch import parse_key, to_midi_pitch

# The first build exported these from here; they live in pitch.py now and stay importable.
from .pitch import pitch_class as pitch_class
from .pitch import pitch_name as pitch_name
from .score_metadata import joined_metadata, json_data, moved_metadata, transposed_key
from .tempo import PPQ, TempoChange, TempoMap

if TYPE_CHECKING:  # pragma: no cover
    import music21

__all__ = ["PPQ", "SCHEMA_VERSION", "Note", "Part", "Score", "TempoChange", "TempoMap",
           "TimeSignature", "beats", "score_schema"]

SCHEMA_VERSION = 1

@dataclass(frozen=True, order=True)
class Note:
    """One note: onset and length in ticks, MIDI pitch 0..127, velocity 1..127."""

    start: int
    duration: int
    pitch: int
    velocity: int = 90

    def __post_init__(self) -> None:
        check_int("note.start", self.start, 0, None)
        check_int("note.duration", self.duration, 1, None)
        check_int("note.pitch", self.pitch, 0, 127)
        check_int("note.velocity", self.velocity, 1, 127)

    @property
    def end(self) -> int:
        """Tick at which the note stops sounding."""
        return self.start + self.duration


@dataclass(frozen=True)
class Part:
    """A named voice: its notes, General MIDI program, channel, render preset, pan and gain.

    Build one from an instrument name with :meth:`Part.create`.
    """

    name: str
    notes: tuple[Note, ...] = ()
    program: int = 0
    channel: int = 0
    preset: str | None = None
    pan: float = 0.0
    gain: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ParameterError(f"part.name must be a non-empty str, got {self.name!r}")
        notes = tuple(self.notes)
        for n in notes:
            if not isinstance(n, Note):
                raise ParameterTypeError(
                    f"part.notes must hold Note values, got {type(n).__name__}")
        object.__setattr__(self, "notes", tuple(sorted(notes)))
        check_int("part.program", self.program, 0, 127)
        check_int("part.channel", self.channel, 0, 15)
        if self.preset is not None and self.preset not in instruments.PRESETS:
            raise ParameterError(
                f"part.preset must be one of {', '.join(instruments.PRESETS)} or None, "
                f"got {self.preset!r}"
            )
        check_float("part.pan", self.pan, -1.0, 1.0)
        check_float("part.gain", self.gain, 0.0, 4.0)

    @classmethod
    def create(cls, name: str, notes: Iterable[Note] = (), instrument: str = "piano",
               channel: int | None = None, **kw: Any) -> Part:
        """A part for an instrument name (GM name, alias or ``"drums"``).

        >>> Part.create("Bass", instrument="bass").program
        33
        >>> Part.create("Kit", instrument="drums").channel
        9
        """
        program = instruments.program_for(instrument)
        drums = instruments.is_drums(instrument)
        if channel is None:
            channel = instruments.DRUM_CHANNEL if drums else 0
        return cls(name=name, notes=tuple(notes), program=program, channel=channel, **kw)

    def __repr__(self) -> str:
        """A one-line summary; the notebook shows the part engraved.

        >>> Part.create("Bass", (Note(0, 480, 40),), instrument="bass")
        Part('Bass', electric bass (finger), 1 note)
        """
        n = len(self.notes)
        return f"Part({self.name!r}, {self.instrument}, {n} note{'s' * (n != 1)})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The part engraved for Jupyter, the short repr as ``text/plain``."""
        from .notation import mimebundle

        return mimebundle(self)

    @property
    def is_drums(self) -> bool:
        """True on the GM percussion channel (10, zero-based 9)."""
        return self.channel == instruments.DRUM_CHANNEL

    @property
    def instrument(self) -> str:
        """The GM instrument name (``"drums"`` on channel 10)."""
        return instruments.DRUMS if self.is_drums else instruments.name_for_program(self.program)

    @property
    def render_preset(self) -> str:
        """The preset the renderer uses: the explicit one, else the program's."""
        return self.preset or instruments.preset_for_program(self.program, drums=self.is_drums)

    @property
    def end(self) -> int:
        """Tick at which the last note of the part ends (0 when empty)."""
        return max((n.end for n in self.notes), default=0)

    def transpose(self, semitones: int) -> Part:
        """The part moved by ``semitones`` (drum parts stay, their pitches name instruments)."""
        check_int("semitones", semitones, -127, 127)
        if self.is_drums:
            return self
        return replace(self, notes=tuple(replace(n, pitch=n.pitch + semitones)
                                         for n in self.notes))

    def shift(self, ticks: int) -> Part:
        """The part moved later in time by ``ticks``."""
        return replace(self, notes=tuple(replace(n, start=n.start + ticks) for n in self.notes))


@dataclass(frozen=True)
class TimeSignature:
    """A time signature ``numerator/denominator`` from ``tick`` on."""

    tick: int
    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        check_int("time_signature.tick", self.tick, 0, None)
        check_int("time_signature.numerator", self.numerator, 1, 64)
        if self.denominator not in (1, 2, 4, 8, 16, 32, 64):
            raise ParameterError(
                f"time_signature.denominator must be a power of two 1..64, got {self.denominator!r}"
            )

    @property
    def bar_ticks(self) -> int:
        """Length of one bar in ticks at :data:`PPQ`."""
        return self.numerator * PPQ * 4 // self.denominator


@dataclass(frozen=True)
class Score:
    """A piece: parts, tempo map, time signatures, key and title, at :data:`PPQ` ticks."""

    parts: tuple[Part, ...] = ()
    tempos: tuple[TempoChange, ...] = (TempoChange(0, 120.0),)
    time_signatures: tuple[TimeSignature, ...] = (TimeSignature(0, 4, 4),)
    key: str = "C major"
    title: str = "Untitled"
    ppq: int = field(default=PPQ)
    # What made the piece (e.g. ``"form"``: its sections, see compose.form): JSON data, not
    # part of equality; to_dict writes it under "metadata" when there is any.
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for p in self.parts:
            if not isinstance(p, Part):
                raise ParameterTypeError(
                    f"score.parts must hold Part values, got {type(p).__name__}")
        object.__setattr__(self, "parts", tuple(self.parts))
        if not self.tempos:
            raise ParameterError("score.tempos must hold at least one TempoChange (tick 0)")
        object.__setattr__(self, "tempos", tuple(sorted(self.tempos, key=lambda t: t.tick)))
        object.__setattr__(self, "time_signatures",
                           tuple(sorted(self.time_signatures, key=lambda t: t.tick)))
        if self.tempos[0].tick != 0:
            raise ParameterError("score.tempos: the first tempo must start at tick 0")
        if not self.time_signatures or self.time_signatures[0].tick != 0:
            raise ParameterError("score.time_signatures: the first must start at tick 0")
        parse_key(self.key)
        if not isinstance(self.title, str):
            raise ParameterTypeError(f"score.title must be a str, got {type(self.title).__name__}")
        if self.ppq != PPQ:
            raise ParameterError(
                f"score.ppq must be {PPQ} (files at other resolutions are rescaled)")

    def __repr__(self) -> str:
        """A one-line summary; the notebook shows the engraved score (see ``_repr_mimebundle_``).

        >>> Score.from_durations((2, 1, 1, 2), title="Etude", key="D minor", tempo=100)
        Score('Etude', 1 part, 1 bar, D minor, 100 BPM)
        """
        n, bars = len(self.parts), self.bars
        return (f"Score({self.title!r}, {n} part{'s' * (n != 1)}, {bars} bar{'s' * (bars != 1)}, "
                f"{self.key}, {self.tempo:g} BPM)")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Engraved notation (first pages) for Jupyter, the short repr as ``text/plain``."""
        from .notation import mimebundle

        return mimebundle(self)

    # ----- construction -------------------------------------------------------------------
    @classmethod
    def from_durations(cls, durations: Sequence[int], pitches: Sequence[int | str] | int | str = 60,
                       *, unit: int = PPQ // 2, velocity: int = 90,
                       accents: Sequence[int] = (), accent_velocity: int = 120,
                       instrument: str = "piano", part_name: str = "Rhythm",
                       tempo: float = 120.0, time_signature: tuple[int, int] = (4, 4),
                       key: str = "C major", title: str = "Untitled") -> Score:
        """One-part score from durations in units of ``unit`` ticks and pitches dealt cyclically.

        Negative durations are rests. ``accents`` are onsets (in units) that get
        ``accent_velocity``.
        """
        if not durations:
            raise ParameterError("durations must not be empty")
        check_int("unit", unit, 1, PPQ * 16)
        pitch_list = [pitches] if isinstance(pitches, int | str) else list(pitches)
        if not pitch_list:
            raise ParameterError("pitches must not be empty")
        midi = [to_midi_pitch(p) for p in pitch_list]
        accent_set = set(accents)
        notes: list[Note] = []
        t = 0
        k = 0
        for d in durations:
            if isinstance(d, bool) or not isinstance(d, int) or d == 0:
                raise ParameterError(
                    f"durations must be non-zero ints (negative = rest), got {d!r}")
            if d > 0:
                vel = accent_velocity if t in accent_set else velocity
                notes.append(Note(t * unit, d * unit, midi[k % len(midi)], vel))
                k += 1
            t += abs(d)
        part = Part.create(part_name, notes, instrument=instrument)
        return cls(parts=(part,), tempos=(TempoChange(0, float(tempo)),),
                   time_signatures=(TimeSignature(0, *time_signature),), key=key, title=title)

    # ----- queries --------------------------------------------------------------------------
    @property
    def end(self) -> int:
        """Tick at which the last note ends."""
        return max((p.end for p in self.parts), default=0)

    @property
    def bars(self) -> int:
        """Bars the notes reach into (at least 1), following the time signatures.

        >>> Score.from_durations((8, 8, 1)).bars
        3
        """
        sigs, end = self.time_signatures, self.end
        t, i, count = 0, 0, 0
        while t < end or count == 0:
            while i + 1 < len(sigs) and sigs[i + 1].tick <= t:
                i += 1
            t += sigs[i].bar_ticks
            count += 1
        return count

    @property
    def tempo(self) -> float:
        """The opening tempo in BPM."""
        return self.tempos[0].bpm

    @property
    def bar_ticks(self) -> int:
        """Length in ticks of a bar of the opening time signature."""
        return self.time_signatures[0].bar_ticks

    @property
    def tempo_map(self) -> TempoMap:
        """The score's :class:`~schillinger_kernel.tempo.TempoMap` (ticks <-> seconds)."""
        return TempoMap(self.tempos, self.ppq)

    def seconds_at(self, tick: int) -> float:
        """Seconds from the start to ``tick``, following the tempo map."""
        return self.tempo_map.seconds(tick)

    @property
    def duration_seconds(self) -> float:
        """Length of the score in seconds."""
        return self.seconds_at(self.end)

    @property
    def notes(self) -> tuple[Note, ...]:
        """All notes of all parts, in time order."""
        return tuple(sorted(n for p in self.parts for n in p.notes))

    # ----- transformations ------------------------------------------------------------------
    def transpose(self, semitones: int) -> Score:
        """Every pitched part moved by ``semitones``; the key and the chord symbols of
        ``metadata["chords"]`` move with them, spelled in the new key.

        >>> s = replace(Score.from_durations((4,), pitches=64, key="E major"),
        ...             metadata={"chords": [{"tick": 0, "symbol": "G#m7/D#"}]})
        >>> t = s.transpose(1)
        >>> t.key, t.metadata["chords"][0]["symbol"]
        ('F major', 'Am7/E')
        """
        check_int("semitones", semitones, -127, 127)
        parts = tuple(p.transpose(semitones) for p in self.parts)
        if semitones % 12 == 0 or all(p.is_drums for p in self.parts if p.notes):
            return replace(self, parts=parts)
        old, new = key_of(self.key), transposed_key(self.key, semitones)
        return replace(self, parts=parts, key=new.name,
                       metadata=moved_metadata(self.metadata, semitones, old, new))

    def with_tempo(self, bpm: float) -> Score:
        """The score at one tempo ``bpm``."""
        return replace(self, tempos=(TempoChange(0, bpm),))

    def concat(self, other: Score, *, align_to_bar: bool = True) -> Score:
        """``other`` appended after this score; parts with the same name continue each other.

        With ``align_to_bar`` the second score starts on the next bar line. The chord
        symbols and form sections of ``metadata`` follow: those of ``other`` are shifted to
        where it now starts (its other metadata fills in keys this score does not have).

        >>> a = replace(Score.from_durations((4,)),
        ...             metadata={"chords": [{"tick": 0, "symbol": "C"}]})
        >>> b = replace(a, metadata={"chords": [{"tick": 0, "symbol": "G7"}]})
        >>> [(c["tick"], c["symbol"]) for c in a.concat(b).metadata["chords"]]
        [(0, 'C'), (1920, 'G7')]
        """
        if not isinstance(other, Score):
            raise ParameterTypeError(f"concat expects a Score, got {type(other).__name__}")
        offset = self.end
        if align_to_bar and offset % self.bar_ticks:
            offset += self.bar_ticks - offset % self.bar_ticks
        by_name = {p.name: p for p in self.parts}
        parts = list(self.parts)
        for p in other.parts:
            moved = p.shift(offset)
            if p.name in by_name:
                i = parts.index(by_name[p.name])
                parts[i] = replace(parts[i], notes=parts[i].notes + moved.notes)
            else:
                parts.append(moved)
        tempos = self.tempos + tuple(TempoChange(t.tick + offset, t.bpm) for t in other.tempos
                                     if t != self.tempos[-1] or t.tick)
        sigs = self.time_signatures + tuple(
            TimeSignature(t.tick + offset, t.numerator, t.denominator)
            for t in other.time_signatures)
        return replace(self, parts=tuple(parts), tempos=_dedupe(tempos),
                       time_signatures=_dedupe(sigs),
                       metadata=joined_metadata(self.metadata, other.metadata, offset))

    def layer(self, other: Score) -> Score:
        """Both scores sounding together: the parts of ``other`` added beside these."""
        if not isinstance(other, Score):
            raise ParameterTypeError(f"layer expects a Score, got {type(other).__name__}")
        names = {p.name for p in self.parts}
        extra = []
        for p in other.parts:
            name, k = p.name, 2
            while name in names:
                name, k = f"{p.name} {k}", k + 1
            names.add(name)
            extra.append(replace(p, name=name))
        return replace(self, parts=self.parts + tuple(extra))

    def add_part(self, part: Part) -> Score:
        """The score with ``part`` added."""
        return replace(self, parts=(*self.parts, part))

    # ----- serialisation --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-data form following ``schemas/score.schema.json``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "ppq": self.ppq,
            "key": self.key,
            "tempos": [{"tick": t.tick, "bpm": t.bpm} for t in self.tempos],
            "time_signatures": [{"tick": t.tick, "numerator": t.numerator,
                                 "denominator": t.denominator} for t in self.time_signatures],
            "parts": [{
                "name": p.name, "program": p.program, "channel": p.channel,
                "instrument": p.instrument, "preset": p.preset, "pan": p.pan, "gain": p.gain,
                "notes": [[n.start, n.duration, n.pitch, n.velocity] for n in p.notes],
            } for p in self.parts],
        } | ({"metadata": json_data("score.metadata", self.metadata)} if self.metadata else {})

    def to_json(self, **kw: Any) -> str:
        """JSON text following the shipped schema (see :func:`score_schema`)."""
        return json.dumps(self.to_dict(), **kw)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Score:
        """Score from plain data, validated against the schema first."""
        import jsonschema

        try:
            jsonschema.validate(data, score_schema())
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
            raise ParameterError(f"score JSON invalid at {where}: {exc.message}") from None
        parts = tuple(Part(
            name=p["name"], program=p.get("program", 0), channel=p.get("channel", 0),
            preset=p.get("preset"), pan=p.get("pan", 0.0), gain=p.get("gain", 1.0),
            notes=tuple(Note(*n) for n in p["notes"])) for p in data["parts"])
        return cls(
            parts=parts,
            tempos=tuple(TempoChange(t["tick"], t["bpm"]) for t in data.get("tempos", [])) or (
                TempoChange(0, 120.0),),
            time_signatures=tuple(TimeSignature(t["tick"], t["numerator"], t["denominator"])
                                  for t in data.get("time_signatures", [])) or (
                TimeSignature(0, 4, 4),),
            key=data.get("key", "C major"), title=data.get("title", "Untitled"),
            metadata=dict(data.get("metadata", {})),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Score:
        """Score from JSON text (see :meth:`to_json`)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"score JSON is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ParameterError("score JSON must be an object")
        return cls.from_dict(data)

    # ----- bridges to the edges (imported lazily: the core stays light) ---------------------
    def to_midi(self, path: str | Path, *, format: int = 1, ppq: int = PPQ) -> Path:
        """Write a Standard MIDI File (format 0 or 1) atomically; returns the path."""
        from .io.midi import write_midi

        return write_midi(self, path, format=format, ppq=ppq)

    def to_musicxml(self, path: str | Path) -> Path:
        """Write MusicXML atomically; returns the path."""
        from .io.musicxml import write_musicxml

        return write_musicxml(self, path)

    def to_music21(self) -> music21.stream.Score:
        """A music21 ``Score`` with one ``Part`` per part."""
        from .io.m21 import to_music21

        return to_music21(self)

    @classmethod
    def from_music21(cls, stream: music21.stream.Stream) -> Score:
        """A Score from a music21 stream (parts, notes, chords, tempo, meter, key)."""
        from .io.m21_read import from_music21

        return from_music21(stream)

    def export_audio(self, path: str | Path, **kw: Any) -> Path:
        """Render and write audio in one call (see ``schillinger_kernel.io.audio``)."""
        from .synth import render

        audio = render(self, **{k: kw.pop(k) for k in ("sample_rate", "backend") if k in kw})
        return audio.write(path, **kw)

    def play(self, **kw: Any) -> Any:
        """A Player widget for this score (in a notebook)."""
        from .widgets import Player

        return Player(score=self, **kw)


def _dedupe(items: Iterable[Any]) -> tuple[Any, ...]:
    out: dict[int, Any] = {}
    for it in items:
        out[it.tick] = it
    return tuple(out[k] for k in sorted(out))


def score_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``Score.to_json``, shipped in the package."""
    text = resources.files("schillinger_kernel").joinpath("schemas/score.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def beats(ticks: int, ppq: int = PPQ) -> float:
    """Ticks as beats (quarter = 1.0), the time unit on the wire to DAWs."""
    return ticks / ppq
