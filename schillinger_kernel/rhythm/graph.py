"""The Schillinger graph of a rhythm: static SVG (rich display) and plain text (CLI).

Book I draws every rhythm the same way (Figs 6-26): time runs left to right in equal cells of
the unit *t*; each row is a square wave in which every attack is a *phase change*, so each
duration shows as one plateau. Rows from top to bottom: the unit (one phase per cell), each
generator, the resultant *r*, and the common product (one phase for the whole period). Dotted
verticals drop from every generator attack onto *r*, and attacks where two or more generators
coincide (the accents) are marked on *r*.

The module only draws: it takes durations (a ``Rhythm`` or any sequence of non-zero ints,
negative = rest) and the generators, and lays out the generator rows so that they explain the
resultant: plain interference (each generator repeated over the period) or, where that does
not produce the resultant, fractioning (the minor generator restarting at each attack of the
squared major generator, rows b1, b2, ...).

>>> print(rhythm_text((2, 1, 1, 2), (3, 2), ascii=True))
t    |-|_|-|_|-|_|
a=3  |-----|_____|
b=2  |---|___|---|
r    |---|_|-|___|
     *           *
ab=6 |-----------|
>>> svg = rhythm_svg((2, 1, 1, 2), (3, 2))
>>> svg.startswith("<svg") and svg.count('data-row="r"') == 4
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..errors import ParameterError, ParameterTypeError

__all__ = ["ACCENT_LEGEND", "FONT_FAMILY", "FONT_SIZE", "MAX_PERIOD", "NOTE_MAX", "GraphRow",
           "coincidences", "graph_rows", "rhythm_svg", "rhythm_text", "text_box", "text_width"]

#: Longest period (in units) the graph draws; longer rhythms are refused with a ValueError.
MAX_PERIOD = 20_000

_LETTERS = "abcdefgh"
_COLORS = {
    "unit": "#8a8a8a", "generator": "#1f5fa8", "resultant": "#111111", "product": "#6b4fa0",
}
_ACCENT = "#d0342c"


#: The labels' font: DejaVu Sans (Debian's and most Linux desktops' sans-serif), Verdana and
#: Bitstream Vera, which share its metrics, then any sans-serif (narrower: Arial, Helvetica).
FONT_FAMILY = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif"
FONT_SIZE = 11
#: Ascent and descent of DejaVu Sans, in em (hhea 1901 and 483 of 2048 units).
_ASCENT, _DESCENT = 0.929, 0.236
# Advance widths of DejaVu Sans (Book and Bold), in thousandths of an em, read from the fonts'
# hmtx tables, for the characters a graph writes; any other character counts a whole em.
_WIDTH_CHARS = "".join(map(chr, range(32, 127))) + "÷×²³…·–"
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838, 838, 838, 401, 401, 1000, 318, 500
)
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734,
    830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812,
    774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
    712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652,
    582, 712, 365, 712, 838, 838, 838, 438, 438, 1000, 380, 500
)
_WIDTHS = {False: dict(zip(_WIDTH_CHARS, _REGULAR, strict=True)),
           True: dict(zip(_WIDTH_CHARS, _BOLD, strict=True))}


def text_width(text: str, *, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Width in px of ``text`` set in :data:`FONT_FAMILY` at ``size`` px.

    Measured with DejaVu Sans's advance widths (the widest of the family list, so text set in
    a fallback font is narrower still); characters outside the table count one em.

    >>> round(text_width("abc = 30"), 1)
    50.0
    """
    widths = _WIDTHS[bold]
    return sum(widths.get(ch, 1000) for ch in text) * size / 1000


