"""What a score's metadata holds and how it follows the music: plain JSON data only, chord
symbols (and the key) moved by a transposition under the usual spelling, chord symbols and
form sections shifted when two scores are joined.

:class:`~schillinger_kernel.score.Score` calls these from ``to_json``, ``transpose`` and
``concat``; they are pure functions of plain data, so they sit below the score model.

>>> k = transposed_key("C major", 6)
>>> k.name
'F# major'
>>> moved_metadata({"chords": [{"symbol": "Ab7/C", "tick": 0}]}, 2, key("C major"), key("D major"))
{'chords': [{'symbol': 'Bb7/D', 'tick': 0}]}
>>> joined_metadata({"form": [{"label": "A", "start_tick": 0}]},
...                 {"form": [{"label": "B", "start_tick": 0}]}, 1920)["form"][1]
{'label': 'B', 'start_tick': 1920}
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ParameterTypeError
from .pitch import FLAT_NAMES, KEY_NAMES, SHARP_NAMES, Key, key, pitch_class

__all__ = ["joined_metadata", "json_data", "moved_metadata", "transposed_key"]


def json_data(where: str, value: Any) -> Any:
    """``value`` as plain JSON data (tuples as lists), refused where it holds anything else:
    metadata must survive the trip through JSON.

    >>> json_data("m", {"form": ({"label": "A", "bars": 4},)})
    {'form': [{'label': 'A', 'bars': 4}]}
    """
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [json_data(f"{where}[{i}]", v) for i, v in enumerate(value)]
    if isinstance(value, dict):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise ParameterTypeError(f"{where}: keys must be str for JSON, got {bad[0]!r}")
        return {k: json_data(f"{where}.{k}", v) for k, v in value.items()}
    raise ParameterTypeError(f"{where} must hold JSON data (str, int, float, bool, None, lists, "
                             f"dicts with str keys), got {type(value).__name__}")


# ----- metadata that follows transpose and concat --------------------------------------------
# where a chord symbol's root and slash bass are: accidentals are # and b, except the b of a
# "b5" quality (Bbm7b5 has the root Bb), as harmony.parse_chord_symbol reads them
_ROOT = re.compile(r"^[A-G](?:#|b(?!5))*")
_BASS = re.compile(r"/([A-G][#b]*)$")
_LETTERS = "CDEFGAB"


def transposed_key(name: str, semitones: int) -> Key:
    """The key ``name`` moved by ``semitones``, under the name with the fewest sharps or flats
    (the usual name on a tie: F# major, Eb minor)."""
    old = key(name)
    pc = (old.tonic + semitones) % 12
    names = [key(f"{n} {old.mode}") for n in dict.fromkeys((SHARP_NAMES[pc], FLAT_NAMES[pc]))]
    return min(names, key=lambda k: (abs(k.fifths), k.name not in KEY_NAMES))


def _moved_name(name: str, semitones: int, old: Key, new: Key) -> str:
    """A note name moved as the key moved: the same degree of the new key, altered as
    before (Ab in C major is Bb in D major); the new key's own name where that needs a
    double sharp or flat."""
    pc = (pitch_class(name) + semitones) % 12
    steps = _LETTERS.index(new.tonic_name[0]) - _LETTERS.index(old.tonic_name[0])
    letter = _LETTERS[(_LETTERS.index(name[0]) + steps) % 7]
    alter = (pc - pitch_class(letter) + 6) % 12 - 6
    if abs(alter) > 1:
        return new.spelling[pc]
    return letter + ("#" if alter > 0 else "b" if alter < 0 else "")


def _moved_symbol(symbol: str, semitones: int, old: Key, new: Key) -> str:
    """A chord symbol's root and slash bass moved; anything unreadable stays as it was."""
    root = _ROOT.match(symbol)
    if root is None:
        return symbol
    out = _moved_name(root.group(0), semitones, old, new) + symbol[root.end():]
    bass = _BASS.search(out)
    if bass is not None:
        out = out[:bass.start(1)] + _moved_name(bass.group(1), semitones, old, new)
    return out


def moved_metadata(metadata: dict[str, Any], semitones: int, old: Key,
                    new: Key) -> dict[str, Any]:
    """``metadata`` with its chord symbols (and their pitch classes) moved by ``semitones``."""
    chords = metadata.get("chords")
    if not isinstance(chords, list | tuple):
        return metadata
    moved = []
    for c in chords:
        if isinstance(c, dict):
            c = dict(c)
            if isinstance(c.get("symbol"), str):
                c["symbol"] = _moved_symbol(c["symbol"], semitones, old, new)
            if isinstance(c.get("pitch_classes"), list | tuple):
                c["pitch_classes"] = sorted((p + semitones) % 12 for p in c["pitch_classes"])
        moved.append(c)
    return {**metadata, "chords": moved}


# the entries of a metadata list that carry a time, and the name of that time
_TIMED = {"chords": "tick", "form": "start_tick"}


def joined_metadata(first: dict[str, Any], second: dict[str, Any],
                     offset: int) -> dict[str, Any]:
    """The metadata of two scores played one after the other, ``second`` from ``offset``:
    their chord symbols and form sections in one list, the later ones shifted."""
    out = {**second, **first}
    for entry, tick in _TIMED.items():
        later = second.get(entry)
        if not isinstance(later, list | tuple):
            continue
        shifted = [{**e, tick: e[tick] + offset} if isinstance(e, dict)
                   and isinstance(e.get(tick), int) else e for e in later]
        earlier = first.get(entry)
        out[entry] = [*(earlier if isinstance(earlier, list | tuple) else ()), *shifted]
    return out
