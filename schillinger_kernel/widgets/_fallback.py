"""Static SVG pictures of a score: what a widget shows where no widget can run.

nbconvert drops a widget's view when the notebook holds no widget state and shows the next
richest output instead; the widgets put this SVG there, so an exported notebook still shows
the music.

>>> from schillinger_kernel.score import Score
>>> svg = score_svg(Score.from_durations((2, 1, 1, 2), (60, 64)))
>>> svg.startswith("<svg") and svg.count('class="sk-note"')
4
"""

from __future__ import annotations

from html import escape

from ..score import Score
from ._wire import PALETTE

__all__ = ["MAX_DRAWN_NOTES", "score_svg"]

#: Scores with more notes than this get no static picture (the widget still works).
MAX_DRAWN_NOTES = 20_000


def score_svg(score: Score | None, *, width: int = 720, row: int = 5) -> str:
    """A piano-roll SVG of ``score``: parts in colours, bar lines, title.

    Raises ``ValueError`` for more than :data:`MAX_DRAWN_NOTES` notes.
    """
    if score is None:
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="24">'
                '<text x="4" y="16" font-family="sans-serif" font-size="12">(no score)</text>'
                "</svg>")
    if not isinstance(score, Score):
        raise TypeError(f"score must be a Score, got {type(score).__name__}")
    notes = [(n, i) for i, p in enumerate(score.parts) for n in p.notes]
    if len(notes) > MAX_DRAWN_NOTES:
        raise ValueError(f"score has {len(notes)} notes; the static picture draws at most "
                         f"{MAX_DRAWN_NOTES}")
    end = max(score.end, 1)
    pitches = [n.pitch for n, _ in notes] or [60]
    low, high = min(pitches) - 1, max(pitches) + 1
    top, left = 20, 4
    plot_w = width - 2 * left
    height = top + (high - low + 1) * row + 4
    sx = plot_w / end
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sk-roll" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
           f'font-size="11">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{left}" y="13">{escape(score.title)} · {len(notes)} notes · '
           f"{escape(', '.join(p.name for p in score.parts))}</text>"]
    bar = score.bar_ticks
    for k in range(0, end + 1, bar) if end // bar <= 2000 else ():
        out.append(f'<line x1="{left + k * sx:.1f}" y1="{top}" x2="{left + k * sx:.1f}" '
                   f'y2="{height - 4}" stroke="#d0d4da" stroke-width="0.6"/>')
    for n, i in notes:
        out.append(f'<rect class="sk-note" x="{left + n.start * sx:.2f}" '
                   f'y="{top + (high - n.pitch) * row:.1f}" '
                   f'width="{max(1.0, n.duration * sx - 0.5):.2f}" height="{row - 0.6:.1f}" '
                   f'fill="{PALETTE[i % len(PALETTE)]}" '
                   f'fill-opacity="{0.45 + 0.55 * n.velocity / 127:.2f}"/>')
    out.append("</svg>")
    return "\n".join(out)
