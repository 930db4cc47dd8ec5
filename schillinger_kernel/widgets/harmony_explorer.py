"""HarmonyExplorer: step through Schillinger's root cycles and hear the progression.

Key, cycle (C3, C5, C7 and their negative forms -C3, -C5, -C7), chord structure and length
in; the progression out as chord symbols, as a circle of the key's seven roots with the
cycle's path drawn across it, as a score that plays, and engraved on a grand staff with
its chord symbols (the notation pane of :mod:`~schillinger_kernel.widgets._notation_pane`,
shown while ``notation`` is on). The progression comes from
:func:`schillinger_kernel.harmony.cycle_progression`; the view only draws it.
"""

from __future__ import annotations

from typing import Any

import traitlets as t

from .. import instruments
from ..pitch import KEY_NAMES, key
from ._base import ScoreWidget, bundle
from ._code import harmony_code
from ._notation_pane import NotationPane
from ._presets import Snapshots

__all__ = ["CYCLE_CHOICES", "HarmonyExplorer"]

CYCLE_CHOICES = ("C3", "C5", "C7", "-C3", "-C5", "-C7")
STRUCTURE_CHOICES = ("S5", "S7", "S9", "S11", "S13")
KEY_CHOICES = KEY_NAMES
#: The instruments the view offers for the chords (General MIDI names).
INSTRUMENTS = ("piano", "electric piano 1", "drawbar organ", "string ensemble 1", "choir aahs",
               "acoustic guitar (nylon)", "vibraphone", "brass section")


