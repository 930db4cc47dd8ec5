"""One pitch vocabulary: note names, pitch classes, MIDI numbers, keys and spelling in a key.

Every place that names a note (chords, scales, widgets, MusicXML, analysis, the CLI) goes
through this module, so a pitch is spelled the same way everywhere. A key is parsed once into a
:class:`Key` value (tonic, mode, scale, key signature, the name of each pitch class in it);
:func:`key` caches the parse, so passing the same key name around costs nothing.

>>> pitch_class("F#"), to_midi_pitch("Bb3"), pitch_name(61)
(6, 58, 'C#4')
>>> k = key("A major")
>>> k.tonic, k.mode, k.fifths, k.degree_names
(9, 'major', 3, ('A', 'B', 'C#', 'D', 'E', 'F#', 'G#'))
>>> k.spell(68), key("Ab major").spell(61), key("Eb minor").spell(66)
('G#4', 'Db4', 'Gb4')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .checks import check_int
from .errors import ParameterError, ParameterTypeError

__all__ = [
    "FLAT_NAMES",
    "KEY_NAMES",
    "MODES",
    "MODE_STEPS",
    "NOTE_NAMES",
    "SHARP_NAMES",
    "Key",
    "key",
    "parse_key",
    "pitch_class",
    "pitch_name",
    "to_midi_pitch",
]

#: Default names of the 12 pitch classes outside any key: the common choice for each black key.
NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")

#: The 24 major and minor keys under the names musicians use (Db major but C# minor).
KEY_NAMES = (tuple(f"{n} major" for n in ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A",
                                          "Bb", "B"))
             + tuple(f"{n} minor" for n in ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#",
                                            "A", "Bb", "B")))

#: Steps of each mode a key may name (``"minor"`` is the natural minor).
MODE_STEPS: dict[str, tuple[int, ...]] = {
    "major": (2, 2, 1, 2, 2, 2, 1),
    "minor": (2, 1, 2, 2, 1, 2, 2),
    "ionian": (2, 2, 1, 2, 2, 2, 1),
    "dorian": (2, 1, 2, 2, 2, 1, 2),
    "phrygian": (1, 2, 2, 2, 1, 2, 2),
    "lydian": (2, 2, 2, 1, 2, 2, 1),
    "mixolydian": (2, 2, 1, 2, 2, 1, 2),
    "aeolian": (2, 1, 2, 2, 1, 2, 2),
    "locrian": (1, 2, 2, 1, 2, 2, 2),
    "harmonic": (2, 1, 2, 2, 1, 3, 1),
    "melodic": (2, 1, 2, 2, 2, 2, 1),
}
MODES = tuple(MODE_STEPS)

# Where each mode's tonic sits in the major scale it borrows its signature from
# (semitones above that major tonic): dorian on D has C major's signature.
_MODE_OFFSET = {"major": 0, "ionian": 0, "dorian": 2, "phrygian": 4, "lydian": 5,
                "mixolydian": 7, "aeolian": 9, "minor": 9, "harmonic": 9, "melodic": 9,
                "locrian": 11}
_LETTERS = "CDEFGAB"
_LETTER_PC = (0, 2, 4, 5, 7, 9, 11)
_LETTER_OF = {c: i for i, c in enumerate(_LETTERS)}
_ACCIDENTAL = {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}
# '-' is music21's flat (E-4 = Eb4) except in a closing "-1": MIDI's lowest octave (C-1 = 0)
_PITCH_RE = re.compile(r"^([A-Ga-g](?:[#sb]|-(?!1$))*)(-1|\d+)$")


def pitch_class(name: str) -> int:
    """Pitch class (0 = C) of a note name without octave: ``"C"``, ``"f#"``, ``"Bb"``, ``"E-"``.

    >>> pitch_class("F#"), pitch_class("bb"), pitch_class("E-"), pitch_class("Cb")
    (6, 10, 3, 11)
    """
    if not isinstance(name, str) or not name or name[0].upper() not in _LETTER_OF:
        raise ParameterError(f"note name must start with a letter A-G, got {name!r}",
                             field="pitch")
    pc = _LETTER_PC[_LETTER_OF[name[0].upper()]]
    for ch in name[1:]:
        if ch in "#s":
            pc += 1
        elif ch in "b-":
            pc -= 1
        else:
            raise ParameterError(
                f"note name {name!r}: unexpected {ch!r}; use # or b (or -) accidentals",
                field="pitch")
    return pc % 12


def to_midi_pitch(value: int | str) -> int:
    """A MIDI pitch from an int 0..127 or a note name (``"C4"`` = 60, ``"A4"`` = 69).

    A name without an octave (``"c"``, ``"F#"``) means the one above middle C (octave 4).
    The letter fixes the octave, not the pitch class: ``B#3`` is C4 and ``Cb4`` is B3.

    >>> to_midi_pitch("C4"), to_midi_pitch("a4"), to_midi_pitch("Bb3"), to_midi_pitch(61)
    (60, 69, 58, 61)
    >>> to_midi_pitch("c"), to_midi_pitch("F#"), to_midi_pitch("B#3"), to_midi_pitch("Cb4")
    (60, 66, 60, 59)
    >>> to_midi_pitch("C-1"), to_midi_pitch("E-4"), to_midi_pitch("G9")
    (0, 63, 127)
    """
    if isinstance(value, str):
        text = value.strip()
        m = _PITCH_RE.match(text if text[-1:].isdigit() else f"{text}4")
        if not m:
            raise ParameterError(
                f"pitch {value!r}: use a note name such as 'C4' (= 60), 'F#3', 'Bb5' or 'c'",
                field="pitch")
        name, octave = m.group(1), int(m.group(2))
        letter = _LETTER_PC[_LETTER_OF[name[0].upper()]]
        alter = (pitch_class(name) - letter + 6) % 12 - 6
        return check_int("pitch", letter + alter + 12 * (octave + 1), 0, 127)
    return check_int("pitch", value, 0, 127)


def pitch_name(pitch: int, spelling: tuple[str, ...] = NOTE_NAMES) -> str:
    """Name of a MIDI pitch with octave, in ``spelling`` (default :data:`NOTE_NAMES`).

    The octave follows the letter: B#3 and Cb5 keep the octave their letter belongs to.

    >>> pitch_name(61), pitch_name(61, FLAT_NAMES), pitch_name(60, key("C# major").spelling)
    ('C#4', 'Db4', 'B#3')
    """
    check_int("pitch", pitch, 0, 127)
    name = spelling[pitch % 12]
    letter_pc = _LETTER_PC[_LETTER_OF[name[0]]]
    octave = (pitch - ((pitch % 12 - letter_pc + 6) % 12 - 6)) // 12 - 1
    if octave < -1:  # B#-2 names MIDI 0 but no reader knows octave -2: say C-1
        return pitch_name(pitch)
    return f"{name}{octave}"


def _split_key(text: str) -> tuple[str, str]:
    parts = text.strip().split()
    tonic = parts[0]
    mode = parts[1].lower() if len(parts) > 1 else "major"
    if len(parts) > 2 or mode not in MODE_STEPS:
        raise ParameterError(
            f"key: unknown mode in {text!r}; allowed modes: {', '.join(MODES)}", field="key")
    if tonic.endswith("m") and len(parts) == 1 and len(tonic) > 1:
        tonic, mode = tonic[:-1], "minor"
    return tonic, mode


@dataclass(frozen=True)
class Key:
    """A key parsed once: tonic, mode, scale, key signature and the spelling of its pitches.

    Build it with :func:`key` (cached) or ``Key.parse``. ``spelling`` names all 12 pitch
    classes: the seven degrees by letter (A major's G#, Ab major's Db), the others by the
    signature's direction (flats in flat keys, sharps otherwise).

    >>> key("E major").chord_names((11, 3, 6))
    ('B', 'D#', 'F#')
    >>> key("d dorian").fifths, key("Bbm").name
    (0, 'Bb minor')
    """

    tonic: int
    mode: str
    tonic_name: str
    degree_names: tuple[str, ...]
    spelling: tuple[str, ...]
    fifths: int

    @classmethod
    def parse(cls, text: str) -> Key:
        """Parse ``"C major"``, ``"f# minor"``, ``"Bb"``, ``"Ebm"``, ``"d dorian"``."""
        if not isinstance(text, str):
            raise ParameterTypeError(
                f"key must be a name like 'C major' or 'A minor', got {type(text).__name__}",
                field="key")
        if not text.strip():
            raise ParameterError(f"key must be a name like 'C major' or 'A minor', got {text!r}",
                                 field="key")
        tonic_text, mode = _split_key(text)
        try:
            tonic = pitch_class(tonic_text)
        except ParameterError as exc:
            raise ParameterError(f"key {text!r}: {exc}", field="key") from None
        tonic_name = tonic_text[0].upper() + tonic_text[1:].replace("-", "b").replace("s", "#")
        degrees = _degree_names(tonic_name, MODE_STEPS[mode])
        flats = sum(n.count("b") for n in degrees[:7] if len(n) > 1)
        sharps = sum(n.count("#") for n in degrees)
        base = FLAT_NAMES if flats > sharps else SHARP_NAMES if sharps else NOTE_NAMES
        names = list(base)
        for k, name in enumerate(degrees):
            names[(tonic + sum(MODE_STEPS[mode][:k])) % 12] = name
        if _degree_index(mode) == 5:
            # minor keys raise their 6th and 7th (melodic and harmonic minor): G# in A minor
            nat = _degree_names(tonic_name, MODE_STEPS["minor"])
            names[(tonic + 9) % 12] = _raise(nat[5])
            names[(tonic + 11) % 12] = _raise(nat[6])
        major_tonic = (tonic - _MODE_OFFSET[mode]) % 12
        major_letter = _LETTER_OF[tonic_name[0]] - _degree_index(mode)
        fifths = _fifths_of(_LETTERS[major_letter % 7], major_tonic)
        return cls(tonic, mode, tonic_name, degrees, tuple(names), fifths)

    @property
    def name(self) -> str:
        """The key's name, e.g. ``"F# minor"``."""
        return f"{self.tonic_name} {self.mode}"

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        """The scale's pitch classes from the tonic up."""
        steps = MODE_STEPS[self.mode]
        return tuple((self.tonic + sum(steps[:k])) % 12 for k in range(len(steps)))

    def spell(self, pitch: int) -> str:
        """``pitch`` (MIDI) named in this key, with octave."""
        return pitch_name(pitch, self.spelling)

    def chord_names(self, pitch_classes: tuple[int, ...]) -> tuple[str, ...]:
        """Names of ``pitch_classes`` in this key."""
        return tuple(self.spelling[pc % 12] for pc in pitch_classes)


