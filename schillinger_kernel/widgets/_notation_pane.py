"""The explorers' notation pane: what they show, engraved in the kernel, following the controls.

The engraving is :func:`schillinger_kernel.notation.engraving` (Verovio), the same as
:class:`~schillinger_kernel.widgets.ScoreView` draws; the pane gets its SVG pages in the synced
``_notation``. Engraving takes a fifth of a second or more, so while a slider is dragged the
kernel engraves at most once per :data:`NOTATION_DEBOUNCE` seconds: the first change after a
pause at once, the others together when the pause has passed. In a kernel (an event loop runs
and the widget's comm is open) one thread of the process, the notation engraver, does that
work, always on the newest state of each pane; elsewhere, and while a widget is being built,
every change engraves at once in the caller's thread. With ``notation`` off nothing is
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
import contextvars
import threading
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


class _Engraver:
    """One daemon thread that engraves every pane waiting for it, the newest state of each.

    Why a thread and not the event loop's ``call_later``: ipykernel 7 handles a widget's
    messages on the main thread or on a subshell's thread (JupyterLab sends comms over a
    subshell, and the kernel routes each message to where the comm last published from), so
    a timer lived on whichever loop handled the change that set it. It then fired on one
    thread while the next change was handled on the other, both changing the same widget
    (ipywidgets' ``hold_sync`` and property lock are plain attributes: an update can be lost
    or sent out of order), and it could not fire at all while that loop ran a cell. Here the
    waiting and the engraving happen in one place whatever thread asked, and the result is
    set under the widget's state lock, which its message handler holds too.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: dict[int, NotationPane] = {}  # a pane asked twice keeps one place
        self._thread: threading.Thread | None = None

    def ask(self, pane: NotationPane) -> None:
        with self._cond:
            self._waiting[id(pane)] = pane
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="schillinger-notation",
                                                daemon=True)
                self._thread.start()
            self._cond.notify()

    def _next(self) -> NotationPane:
        with self._cond:
            while True:
                now = time.monotonic()
                due = {key: p._notation_due() for key, p in self._waiting.items()}
                ready = [key for key, at in due.items() if at <= now]
                if ready:
                    return self._waiting.pop(ready[0])
                self._cond.wait(min(due.values()) - now if due else None)

    def _run(self) -> None:
        while True:
            self._next()._engrave_in_background()


_ENGRAVER = _Engraver()


class NotationPane(t.HasTraits):
    """Mix-in: ``notation`` (show the pane), ``notation_error`` and the pages ``_notation``.

    A subclass says what is engraved (:meth:`_notation_music`) and calls
    :meth:`_notation_stale` when that changes. The widget it is mixed into gives
    ``_state_lock``, the re-entrant lock its message handler holds
    (:class:`~schillinger_kernel.widgets._base.ScoreWidget`).
    """

    #: seconds between engravings while the controls move (:data:`NOTATION_DEBOUNCE`)
    notation_debounce: float = NOTATION_DEBOUNCE
    #: show the engraved notation (the kernel engraves only while it is shown)
    notation = t.Bool(True).tag(sync=True)
    #: why there is no engraving ("" when there is one, or nothing to engrave)
    notation_error = t.Unicode("").tag(sync=True)
    #: the engraved pages, SVG documents (empty while hidden)
    _notation = t.List(t.Unicode()).tag(sync=True)
    _state_lock: threading.RLock

    def __init__(self, **kwargs: Any) -> None:
        self._engraved_at = -float("inf")
        self._notation_asked = 0  # changes to engrave, counted: only the newest result is shown
        self._notation_context: contextvars.Context | None = None
        super().__init__(**kwargs)

    def _notation_music(self) -> Any:
        """What the pane engraves (a Score, Part, Progression or Rhythm), or None."""
        return None

    @t.observe("notation")
    def _notation_toggled(self, _change: dict[str, Any]) -> None:
        self._notation_stale()

    def _notation_stale(self) -> None:
        """What is engraved changed: engrave it now, or have the engraver engrave it."""
        with self._state_lock:
            self._notation_asked += 1
            try:
                asyncio.get_running_loop()
                in_kernel = self.comm is not None  # type: ignore[attr-defined]
            except RuntimeError:
                in_kernel = False
            if not in_kernel or not self.notation:  # hidden: the pages go at once
                self._engrave_notation()
                return
            # the engraver sets the result as a reply to the message that changed the music,
            # so the kernel sends it to the thread (subshell) that handled that message
            self._notation_context = contextvars.copy_context()
        _ENGRAVER.ask(self)

    def _notation_due(self) -> float:
        """When the engraver may engrave this pane (monotonic seconds)."""
        return self._engraved_at + self.notation_debounce

    def _engrave_notation(self) -> None:
        """Engrave what is shown now and show it (in the caller's thread)."""
        with self._state_lock:
            asked = self._notation_asked
            music = self._notation_music() if self.notation else None
        self._show_notation(asked, *self._engrave(music))

    def _engrave_in_background(self) -> None:
        """The engraver's work: engrave the newest state; a result the pane no longer wants
        (changed again meanwhile, and so asked for again) is dropped."""
        try:
            with self._state_lock:
                asked, context = self._notation_asked, self._notation_context
                music = self._notation_music() if self.notation else None
            pages, error = self._engrave(music)
            if context is None:
                self._show_notation(asked, pages, error)
            else:
                context.copy().run(self._show_notation, asked, pages, error)
        except Exception as exc:  # the engraver has no caller to raise to: the pane says it
            self._engraved_at = time.monotonic()
            with self._state_lock:
                self.notation_error = f"notation not drawn: {type(exc).__name__}: {exc}"

    def _engrave(self, music: Any) -> tuple[list[str], str]:
        if music is None:
            return [], ""
        try:
            e = engraving(music, width=DEFAULT_WIDTH, height=NOTATION_PAGE_HEIGHT,
                          scale=DEFAULT_SCALE, max_bytes=NOTATION_MAX_BYTES)
            return list(e.pages), ""
        except (ValueError, TypeError) as exc:  # too long, nothing to engrave: say so
            return [], f"notation not drawn: {exc}"
        finally:
            self._engraved_at = time.monotonic()

    def _show_notation(self, asked: int, pages: list[str], error: str) -> None:
        with self._state_lock:
            if asked != self._notation_asked:
                return
            with self.hold_sync():  # type: ignore[attr-defined]
                self.notation_error = error
                self._notation = pages