def text_box(text: str, x: float, y: float, *, size: float = FONT_SIZE, bold: bool = False,
             anchor: str = "start") -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of ``text`` drawn at ``x``, baseline ``y`` (for tests and
    layout)."""
    w = text_width(text, size=size, bold=bold)
    left = x - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
    return left, y - _ASCENT * size, left + w, y + _DESCENT * size


@dataclass(frozen=True)
class GraphRow:
    """One square-wave row of the graph.

    ``durations`` are the plateaus (negative = rest), starting ``offset`` units after 0.
    ``kind`` is ``"unit"``, ``"generator"``, ``"resultant"`` or ``"product"``; ``label`` is the
    short name at the left (``"a"``, ``"b1"``, ``"r"``) and ``note`` the formula at the right.
    """

    label: str
    kind: str
    durations: tuple[int, ...]
    offset: int = 0
    note: str = ""

    @property
    def attacks(self) -> tuple[int, ...]:
        """Onsets of the plateaus, in units from 0."""
        out, t = [], self.offset
        for d in self.durations:
            out.append(t)
            t += abs(d)
        return tuple(out)

    @property
    def end(self) -> int:
        """Unit at which the last plateau ends."""
        return self.offset + sum(abs(d) for d in self.durations)


def _check_durations(rhythm: Sequence[int]) -> tuple[int, ...]:
    if isinstance(rhythm, str | bytes) or not isinstance(rhythm, Sequence):
        raise ParameterTypeError(f"rhythm must be a sequence of ints, got {type(rhythm).__name__}")
    durs = tuple(rhythm)
    if not durs:
        raise ParameterError("rhythm must not be empty")
    for d in durs:
        if isinstance(d, bool) or not isinstance(d, int) or d == 0:
            raise ParameterError(
                f"rhythm durations must be non-zero ints (negative = rest), got {d!r}")
    period = sum(abs(d) for d in durs)
    if period > MAX_PERIOD:
        raise ParameterError(f"rhythm period must be <= {MAX_PERIOD} units to draw, got {period}")
    return durs


def _check_generators(generators: Sequence[int] | None) -> tuple[int, ...]:
    if generators is None:
        return ()
    if isinstance(generators, str | bytes) or not isinstance(generators, Sequence):
        raise ParameterTypeError(f"generators must be a sequence of ints or None, "
                        f"got {type(generators).__name__}")
    gens = tuple(generators)
    for g in gens:
        if isinstance(g, bool) or not isinstance(g, int) or g < 1:
            raise ParameterError(f"generators must be positive ints, got {g!r}")
    if len(gens) > len(_LETTERS):
        raise ParameterError(f"at most {len(_LETTERS)} generators can be drawn, got {len(gens)}")
    return gens


def _attack_set(durs: Sequence[int], offset: int = 0) -> set[int]:
    out, t = set(), offset
    for d in durs:
        out.add(t)
        t += abs(d)
    return out


def _repeat_row(label: str, g: int, period: int, offset: int = 0, count: int | None = None
                ) -> GraphRow:
    n = (period - offset) // g if count is None else count
    durs = [g] * n
    rest = period - offset - g * n if count is None else 0
    if rest > 0:
        durs.append(rest)
    # the book's "count × unit", as the t row reads (b1 = 3×2: three plateaus of 2)
    note = f"{n}×{g}" + (f"+{rest}" if rest > 0 else "")
    return GraphRow(label, "generator", tuple(durs), offset, note)


def graph_rows(rhythm: Sequence[int], generators: Sequence[int] | None = None
               ) -> tuple[GraphRow, ...]:
    """The rows of the Schillinger graph of ``rhythm``, top to bottom.

    ``generators`` defaults to ``rhythm.generators`` when the value carries them (a ``Rhythm``
    made by interference or fractioning); without generators the graph has the unit, *r* and
    the period only.

    >>> [(r.label, r.durations, r.offset) for r in graph_rows((2, 1, 1, 1, 1, 1, 2), (3, 2))]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('t', (1, 1, 1, 1, 1, 1, 1, 1, 1), 0), ('a', (3, 3, 3), 0), ('b1', (2, 2, 2), 0),
     ('b2', (2, 2, 2), 3), ('r', (2, 1, 1, 1, 1, 1, 2), 0), ('a²', (9,), 0)]
    """
    durs = _check_durations(rhythm)
    if generators is None:
        generators = getattr(rhythm, "generators", None) or None
    gens = _check_generators(generators)
    period = sum(abs(d) for d in durs)
    r_attacks = _attack_set(durs)
    unit = GraphRow("t", "unit", (1,) * period, 0, f"{period}×1")
    rows: list[GraphRow] = []
    product_label = "T"
    if gens:
        plain = [_repeat_row(_LETTERS[i], g, period) for i, g in enumerate(gens)]
        union = set().union(*(_attack_set(r.durations) for r in plain))
        a, b = (*gens, 0, 0)[:2]
        if len(gens) == 2 and a > b and period == a * a and union != r_attacks:
            frac = [_repeat_row("a", a, period)]
            frac += [_repeat_row(f"b{k + 1}", b, period, offset=k * a, count=a)
                     for k in range(a - b + 1)]
            fu = set().union(*(_attack_set(r.durations, r.offset) for r in frac))
            if fu == r_attacks:
                rows, product_label = frac, "a²"
        if not rows:
            rows = plain
            if len(gens) > 1 and period == _product(gens):
                product_label = "".join(_LETTERS[: len(gens)])
            elif len(gens) == 1 and period == gens[0]:
                product_label = "a"
    resultant = GraphRow("r", "resultant", durs, 0, "+".join(str(d) for d in durs))
    product = GraphRow(product_label, "product", (period,), 0, str(period))
    return (unit, *rows, resultant, product)


def _product(values: Sequence[int]) -> int:
    p = 1
    for v in values:
        p *= v
    return p


def coincidences(rows: Sequence[GraphRow]) -> tuple[int, ...]:
    """Units where two or more generator rows attack together (the accents of *r*).

    >>> coincidences(graph_rows((2, 1, 1, 2), (3, 2)))
    (0,)
    """
    counts: dict[int, int] = {}
    for row in rows:
        if row.kind == "generator":
            for t in row.attacks:
                counts[t] = counts.get(t, 0) + 1
    return tuple(sorted(t for t, n in counts.items() if n >= 2))


def rhythm_text(rhythm: Sequence[int], generators: Sequence[int] | None = None, *,
                ascii: bool = False) -> str:
    """The graph as plain text: two characters per unit, ``|`` at every phase change.

    High plateaus are drawn with ``‾`` (``-`` when ``ascii``), low ones with ``_``; a line of
    ``*`` under *r* marks the coincident attacks (including the closing one at the period).

    >>> print(rhythm_text((3, 1, 2, 2, 1, 3), (4, 3)).splitlines()[3])
    r     |‾‾‾‾‾|_|‾‾‾|___|‾|_____|
    """
    rows = graph_rows(rhythm, generators)
    hi = "-" if ascii else "‾"
    gens = _check_generators(generators if generators is not None
                             else getattr(rhythm, "generators", None) or None)
    labels = []
    for row in rows:
        if row.kind == "generator" and row.label in _LETTERS and gens:
            labels.append(f"{row.label}={gens[_LETTERS.index(row.label)]}")
        elif row.kind == "product":
            labels.append(f"{row.label}={row.durations[0]}")
        else:
            labels.append(row.label)
    width = max(len(s) for s in labels) + 1
    period = rows[-1].durations[0]
    lines = []
    marks = set(coincidences(rows))
    for label, row in zip(labels, rows, strict=True):
        cells = [" "] * (2 * period + 1)
        t = row.offset
        for i, d in enumerate(row.durations):
            cells[2 * t] = "|"
            fill = (hi if i % 2 == 0 else "_") if d > 0 else "."
            for k in range(2 * t + 1, 2 * (t + abs(d))):
                cells[k] = fill
            t += abs(d)
        cells[2 * t] = "|"
        lines.append(f"{label:<{width}}" + "".join(cells).rstrip())
        if row.kind == "resultant" and marks:
            accent = [" "] * (2 * period + 1)
            for m in marks:
                accent[2 * m] = "*"
            if 0 in marks:
                accent[2 * period] = "*"
            lines.append(" " * width + "".join(accent).rstrip())
    return "\n".join(lines)


#: Widest note (the formula right of a row) in px; a longer resultant series is abbreviated.
NOTE_MAX = 200.0
#: What the red dot on r means (the legend under the graph).
ACCENT_LEGEND = "generators attack together (accent)"


def _fit_note(note: str, budget: float) -> str:
    """``note`` when it fits ``budget`` px, else its first terms, "…" and the count of terms."""
    if text_width(note) <= budget:
        return note
    terms = note.split("+")
    for k in range(len(terms) - 1, 0, -1):
        short = "+".join(terms[:k]) + f"+… ({len(terms)})"
        if text_width(short) <= budget:
            return short
    return ""


def rhythm_svg(rhythm: Sequence[int], generators: Sequence[int] | None = None, *,
               title: str | None = None, max_width: int = 760) -> str:
    """The graph as a standalone SVG document (what ``Rhythm._repr_svg_`` shows).

    Each plateau is one ``<path class="sk-bar" data-row=LABEL data-d=DURATION>``, the dotted
    drops are ``sk-drop`` lines and the accents ``sk-accent`` circles, explained by a legend
    (``sk-accent-legend``) under the graph; the root element carries ``data-x0``, ``data-cell``
    and ``data-period`` so a view can place a playhead on it. Every text is measured
    (:func:`text_width`): the label column, the notes and the drawing grow to hold them.

    >>> svg = rhythm_svg((2, 2, 1, 1, 2, 2), (5, 2))
    >>> svg.count('class="sk-bar" data-row="r"'), svg.count('class="sk-accent"')
    (6, 1)
    """
    if isinstance(max_width, bool) or not isinstance(max_width, int) or max_width < 200:
        raise ParameterError(f"max_width must be an int >= 200, got {max_width!r}")
    rows = graph_rows(rhythm, generators)
    gens = _check_generators(generators if generators is not None
                             else getattr(rhythm, "generators", None) or None)
    period = rows[-1].durations[0]
    pad, gap = 10.0, 10.0
    labels = [_svg_label(row, gens) for row in rows]
    bold = [row.kind == "resultant" for row in rows]
    label_w = max(text_width(s, bold=b) for s, b in zip(labels, bold, strict=True)) + gap
    notes = [_fit_note(row.note, NOTE_MAX) for row in rows]
    note_w = max((text_width(n) for n in notes), default=0.0)
    note_w = note_w + gap if note_w else 0.0
    x0 = pad + label_w
    cell = max(0.25, min(28.0, (max_width - x0 - note_w - pad) / period))
    amp, pitch, top = 14.0, 34.0, 14.0
    accents = coincidences(rows)
    graph_bottom = top + pitch * len(rows) + 4
    legend_w = 14 + text_width(ACCENT_LEGEND) if accents else 0.0
    width = max(x0 + cell * period + note_w + pad, pad + legend_w + pad)
    height = graph_bottom + (18 if accents else 0)
    name = title or ("r" + "÷".join(str(g) for g in gens) if gens else "rhythm")
    ys = {i: top + pitch * i for i in range(len(rows))}
    r_index = next(i for i, row in enumerate(rows) if row.kind == "resultant")

    def fx(t: float) -> str:
        return f"{x0 + cell * t:.2f}".rstrip("0").rstrip(".")

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sk-graph" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.2f} {height:.2f}" '
        f'data-x0="{x0:.2f}" data-cell="{cell:.4f}" data-period="{period}" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="{FONT_SIZE}">',
        f"<title>Schillinger graph of {escape(name)}</title>",
        f'<rect class="sk-graph-bg" width="{width:.2f}" height="{height:.2f}" rx="4" '
        f'fill="#ffffff"/>',
    ]
    # dotted drops from each generator attack onto r (from the highest row attacking there)
    seen: set[int] = set()
    for i, row in enumerate(rows):
        if row.kind != "generator":
            continue
        for t in (*row.attacks, row.end):
            if t in seen:
                continue
            seen.add(t)
            out.append(f'<line class="sk-drop" x1="{fx(t)}" y1="{ys[i] + amp:.1f}" '
                       f'x2="{fx(t)}" y2="{ys[r_index]:.1f}" stroke="#9aa7b8" '
                       f'stroke-width="1" stroke-dasharray="2 3"/>')
    for i, row in enumerate(rows):
        y_hi, y_lo = ys[i], ys[i] + amp
        color = _COLORS[row.kind]
        sw = 2 if row.kind == "resultant" else 1.4
        out.append(f'<text class="sk-label" x="{pad}" y="{y_lo - 2:.1f}" fill="{color}" '
                   f'font-weight="{"bold" if bold[i] else "normal"}">'
                   f"{escape(labels[i])}</text>")
        out.append(f'<g class="sk-row" data-kind="{row.kind}" stroke="{color}" '
                   f'stroke-width="{sw}" fill="none">')
        t = row.offset
        prev = y_lo
        if row.kind == "unit" and cell < 2:
            out.append(f'<path class="sk-bar" data-row="t" data-d="{period}" '
                       f'd="M{fx(0)} {y_lo:.1f}H{fx(period)}"/>')
            t = period
        else:
            for k, d in enumerate(row.durations):
                level = y_hi if k % 2 == 0 else y_lo
                if row.kind == "product":
                    level = y_hi
                dash = ' stroke-dasharray="3 2"' if d < 0 else ""
                out.append(f'<path class="sk-bar" data-row="{escape(row.label)}" data-d="{d}" '
                           f'd="M{fx(t)} {prev:.1f}V{level:.1f}H{fx(t + abs(d))}"{dash}/>')
                prev = level
                t += abs(d)
        out.append(f'<path class="sk-close" d="M{fx(t)} {prev:.1f}V{y_lo:.1f}"/>')
        out.append("</g>")
        if notes[i]:
            full = f"<title>{escape(row.note)}</title>" if notes[i] != row.note else ""
            out.append(f'<text class="sk-note" x="{x0 + cell * period + gap:.1f}" '
                       f'y="{y_lo - 2:.1f}" fill="{color}">{full}{escape(notes[i])}</text>')
    y_r = ys[r_index]
    for t in accents:
        out.append(f'<circle class="sk-accent" cx="{fx(t)}" cy="{y_r:.1f}" r="3.5" '
                   f'fill="{_ACCENT}"><title>accent at {t}</title></circle>')
    if accents:
        y_leg = graph_bottom + 9
        out.append(f'<g class="sk-accent-legend"><circle cx="{pad + 4:.1f}" '
                   f'cy="{y_leg - 4:.1f}" r="3.5" fill="{_ACCENT}"/><text x="{pad + 14:.1f}" '
                   f'y="{y_leg:.1f}" fill="#444444">{escape(ACCENT_LEGEND)}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def _svg_label(row: GraphRow, gens: tuple[int, ...]) -> str:
    if row.kind == "generator" and row.label in _LETTERS and gens:
        return f"{row.label} = {gens[_LETTERS.index(row.label)]}"
    if row.kind == "product":
        return f"{row.label} = {row.durations[0]}"
    return row.label
