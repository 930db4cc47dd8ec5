"""Chord names: symbols (``"Am7"``), roman numerals (``"vi7"``), spelling in a key, parsing.

Chords are described by their functions: ``{1: root pc, 3: third pc, 5: ..., 13: ...}``.

>>> chord_symbol(9, {9, 0, 4, 7})
'Am7'
>>> parse_chord_symbol("G7/B")
(7, {1: 7, 3: 11, 5: 2, 7: 5})
>>> key_spelling("F# major")[5]
'E#'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ParameterError
from ..pitch import NOTE_NAMES, key, pitch_class

__all__ = [
    "QUALITIES",
    "chord_symbol",
    "functions_from_pcs",
    "key_spelling",
    "parse_chord_symbol",
    "roman_numeral",
]


_LETTERS = "CDEFGAB"

QUALITIES: dict[str, dict[int, int]] = {
    "": {3: 4, 5: 7}, "maj": {3: 4, 5: 7}, "M": {3: 4, 5: 7},
    "m": {3: 3, 5: 7}, "min": {3: 3, 5: 7}, "-": {3: 3, 5: 7},
    "dim": {3: 3, 5: 6}, "°": {3: 3, 5: 6}, "o": {3: 3, 5: 6},
    "aug": {3: 4, 5: 8}, "+": {3: 4, 5: 8},
    "5": {5: 7},
    "sus2": {9: 2, 5: 7}, "sus4": {11: 5, 5: 7}, "sus": {11: 5, 5: 7},
    "6": {3: 4, 5: 7, 13: 9}, "m6": {3: 3, 5: 7, 13: 9},
    "add9": {3: 4, 5: 7, 9: 2}, "madd9": {3: 3, 5: 7, 9: 2},
    "7": {3: 4, 5: 7, 7: 10}, "dom7": {3: 4, 5: 7, 7: 10},
    "maj7": {3: 4, 5: 7, 7: 11}, "M7": {3: 4, 5: 7, 7: 11}, "Δ": {3: 4, 5: 7, 7: 11},
    "Δ7": {3: 4, 5: 7, 7: 11}, "ma7": {3: 4, 5: 7, 7: 11},
    "m7": {3: 3, 5: 7, 7: 10}, "min7": {3: 3, 5: 7, 7: 10}, "-7": {3: 3, 5: 7, 7: 10},
    "m7b5": {3: 3, 5: 6, 7: 10}, "ø": {3: 3, 5: 6, 7: 10}, "ø7": {3: 3, 5: 6, 7: 10},
    "dim7": {3: 3, 5: 6, 7: 9}, "°7": {3: 3, 5: 6, 7: 9}, "o7": {3: 3, 5: 6, 7: 9},
    "m(maj7)": {3: 3, 5: 7, 7: 11}, "mM7": {3: 3, 5: 7, 7: 11}, "mmaj7": {3: 3, 5: 7, 7: 11},
    "7sus4": {11: 5, 5: 7, 7: 10}, "7sus2": {9: 2, 5: 7, 7: 10},
    "9sus4": {11: 5, 5: 7, 7: 10, 9: 2}, "7#5": {3: 4, 5: 8, 7: 10}, "aug7": {3: 4, 5: 8, 7: 10},
    "maj7#5": {3: 4, 5: 8, 7: 11},
    "9": {3: 4, 5: 7, 7: 10, 9: 2}, "maj9": {3: 4, 5: 7, 7: 11, 9: 2},
    "m9": {3: 3, 5: 7, 7: 10, 9: 2}, "7b9": {3: 4, 5: 7, 7: 10, 9: 1},
    "7#9": {3: 4, 5: 7, 7: 10, 9: 3}, "7#11": {3: 4, 5: 7, 7: 10, 11: 6},
    "11": {5: 7, 7: 10, 9: 2, 11: 5}, "m11": {3: 3, 5: 7, 7: 10, 9: 2, 11: 5},
    "13": {3: 4, 5: 7, 7: 10, 9: 2, 13: 9}, "maj13": {3: 4, 5: 7, 7: 11, 9: 2, 13: 9},
    "m13": {3: 3, 5: 7, 7: 10, 9: 2, 11: 5, 13: 9},
}


def key_spelling(key_name: str) -> tuple[str, ...]:
    """Names for the 12 pitch classes in a key: scale degrees by letter, others by context.

    The spelling is :attr:`schillinger_kernel.pitch.Key.spelling`; this name stays for callers.

    >>> key_spelling("Bb major")[3], key_spelling("E major")[8], key_spelling("C major")[10]
    ('Eb', 'G#', 'Bb')
    """
    return key(key_name).spelling


def functions_from_pcs(root: int, pcs: Iterable[int]) -> dict[int, int]:
    """Assign chord functions (1, 3, 5, 7, 9, 11, 13) to pitch classes above ``root``.

    >>> functions_from_pcs(7, [7, 11, 2, 5])
    {1: 7, 3: 11, 5: 2, 7: 5}
    """
    ivs = {(p - root) % 12 for p in pcs}
    out = {1: root % 12}
    third = 4 if 4 in ivs else 3 if 3 in ivs else None
    if third is not None:
        out[3] = (root + third) % 12
    fifth = 7 if 7 in ivs else 6 if 6 in ivs and third == 3 else 8 if 8 in ivs and third == 4 \
        else None
    if fifth is not None:
        out[5] = (root + fifth) % 12
    seventh = 10 if 10 in ivs else 11 if 11 in ivs else 9 if 9 in ivs and fifth == 6 else None
    if seventh is not None:
        out[7] = (root + seventh) % 12
    used = {0, third, fifth, seventh}
    for f, options in ((9, (2, 1, 3)), (11, (5, 6)), (13, (9, 8))):
        for iv in options:
            if iv in ivs and iv not in used:
                out[f] = (root + iv) % 12
                used.add(iv)
                break
    return out


def _intervals(root: int, fs: Mapping[int, int]) -> dict[int, int]:
    return {f: (pc - root) % 12 for f, pc in fs.items()}


def _quality(root: int, fs: Mapping[int, int]) -> tuple[str, str, bool]:
    """(symbol suffix, roman suffix, upper-case numeral) of a chord given by functions."""
    iv = _intervals(root, fs)
    third, fifth, seventh = iv.get(3), iv.get(5, 7), iv.get(7)
    minor = third == 3
    if third is None:
        triad = "sus4" if iv.get(11) == 5 else "sus2" if iv.get(9) == 2 else "5"
    elif minor and fifth == 6:
        triad = "dim"
    elif not minor and fifth == 8:
        triad = "aug"
    else:
        triad = "m" if minor else ""
    natural = {9: 2, 11: 5, 13: 9}
    # a suspended tone stands in for the third: it names the chord's "sus", not its top
    held = {"sus4": 11, "sus2": 9}.get(triad)
    top = max((f for f in (9, 11, 13) if iv.get(f) == natural[f] and f != held), default=7)
    alts = ({1: "b9", 3: "#9"}.get(iv.get(9, -1), "") + {6: "#11"}.get(iv.get(11, -1), "")
            + {8: "b13"}.get(iv.get(13, -1), ""))
    if seventh is None:
        if top == 13 and 9 in iv.values() and third is not None:
            return (triad + "6", "6", not minor)
        add = "add9" if iv.get(9) == 2 and triad in ("", "m") else ""
        roman = {"dim": "°", "aug": "+"}.get(triad, "")
        return (triad + add + alts, roman + alts, not minor)
    n = str(top)
    if triad == "dim":
        if seventh == 9:
            return ("dim7" + alts, "°7" + alts, False)
        return (f"m{n}b5" + alts, "ø" + n + alts, False)
    if triad.startswith("sus"):
        return (f"{n}{triad}" + alts, n + triad + alts, True)
    if seventh == 11:
        pre = "m(maj" if minor else "maj"
        close = ")" if minor else ""
        suffix = f"{pre}{n}{close}" + ("#5" if triad == "aug" else "")
        return (suffix + alts, suffix.lstrip("m") + alts if minor else suffix + alts, not minor)
    suffix = ("m" if minor else "") + n + ("#5" if triad == "aug" else "")
    return (suffix + alts, n + ("#5" if triad == "aug" else "") + alts, not minor)


def chord_symbol(root: int, pcs: Iterable[int], spelling: tuple[str, ...] = NOTE_NAMES, *,
                 functions: Mapping[int, int] | None = None) -> str:
    """Chord symbol of the pitch classes ``pcs`` over ``root``: ``"C"``, ``"Am7"``, ``"G13"``.

    >>> chord_symbol(2, {2, 5, 9, 0, 4}), chord_symbol(11, {11, 2, 5, 9})
    ('Dm9', 'Bm7b5')
    >>> chord_symbol(0, {0, 4, 8})
    'Caug'
    """
    fs = dict(functions) if functions is not None else functions_from_pcs(root, pcs)
    return spelling[root % 12] + _quality(root, fs)[0]


_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")


def roman_numeral(root: int, functions: Mapping[int, int], scale: Any, key: str = "") -> str:
    """Roman numeral of a chord (given by functions) in a scale.

    >>> from schillinger_kernel.scales import key_scale
    >>> roman_numeral(7, {1: 7, 3: 11, 5: 2, 7: 5}, key_scale("C major"))
    'V7'
    >>> roman_numeral(8, {1: 8, 3: 0, 5: 3}, key_scale("C major"))
    'bVI'
    >>> roman_numeral(8, {1: 8, 3: 11, 5: 2}, key_scale("A minor"))
    'vii°'
    """
    pcs = scale.pitch_classes
    root %= 12
    minor = len(pcs) == 7 and (pcs[2] - pcs[0]) % 12 == 3
    if root in pcs:
        prefix, degree = "", pcs.index(root)
    elif minor and root == (pcs[0] - 1) % 12:
        # the raised leading tone of a minor key is its usual vii, not a flat tonic
        prefix, degree = "", 6
    elif (root + 1) % 12 in pcs and pcs.index((root + 1) % 12) != 0:
        prefix, degree = "b", pcs.index((root + 1) % 12)
    elif (root - 1) % 12 in pcs:
        prefix, degree = "#", pcs.index((root - 1) % 12)
    else:
        return "?"
    numeral = _NUMERALS[degree] if degree < 7 else str(degree + 1)
    _sym, suffix, upper = _quality(root, functions)
    return prefix + (numeral if upper else numeral.lower()) + suffix


def parse_chord_symbol(symbol: str) -> tuple[int, dict[int, int]]:
    """Root pitch class and ``{function: pitch class}`` of a chord symbol.

    A slash bass (``"C/E"``) is accepted and ignored here (the bass plays the root).

    >>> parse_chord_symbol("Bbmaj7")
    (10, {1: 10, 3: 2, 5: 5, 7: 9})
    """
    if not isinstance(symbol, str) or not symbol.strip():
        raise ParameterError(f"chord symbol must be a non-empty str like 'Am7', got {symbol!r}")
    s = symbol.strip().split("/")[0]
    if not s or s[0].upper() not in _LETTERS:
        raise ParameterError(f"chord symbol {symbol!r} must start with a note letter A-G")
    i = 1
    while i < len(s) and s[i] in "#b":
        i += 1
    root = pitch_class(s[0].upper() + s[1:i])
    suffix = s[i:]
    if suffix not in QUALITIES:
        raise ParameterError(f"chord symbol {symbol!r}: unknown quality {suffix!r}; known: "
                         f"{', '.join(repr(q) for q in QUALITIES)}")
    fs = {1: root}
    for f, iv in sorted(QUALITIES[suffix].items()):
        fs[f] = (root + iv) % 12
    return root, fs
