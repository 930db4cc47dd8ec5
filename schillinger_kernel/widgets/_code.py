"""The Python an explorer's "copy as code" puts in a new cell: the exact call that produces the
rhythm or progression on screen, and the score that plays it.

The names it assigns are derived from the values (``r3_2``, ``c5_c_major``), never ``rhythm``
or ``harmony``, which the tutorials use for the modules.

>>> print(rhythm_code("interference", (3, 2), {}, pitch=72, tempo=120.0, instrument="marimba",
...                   title="r3÷2", durations=(2, 1, 1, 2)))
import schillinger_kernel as sk
r3_2 = sk.rhythm.interference(3, 2)  # 2+1+1+2
r3_2_score = r3_2.to_score(72, tempo=120, instrument='marimba', title='r3÷2')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["durations_code", "harmony_code", "rhythm_code"]


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _ident(text: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    return name if name and not name[0].isdigit() else f"x_{name}"


def rhythm_code(technique: str, generators: Sequence[int], options: Mapping[str, Any], *,
                pitch: int, tempo: float, instrument: str, title: str = "",
                durations: Sequence[int] = ()) -> str:
    """The cell that rebuilds an explorer's rhythm: ``sk.rhythm.interference(3, 2)`` for
    interference, ``sk.rhythm.technique(name, [generators], **options)`` for the others.

    >>> code = rhythm_code("fractioning", (3, 2), {}, pitch=72, tempo=90.0, instrument="flute")
    >>> code.splitlines()[1]
    "fractioning_3_2 = sk.rhythm.technique('fractioning', [3, 2])"
    >>> import schillinger_kernel as sk
    >>> space = {}
    >>> exec(code, space)
    >>> space["fractioning_3_2"] == sk.rhythm.fractioning(3, 2)
    True
    """
    gens = [int(g) for g in generators]
    if technique == "interference" and not options:
        name = "r" + "_".join(map(str, gens))
        call = f"sk.rhythm.interference({', '.join(map(str, gens))})"
    else:
        name = _ident(f"{technique}_{'_'.join(map(str, gens))}")
        extra = "".join(f", {k}={v!r}" for k, v in sorted(options.items()))
        call = f"sk.rhythm.technique({technique!r}, {gens!r}{extra})"
    shown = "+".join(map(str, durations))
    comment = f"  # {shown}" if durations and len(shown) <= 60 else ""
    named = f", title={title!r}" if title else ""
    return (f"import schillinger_kernel as sk\n{name} = {call}{comment}\n"
            f"{name}_score = {name}.to_score({pitch}, tempo={_number(tempo)}, "
            f"instrument={instrument!r}{named})")


def durations_code(durations: Sequence[int], *, pitch: int, tempo: float,
                   instrument: str) -> str:
    """The cell for a rhythm set from Python (no technique known): its durations.

    >>> print(durations_code((3, 1, 2), pitch=60, tempo=100.0, instrument="piano"))
    import schillinger_kernel as sk
    explored = sk.rhythm.Rhythm((3, 1, 2))
    explored_score = explored.to_score(60, tempo=100, instrument='piano')
    """
    return (f"import schillinger_kernel as sk\nexplored = sk.rhythm.Rhythm({tuple(durations)!r})\n"
            f"explored_score = explored.to_score({pitch}, tempo={_number(tempo)}, "
            f"instrument={instrument!r})")


def harmony_code(key: str, cycle: str, structure: str, length: int, *, tempo: float,
                 beats_per_chord: int, instrument: str) -> str:
    """The cell that rebuilds a HarmonyExplorer's progression and its score.

    >>> code = harmony_code("C major", "-C5", "S7", 4, tempo=90.0, beats_per_chord=4,
    ...                     instrument="piano")
    >>> call = code.splitlines()[2]
    >>> call.split(" = ")[0], call.split("(")[1]
    ('neg_c5_c_major', "'C major', 'C5', 'negative', length=4, structure='S7')")
    >>> space = {}
    >>> exec(code, space)
    >>> space["neg_c5_c_major"].symbols[:2]
    ('Cmaj7', 'G7')
    """
    kind = cycle.lstrip("-")
    negative = cycle.startswith("-")
    name = _ident(f"{'neg_' if negative else ''}{kind}_{key}")
    direction = ", 'negative'" if negative else ""
    return ("import schillinger_kernel as sk\nfrom schillinger_kernel.score import PPQ\n"
            f"{name} = sk.harmony.cycle_progression({key!r}, {kind!r}{direction}, "
            f"length={length}, structure={structure!r})\n"
            f"{name}_score = {name}.to_score(bar_ticks={beats_per_chord} * PPQ, "
            f"tempo={_number(tempo)}, instrument={instrument!r})")
