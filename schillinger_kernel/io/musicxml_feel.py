"""The feel of a swung score in MusicXML: written as a swing chart is, read back as played.

A score whose ``metadata["feel"]`` is ``"swing"`` or ``"shuffle"`` (as
:mod:`~schillinger_kernel.compose` makes jazz and blues) is played long-short, each quarter
beat's second eighth at two thirds of the beat. A player reads that from plain eighths under
a "Swing" or "Shuffle" mark, not from triplets: :func:`straight_score` moves the times back
onto the straight grid (:func:`~.musicxml_values.straighten`) and :func:`feel_words` names
the mark, written over the first bar. :func:`played_feel` undoes it when such a file is read,
so the notes come back as the score played them (the MIDI file keeps the swung times all
along). Compound beats (6/8, 12/8) are long-short by their meter: nothing to straighten, no
mark.

>>> from schillinger_kernel import Note, Part, Score
>>> from .musicxml_values import bars
>>> s = Score(parts=(Part.create("Sax", (Note(0, 320, 72), Note(320, 160, 74))),),
...           metadata={"feel": "shuffle"})
>>> bar_list = bars(s.time_signatures, s.end)
>>> feel_words(s, bar_list), [(n.start, n.duration) for n in
...                           straight_score(s, bar_list).parts[0].notes]
('Shuffle', [(0, 240), (240, 240)])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from ..score import PPQ, Note, Score
from .musicxml_values import Bar, bars, beats, straighten

__all__ = ["FEEL_WORDS", "feel_words", "played_feel", "straight_score"]

# Feels written as plain eighths under their name.
FEEL_WORDS = {"swing": "Swing", "shuffle": "Shuffle"}


def feel_words(score: Score, bar_list: Sequence[Bar]) -> str | None:
    """The mark over the first bar ("Swing", "Shuffle"), or ``None`` where the score is
    played straight or no bar has a quarter-note beat to swing.

    >>> from schillinger_kernel import TimeSignature
    >>> s = Score(time_signatures=(TimeSignature(0, 12, 8),), metadata={"feel": "shuffle"})
    >>> feel_words(s, bars(s.time_signatures, 1440)) is None
    True
    """
    feel = score.metadata.get("feel") if isinstance(score.metadata, dict) else None
    words = FEEL_WORDS.get(feel) if isinstance(feel, str) else None
    swung = any(not compound and length == PPQ
                for b in bar_list for _s, length, compound in beats(b))
    return words if swung else None


def straight_score(score: Score, bar_list: Sequence[Bar], *, played: bool = False) -> Score:
    """``score`` with every swung time written straight, or with ``played`` every written
    time swung (see :func:`~.musicxml_values.straighten`)."""
    cache: dict[int, int] = {}

    def at(t: int) -> int:
        if t not in cache:
            cache[t] = straighten(t, bar_list, played=played)
        return cache[t]

    parts = tuple(dataclasses.replace(p, notes=tuple(
        Note(at(n.start), max(1, at(n.end) - at(n.start)), n.pitch, n.velocity)
        for n in p.notes)) for p in score.parts)
    return dataclasses.replace(score, parts=parts)


def played_feel(score: Score, stream: Any) -> Score:
    """``score`` read from the music21 ``stream`` of a swing chart as it is played: where
    the first bar of the first part says "Swing" or "Shuffle" (as
    :func:`~.musicxml_build.to_notation` writes it), the eighths are swung again and
    ``metadata["feel"]`` names the feel.

    >>> from schillinger_kernel import Part
    >>> from .musicxml_build import to_notation
    >>> chart, _drums = to_notation(Score(parts=(Part.create("Sax", (Note(0, 320, 72),
    ...     Note(320, 160, 74))),), metadata={"feel": "swing"}))
    >>> read = Score(parts=(Part.create("Sax", (Note(0, 240, 72), Note(240, 240, 74))),))
    >>> back = played_feel(read, chart)
    >>> [(n.start, n.duration) for n in back.parts[0].notes], back.metadata["feel"]
    ([(0, 320), (320, 160)], 'swing')
    """
    from music21 import expressions

    parts = list(getattr(stream, "parts", ()))
    first = parts[0].getElementsByClass("Measure").first() if parts else None
    marks = first.recurse().getElementsByClass(expressions.TextExpression) if first else ()
    names = {str(m.content).strip().lower() for m in marks if m.offset == 0}
    feel = next((f for f in FEEL_WORDS if f in names), None)
    if feel is None:
        return score
    meta = dict(score.metadata) if isinstance(score.metadata, dict) else {}
    swung = straight_score(score, bars(score.time_signatures, max(1, score.end)), played=True)
    return dataclasses.replace(swung, metadata={**meta, "feel": feel})
