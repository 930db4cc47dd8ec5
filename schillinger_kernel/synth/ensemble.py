"""Where each instrument sits and how loud it plays by default: seating, room sends, balance.

A part that leaves its ``pan`` at 0 is seated where its instrument sits in an orchestra or a
band, seen from the audience (strings: violins left, cellos and basses right; winds in the
middle; horns left, trumpets and trombones right; piano left, guitar right, bass and the
soloist in the centre). The drum kit is spread as a drummer sets it up (hi-hat on the
audience's right, ride on the left). Each family sends its own share to the room (bass and
kick little, strings and voices more), and the kit plays below the band so a melody is never
buried under it.

>>> seat("violin"), seat("cello"), seat("sax")
(-0.45, 0.4, 0.0)
>>> kit_pan("hat_closed"), kit_pan("kick")
(0.3, 0.0)
>>> room_send("strings") > room_send("acoustic_bass")
True
>>> spread([0.0, 0.0, -0.3])
[0.0, 0.2, -0.3]
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["DRUM_LEVEL", "KIT", "SEATS", "SENDS", "kit_pan", "room_send", "seat", "spread"]

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

# The kit's level against the pitched parts (-10 dB): FluidSynth's General MIDI set puts a
# melody about 10 LU above its drums; ours sat 3 LU under them at unit level.
DRUM_LEVEL = 0.32


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
