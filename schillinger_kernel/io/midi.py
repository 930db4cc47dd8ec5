"""Standard MIDI Files in and out (mido): format 0 or 1, tempo map, meters, key, programs.

Our own files round-trip exactly: a text meta event in the first track carries what MIDI
cannot say (part presets, pan and gain as floats, modes other than major and minor).

>>> import tempfile, pathlib
>>> from schillinger_kernel.rhythm import interference
>>> path = pathlib.Path(tempfile.mkdtemp()) / "r32.mid"
>>> s = interference(3, 2).to_score()
>>> _ = write_midi(s, path)
>>> read_midi(path) == s
True
"""

from __future__ import annotations

import json
import os
from collections import defaultdict, deque
from dataclasses import replace
from pathlib import Path
from typing import Any

import mido

from ..pitch import key
from ..score import PPQ, Note, Part, Score, TempoChange, TimeSignature
from .atomic import atomic_path, check_target

__all__ = [
    "META_PREFIX",
    "read_midi",
    "write_midi",
]


META_PREFIX = "schillinger:"
# MIDI stores a key as (sharps or flats, major or minor); mido names each pair.
_MIDO_MAJOR = ("Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#")
_MIDO_MINOR = ("Abm", "Ebm", "Bbm", "Fm", "Cm", "Gm", "Dm", "Am", "Em", "Bm", "F#m", "C#m",
               "G#m", "D#m", "A#m")


def _assign_channels(score: Score) -> list[int]:
    """One channel per part: keep each part's channel unless another part took it first."""
    used: set[int] = set()
    out: list[int] = []
    for p in score.parts:
        ch = p.channel
        if not p.is_drums and ch in used:
            free = [c for c in range(16) if c != 9 and c not in used]
            ch = free[0] if free else p.channel  # more than 15 pitched parts: share channels
        used.add(ch)
        out.append(ch)
    return out


def _meta(score: Score, channels: list[int]) -> str:
    return META_PREFIX + json.dumps({
        "title": score.title, "key": score.key,
        "parts": [{"name": p.name, "channel": ch, "score_channel": p.channel,
                   "program": p.program, "preset": p.preset, "pan": p.pan, "gain": p.gain}
                  for p, ch in zip(score.parts, channels, strict=True)],
    }, separators=(",", ":"))


def _key_message(name: str) -> mido.MetaMessage:
    k = key(name)
    # modes keep their own signature (D dorian: none), written as the major key that has it
    minor = k.mode in ("minor", "aeolian", "harmonic", "melodic")
    fifths = max(-7, min(7, k.fifths))
    names = _MIDO_MINOR if minor else _MIDO_MAJOR
    return mido.MetaMessage("key_signature", key=names[fifths + 7], time=0)


def _conductor(score: Score, channels: list[int], scale: float) -> list[tuple[int, int, Any]]:
    ev: list[tuple[int, int, Any]] = [
        (0, 0, mido.MetaMessage("track_name", name=score.title, time=0)),
        (0, 0, mido.MetaMessage("text", text=_meta(score, channels), time=0)),
        (0, 0, _key_message(score.key)),
    ]
    for t in score.tempos:
        ev.append((round(t.tick * scale), 0, mido.MetaMessage(
            "set_tempo", tempo=mido.bpm2tempo(t.bpm), time=0)))
    for ts in score.time_signatures:
        ev.append((round(ts.tick * scale), 0, mido.MetaMessage(
            "time_signature", numerator=ts.numerator, denominator=ts.denominator, time=0)))
    return ev


def _part_events(part: Part, ch: int, scale: float) -> list[tuple[int, int, Any]]:
    ev: list[tuple[int, int, Any]] = [
        (0, 1, mido.Message("program_change", channel=ch, program=part.program, time=0)),
        (0, 1, mido.Message("control_change", channel=ch, control=10,
                            value=max(0, min(127, round(64 + part.pan * 63.5))), time=0)),
        (0, 1, mido.Message("control_change", channel=ch, control=7,
                            value=max(0, min(127, round(100 * min(part.gain, 1.27)))), time=0)),
    ]
    for n in part.notes:
        start, end = round(n.start * scale), round(n.end * scale)
        end = max(end, start + 1)
        # Sort key 0 puts note-offs before note-ons at the same tick (repeated pitches).
        ev.append((end, 0, mido.Message("note_off", channel=ch, note=n.pitch, velocity=0,
                                        time=0)))
        ev.append((start, 2, mido.Message("note_on", channel=ch, note=n.pitch,
                                          velocity=n.velocity, time=0)))
    return ev


def _to_track(events: list[tuple[int, int, Any]], name: str | None) -> mido.MidiTrack:
    track = mido.MidiTrack()
    if name is not None:
        track.append(mido.MetaMessage("track_name", name=name, time=0))
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def write_midi(score: Score, path: str | os.PathLike[str], *, format: int = 1,
               ppq: int = PPQ) -> Path:
    """Write ``score`` as a Standard MIDI File, atomically; returns the path.

    ``format`` 1 writes a conductor track then one track per part; 0 writes one track.
    Drum parts play on channel 10; every other part gets a channel of its own.
    """
    if not isinstance(score, Score):
        raise TypeError(f"score must be a Score, got {type(score).__name__}")
    if format not in (0, 1):
        raise ValueError(f"format must be 0 or 1, got {format!r}")
    if isinstance(ppq, bool) or not isinstance(ppq, int) or not 24 <= ppq <= 32767:
        raise ValueError(f"ppq must be an int in 24..32767, got {ppq!r}")
    if not score.parts or not any(p.notes for p in score.parts):
        raise ValueError("score has no notes to write")
    target = check_target(path, (".mid", ".midi", ".smf"))
    scale = ppq / score.ppq
    channels = _assign_channels(score)
    mid = mido.MidiFile(type=format, ticks_per_beat=ppq)
    conductor = _conductor(score, channels, scale)
    if format == 0:
        events = conductor[1:] + [e for p, ch in zip(score.parts, channels, strict=True)
                                  for e in _part_events(p, ch, scale)]
        mid.tracks.append(_to_track(events, score.title))
    else:
        mid.tracks.append(_to_track(conductor[1:], score.title))
        for p, ch in zip(score.parts, channels, strict=True):
            mid.tracks.append(_to_track(_part_events(p, ch, scale), p.name))
    with atomic_path(target) as tmp:
        mid.save(tmp)
    return target


