"""General MIDI instrument names, programs and the render preset each maps to.

An instrument is named by its General MIDI name (case and spaces are forgiving) or a short
alias (``"piano"``, ``"bass"``, ``"drums"``). ``"drums"`` means the GM percussion channel (10).

>>> program_for("Acoustic Grand Piano"), program_for("violin"), program_for("strings")
(0, 40, 48)
>>> preset_for_program(33)
'bass'

Notation data lives here too, one record per program (:func:`notation_for`): the name and
abbreviation on the staff, the clef, and the transposition from written to sounding pitch, as
MusicXML's ``<transpose>`` and MuseScore's instrument list give it (a tenor sax sounds a major
ninth below what is written: 8 steps, 14 semitones down).

>>> t = notation_for(66)
>>> t.name, t.abbreviation, t.clef, t.diatonic, t.chromatic
('Tenor Saxophone', 'T. Sax.', 'treble', -8, -14)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .checks import check_choice, check_int
from .errors import ParameterError, ParameterTypeError

__all__ = [
    "ALIASES",
    "CLEFS",
    "DRUMS",
    "DRUM_CHANNEL",
    "DRUM_NOTATION",
    "GM_NAMES",
    "PRESETS",
    "Notation",
    "clef_for",
    "is_drums",
    "name_for_program",
    "notation_for",
    "preset_for_program",
    "program_for",
    "staff_labels",
]


GM_NAMES: tuple[str, ...] = (
    "acoustic grand piano", "bright acoustic piano", "electric grand piano", "honky-tonk piano",
    "electric piano 1", "electric piano 2", "harpsichord", "clavinet",
    "celesta", "glockenspiel", "music box", "vibraphone",
    "marimba", "xylophone", "tubular bells", "dulcimer",
    "drawbar organ", "percussive organ", "rock organ", "church organ",
    "reed organ", "accordion", "harmonica", "tango accordion",
    "acoustic guitar (nylon)", "acoustic guitar (steel)", "electric guitar (jazz)",
    "electric guitar (clean)", "electric guitar (muted)", "overdriven guitar",
    "distortion guitar", "guitar harmonics",
    "acoustic bass", "electric bass (finger)", "electric bass (pick)", "fretless bass",
    "slap bass 1", "slap bass 2", "synth bass 1", "synth bass 2",
    "violin", "viola", "cello", "contrabass",
    "tremolo strings", "pizzicato strings", "orchestral harp", "timpani",
    "string ensemble 1", "string ensemble 2", "synth strings 1", "synth strings 2",
    "choir aahs", "voice oohs", "synth voice", "orchestra hit",
    "trumpet", "trombone", "tuba", "muted trumpet",
    "french horn", "brass section", "synth brass 1", "synth brass 2",
    "soprano sax", "alto sax", "tenor sax", "baritone sax",
    "oboe", "english horn", "bassoon", "clarinet",
    "piccolo", "flute", "recorder", "pan flute",
    "blown bottle", "shakuhachi", "whistle", "ocarina",
    "lead 1 (square)", "lead 2 (sawtooth)", "lead 3 (calliope)", "lead 4 (chiff)",
    "lead 5 (charang)", "lead 6 (voice)", "lead 7 (fifths)", "lead 8 (bass + lead)",
    "pad 1 (new age)", "pad 2 (warm)", "pad 3 (polysynth)", "pad 4 (choir)",
    "pad 5 (bowed)", "pad 6 (metallic)", "pad 7 (halo)", "pad 8 (sweep)",
    "fx 1 (rain)", "fx 2 (soundtrack)", "fx 3 (crystal)", "fx 4 (atmosphere)",
    "fx 5 (brightness)", "fx 6 (goblins)", "fx 7 (echoes)", "fx 8 (sci-fi)",
    "sitar", "banjo", "shamisen", "koto",
    "kalimba", "bagpipe", "fiddle", "shanai",
    "tinkle bell", "agogo", "steel drums", "woodblock",
    "taiko drum", "melodic tom", "synth drum", "reverse cymbal",
    "guitar fret noise", "breath noise", "seashore", "bird tweet",
    "telephone ring", "helicopter", "applause", "gunshot",
)
assert len(GM_NAMES) == 128

ALIASES: dict[str, int] = {
    "piano": 0, "grand piano": 0, "electric piano": 4, "organ": 19, "guitar": 24,
    "nylon guitar": 24, "steel guitar": 25, "jazz guitar": 26, "bass": 33,
    "electric bass": 33, "upright bass": 32, "double bass": 32, "synth bass": 38,
    "strings": 48, "string ensemble": 48, "harp": 46, "choir": 52, "sax": 65,
    "saxophone": 65, "horn": 60, "brass": 61, "lead": 80, "pad": 89, "synth lead": 80,
    "synth pad": 89, "vibes": 11,
}

DRUMS = "drums"
DRUM_CHANNEL = 9  # zero-based: MIDI channel 10

PRESETS: tuple[str, ...] = ("pad", "bass", "lead", "pluck", "drum", "fx")


def _normalise(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def is_drums(name: str) -> bool:
    """Whether ``name`` names the percussion kit (``"drums"``, ``"drum kit"``, ``"percussion"``)."""
    return _normalise(name) in {"drums", "drum kit", "drum", "percussion", "kit"}


def program_for(name: str) -> int:
    """The General MIDI program (0..127) of an instrument name or alias.

    Raises ``ValueError`` naming the instrument when it is unknown.
    """
    if not isinstance(name, str):
        raise ParameterTypeError(f"instrument must be a str, got {type(name).__name__}")
    key = _normalise(name)
    if key in ALIASES:
        return ALIASES[key]
    if key in GM_NAMES:
        return GM_NAMES.index(key)
    if is_drums(key):
        return 0
    raise ParameterError(
        f"instrument: unknown instrument {name!r}; use a General MIDI name such as "
        f"'acoustic grand piano' or 'violin', an alias ({', '.join(sorted(ALIASES))}), or 'drums'"
    )


def name_for_program(program: int) -> str:
    """The General MIDI name of ``program`` (0..127).

    >>> name_for_program(40)
    'violin'
    """
    if not isinstance(program, int) or isinstance(program, bool) or not 0 <= program <= 127:
        raise ParameterError(f"program must be an int in 0..127, got {program!r}")
    return GM_NAMES[program]


def preset_for_program(program: int, *, drums: bool = False) -> str:
    """The render preset (pad, bass, lead, pluck, drum, fx) a GM program sounds with."""
    if drums:
        return "drum"
    name_for_program(program)  # validates
    family = program // 8
    return _FAMILY_PRESET[family]


# GM families of eight programs: piano, chromatic percussion, organ, guitar, bass, strings,
# ensemble, brass, reed, pipe, synth lead, synth pad, synth effects, ethnic, percussive, sound fx.
_FAMILY_PRESET: tuple[str, ...] = (
    "pluck", "pluck", "pad", "pluck", "bass", "lead", "pad", "lead",
    "lead", "lead", "lead", "pad", "fx", "pluck", "drum", "fx",
)


# --- notation: names, clefs, transpositions -------------------------------------------------

CLEFS: tuple[str, ...] = ("treble", "treble-8vb", "bass", "bass-8vb", "alto", "tenor",
                          "percussion")


@dataclass(frozen=True)
class Notation:
    """How one instrument is written: staff name, abbreviation, clef and transposition.

    ``diatonic`` and ``chromatic`` go from written to sounding pitch (MusicXML ``<transpose>``):
    a B-flat clarinet is ``(-1, -2)`` (written D sounds C), a piccolo ``(7, 12)``. ``clef`` is
    one of :data:`CLEFS`, or ``None`` where the part's range decides (:func:`clef_for`).

    >>> Notation("Horn in F", "Hn.", "treble", -4, -7).transposes
    True
    """

    name: str
    abbreviation: str
    clef: str | None = "treble"
    diatonic: int = 0
    chromatic: int = 0

    def __post_init__(self) -> None:
        if self.clef is not None:
            check_choice("clef", self.clef, CLEFS)
        check_int("diatonic", self.diatonic, -28, 28)
        check_int("chromatic", self.chromatic, -48, 48)

    @property
    def transposes(self) -> bool:
        """Whether written and sounding pitch differ."""
        return self.chromatic != 0


_N = Notation
_BB, _EB_ALTO, _F = (-1, -2), (-5, -9), (-4, -7)
_OCT_DOWN, _OCT_UP, _TWO_UP = (-7, -12), (7, 12), (14, 24)

# Programs whose written form is standard (MuseScore's instruments.xml agrees); every other
# program falls back to its GM name with the clef chosen by range (synths, effects ...).
_NOTATIONS: dict[int, Notation] = {
    0: _N("Piano", "Pno.", None), 1: _N("Bright Piano", "Pno.", None),
    2: _N("Electric Grand Piano", "E. Pno.", None), 3: _N("Honky-tonk Piano", "Pno.", None),
    4: _N("Electric Piano", "E. Pno.", None), 5: _N("Electric Piano", "E. Pno.", None),
    6: _N("Harpsichord", "Hch.", None), 7: _N("Clavinet", "Clav.", None),
    8: _N("Celesta", "Cel.", "treble", *_OCT_UP),
    9: _N("Glockenspiel", "Glock.", "treble", *_TWO_UP),
    10: _N("Music Box", "Mus. Box"), 11: _N("Vibraphone", "Vib."), 12: _N("Marimba", "Mrm.", None),
    13: _N("Xylophone", "Xyl.", "treble", *_OCT_UP), 14: _N("Tubular Bells", "T. Bells"),
    15: _N("Dulcimer", "Dlc.", None),
    16: _N("Organ", "Org.", None), 17: _N("Organ", "Org.", None), 18: _N("Organ", "Org.", None),
    19: _N("Church Organ", "Org.", None), 20: _N("Reed Organ", "Org.", None),
    21: _N("Accordion", "Acc.", None), 22: _N("Harmonica", "Harm."),
    23: _N("Bandoneon", "Band.", None),
    24: _N("Classical Guitar", "Guit.", "treble-8vb"),
    25: _N("Acoustic Guitar", "Guit.", "treble-8vb"),
    26: _N("Jazz Guitar", "Guit.", "treble-8vb"),
    27: _N("Electric Guitar", "El. Guit.", "treble-8vb"),
    28: _N("Electric Guitar", "El. Guit.", "treble-8vb"),
    29: _N("Electric Guitar", "El. Guit.", "treble-8vb"),
    30: _N("Electric Guitar", "El. Guit.", "treble-8vb"),
    31: _N("Electric Guitar", "El. Guit.", "treble-8vb"),
    32: _N("Double Bass", "D.B.", "bass", *_OCT_DOWN),
    33: _N("Electric Bass", "El. B.", "bass", *_OCT_DOWN),
    34: _N("Electric Bass", "El. B.", "bass", *_OCT_DOWN),
    35: _N("Fretless Bass", "Frtl. B.", "bass", *_OCT_DOWN),
    36: _N("Slap Bass", "El. B.", "bass", *_OCT_DOWN),
    37: _N("Slap Bass", "El. B.", "bass", *_OCT_DOWN),
    38: _N("Synth Bass", "Syn. B.", "bass"), 39: _N("Synth Bass", "Syn. B.", "bass"),
    40: _N("Violin", "Vln."), 41: _N("Viola", "Vla.", "alto"), 42: _N("Violoncello", "Vc.", "bass"),
    43: _N("Contrabass", "Cb.", "bass", *_OCT_DOWN), 44: _N("Strings", "Str.", None),
    45: _N("Strings", "Str.", None), 46: _N("Harp", "Hp.", None),
    47: _N("Timpani", "Timp.", "bass"),
    48: _N("Strings", "Str.", None), 49: _N("Strings", "Str.", None),
    50: _N("Synth Strings", "Syn. Str.", None), 51: _N("Synth Strings", "Syn. Str.", None),
    52: _N("Choir", "Ch.", None), 53: _N("Voice", "Vo.", None),
    54: _N("Synth Voice", "Syn. Vo.", None),
    55: _N("Orchestra Hit", "Orch. Hit", None),
    56: _N("B\u266d Trumpet", "B\u266d Tpt.", "treble", *_BB), 57: _N("Trombone", "Tbn.", "bass"),
    58: _N("Tuba", "Tba.", "bass"), 59: _N("Muted Trumpet", "Tpt.", "treble", *_BB),
    60: _N("Horn in F", "Hn.", "treble", *_F), 61: _N("Brass", "Br.", None),
    62: _N("Synth Brass", "Syn. Br.", None), 63: _N("Synth Brass", "Syn. Br.", None),
    64: _N("Soprano Saxophone", "S. Sax.", "treble", *_BB),
    65: _N("Alto Saxophone", "A. Sax.", "treble", *_EB_ALTO),
    66: _N("Tenor Saxophone", "T. Sax.", "treble", -8, -14),
    67: _N("Baritone Saxophone", "Bar. Sax.", "treble", -12, -21),
    68: _N("Oboe", "Ob."), 69: _N("English Horn", "E. Hn.", "treble", *_F),
    70: _N("Bassoon", "Bsn.", "bass"), 71: _N("B\u266d Clarinet", "B\u266d Cl.", "treble", *_BB),
    72: _N("Piccolo", "Picc.", "treble", *_OCT_UP), 73: _N("Flute", "Fl."),
    74: _N("Recorder", "Rec.", "treble", *_OCT_UP), 75: _N("Pan Flute", "Pan Fl."),
    76: _N("Blown Bottle", "Bot."), 77: _N("Shakuhachi", "Shk."), 78: _N("Whistle", "Wh."),
    79: _N("Ocarina", "Oc."),
    104: _N("Sitar", "Sit."), 105: _N("Banjo", "Bj.", "treble-8vb"), 106: _N("Shamisen", "Sham."),
    107: _N("Koto", "Ko."), 108: _N("Kalimba", "Kal."), 109: _N("Bagpipe", "Bagp."),
    110: _N("Fiddle", "Fdl."), 111: _N("Shanai", "Shn."), 114: _N("Steel Drums", "St. Dr.", None),
}
_FAMILY_NAMES = {10: ("Synth Lead", "Syn. Ld."), 11: ("Synth Pad", "Syn. Pad"),
                 12: ("Synth Effects", "FX")}

DRUM_NOTATION = Notation("Drum Set", "D. Set", "percussion")
"""The percussion kit's staff (MIDI channel 10, whatever its program)."""

