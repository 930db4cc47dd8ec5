"""RhythmIdentifier: tap, type or name a MIDI file; hear which Book I technique made the rhythm.

The widget door to :func:`schillinger_kernel.rhythm.identify`. A musician types an onset
pattern (durations ``3 3 2`` or ``3+3+2``, or a grid ``x..x..x.``), taps it on the pad (the
view sends the tap times; :func:`~schillinger_kernel.rhythm.identify.durations_from_taps`
quantizes them), or names a MIDI file inside ``root`` (read with
:func:`~schillinger_kernel.io.read_midi`, durations by
:func:`~schillinger_kernel.rhythm.identify.durations_of`). The matches come back ranked, each
named as the book writes it ("bar 1 of r8÷3 grouped by 8", "fractioning 3÷2"), with the
call that makes it; choosing one plays that technique's rhythm, choosing none plays the
pattern itself.

>>> w = RhythmIdentifier("3 3 2")
>>> w.given, w.matches[0]["title"]
([3, 3, 2], 'bar 1 of r8÷3 grouped by 8')
"""

from __future__ import annotations

import itertools
import os
import re
from typing import Any

import traitlets as t

from ..errors import ParameterError
from ..rhythm import Rhythm
from ..rhythm.identify import Identification, durations_from_taps, durations_of, identify
from ..score import Score
from ..server.errors import map_error
from ..server.paths import resolve_inside
from ._base import ScoreWidget, bundle
from .rhythm_explorer import explain

__all__ = ["RhythmIdentifier", "describe", "parse_pattern"]

#: The most matches the widget lists.
MAX_MATCHES = 12
#: The longest pattern the widget takes (durations, or grid cells).
MAX_PATTERN = 256

_ORDINAL = {1: "2nd", 2: "3rd"}
_SUPER = {2: "²", 3: "³", 4: "⁴"}


def parse_pattern(text: str) -> tuple[int, ...]:
    """Durations from what a musician types: durations or a grid of onsets.

    Durations are whole numbers separated by spaces, commas or ``+`` (``3 3 2``, ``3+3+2``).
    A grid has one character per unit, an onset ``x``, ``X`` or ``1``, a held unit ``.``,
    ``-``, ``_`` or ``0`` (``x..x..x.``, ``10010010``); it is read as a loop from its first
    onset, so leading held units join the last duration. Spaces and ``|`` (bar lines) inside
    a grid are ignored.

    >>> parse_pattern("3+3+2"), parse_pattern("x..x..x."), parse_pattern("..x.x|x..x")
    ((3, 3, 2), (3, 3, 2), (2, 1, 3, 3))
    """
    if not isinstance(text, str):
        raise ParameterError(f"pattern must be text, got {type(text).__name__}", field="pattern")
    s = text.strip()
    if not s:
        raise ParameterError("pattern is empty: type durations (3 3 2) or a grid (x..x..x.)",
                             field="pattern")
    grid = re.sub(r"[\s|]", "", s)
    # "1" alone or "11" are durations; "10" and anything with x or . is a grid
    binary = re.fullmatch(r"[01]+", grid) is not None and "0" in grid
    if re.fullmatch(r"[xX1.\-_0]+", grid) and (binary or re.search(r"[xX.\-_]", grid)):
        if len(grid) > MAX_PATTERN:
            raise ParameterError(f"pattern: a grid of up to {MAX_PATTERN} cells, got "
                                 f"{len(grid)}", field="pattern")
        onsets = [i for i, ch in enumerate(grid) if ch in "xX1"]
        if not onsets:
            raise ParameterError(f"pattern: the grid {s!r} has no onset (x or 1)",
                                 field="pattern")
        shifted = [o - onsets[0] for o in onsets] + [len(grid)]
        return tuple(b - a for a, b in itertools.pairwise(shifted))
    words = [w for w in re.split(r"[\s,+]+", s) if w]
    if not all(re.fullmatch(r"\d{1,4}", w) for w in words):
        raise ParameterError(f"pattern: {s!r} is neither durations (3 3 2, 3+3+2) nor a grid "
                             f"of onsets (x..x..x.)", field="pattern")
    durs = tuple(int(w) for w in words)
    if len(durs) > MAX_PATTERN or any(d < 1 for d in durs):
        raise ParameterError(f"pattern: up to {MAX_PATTERN} durations, each at least 1, got "
                             f"{s!r}", field="pattern")
    return durs


