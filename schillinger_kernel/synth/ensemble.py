"""Where each instrument sits and how loud it plays by default: seating, room sends, balance.

A part that leaves its ``pan`` at 0 is seated where its instrument sits in an orchestra or a
band, seen from the audience (strings: violins left, cellos and basses right; winds in the
middle; horns left, trumpets and trombones right; piano left, guitar right, bass and the
soloist in the centre). The drum kit is spread as a drummer sets it up (hi-hat on the
audience's right, ride on the left). Each family sends its own share to the room (bass and
kick little, strings and voices more).

Each part plays at the level of its *role* (:func:`roles`): the lead on top, a supporting
voice (second violin, viola, the pianist's left hand) just under it, the bass under that,
comping chords and pads well under the lead, the kit under the band. A role's level is in LU
against the lead (:data:`ROLE_LEVEL`, near what FluidSynth's General MIDI set gives the same
pieces); each sound's own loudness (:data:`SOUND_LEVEL`, measured on a reference phrase by
``python -m bench.listen calibrate``) is taken out first, so a quiet timbre in a role sits
where a loud one would. The kit's drums keep the balance of a General MIDI kit
(:data:`KIT_BALANCE`). A part whose ``gain`` is set (anything but 1.0) plays at that gain:
the user's level wins, as an explicit ``pan`` wins over the seat.

>>> seat("violin"), seat("cello"), seat("sax")
(-0.45, 0.4, 0.0)
>>> kit_pan("hat_closed"), kit_pan("kick")
(0.3, 0.0)
>>> room_send("strings") > room_send("acoustic_bass")
True
>>> spread([0.0, 0.0, -0.3])
[0.0, 0.2, -0.3]
>>> from schillinger_kernel.score import Note, Part
>>> line = tuple(Note(i * 480, 480, 72 + i % 3, 96) for i in range(4))
>>> chords = tuple(Note(i * 960, 960, p, 70) for i in range(2) for p in (60, 64, 67))
>>> band = [Part("Sax", line, program=66), Part("Piano", chords),
...         Part("Bass", tuple(Note(n.start, 480, 40, 90) for n in line), program=32)]
>>> roles(band, ["sax", "piano", "acoustic_bass"])
['lead', 'comping', 'bass']
>>> [round(g, 2) for g in levels(band, ["sax", "piano", "acoustic_bass"])]
[1.0, 0.41, 1.2]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..score import Part

__all__ = ["KIT", "KIT_BALANCE", "KIT_LEVEL", "KIT_SENDS", "REF_LEVEL", "ROLES", "ROLE_LEVEL",
           "SEATS", "SENDS", "SOUND_LEVEL", "kit_level", "kit_pan", "kit_send", "levels",
           "roles", "room_send", "seat", "spread"]

# Pan (-1 left .. 1 right, audience view) of each sound, timbres and render presets alike.
SEATS: dict[str, float] = {
    "violin": -0.45, "strings": -0.25, "pizzicato": -0.3, "viola": 0.2, "cello": 0.4,
    "contrabass": 0.55, "harp": -0.6, "timpani": 0.15,
    "flute": -0.15, "clarinet": -0.1, "double_reed": 0.12, "horn": -0.35, "trumpet": 0.15,
    "trombone": 0.3, "tuba": 0.45, "sax": 0.0, "voice": 0.0,
    "piano": -0.3, "epiano": -0.25, "organ": 0.3, "guitar": 0.3, "mallet": 0.25,
    "acoustic_bass": 0.1, "electric_bass": 0.0, "synth_bass": 0.0,
    "square_lead": 0.1, "saw_lead": -0.1,
    "synth_pad": -0.2, "synth_fx": -0.35,
    "pad": -0.2, "bass": 0.0, "lead": 0.0, "pluck": 0.25, "fx": -0.35, "drum": 0.0,
}

# Pan of each drum of the kit, added to the kit's own seat.
KIT: dict[str, float] = {
    "kick": 0.0, "snare": 0.05, "clap": 0.0, "rim": 0.05, "hat_closed": 0.3, "hat_open": 0.3,
    "tom_high": 0.2, "tom_mid": 0.0, "tom_low": -0.25, "crash": 0.4, "ride": -0.35,
    "perc": -0.2,
}

# Share of each sound sent to the room: low sounds little (a wet bass muddies the mix).
SENDS: dict[str, float] = {
    "violin": 0.35, "viola": 0.35, "cello": 0.3, "contrabass": 0.2, "strings": 0.4,
    "pizzicato": 0.3, "harp": 0.35, "timpani": 0.25, "voice": 0.4, "pad": 0.4, "fx": 0.4,
    "flute": 0.3, "clarinet": 0.3, "double_reed": 0.3, "horn": 0.35, "trumpet": 0.25,
    "trombone": 0.25, "tuba": 0.15, "sax": 0.25, "piano": 0.25, "epiano": 0.2,
    "organ": 0.25, "guitar": 0.2, "mallet": 0.3, "acoustic_bass": 0.08, "electric_bass": 0.05,
    "synth_bass": 0.04, "bass": 0.05, "square_lead": 0.2, "saw_lead": 0.2, "lead": 0.25,
    "pluck": 0.2, "drum": 0.12, "synth_pad": 0.4, "synth_fx": 0.4,
}

# The drums' own sends: the kick nearly dry (a wet kick booms and blurs the beat).
KIT_SENDS: dict[str, float] = {"kick": 0.03}

ROLES = ("lead", "inner", "bass", "comping", "drums")
# LU under the lead by role, before the velocities the parts are written with; "drums" is
# a snare line against a lead line at the same velocity. FluidSynth's FluidR3 set gives the
# composer's pieces: comping -6.2 (jazz), -5.7 (blues); bass -4.3, -3.6; quartet 2nd
# violin -3.5, viola -4.1, cello -1.7; a snare -7.7 under a tenor sax. Comping sits a little
# lower than FluidSynth's in jazz so that held chords (pop keys) stay 4 LU under the lead.
ROLE_LEVEL: dict[str, float] = {"lead": 0.0, "inner": -1.0, "bass": -2.0, "comping": -6.5,
                                "drums": -7.7}

# LUFS of each sound at unit gain, dry, on the reference phrase (``bench.listen.calibrate``:
# eight legato quarters at 120 BPM, velocity 100, an arpeggio from E2 for the basses, E3
# for cello, trombone and timpani, E4 for the rest). Rows of the render's sound table.
SOUND_LEVEL: dict[str, float] = {
    "pad": -31.0, "bass": -26.2, "lead": -27.1, "pluck": -28.0, "fx": -29.1, "piano": -23.6,
    "epiano": -26.2, "organ": -27.7, "mallet": -25.3, "guitar": -26.9, "harp": -26.4,
    "acoustic_bass": -28.5, "electric_bass": -27.9, "synth_bass": -27.9, "violin": -25.0,
    "viola": -26.5, "cello": -26.0, "contrabass": -24.8, "strings": -30.6, "pizzicato": -31.9,
    "timpani": -26.1, "voice": -29.8, "trumpet": -24.6, "trombone": -25.3, "horn": -26.4,
    "tuba": -25.0, "sax": -24.9, "double_reed": -23.7, "clarinet": -23.0, "flute": -24.5,
    "square_lead": -28.5, "saw_lead": -27.2, "synth_pad": -31.0, "synth_fx": -31.2,
}
# LUFS of each drum at unit gain, dry: eight hits at 120 BPM, velocity 100 (the same
# calibration).
KIT_LEVEL: dict[str, float] = {
    "kick": -26.2, "rim": -32.4, "snare": -28.7, "clap": -31.0, "hat_closed": -32.5,
    "hat_open": -26.2, "tom_low": -22.8, "tom_mid": -22.0, "tom_high": -22.1, "crash": -21.1,
    "ride": -22.7, "perc": -28.5,
}
# LU of each drum against the snare in FluidSynth's FluidR3 kit (same eight hits): a General
# MIDI drummer's balance, where ride and hi-hat sit well under snare and kick.
KIT_BALANCE: dict[str, float] = {
    "kick": -3.2, "rim": -3.1, "snare": 0.0, "clap": 1.0, "hat_closed": -9.1, "hat_open": -8.7,
    "tom_low": 2.5, "tom_mid": -1.4, "tom_high": -2.8, "crash": 3.5, "ride": -6.5, "perc": -3.7,
}
REF_LEVEL = -25.0  # LUFS the parts are balanced against when no part leads (a kit alone)
_MAX_LEVEL = 4.0  # the most a role may raise a part (Part.gain's own upper bound)

_LEAD = {"melody", "lead", "solo", "soloist", "vocal", "vocals", "voice", "tune", "theme", "rh"}
_INNER = {"lh"}
_COMP = {"comp", "comping", "accomp", "accompaniment", "keys", "chords", "chord", "pad",
         "pads", "rhythm", "harmony", "arpeggio", "arpeggios"}
_BASS = {"bass", "basso", "bassline", "contrabass"}
_BASS_SOUNDS = {"bass", "acoustic_bass", "electric_bass", "synth_bass", "contrabass"}
_PAD_SOUNDS = {"pad", "synth_pad", "strings"}
_LOW = 55  # mean pitch (G3) under which the lowest single line is the bass


def seat(sound: str) -> float:
    """The default pan of a part playing ``sound`` (a timbre or render preset name); 0 for a
    name without a seat.

    >>> seat("trombone"), seat("unknown")
    (0.3, 0.0)
    """
    return SEATS.get(sound, 0.0)


def kit_pan(kind: str) -> float:
    """Where a drum of the kit sits relative to the kit's seat (0 for unknown kinds)."""
    return KIT.get(kind, 0.0)


