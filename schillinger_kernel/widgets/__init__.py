"""Notebook widgets (anywidget): RhythmExplorer, HarmonyExplorer, PianoRoll, Player, ScoreView,
RhythmIdentifier.

Imported on first access of ``sk.widgets`` (the core never imports Jupyter). The front-ends are
TypeScript in the repository's ``widgets/`` folder, bundled by esbuild into ``static/`` by the
package build. Sound is made in the browser on one shared AudioContext per page, scheduled on
the audio clock; scores travel as binary buffers.

>>> from schillinger_kernel.widgets import RhythmExplorer
>>> RhythmExplorer(a=4, b=3).rhythm
Rhythm((3, 1, 2, 2, 1, 3))
"""

from __future__ import annotations

from ._base import stop_all
from .harmony_explorer import HarmonyExplorer
from .identify import RhythmIdentifier
from .pianoroll import PianoRoll
from .player import Player
from .rhythm_explorer import RhythmExplorer
from .scoreview import ScoreView

__all__ = ["HarmonyExplorer", "PianoRoll", "Player", "RhythmExplorer", "RhythmIdentifier",
           "ScoreView", "stop_all"]