def describe(m: Identification) -> dict[str, Any]:
    """What the view lists for one match: its name as the book writes it, a line on how the
    technique makes it, where the pattern starts in it, and the Python that makes it.

    >>> d = describe(identify((1, 1, 2, 2))[0])
    >>> d["title"], d["where"], d["code"]
    ('r3÷2', 'heard from its 2nd duration', 'sk.rhythm.technique("interference", (3, 2))')
    """
    gens, opts = m.generators, dict(m.options)
    ratio = "÷".join(map(str, gens))
    plus = "+".join(map(str, gens))
    if m.technique == "interference":
        title = f"r{ratio}"
    elif m.technique == "power":
        n = int(opts.get("n", 2))
        title = f"({plus}){_SUPER.get(n, f'^{n}')}"
    elif m.technique == "permutations":
        title = f"circular permutations of r{ratio}"
    elif m.technique in ("circular_permutations", "general_permutations"):
        title = f"{m.technique.split('_')[0]} permutations of {plus}"
    elif m.technique == "grouping":
        title = f"bar {int(opts['bar']) + 1} of r{ratio} grouped by {opts['by']}"
    else:
        title = f"{m.technique} {ratio}"
    if m.technique == "grouping":
        line = (f"Interference {ratio} barred by {opts['by']}: the resultant split at every "
                f"{opts['by']} units, durations across a bar line tied.")
        code = (f"sk.rhythm.group(sk.rhythm.interference({gens[0]}, {gens[1]}), "
                f"{opts['by']})[{opts['bar']}]")
    elif m.technique in ("circular_permutations", "general_permutations"):
        line = f"Successive {m.technique.replace('_', ' ')} of the group {plus}."
        code = f"sk.rhythm.{m.technique}({tuple(gens)})"
    else:
        line = explain(m.technique, gens)
        extra = "".join(f", {k}={v!r}" for k, v in m.options)
        code = f"sk.rhythm.technique({m.technique!r}, {tuple(gens)}{extra})".replace("'", '"')
    where = ("from its beginning" if m.rotation == 0 else
             f"heard from its {_ORDINAL.get(m.rotation, f'{m.rotation + 1}th')} duration")
    return {"technique": m.technique, "generators": list(gens), "title": title,
            "explanation": line, "rotation": m.rotation, "distance": m.distance,
            "where": where, "rhythm": list(m.rhythm.durations), "code": code}