def room_send(sound: str) -> float:
    """The share of a part playing ``sound`` sent to the room (0.2 for unknown names)."""
    return SENDS.get(sound, 0.2)


def spread(seats: Sequence[float], step: float = 0.2) -> list[float]:
    """Seats moved apart where parts would sit on top of each other: the second part at a
    seat moves ``step`` right, the third ``step`` left, and so on (within -1..1).

    >>> spread([0.3, 0.3, 0.3])
    [0.3, 0.5, 0.1]
    """
    taken: dict[float, int] = {}
    out = []
    for s in seats:
        k = taken.get(s, 0)
        taken[s] = k + 1
        offset = step * ((k + 1) // 2) * (1 if k % 2 else -1)
        out.append(round(max(-1.0, min(1.0, s + offset)), 6))
    return out


def kit_send(kind: str) -> float:
    """The share of a drum of the kit sent to the room.

    >>> kit_send("kick") < kit_send("snare") == room_send("drum")
    True
    """
    return KIT_SENDS.get(kind, room_send("drum"))


def kit_level(kind: str) -> float:
    """Gain of a drum against the kit's snare, so the kit keeps a General MIDI kit's balance
    (:data:`KIT_BALANCE`) whatever each of our drums' own loudness.

    >>> kit_level("snare"), kit_level("ride") < 0.5
    (1.0, True)
    """
    own = KIT_LEVEL.get(kind, KIT_LEVEL["snare"]) - KIT_LEVEL["snare"]
    return float(10 ** ((KIT_BALANCE.get(kind, 0.0) - own) / 20))


def _name_role(name: str) -> str | None:
    words = re.findall(r"[a-z]+", name.lower())
    text = " ".join(words)
    for role, keys, phrase in (("lead", _LEAD, "right hand"), ("inner", _INNER, "left hand"),
                               ("comping", _COMP, ""), ("bass", _BASS, "")):
        if keys.intersection(words) or (phrase and phrase in text):
            return role
    return None


def _single_line(part: Part) -> bool:
    """Mostly one note at a time: under a quarter of its notes share an onset."""
    return len({n.start for n in part.notes}) >= 0.75 * len(part.notes)


def _mean_pitch(part: Part) -> float:
    return sum(n.pitch for n in part.notes) / len(part.notes)


def roles(parts: Sequence[Part], sounds: Sequence[str]) -> list[str]:
    """The role (one of :data:`ROLES`) each part plays in the ensemble.

    ``sounds``: each part's sound (a row of the render's sound table, e.g. ``"sax"``). The
    kit is ``"drums"``; a lone pitched part leads. Otherwise the part's name decides where it
    says (``Melody``, ``Lead``, ``Solo``, ``RH`` lead; ``LH`` is an inner voice; ``Comp``,
    ``Keys``, ``Pad``, ``Chords``, ``Arpeggio`` comp; ``Bass`` is the bass), then its sound
    (a bass instrument is the bass, a pad comps), then what it plays: chords comp, the
    highest single line leads, the lowest single line under G3 is the bass, other single
    lines are inner voices.

    >>> from schillinger_kernel.score import Note, Part
    >>> line = lambda p: tuple(Note(i * 480, 480, p, 90) for i in range(4))
    >>> quartet = [Part(n, line(p), program=40) for n, p in
    ...            (("Violin I", 76), ("Violin II", 67), ("Viola", 62), ("Cello", 43))]
    >>> roles(quartet, ["violin", "violin", "viola", "cello"])
    ['lead', 'inner', 'inner', 'bass']
    """
    if len(sounds) != len(parts):
        raise ValueError(f"roles: one sound per part, got {len(sounds)} sounds for "
                         f"{len(parts)} parts")
    out: list[str | None] = [None] * len(parts)
    pitched = []
    for i, p in enumerate(parts):
        if p.is_drums or p.render_preset == "drum":
            out[i] = "drums"
        elif not p.notes:
            out[i] = "inner"  # silent: its level changes nothing
        else:
            pitched.append(i)
    if len(pitched) == 1:
        out[pitched[0]] = "lead"
    for i in pitched if len(pitched) > 1 else ():
        s = sounds[i]
        out[i] = _name_role(parts[i].name) or (
            "bass" if s in _BASS_SOUNDS else "comping" if s in _PAD_SOUNDS else None)
    free = [i for i in pitched if out[i] is None]
    if "lead" not in out and pitched:
        lines = [i for i in free if _single_line(parts[i])] or free or pitched
        out[max(lines, key=lambda i: _mean_pitch(parts[i]))] = "lead"
        free = [i for i in free if out[i] is None]
    for i in free:
        if not _single_line(parts[i]):
            out[i] = "comping"
    lines = [i for i in free if out[i] is None]
    if "bass" not in out and lines:
        low = min(lines, key=lambda i: _mean_pitch(parts[i]))
        if _mean_pitch(parts[low]) < _LOW:
            out[low] = "bass"
    return [r or "inner" for r in out]


def levels(parts: Sequence[Part], sounds: Sequence[str]) -> list[float]:
    """The gain each part plays at: its role's level (:data:`ROLE_LEVEL`) against the lead,
    its sound's own loudness taken out, the lead itself at 1.0; a part with its ``gain`` set
    (anything but 1.0) at that gain. The kit's entry is the snare's gain (each drum then
    times :func:`kit_level`).

    >>> from schillinger_kernel.score import Note, Part
    >>> line = tuple(Note(i * 480, 480, 72, 90) for i in range(4))
    >>> levels([Part("Lead", line, program=80), Part("Pad", line, program=89, gain=0.5)],
    ...        ["square_lead", "synth_pad"])
    [1.0, 0.5]
    """
    rs = roles(parts, sounds)
    lead = next((i for i, r in enumerate(rs) if r == "lead"), None)
    anchor = REF_LEVEL if lead is None else SOUND_LEVEL.get(sounds[lead], REF_LEVEL)
    out = []
    for p, s, r in zip(parts, sounds, rs, strict=True):
        if p.gain != 1.0:
            out.append(p.gain)
            continue
        own = KIT_LEVEL["snare"] if r == "drums" else SOUND_LEVEL.get(s, anchor)
        out.append(min(_MAX_LEVEL, 10 ** ((anchor + ROLE_LEVEL[r] - own) / 20)))
    return out
