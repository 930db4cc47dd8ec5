"""An instrument menu for the widgets that play a score they were given (Player, PianoRoll).

``instrument`` names a General MIDI instrument that every pitched part plays with, or is ""
for the instruments the score names; drum parts keep their kit. Only what is heard changes:
``score`` stays the user's score.

>>> from schillinger_kernel.score import Score
>>> from schillinger_kernel.widgets import Player
>>> p = Player(Score.from_durations((2, 1, 1, 2), 60, instrument="piano"))
>>> p.instrument = "flute"
>>> p._meta["parts"][0]["program"], p.score.parts[0].program
(73, 0)
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import traitlets as t

from .. import instruments
from ..score import Score
from ._wire import encode_score

__all__ = ["INSTRUMENTS", "Voicing", "revoiced"]

#: What the menu offers after "as written" ("").
INSTRUMENTS = ("piano", "marimba", "vibraphone", "flute", "clarinet", "violin", "cello",
               "trumpet", "acoustic guitar (nylon)", "string ensemble 1", "drawbar organ")


def revoiced(score: Score | None, instrument: str) -> Score | None:
    """``score`` with every pitched part on ``instrument`` ("" leaves it as it is).

    >>> s = Score.from_durations((1, 1), 60, instrument="piano")
    >>> revoiced(s, "cello").parts[0].program, revoiced(s, "").parts[0].program
    (42, 0)
    """
    if score is None or not instrument:
        return score
    program = instruments.program_for(instrument)
    parts = tuple(p if p.is_drums else dataclasses.replace(p, program=program, preset=None)
                  for p in score.parts)
    return dataclasses.replace(score, parts=parts)


class Voicing(t.HasTraits):
    """Mix-in: ``instrument`` ("" or a General MIDI name) and the menu's ``instruments``."""

    instrument = t.Unicode("").tag(sync=True)
    instruments = t.List(t.Unicode(), default_value=["", *INSTRUMENTS]).tag(sync=True)

    @t.validate("instrument")
    def _check_instrument(self, proposal: Any) -> str:
        value = proposal["value"]
        if value:
            try:
                instruments.program_for(value)
            except (ValueError, TypeError, LookupError) as exc:
                raise t.TraitError(f"instrument must be '' (as written) or a General MIDI "
                                   f"instrument: {exc}") from None
        return str(value)

    def _played(self, score: Score | None) -> Score | None:
        return revoiced(score, self.instrument)

    @t.observe("instrument")
    def _voicing_changed(self, _change: dict[str, Any]) -> None:
        w = cast(Any, self)  # a ScoreWidget: the class this mixes into
        if w.score is not None:  # what is heard changes; `score` stays the user's
            buffers, meta = encode_score(self._played(w.score))
            with w.hold_sync():
                w._notes, w._meta = buffers, meta
                if w._pcm:
                    w.clear_audio()
