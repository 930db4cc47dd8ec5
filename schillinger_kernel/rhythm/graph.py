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

__all__ = ["MAX_PERIOD", "GraphRow", "coincidences", "graph_rows", "rhythm_svg", "rhythm_text"]

#: Longest period (in units) the graph draws; longer rhythms are refused with a ValueError.
MAX_PERIOD = 20_000

_LETTERS = "abcdefgh"
_COLORS = {
    "unit": "#8a8a8a", "generator": "#1f5fa8", "resultant": "#111111", "product": "#6b4fa0",
}
_ACCENT = "#d0342c"


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
    return GraphRow(label, "generator", tuple(durs), offset, f"{g}×{len(durs)}")


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


def rhythm_svg(rhythm: Sequence[int], generators: Sequence[int] | None = None, *,
               title: str | None = None, max_width: int = 760) -> str:
    """The graph as a standalone SVG document (what ``Rhythm._repr_svg_`` shows).

    Each plateau is one ``<path class="sk-bar" data-row=LABEL data-d=DURATION>``, the dotted
    drops are ``sk-drop`` lines and the accents ``sk-accent`` circles; the root element carries
    ``data-x0``, ``data-cell`` and ``data-period`` so a view can place a playhead on it.

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
    label_w, note_w, pad = 46, 0, 10
    notes = [row.note if len(row.note) <= 28 else "" for row in rows]
    note_w = max((len(n) for n in notes), default=0) * 6 + (16 if any(notes) else 0)
    cell = max(0.25, min(28.0, (max_width - label_w - note_w - 2 * pad) / period))
    x0 = pad + label_w
    amp, pitch, top = 14.0, 34.0, 14.0
    width = x0 + cell * period + note_w + pad
    height = top + pitch * len(rows) + 4
    name = title or ("r" + "÷".join(str(g) for g in gens) if gens else "rhythm")
    ys = {i: top + pitch * i for i in range(len(rows))}
    r_index = next(i for i, row in enumerate(rows) if row.kind == "resultant")

    def fx(t: float) -> str:
        return f"{x0 + cell * t:.2f}".rstrip("0").rstrip(".")

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sk-graph" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.2f} {height:.2f}" '
        f'data-x0="{x0}" data-cell="{cell:.4f}" data-period="{period}" '
        f'font-family="sans-serif" font-size="11">',
        f"<title>Schillinger graph of {escape(name)}</title>",
        f'<rect width="{width:.2f}" height="{height:.2f}" rx="4" fill="#ffffff"/>',
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
        out.append(f'<text x="{pad}" y="{y_lo - 2:.1f}" fill="{color}" '
                   f'font-weight="{"bold" if row.kind == "resultant" else "normal"}">'
                   f"{escape(_svg_label(row, gens))}</text>")
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
            out.append(f'<text x="{x0 + cell * period + 10:.1f}" y="{y_lo - 2:.1f}" '
                       f'fill="{color}">{escape(notes[i])}</text>')
    accents = coincidences(rows)
    y_r = ys[r_index]
    for t in accents:
        out.append(f'<circle class="sk-accent" cx="{fx(t)}" cy="{y_r:.1f}" r="3.5" '
                   f'fill="{_ACCENT}"><title>accent at {t}</title></circle>')
    out.append("</svg>")
    return "\n".join(out)


def _svg_label(row: GraphRow, gens: tuple[int, ...]) -> str:
    if row.kind == "generator" and row.label in _LETTERS and gens:
        return f"{row.label} = {gens[_LETTERS.index(row.label)]}"
    if row.kind == "product":
        return f"{row.label} = {row.durations[0]}"
    return row.label
