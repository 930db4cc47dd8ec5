"""General MIDI instrument names, programs and the render preset each maps to.

An instrument is named by its General MIDI name (case and spaces are forgiving) or a short
alias (``"piano"``, ``"bass"``, ``"drums"``). ``"drums"`` means the GM percussion channel (10).

>>> program_for("Acoustic Grand Piano"), program_for("violin"), program_for("strings")
(0, 40, 48)
>>> preset_for_program(33)
'bass'
"""

from __future__ import annotations

from .errors import ParameterError, ParameterTypeError

__all__ = [
    "ALIASES",
    "DRUMS",
    "DRUM_CHANNEL",
    "GM_NAMES",
    "PRESETS",
    "is_drums",
    "name_for_program",
    "preset_for_program",
    "program_for",
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
