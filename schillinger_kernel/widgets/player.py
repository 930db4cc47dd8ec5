"""Player: play, stop, loop, tempo and position for any Score (``score.play()`` returns one).

Sound is made in the browser: Web Audio voices synthesise the score's notes, scheduled on the
browser's audio clock (never on Python timers), or, after :meth:`Player.render_audio` /
:meth:`Player.set_audio`, PCM rendered in the kernel plays instead.
"""

from __future__ import annotations

from ._base import ScoreWidget, bundle
from ._voicing import Voicing

__all__ = ["Player"]

class Player(Voicing, ScoreWidget):
    """Transport for a score: play/stop, loop, tempo, position; one shared AudioContext per page.

    >>> from schillinger_kernel.score import Score
    >>> p = Player(Score.from_durations((2, 1, 1, 2), 60, tempo=90), loop=True)
    >>> p.tempo, p.loop, p._meta["count"]
    (90.0, True, 4)
    """

    _esm = bundle("player")
