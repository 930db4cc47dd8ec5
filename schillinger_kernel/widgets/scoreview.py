"""ScoreView: the engraved score that plays, lights up the notes sounding and turns its pages.

Verovio engraves the score in the kernel (:func:`schillinger_kernel.notation.engraving`);
the browser gets the SVG pages and, for each drawn note, its element id, page and the
seconds it sounds on the score's tempo map. Playback is the same Web Audio transport as
:class:`~schillinger_kernel.widgets.Player`; on each animation frame the view colours the
notes sounding at the transport's position, and with ``follow`` it turns to their page
(``mode="pages"``) or scrolls to them (``mode="scroll"``). A click on a note plays from
there. Where no widget can run (nbconvert HTML) the pages stay as one SVG picture.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import traitlets as t

from ..checks import check_choice, check_int
from ..errors import ParameterError
from ..notation import DEFAULT_SCALE, DEFAULT_WIDTH, MAX_SVG_BYTES, as_score, engraving
from ._base import ScoreWidget, bundle
from ._wire import tick_seconds

__all__ = ["MAX_STATIC_PAGES", "MODES", "ScoreView"]

MODES = ("pages", "scroll")
#: Pages the static picture (nbconvert, a notebook without kernel) stacks at most.
MAX_STATIC_PAGES = 12
#: Most page height: about what a notebook shows without scrolling.
DEFAULT_PAGE_HEIGHT = 640

_SIZE = re.compile(r'^<svg width="([\d.]+)px" height="([\d.]+)px"')


class ScoreView(ScoreWidget):
    """The engraved ``music`` with play/stop; the sounding notes are lit and followed.

    Parameters
    ----------
    music : Score, Part, Progression or Rhythm, optional
        What to show and play (a Part, Progression or Rhythm becomes a Score as in
        :func:`schillinger_kernel.notation.as_score`).
    mode : {"pages", "scroll"}
        One page at a time with page buttons, or every page in a scrolling box.
    width : int
        Page width in pixels (200..4000).
    height : int
        Most height of a page in pixels (200..4000): lower means more, shorter pages.
    scale : int
        Staff size in percent of Verovio's default (10..200); the view's zoom buttons set it.
    follow : bool
        While playing, turn to (or scroll to) the page of the notes sounding.

    Examples
    --------
    >>> import schillinger_kernel as sk
    >>> v = ScoreView(sk.Score.from_durations((2, 1, 1, 2), pitches=(60, 64, 67)))
    >>> v.page_count, v.page, len(v._notemap["id"]), v._notemap["start"]
    (1, 1, 4, [0.0, 0.5, 0.75, 1.0])
    >>> v.play_from_note(v._notemap["id"][2]); v.position, v.playing
    (0.75, True)
    >>> ScoreView(sk.rhythm.interference(3, 2)).score.parts[0].is_drums
    True
    >>> ScoreView(mode="book")
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: mode must be one of pages, scroll, got 'book'
    """

    _esm = bundle("scoreview")
    #: most SVG one engraving may send (the whole state goes in one message)
    max_svg_bytes = MAX_SVG_BYTES
    mode = t.Unicode("pages").tag(sync=True)
    page = t.Int(1).tag(sync=True)
    follow = t.Bool(True).tag(sync=True)
    scale = t.Int(DEFAULT_SCALE).tag(sync=True)
    width = t.Int(DEFAULT_WIDTH)
    height = t.Int(DEFAULT_PAGE_HEIGHT)
    #: why there is no engraving ("" when there is one, or nothing to engrave)
    error = t.Unicode("").tag(sync=True)
    _pages = t.List(t.Unicode()).tag(sync=True)
    _notemap = t.Dict().tag(sync=True)

    def __init__(self, music: Any = None, *, mode: str = "pages", width: int = DEFAULT_WIDTH,
                 height: int = DEFAULT_PAGE_HEIGHT, scale: int = DEFAULT_SCALE,
                 follow: bool = True, **kwargs: Any) -> None:
        self._ready = False
        # the checks' errors (ParameterTypeError for a float) before traitlets' own TraitError
        check_choice("mode", mode, MODES)
        for name, value in (("width", width), ("height", height)):
            check_int(name, value, 200, 4000)
        check_int("scale", scale, 10, 200)
        score = None if music is None else as_score(music)
        super().__init__(score, mode=mode, width=width, height=height, scale=scale,
                         follow=follow, **kwargs)

    def _setup(self) -> None:
        self._ready = True
        self._engrave()
        if self.error:  # the constructor says so at once; later changes show it in the view
            raise ParameterError(self.error, field="music")

    @property
    def page_count(self) -> int:
        """How many pages the engraving has (0 without notes)."""
        return len(self._pages)

    # ----- validation ---------------------------------------------------------------------
    @t.validate("mode")
    def _check_mode(self, proposal: Any) -> str:
        return check_choice("mode", proposal["value"], MODES)

    @t.validate("width", "height")
    def _check_size(self, proposal: Any) -> int:
        return check_int(proposal["trait"].name, proposal["value"], 200, 4000)

    @t.validate("scale")
    def _check_scale(self, proposal: Any) -> int:
        return check_int("scale", proposal["value"], 10, 200)

    @t.validate("page")
    def _check_page(self, proposal: Any) -> int:
        return check_int("page", proposal["value"], 1, max(1, len(self._pages)))

    # ----- engraving ------------------------------------------------------------------------
    @t.observe("score", "width", "height", "scale")
    def _inputs_changed(self, _change: dict[str, Any]) -> None:
        if self._ready:
            self._engrave()

    def _engrave(self) -> None:
        score = self.score
        pages: list[str] = []
        notemap: dict[str, list[Any]] = {"id": [], "page": [], "start": [], "end": []}
        error = ""
        if score is not None and score.notes:
            try:
                e = engraving(score, width=self.width, height=self.height, scale=self.scale,
                              max_bytes=self.max_svg_bytes)
            except (ValueError, TypeError) as exc:
                error = str(exc)
            else:
                pages = list(e.pages)
                ticks = np.array([[n.start, n.end] for n in e.notes], dtype=np.int64)
                secs = tick_seconds(score, ticks.reshape(-1)).reshape(-1, 2).round(6)
                notemap = {"id": [n.id for n in e.notes], "page": [n.page for n in e.notes],
                           "start": secs[:, 0].tolist(), "end": secs[:, 1].tolist()}
        with self.hold_sync():
            self.error = error
            self._pages = pages
            self._notemap = notemap
            if self.page > max(1, len(pages)):
                self.page = max(1, len(pages))

    def note_at(self, note_id: str) -> float:
        """Seconds from the start at which the drawn note ``note_id`` sounds.

        >>> from schillinger_kernel.score import Score
        >>> v = ScoreView(Score.from_durations((2, 2), pitches=(60, 62)))
        >>> v.note_at(v._notemap["id"][1])
        0.5
        >>> v.note_at("nothing")
        Traceback (most recent call last):
        ...
        schillinger_kernel.errors.ParameterError: note_id must be the id of a drawn note, ...
        """
        try:
            k = self._notemap["id"].index(note_id)
        except (KeyError, ValueError):
            raise ParameterError(f"note_id must be the id of a drawn note, got {note_id!r} "
                                 f"(ids are in the SVG's <g class=\"note\">)",
                                 field="note_id") from None
        return float(self._notemap["start"][k])

    def play_from_note(self, note_id: str) -> None:
        """Play from the drawn note ``note_id`` (what a click on the note does in the view)."""
        at = self.note_at(note_id)
        with self.hold_sync():
            self.position = at
            self.page = int(self._notemap["page"][self._notemap["id"].index(note_id)])
            self.playing = True

    # ----- static picture -------------------------------------------------------------------
    def fallback_svg(self) -> str:
        """The engraved pages stacked in one SVG (the first :data:`MAX_STATIC_PAGES`)."""
        if not self._pages:
            return super().fallback_svg()
        shown = self._pages[:MAX_STATIC_PAGES]
        parts, y, width = [], 0.0, 0.0
        for page in shown:
            size = _SIZE.match(page)
            w, h = (float(size.group(1)), float(size.group(2))) if size else (self.width, 0.0)
            parts.append(page.replace("<svg ", f'<svg x="0" y="{y:g}" ', 1))
            y += h
            width = max(width, w)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" '
                f'xmlns:xlink="http://www.w3.org/1999/xlink" class="sk-score-static" '
                f'width="{width:g}" height="{y:g}" viewBox="0 0 {width:g} {y:g}">'
                f'<rect width="{width:g}" height="{y:g}" fill="#ffffff"/>'
                + "".join(parts) + "</svg>")
