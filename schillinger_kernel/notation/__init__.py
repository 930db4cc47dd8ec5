"""Engraving for display: scores as notation pages, drawn by Verovio.

In a notebook a :class:`~schillinger_kernel.score.Score`, a
:class:`~schillinger_kernel.score.Part`, a :class:`~schillinger_kernel.harmony.Progression`
and a :class:`~schillinger_kernel.rhythm.Rhythm` show themselves as notation (see
:func:`mimebundle`); :func:`pages` gives every page of a long piece as SVG, and
:func:`engraving` the pages together with when each drawn note sounds (what
:class:`~schillinger_kernel.widgets.ScoreView` follows while it plays).

>>> import schillinger_kernel as sk
>>> s = sk.generate_composition("Etude", 100, "D minor", 4, "classical", seed=1)
>>> first = sk.notation.pages(s)[0]
>>> first.count('class="note"') - first.count('class="tie"') == len(s.notes)
True
"""

from __future__ import annotations

from .engrave import (
    DEFAULT_HEIGHT,
    DEFAULT_SCALE,
    DEFAULT_WIDTH,
    DISPLAY_BARS,
    DISPLAY_PAGES,
    RHYTHM_DRUM,
    as_score,
    excerpt,
    html,
    mimebundle,
    musicxml,
    page_count,
    pages,
    svg,
    toolkit,
    with_symbols,
)
from .timemap import MAX_SVG_BYTES, EngravedNote, Engraving, engraving

__all__ = [
    "DEFAULT_HEIGHT",
    "DEFAULT_SCALE",
    "DEFAULT_WIDTH",
    "DISPLAY_BARS",
    "DISPLAY_PAGES",
    "MAX_SVG_BYTES",
    "RHYTHM_DRUM",
    "EngravedNote",
    "Engraving",
    "as_score",
    "engraving",
    "excerpt",
    "html",
    "mimebundle",
    "musicxml",
    "page_count",
    "pages",
    "svg",
    "toolkit",
    "with_symbols",
]
