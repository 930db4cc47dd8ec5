"""Engraved pages together with when each drawn note sounds: what a score-following view needs.

Verovio draws every note as an SVG group ``<g id="..." class="note">``; its time map says,
in quarter notes, when each of those groups starts and stops sounding. :func:`engraving`
keeps both, in ticks of the score's own timeline, with the page each note is drawn on, so a
view can light up the notes sounding at any moment, turn to their page, and start playback
from a note that was clicked.

>>> from schillinger_kernel import Score
>>> e = engraving(Score.from_durations((2, 1, 1, 2), pitches=(60, 64, 67)))
>>> len(e.pages), len(e.notes), [(n.start, n.end) for n in e.notes]
(1, 4, [(0, 480), (480, 720), (720, 960), (960, 1440)])
>>> [n.id for n in e.sounding(500)] == [e.notes[1].id]
True
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..checks import check_int
from ..errors import ParameterError
from ..score import PPQ
from .engrave import (
    DEFAULT_HEIGHT,
    DEFAULT_SCALE,
    DEFAULT_WIDTH,
    as_score,
    musicxml,
    one_engraving_at_a_time,
    toolkit,
)

__all__ = ["MAX_SVG_BYTES", "EngravedNote", "Engraving", "engraving"]

MAX_SVG_BYTES = 8 << 20
"""Most SVG an engraving may hold (a widget sends it in one message, limited to 10 MiB)."""

_NOTE_ID = re.compile(r'<g id="([^"]+)" class="note"')
_SIZE = re.compile(r'^<svg width="([\d.]+)px" height="([\d.]+)px"')


@dataclass(frozen=True)
class EngravedNote:
    """One note as drawn: its SVG element id, its page (from 1) and its ticks.

    A note tied over a bar line is drawn twice; each drawing is an EngravedNote of its own,
    sounding for its own part of the note.
    """

    id: str
    page: int
    start: int
    end: int


@dataclass(frozen=True)
class Engraving:
    """Every page of an engraved score and the drawn notes, sorted by start then page."""

    pages: tuple[str, ...]
    notes: tuple[EngravedNote, ...]

    def sounding(self, tick: int) -> tuple[EngravedNote, ...]:
        """The drawn notes sounding at ``tick`` (started at or before it, not yet ended).

        >>> from schillinger_kernel import Score
        >>> e = engraving(Score.from_durations((1, 1), pitches=(60, 62)))
        >>> len(e.sounding(0)), len(e.sounding(240)), len(e.sounding(480))
        (1, 1, 0)
        """
        stop = bisect_right([n.start for n in self.notes], tick)
        return tuple(n for n in self.notes[:stop] if n.end > tick)


def _scalable(page: str) -> str:
    """Give the page's root a viewBox, so a view may shrink it to its width and keep its
    proportions (Verovio sizes the root in pixels and puts the viewBox on an inner svg)."""
    size = _SIZE.match(page)
    if not size:  # pragma: no cover - Verovio's pages all start this way
        return page
    w, h = size.groups()
    return page.replace(size.group(0),
                        f'<svg width="{w}px" height="{h}px" viewBox="0 0 {w} {h}"', 1)


@one_engraving_at_a_time
def engraving(music: Any, *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT,
              scale: int = DEFAULT_SCALE, max_bytes: int = MAX_SVG_BYTES) -> Engraving:
    """Engrave ``music`` and say when each drawn note sounds.

    Parameters
    ----------
    music : Score, Part, Progression or Rhythm
        What to engrave (see :func:`~schillinger_kernel.notation.as_score`).
    width, height, scale : int, optional
        Page width, most page height (pixels) and staff size, as in
        :func:`~schillinger_kernel.notation.pages`.
    max_bytes : int, optional
        Most SVG the pages may add up to (1 KiB..64 MiB); a longer piece is refused with
        a message saying what to do.

    Returns
    -------
    Engraving
        ``pages`` (SVG documents, each with a root ``viewBox``) and ``notes``
        (:class:`EngravedNote`, in ticks of ``music``'s own timeline).

    Examples
    --------
    >>> import schillinger_kernel as sk
    >>> s = sk.generate_composition("Etude", 100, "D minor", 4, "classical", seed=1)
    >>> e = engraving(s)
    >>> len(e.notes) - sum(p.count('class="tie"') for p in e.pages) == len(s.notes)
    True
    >>> engraving(s, max_bytes=1024)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: the engraving is ... KiB of SVG, more than ...
    """
    check_int("max_bytes", max_bytes, 1024, 64 << 20)
    tk = toolkit(musicxml(music), width, height, scale)
    pages = tuple(_scalable(str(tk.renderToSVG(k)))
                  for k in range(1, int(tk.getPageCount()) + 1))
    size = sum(len(p) for p in pages)
    if size > max_bytes:
        raise ParameterError(
            f"the engraving is {size >> 10} KiB of SVG, more than {max_bytes >> 10} KiB: "
            "engrave part of it (sk.notation.excerpt(score, bars)) or a smaller scale",
            field="music")
    page_of = {i: k for k, page in enumerate(pages, 1) for i in _NOTE_ID.findall(page)}
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for event in tk.renderToTimemap({"includeMeasures": False, "includeRests": False}):
        tick = round(float(event.get("qstamp", 0.0)) * PPQ)
        for i in event.get("on", ()):
            starts.setdefault(i, tick)
        for i in event.get("off", ()):
            ends[i] = tick
    played = _played_ticks(music)
    notes = sorted((EngravedNote(i, page_of[i], played(t), max(played(ends.get(i, t)),
                                                                   played(t)))
                    for i, t in starts.items() if i in page_of),
                   key=lambda n: (n.start, n.page, n.id))
    return Engraving(pages, tuple(notes))


def _played_ticks(music: Any) -> Callable[[int], int]:
    """Drawn ticks -> the ticks the score plays them at: a swung score is written straight
    under a "Swing"/"Shuffle" mark (io.musicxml_feel), so its drawn eighths must be swung
    back for the highlight to follow the sound."""
    from ..io.musicxml_feel import feel_words
    from ..io.musicxml_values import bars, straighten

    score = as_score(music)
    bar_list = bars(score.time_signatures, max(1, score.end))
    if feel_words(score, bar_list) is None:
        return lambda t: t
    cache: dict[int, int] = {}

    def played(t: int) -> int:
        if t not in cache:
            cache[t] = straighten(t, bar_list, played=True)
        return cache[t]

    return played
