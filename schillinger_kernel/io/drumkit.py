"""General MIDI drum notes on a five-line percussion staff.

Notation programs write a drum part (MIDI channel 10) as *unpitched* notes: each GM drum note
has a staff position (``display-step`` / ``display-octave``, read as in the treble clef) and a
notehead. The positions follow MuseScore's drum set (bass drum in the first space, snare in
the third, hi-hat above the staff with an x head) and every GM note 35..81 gets its own
position + notehead pair, so a file without per-note instrument ids can still be read back.
Notes outside the GM drum map sit on middle C with a normal head.

>>> drum_display(36), drum_display(42), drum_name(38)
(('F', 4, 'normal'), ('G', 5, 'x'), 'Acoustic Snare')
>>> drum_from_display("G", 5, "x")
42
"""

from __future__ import annotations

__all__ = [
    "GM_DRUMS",
    "OTHER_DISPLAY",
    "drum_display",
    "drum_from_display",
    "drum_name",
]


# GM note -> (name, display step, display octave, notehead)
GM_DRUMS: dict[int, tuple[str, str, int, str]] = {
    35: ("Acoustic Bass Drum", "E", 4, "normal"),
    36: ("Bass Drum 1", "F", 4, "normal"),
    37: ("Side Stick", "C", 5, "x"),
    38: ("Acoustic Snare", "C", 5, "normal"),
    39: ("Hand Clap", "C", 5, "slash"),
    40: ("Electric Snare", "C", 5, "square"),
    41: ("Low Floor Tom", "G", 4, "normal"),
    42: ("Closed Hi-Hat", "G", 5, "x"),
    43: ("High Floor Tom", "A", 4, "normal"),
    44: ("Pedal Hi-Hat", "D", 4, "x"),
    45: ("Low Tom", "B", 4, "normal"),
    46: ("Open Hi-Hat", "G", 5, "circle-x"),
    47: ("Low-Mid Tom", "D", 5, "normal"),
    48: ("Hi-Mid Tom", "E", 5, "normal"),
    49: ("Crash Cymbal 1", "A", 5, "x"),
    50: ("High Tom", "F", 5, "normal"),
    51: ("Ride Cymbal 1", "F", 5, "x"),
    52: ("Chinese Cymbal", "B", 5, "x"),
    53: ("Ride Bell", "F", 5, "diamond"),
    54: ("Tambourine", "D", 5, "diamond"),
    55: ("Splash Cymbal", "B", 5, "circle-x"),
    56: ("Cowbell", "E", 5, "inverted triangle"),
    57: ("Crash Cymbal 2", "A", 5, "circle-x"),
    58: ("Vibraslap", "B", 4, "x"),
    59: ("Ride Cymbal 2", "D", 5, "x"),
    60: ("Hi Bongo", "D", 5, "triangle"),
    61: ("Low Bongo", "C", 5, "triangle"),
    62: ("Mute Hi Conga", "B", 4, "circle-x"),
    63: ("Open Hi Conga", "B", 4, "triangle"),
    64: ("Low Conga", "A", 4, "triangle"),
    65: ("High Timbale", "E", 5, "square"),
    66: ("Low Timbale", "D", 5, "square"),
    67: ("High Agogo", "G", 5, "triangle"),
    68: ("Low Agogo", "F", 5, "triangle"),
    69: ("Cabasa", "G", 5, "diamond"),
    70: ("Maracas", "A", 5, "square"),
    71: ("Short Whistle", "C", 6, "normal"),
    72: ("Long Whistle", "C", 6, "x"),
    73: ("Short Guiro", "E", 4, "x"),
    74: ("Long Guiro", "E", 4, "circle-x"),
    75: ("Claves", "B", 4, "square"),
    76: ("Hi Wood Block", "G", 5, "square"),
    77: ("Low Wood Block", "F", 5, "square"),
    78: ("Mute Cuica", "D", 4, "circle-x"),
    79: ("Open Cuica", "D", 4, "normal"),
    80: ("Mute Triangle", "A", 5, "triangle"),
    81: ("Open Triangle", "A", 5, "diamond"),
}
OTHER_DISPLAY = ("C", 4, "normal")

_BY_DISPLAY: dict[tuple[str, int, str], int] = {
    (step, octave, head): pitch for pitch, (_n, step, octave, head) in GM_DRUMS.items()}


def _check_pitch(pitch: int) -> int:
    if isinstance(pitch, bool) or not isinstance(pitch, int):
        raise TypeError(f"pitch must be an int MIDI note, got {type(pitch).__name__}")
    if not 0 <= pitch <= 127:
        raise ValueError(f"pitch must be a MIDI note 0..127, got {pitch}")
    return pitch


def drum_name(pitch: int) -> str:
    """The GM name of a drum note (``"Drum 20"`` outside the GM map 35..81).

    >>> drum_name(42), drum_name(20)
    ('Closed Hi-Hat', 'Drum 20')
    """
    p = _check_pitch(pitch)
    return GM_DRUMS[p][0] if p in GM_DRUMS else f"Drum {p}"


def drum_display(pitch: int) -> tuple[str, int, str]:
    """Staff position (step, octave) and notehead of a GM drum note.

    >>> drum_display(44), drum_display(100)
    (('D', 4, 'x'), ('C', 4, 'normal'))
    """
    p = _check_pitch(pitch)
    if p in GM_DRUMS:
        _name, step, octave, head = GM_DRUMS[p]
        return step, octave, head
    return OTHER_DISPLAY


def drum_from_display(step: str, octave: int, notehead: str | None = "normal") -> int | None:
    """The GM drum note written at this position with this notehead, or ``None``.

    >>> drum_from_display("F", 4), drum_from_display("C", 5, "x"), drum_from_display("B", 3)
    (36, 37, None)
    """
    return _BY_DISPLAY.get((str(step).upper(), int(octave), notehead or "normal"))