class HarmonyExplorer(NotationPane, Snapshots, ScoreWidget):
    """Root cycles of Book V: ``key``, ``cycle``, ``structure``, ``length``; ``progression``.

    ``progression`` (a :class:`~schillinger_kernel.harmony.Progression`) and ``score`` are
    traits Python can read and observe; ``notation`` shows the voiced progression engraved
    (``_notation``: its SVG pages).

    >>> h = HarmonyExplorer(key="C major", cycle="C3", structure="S7", length=4)
    >>> h.progression.symbols[0], len(h.progression), h.score.parts[0].name
    ('Cmaj7', 4, 'Chords')
    >>> h.cycle = "C9"
    Traceback (most recent call last):
    ...
    traitlets.traitlets.TraitError: cycle must be one of C3, C5, C7, -C3, -C5, -C7, got 'C9'
    """

    _esm = bundle("harmony_explorer")
    _PRESET_KEYS = ("key", "cycle", "structure", "length", "instrument", "tempo")
    key = t.Unicode("C major").tag(sync=True)
    key_choices = t.List(t.Unicode(), default_value=list(KEY_CHOICES)).tag(sync=True)
    cycle = t.Unicode("C5").tag(sync=True)
    cycle_choices = t.List(t.Unicode(), default_value=list(CYCLE_CHOICES)).tag(sync=True)
    structure = t.Unicode("S7").tag(sync=True)
    structure_choices = t.List(t.Unicode(), default_value=list(STRUCTURE_CHOICES)).tag(sync=True)
    length = t.Int(7).tag(sync=True)
    beats_per_chord = t.Int(4)
    instrument = t.Unicode("piano").tag(sync=True)
    #: what the view's instrument menu offers (General MIDI names)
    instruments = t.List(t.Unicode(), default_value=list(INSTRUMENTS)).tag(sync=True)
    progression = t.Any(None)
    error = t.Unicode("").tag(sync=True)
    _chords: t.List[dict[str, Any]] = t.List().tag(sync=True)
    _circle = t.Dict().tag(sync=True)
    #: the Python that rebuilds the progression and its score ("copy as code")
    code = t.Unicode("").tag(sync=True)

    def __init__(self, key: str = "C major", cycle: str = "C5", structure: str = "S7",
                 length: int = 7, *, tempo: float = 90.0, loop: bool = False,
                 **kwargs: Any) -> None:
        self._ready = False
        self._engraved: tuple[Any, ...] = ()
        super().__init__(key=key, cycle=cycle, structure=structure, length=length, loop=loop,
                         tempo=tempo, **kwargs)

    def _setup(self) -> None:
        self._ready = True
        self._recompute()

    @t.validate("key")
    def _check_key(self, proposal: Any) -> str:
        from ..pitch import parse_key

        value = proposal["value"]
        try:
            parse_key(value)
        except (ValueError, TypeError) as exc:
            raise t.TraitError(f"key: {exc}") from None
        return str(value)

    @t.validate("cycle")
    def _check_cycle(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in CYCLE_CHOICES:
            raise t.TraitError(f"cycle must be one of {', '.join(CYCLE_CHOICES)}, "
                               f"got {value!r}")
        return str(value)

    @t.validate("structure")
    def _check_structure(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in STRUCTURE_CHOICES:
            raise t.TraitError(f"structure must be one of {', '.join(STRUCTURE_CHOICES)}, "
                               f"got {value!r}")
        return str(value)

    @t.validate("length")
    def _check_length(self, proposal: Any) -> int:
        value = proposal["value"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 64:
            raise t.TraitError(f"length must be an int in 1..64, got {value!r}")
        return value

    @t.validate("instrument")
    def _check_instrument(self, proposal: Any) -> str:
        value = proposal["value"]
        try:
            if not isinstance(value, str):
                raise TypeError(f"a name, got {type(value).__name__}")
            instruments.program_for(value)
        except (ValueError, TypeError, LookupError) as exc:
            raise t.TraitError(f"instrument must name a General MIDI instrument: {exc}") from None
        return value

    @t.validate("beats_per_chord")
    def _check_beats(self, proposal: Any) -> int:
        value = proposal["value"]
        if not 1 <= value <= 16:
            raise t.TraitError(f"beats_per_chord must be in 1..16, got {value!r}")
        return int(value)

    @t.observe("key", "cycle", "structure", "length", "beats_per_chord", "instrument")
    def _inputs_changed(self, _change: dict[str, Any]) -> None:
        if self._ready:
            self._recompute()

    @t.observe("tempo")
    def _tempo_changed(self, _change: dict[str, Any]) -> None:
        if self._ready and self.score is not None and self.score.tempo != self.tempo:
            self._recompute()

    def _recompute(self) -> None:
        from ..score import PPQ
        from ..server.actions import compute  # imports no Jupyter server
        from ..server.errors import map_error

        kind = self.cycle.lstrip("-")
        direction = "negative" if self.cycle.startswith("-") else "positive"
        try:  # through the doors' action table: same request model, checks and messages
            prog = compute("harmony/cycle", {"key": self.key, "kind": kind,
                                             "direction": direction, "length": self.length,
                                             "structure": self.structure})
            score = prog.to_score(bar_ticks=self.beats_per_chord * PPQ, tempo=self.tempo,
                                  instrument=self.instrument)
        except (ValueError, TypeError, LookupError) as exc:
            self.error = map_error(exc).message
            return
        spelled = key(self.key)
        chord_s = self.beats_per_chord * 60.0 / self.tempo
        with self.hold_sync():
            self.error = ""
            self.progression = prog
            self._circle = {"labels": list(spelled.degree_names)}
            self._chords = [{
                "symbol": c.symbol, "degree": (c.degree or 1) - 1, "pitches": list(c.pitches),
                "start": i * chord_s, "end": (i + 1) * chord_s,
            } for i, c in enumerate(prog.chords)]
            self.score = score
            self.code = harmony_code(self.key, self.cycle, self.structure, self.length,
                                     tempo=self.tempo, beats_per_chord=self.beats_per_chord,
                                     instrument=self.instrument)
        # another instrument plays the same notes: the same notation, not engraved again
        engraved = (prog.chords, self.tempo, self.beats_per_chord)
        if engraved != self._engraved:
            self._engraved = engraved
            self._notation_stale()

    def _notation_music(self) -> Any:
        """The progression voiced on a grand staff with its chord symbols, at the explorer's
        tempo and chord length."""
        from ..notation import with_symbols
        from ..score import PPQ

        prog = self.progression
        if prog is None:
            return None
        return with_symbols(prog.to_score(bar_ticks=self.beats_per_chord * PPQ,
                                          tempo=self.tempo), prog)