def _degree_index(mode: str) -> int:
    # how many letters the mode's tonic sits above its relative major's tonic
    return {"major": 0, "ionian": 0, "dorian": 1, "phrygian": 2, "lydian": 3, "mixolydian": 4,
            "aeolian": 5, "minor": 5, "harmonic": 5, "melodic": 5, "locrian": 6}[mode]


def _degree_names(tonic_name: str, steps: tuple[int, ...]) -> tuple[str, ...]:
    i0 = _LETTER_OF[tonic_name[0]]
    pc = pitch_class(tonic_name)
    names = []
    for k in range(len(steps)):
        letter = (i0 + k) % 7
        alter = (pc - _LETTER_PC[letter] + 6) % 12 - 6
        names.append(_LETTERS[letter] + _ACCIDENTAL.get(alter, "#" * alter if alter > 0
                                                         else "b" * -alter))
        pc = (pc + steps[k]) % 12
    return tuple(names)


def _raise(name: str) -> str:
    return name[:-1] if name.endswith("b") else name + "#"


def _fifths_of(letter: str, pc: int) -> int:
    # Sharps (+) or flats (-) of the major key on ``letter`` with pitch class ``pc``.
    alter = (pc - _LETTER_PC[_LETTER_OF[letter]] + 6) % 12 - 6
    return {"C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F": -1}[letter] + 7 * alter


@lru_cache(maxsize=256)
def key(text: str) -> Key:
    """The :class:`Key` named ``text``, parsed once and cached.

    >>> key("Bb major").spelling[3], key("E major").spelling[8], key("C major").spelling[10]
    ('Eb', 'G#', 'Bb')
    """
    return Key.parse(text)


def parse_key(text: str) -> tuple[int, str]:
    """Tonic pitch class and mode of a key name such as ``"C major"``, ``"f# minor"``, ``"Bb"``.

    >>> parse_key("A minor"), parse_key("Eb"), parse_key("d dorian")
    ((9, 'minor'), (3, 'major'), (2, 'dorian'))
    """
    k = key(text) if isinstance(text, str) else Key.parse(text)
    return k.tonic, k.mode