class RhythmIdentifier(ScoreWidget):
    """Which Schillinger technique made this rhythm: type ``pattern``, tap, or name ``midi``.

    ``pattern`` (durations or a grid, see :func:`parse_pattern`), ``taps`` (onset seconds
    from the view's pad, the last closing the loop) and ``midi`` (a file inside ``root``,
    default the kernel's working folder) each set ``given`` (the durations) and ``matches``
    (:func:`describe` of each match of :func:`~schillinger_kernel.rhythm.identify`, best
    first, at most :data:`MAX_MATCHES`). ``selected`` picks the match heard (-1: the
    pattern itself); ``tolerance`` is identify's. ``error`` says what was wrong.

    >>> w = RhythmIdentifier("x.xxx.")
    >>> w.given, w.matches[0]["title"], w.matches[0]["where"]
    ([2, 1, 1, 2], 'r3÷2', 'from its beginning')
    >>> w.pattern = "3 1 2 2 2 3"                      # one unit off r4÷3
    >>> w.matches, w.error
    ([], 'no Book I technique makes this rhythm (try a tolerance)')
    >>> w.tolerance = 1
    >>> w.matches[0]["title"], w.matches[0]["distance"]
    ('r4÷3', 1)
    >>> w.selected = 0                                 # hear r4÷3 itself
    >>> w.score.parts[0].name, len(w.score.notes)
    ('r4÷3', 6)
    """

    _esm = bundle("identify")
    pattern = t.Unicode("").tag(sync=True)
    taps = t.List(t.Float()).tag(sync=True)
    midi = t.Unicode("").tag(sync=True)
    tolerance = t.Int(0, min=0, max=16).tag(sync=True)
    given = t.List(t.Int()).tag(sync=True)
    #: where ``given`` came from: "pattern", "taps" or "midi" ("" before any)
    source = t.Unicode("").tag(sync=True)
    matches = t.List(t.Dict()).tag(sync=True)
    selected = t.Int(-1).tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    #: the folder ``midi`` is read from (not synced: the browser never names server paths)
    root = t.Unicode("")
    pitch = t.Int(76, min=0, max=127)

    def __init__(self, pattern: str = "", *, tolerance: int = 0, root: str | None = None,
                 tempo: float = 120.0, loop: bool = True, **kwargs: Any) -> None:
        self._ready = False
        self._echo = False
        self._found: tuple[Identification, ...] = ()
        super().__init__(pattern=pattern, tolerance=tolerance, loop=loop, tempo=tempo,
                         root=os.getcwd() if root is None else str(root), **kwargs)

    def _setup(self) -> None:
        self._ready = True
        self.on_msg(self._on_ask)
        if self.pattern:
            self._from_pattern(None)

    def _on_ask(self, _widget: Any, content: Any, _buffers: list[Any]) -> None:
        """The view's Identify (or Read MIDI): a text the kernel already holds changes no
        trait, so the view asks instead of setting it, and the same text asks again (after
        a refusal cleared the list, or with the file rewritten on disk).

        >>> w = RhythmIdentifier("x..x..x.")
        >>> w.midi = "../elsewhere.mid"                  # refused: the list is cleared
        >>> w.matches, w.pattern
        ([], 'x..x..x.')
        >>> w._on_ask(w, {"kind": "identify", "field": "pattern", "value": "x..x..x."}, [])
        >>> w.matches[0]["title"], w.error
        ('bar 1 of r8÷3 grouped by 8', '')
        """
        if not isinstance(content, dict) or content.get("kind") != "identify":
            return
        field, value = content.get("field"), content.get("value")
        if field not in ("pattern", "midi") or not isinstance(value, str):
            return
        if getattr(self, field) != value:
            setattr(self, field, value)  # the observer identifies it
        elif field == "pattern":
            self._from_pattern(None)
        else:
            self._from_midi(None)

    # ----- the three doors -------------------------------------------------------------------
    @t.observe("pattern")
    def _from_pattern(self, _change: Any) -> None:
        if self._ready and self.pattern.strip() and not self._echo:
            self._run("pattern", lambda: parse_pattern(self.pattern))

    @t.observe("taps")
    def _from_taps(self, _change: Any) -> None:
        if self._ready and self.taps:
            self._run("taps", lambda: durations_from_taps(self.taps))

    @t.observe("midi")
    def _from_midi(self, _change: Any) -> None:
        if self._ready and self.midi.strip():
            self._run("midi", self._read_midi)

    @t.observe("tolerance")
    def _again(self, _change: Any) -> None:
        if self._ready and self.given:
            self._run(self.source, lambda: tuple(self.given))

    def _read_midi(self) -> tuple[int, ...]:
        from ..io.midi import read_midi

        path = resolve_inside(self.root, self.midi.strip(), field="midi", must_exist=True,
                              suffixes=(".mid", ".midi"))
        return durations_of(read_midi(path))

    def _run(self, source: str, durations: Any) -> None:
        try:
            given = tuple(durations())
            found = identify(given, tolerance=self.tolerance)
        except (ValueError, TypeError) as exc:
            with self.hold_sync():
                self.error = map_error(exc).message
                self.matches = []
                self._found = ()
                self.selected = -1
            return
        with self.hold_sync():
            self._found = found[:MAX_MATCHES]
            self.source = source
            self.error = "" if found else "no Book I technique makes this rhythm (try a tolerance)"
            self.given = list(given)
            self.matches = [describe(m) for m in self._found]
            if source != "pattern":  # show what was tapped or read, ready to edit
                self._echo = True
                try:
                    self.pattern = " ".join(map(str, given))
                finally:
                    self._echo = False
            if self.selected == -1:
                self._selected(None)
            else:
                self.selected = -1

    # ----- what is heard ---------------------------------------------------------------------
    @t.validate("selected")
    def _check_selected(self, proposal: Any) -> int:
        value = proposal["value"]
        if not -1 <= value < len(self._found):
            raise t.TraitError(f"selected must be -1 (the pattern) or a match index "
                               f"0..{len(self._found) - 1}, got {value!r}")
        return int(value)

    @t.observe("selected")
    def _selected(self, _change: Any) -> None:
        if self.selected >= 0:
            m = self._found[self.selected]
            rhythm, name = m.rhythm, self.matches[self.selected]["title"]
        elif self.given:
            rhythm, name = Rhythm(tuple(self.given)), "your rhythm"
        else:
            return
        tempo = self.tempo
        self.score = Score.from_durations(rhythm.durations, self.pitch, instrument="marimba",
                                          part_name=name, tempo=tempo, title=name)