# Sung parts: the voice's name decides its clef (a tenor reads treble-8, a bass the F clef).
_VOICE_PROGRAMS = frozenset({52, 53, 54, 85, 91})
_VOICE_CLEFS = (("soprano", "treble"), ("alto", "treble"), ("tenor", "treble-8vb"),
                ("baritone", "bass"), ("bass", "bass"))


def notation_for(program: int, *, drums: bool = False) -> Notation:
    """The :class:`Notation` of a GM program (``drums=True``: the drum set's).

    >>> notation_for(41).clef, notation_for(72).chromatic, notation_for(0, drums=True).clef
    ('alto', 12, 'percussion')
    >>> notation_for(81).name, notation_for(118).name
    ('Synth Lead', 'Synth Drum')
    """
    check_int("program", program, 0, 127)
    if drums:
        return DRUM_NOTATION
    found = _NOTATIONS.get(program)
    if found is not None:
        return found
    name, abbreviation = _FAMILY_NAMES.get(program // 8, (None, None))
    if name is None or abbreviation is None:
        name = re.sub(r"\s*\(.*\)|\s+\d+$", "", GM_NAMES[program]).title()
        abbreviation = _abbreviate(name)
    return Notation(name, abbreviation, None)


def clef_for(program: int, pitches: tuple[int, ...] = (), *, drums: bool = False,
             name: str = "") -> str:
    """The clef of a part: the instrument's own, a voice's by its ``name``, else by range.

    A part whose instrument has no fixed clef (piano on one staff, synths, organ ...) gets the
    bass clef when most of its written ``pitches`` lie below middle C.

    >>> clef_for(42), clef_for(0, (40, 43, 47, 64)), clef_for(52, name="Tenor")
    ('bass', 'bass', 'treble-8vb')
    """
    check_int("program", program, 0, 127)
    if not isinstance(name, str):
        raise ParameterTypeError(f"name must be a str, got {type(name).__name__}", field="name")
    notation = notation_for(program, drums=drums)
    if notation.clef is not None and not (program in _VOICE_PROGRAMS and not drums):
        return notation.clef
    if program in _VOICE_PROGRAMS and not drums:
        words = _normalise(name).split()
        for voice, clef in _VOICE_CLEFS:
            if voice in words:
                return clef
    if notation.clef is not None:
        return notation.clef
    ordered = sorted(pitches)
    return "bass" if ordered and ordered[len(ordered) // 2] < 60 else "treble"


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_NUMBERED = re.compile(r"^(.*?)\s+(\d+|[ivx]+)$", re.IGNORECASE)


def _abbreviate(name: str) -> str:
    # "Lead" stays, "Melody" becomes "Mel.", "Lead Guitar" "Lea. Gui."
    words = name.split()
    return " ".join(w if len(w) <= 4 else w[:3] + "." for w in words) or name


# Everyday labels of an instrument beyond its GM name, aliases and staff name.
_LABELS: dict[int, tuple[str, ...]] = {
    32: ("upright bass", "acoustic bass", "bass"), 34: ("bass",), 35: ("bass",), 36: ("bass",),
    37: ("bass",), 42: ("cello",), 43: ("contrabass", "double bass", "bass"),
    56: ("trumpet",), 60: ("horn", "french horn"), 64: ("soprano sax",), 65: ("alto sax",),
    66: ("tenor sax",), 67: ("baritone sax", "bari sax"), 71: ("clarinet",),
}


def _names_instrument(label: str, program: int, drums: bool) -> bool:
    """Whether a part's label only names its instrument (then the instrument's name is used)."""
    key = _normalise(label)
    if drums:
        return is_drums(key) or key in {"drum set", "drumset"}
    name = _normalise(notation_for(program).name)
    return (key in {name, name.replace("\u266d", "b"), GM_NAMES[program], *_LABELS.get(program, ())}
            or ALIASES.get(key) == program)


def staff_labels(parts: tuple[tuple[str, int, bool], ...]) -> tuple[tuple[str, str], ...]:
    """Staff name and abbreviation for each ``(label, program, drums)`` of a score's parts.

    A label that only names the instrument (``"Cello"``, ``"Tenor Sax"``, ``"Violin 2"``) is
    written as the instrument's name (``"Violoncello"``, ``"Tenor Saxophone"``); other labels
    are kept and abbreviated. Parts that would share a name are numbered I, II, ... in order.

    >>> staff_labels((("Violin I", 40, False), ("Violin II", 40, False), ("Viola", 41, False),
    ...               ("Cello", 42, False)))  # doctest: +NORMALIZE_WHITESPACE
    (('Violin I', 'Vln. I'), ('Violin II', 'Vln. II'), ('Viola', 'Vla.'),
     ('Violoncello', 'Vc.'))
    >>> staff_labels((("Tenor Sax", 66, False), ("Lead", 80, False), ("Melody", 0, False)))
    (('Tenor Saxophone', 'T. Sax.'), ('Synth Lead', 'Syn. Ld.'), ('Melody', 'Mel.'))
    """
    if not isinstance(parts, tuple | list):
        raise ParameterTypeError(f"parts must be a tuple, got {type(parts).__name__}",
                                 field="parts")
    bases: list[tuple[str, str]] = []
    for item in parts:
        if not (isinstance(item, tuple) and len(item) == 3 and isinstance(item[0], str)
                and isinstance(item[2], bool)):
            raise ParameterTypeError(
                f"parts must hold (label, program, drums) tuples, got {item!r}", field="parts")
        label, program, drums = item
        check_int("program", program, 0, 127)
        label = label.strip()
        numbered = _NUMBERED.match(label)
        core = numbered.group(1) if numbered else label
        if core and _names_instrument(core, program, drums):
            notation = notation_for(program, drums=drums)
            bases.append((notation.name, notation.abbreviation))
        else:
            bases.append((label or notation_for(program, drums=drums).name,
                          _abbreviate(label) if label else notation_for(program).abbreviation))
    counts: dict[str, int] = {}
    for name, _ in bases:
        counts[name] = counts.get(name, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for name, abbreviation in bases:
        if counts[name] > 1:
            k = seen.get(name, 0)
            seen[name] = k + 1
            number = _ROMAN[k] if k < len(_ROMAN) else str(k + 1)
            out.append((f"{name} {number}", f"{abbreviation} {number}"))
        else:
            out.append((name, abbreviation))
    return tuple(out)
