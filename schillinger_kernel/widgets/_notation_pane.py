"""The explorers' notation pane: what they show, engraved in the kernel, following the controls.

The engraving is :func:`schillinger_kernel.notation.engraving` (Verovio), the same as
:class:`~schillinger_kernel.widgets.ScoreView` draws; the pane gets its SVG pages in the synced
``_notation``. Engraving takes a fifth of a second or more, so while a slider is dragged the
kernel engraves at most once per :data:`NOTATION_DEBOUNCE` seconds: the first change after a
pause at once, the others together when the pause has passed (only where an event loop runs,
as in a kernel; elsewhere every change engraves at once). With ``notation`` off nothing is
engraved, and turning it on engraves what is shown now.

>>> from schillinger_kernel.widgets import RhythmExplorer
>>> ex = RhythmExplorer(a=3, b=2)
>>> ex.notation, len(ex._notation), ex._notation[0].startswith("<svg")
(True, 1, True)
>>> ex.notation = False
>>> ex._notation
[]
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import traitlets as t

from ..notation import DEFAULT_SCALE, DEFAULT_WIDTH, engraving

__all__ = ["NOTATION_DEBOUNCE", "NOTATION_MAX_BYTES", "NotationPane"]

#: Seconds the kernel waits after an engraving before it engraves again.
NOTATION_DEBOUNCE = 0.25
#: Most SVG the pane may hold (it goes with the explorer's state, saved in the notebook).
NOTATION_MAX_BYTES = 2 << 20
#: Most height of one page: a short rhythm or progression fits on one.
NOTATION_PAGE_HEIGHT = 4000


class NotationPane(t.HasTraits):
    """Mix-in: ``notation`` (show the pane), ``notation_error`` and the pages ``_notation``.

    A subclass says what is engraved (:meth:`_notation_music`) and calls
    :meth:`_notation_stale` when that changes.
    """

    #: seconds between engravings while the controls move (:data:`NOTATION_DEBOUNCE`)
    notation_debounce: float = NOTATION_DEBOUNCE
    #: show the engraved notation (the kernel engraves only while it is shown)
    notation = t.Bool(True).tag(sync=True)
    #: why there is no engraving ("" when there is one, or nothing to engrave)
    notation_error = t.Unicode("").tag(sync=True)
    #: the engraved pages, SVG documents (empty while hidden)
    _notation = t.List(t.Unicode()).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        self._engraved_at = -float("inf")
        self._pending: asyncio.TimerHandle | None = None
        super().__init__(**kwargs)

    def _notation_music(self) -> Any:
        """What the pane engraves (a Score, Part, Progression or Rhythm), or None."""
        return None

    @t.observe("notation")
    def _notation_toggled(self, _change: dict[str, Any]) -> None:
        self._notation_stale()

    def _notation_stale(self) -> None:
        """What is engraved changed: engrave now, or after the pause if one was just made."""
        if not self.notation:
            self._cancel_pending()
            self._engrave_notation()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        wait = self._engraved_at + self.notation_debounce - time.monotonic()
        if loop is None or wait <= 0:
            self._cancel_pending()
            self._engrave_notation()
        elif self._pending is None:
            self._pending = loop.call_later(wait, self._flush_notation)

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _flush_notation(self) -> None:
        self._pending = None
        try:
            self._engrave_notation()
        except Exception as exc:  # a timer callback has no caller to raise to: the pane says it
            self.notation_error = f"notation not drawn: {type(exc).__name__}: {exc}"

    def _engrave_notation(self) -> None:
        music = self._notation_music() if self.notation else None
        pages: list[str] = []
        error = ""
        if music is not None:
            try:
                e = engraving(music, width=DEFAULT_WIDTH, height=NOTATION_PAGE_HEIGHT,
                              scale=DEFAULT_SCALE, max_bytes=NOTATION_MAX_BYTES)
                pages = list(e.pages)
            except (ValueError, TypeError) as exc:  # too long, nothing to engrave: say so
                error = f"notation not drawn: {exc}"
            self._engraved_at = time.monotonic()
        with self.hold_sync():  # type: ignore[attr-defined]
            self.notation_error = error
            self._notation = pages
