"""PianoRoll: any Score as a piano roll (parts in colours, zoom, scroll) with a moving playhead."""

from __future__ import annotations

import traitlets as t

from ._base import ScoreWidget, bundle
from ._voicing import Voicing

__all__ = ["PianoRoll"]


class PianoRoll(Voicing, ScoreWidget):
    """A piano roll of ``score`` that plays it; ``zoom`` is pixels per second (10..400).

    >>> from schillinger_kernel.score import Score
    >>> roll = PianoRoll(Score.from_durations((2, 1, 1, 2), (60, 67)), zoom=120)
    >>> roll.zoom, roll._meta["low"], roll._meta["high"]
    (120.0, 60, 67)
    """

    _esm = bundle("pianoroll")
    zoom = t.Float(60.0, min=10.0, max=400.0).tag(sync=True)