def _read_meta(mid: mido.MidiFile) -> dict[str, Any]:
    for track in mid.tracks[:1]:
        for msg in track:
            if msg.type == "text" and msg.text.startswith(META_PREFIX):
                try:
                    data = json.loads(msg.text[len(META_PREFIX):])
                    return data if isinstance(data, dict) else {}
                except json.JSONDecodeError:
                    return {}
    return {}


def read_midi(path: str | os.PathLike[str]) -> Score:
    """Read a Standard MIDI File (format 0 or 1) into a Score at 480 PPQ.

    Notes are grouped into parts by track and channel; ticks are rescaled from the file's
    resolution. Raises ``ValueError`` when the file is missing or not MIDI.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"MIDI file not found: {str(p)!r}")
    try:
        mid = mido.MidiFile(p)
    except (OSError, EOFError, ValueError, KeyError, IndexError) as exc:
        raise ValueError(f"{str(p)!r} is not a readable MIDI file: {exc}") from None
    if mid.type == 2:
        raise ValueError(f"{str(p)!r}: MIDI format 2 (independent sequences) is not supported")
    scale = PPQ / mid.ticks_per_beat
    meta = _read_meta(mid)

    tempos: dict[int, float] = {}
    sigs: dict[int, TimeSignature] = {}
    key = meta.get("key")
    title = meta.get("title")
    notes: dict[tuple[int, int], list[Note]] = defaultdict(list)
    programs: dict[tuple[int, int], int] = {}
    names: dict[int, str] = {}
    for ti, track in enumerate(mid.tracks):
        now = 0
        open_notes: dict[tuple[int, int], deque[tuple[int, int]]] = defaultdict(deque)
        for msg in track:
            now += msg.time
            tick = round(now * scale)
            if msg.type == "set_tempo":
                # rounded once, by _exact_tempos: rounding here first to 6 places moved
                # 199.8175000166 BPM (300274 us) down to 199.817 instead of 199.818
                tempos[tick] = mido.tempo2bpm(msg.tempo)
            elif msg.type == "time_signature":
                sigs[tick] = TimeSignature(tick, msg.numerator, msg.denominator)
            elif msg.type == "key_signature" and key is None:
                k = msg.key
                key = f"{k[:-1]} minor" if k.endswith("m") else f"{k} major"
            elif msg.type == "track_name":
                names.setdefault(ti, msg.name)
            elif msg.type == "program_change":
                programs.setdefault((ti, msg.channel), msg.program)
            elif msg.type == "note_on" and msg.velocity > 0:
                open_notes[(msg.channel, msg.note)].append((tick, msg.velocity))
            elif msg.type in ("note_off", "note_on"):
                q = open_notes.get((msg.channel, msg.note))
                if q:
                    start, vel = q.popleft()
                    notes[(ti, msg.channel)].append(
                        Note(start, max(1, tick - start), msg.note, vel))
    if title is None:
        title = names.get(0) or p.stem
    meta_parts = list(meta.get("parts", []))
    parts: list[Part] = []
    for (ti, ch), ns in sorted(notes.items()):
        info: dict[str, Any] = {}
        for mp in meta_parts:
            if mp.get("channel") == ch and (mid.type == 0 or names.get(ti) == mp.get("name")):
                info = mp
                break
        name = info.get("name") or (names.get(ti) if mid.type == 1 and ti else None) or (
            "Drums" if ch == 9 else f"Part {len(parts) + 1}")
        # The score's own channel comes back even where the file needed another one.
        parts.append(Part(name=name, notes=tuple(ns), program=programs.get((ti, ch), 0),
                          channel=info.get("score_channel", ch), preset=info.get("preset"),
                          pan=info.get("pan", 0.0), gain=info.get("gain", 1.0)))
    if meta_parts:  # keep the writer's part order
        order = {mp["name"]: i for i, mp in enumerate(meta_parts) if "name" in mp}
        parts.sort(key=lambda prt: order.get(prt.name, len(order)))
    tempo_changes = tuple(TempoChange(t, b) for t, b in sorted(tempos.items())) or (
        TempoChange(0, 120.0),)
    if tempo_changes[0].tick != 0:
        tempo_changes = (TempoChange(0, 120.0), *tempo_changes)
    sig_list = tuple(sigs[t] for t in sorted(sigs)) or (TimeSignature(0, 4, 4),)
    if sig_list[0].tick != 0:
        sig_list = (TimeSignature(0, 4, 4), *sig_list)
    score = Score(parts=tuple(parts), tempos=tempo_changes, time_signatures=sig_list,
                  key=key or "C major", title=title)
    return _exact_tempos(score)


def _exact_tempos(score: Score) -> Score:
    """MIDI stores tempo as whole microseconds per beat; snap to the nearest 1/1000 BPM."""
    snapped = tuple(TempoChange(t.tick, round(t.bpm, 3)) for t in score.tempos)
    return replace(score, tempos=snapped)
