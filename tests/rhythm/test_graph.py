"""The Schillinger graph (schillinger_kernel.rhythm.graph): rows, accents, SVG and text forms."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel.rhythm.graph import (
    ACCENT_LEGEND,
    MAX_PERIOD,
    coincidences,
    graph_rows,
    rhythm_svg,
    rhythm_text,
    text_box,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str, row: str) -> list[int]:
    root = ET.fromstring(svg)
    return [int(p.get("data-d", "0")) for p in root.iter(f"{SVG}path")
            if p.get("class") == "sk-bar" and p.get("data-row") == row]


def test_interference_rows_top_to_bottom() -> None:
    rows = graph_rows((2, 1, 1, 2), (3, 2))
    assert [r.label for r in rows] == ["t", "a", "b", "r", "ab"]
    assert [r.kind for r in rows] == ["unit", "generator", "generator", "resultant", "product"]
    assert rows[0].durations == (1,) * 6
    assert rows[1].durations == (3, 3) and rows[2].durations == (2, 2, 2)
    assert rows[-1].durations == (6,)


def test_three_generators_and_their_accents() -> None:
    # r(4÷3÷2) over the product 24: attacks of 4, 3 and 2.
    attacks = sorted({t for g in (4, 3, 2) for t in range(0, 24, g)})
    durs = tuple(b - a for a, b in zip(attacks, [*attacks[1:], 24], strict=True))
    rows = graph_rows(durs, (4, 3, 2))
    assert [r.label for r in rows] == ["t", "a", "b", "c", "r", "abc"]
    # coincidences: where 2 or more generators attack together
    expected = tuple(t for t in range(24)
                     if sum(t % g == 0 for g in (4, 3, 2)) >= 2)
    assert coincidences(rows) == expected


def test_fractioning_layout_restarts_minor_generator() -> None:
    rows = graph_rows((3, 1, 2, 1, 1, 1, 1, 2, 1, 3), (4, 3))
    assert [r.label for r in rows] == ["t", "a", "b1", "b2", "r", "a²"]
    assert [(r.offset, r.durations) for r in rows[2:4]] == [(0, (3,) * 4), (4, (3,) * 4)]


def test_rhythm_generators_attribute_is_used() -> None:
    class R(tuple):  # a stand-in value type carrying .generators like Rhythm does
        generators = (5, 2)

    svg = rhythm_svg(R((2, 2, 1, 1, 2, 2)))
    assert _bars(svg, "a") == [5, 5] and _bars(svg, "b") == [2] * 5
    assert "r5÷2" in svg


def test_svg_is_well_formed_with_one_bar_per_duration() -> None:
    svg = rhythm_svg((2, 1, 1, 2), (3, 2))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert _bars(svg, "r") == [2, 1, 1, 2]
    assert _bars(svg, "t") == [1] * 6
    assert int(root.get("data-period", "0")) == 6
    drops = [e for e in root.iter(f"{SVG}line") if e.get("class") == "sk-drop"]
    assert {float(e.get("x1", "0")) for e in drops}  # verticals drop from generator attacks
    assert len(drops) == 5  # attacks 0, 2, 3, 4 and the closing 6


def test_without_generators_draws_unit_resultant_and_period() -> None:
    rows = graph_rows((3, 1, 2))
    assert [r.kind for r in rows] == ["unit", "resultant", "product"]
    assert coincidences(rows) == ()
    assert "sk-accent" not in rhythm_svg((3, 1, 2))


def test_rests_drawn_dotted() -> None:
    assert "|...|" in rhythm_text((2, -2, 2), ascii=True)
    assert 'data-d="-2"' in rhythm_svg((2, -2, 2))


def test_text_graph_marks_accents() -> None:
    lines = rhythm_text((2, 2, 1, 1, 2, 2), (5, 2), ascii=True).splitlines()
    assert lines[3].startswith("r") and lines[4].strip() == "*" + " " * 19 + "*"


@pytest.mark.parametrize("bad, exc", [
    ((), ValueError), ((2, 0, 1), ValueError), ((2, 1.5), ValueError), ("21", TypeError),
    ((MAX_PERIOD + 1,), ValueError), ((True, 1), ValueError),
])
def test_bad_rhythm_refused(bad: object, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="rhythm"):
        rhythm_svg(bad)  # type: ignore[arg-type]


def test_bad_generators_refused() -> None:
    with pytest.raises(ValueError, match="generators"):
        graph_rows((2, 1, 1, 2), (3, 0))
    with pytest.raises(TypeError, match="generators"):
        graph_rows((2, 1, 1, 2), "32")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_width"):
        rhythm_svg((2, 1, 1, 2), max_width=10)


# ----- labels measured, not guessed --------------------------------------------------------

def _text_of(e: ET.Element) -> str:
    return "".join(e.itertext()) if e.find(f"{SVG}title") is None else (e.find(f"{SVG}title")
                                                                       .tail or "")


def _check_layout(svg: str) -> None:
    """Every text lies inside the viewBox; labels end left of the graph, notes start right of
    it, the legend lies under it; no two texts overlap."""
    root = ET.fromstring(svg)
    _, _, vw, vh = (float(v) for v in root.get("viewBox", "").split())
    x0, cell = float(root.get("data-x0", "0")), float(root.get("data-cell", "0"))
    x_end = x0 + cell * int(root.get("data-period", "0"))
    rows_bottom = max(float(e.get("y2", "0")) for e in root.iter(f"{SVG}line")) \
        if root.find(f"{SVG}line") is not None else 0.0
    boxes = []
    for e in root.iter(f"{SVG}text"):
        text = _text_of(e)
        assert text, svg
        box = text_box(text, float(e.get("x", "0")), float(e.get("y", "0")),
                       bold=e.get("font-weight") == "bold")
        left, top, right, bottom = box
        assert left >= 0 and right <= vw and top >= 0 and bottom <= vh, (text, box, vw, vh)
        kind = e.get("class")
        if kind == "sk-label":
            assert right <= x0 - 4, (text, right, x0)
        elif kind == "sk-note":
            assert left >= x_end + 4, (text, left, x_end)
        else:  # the legend
            assert top >= rows_bottom, (text, top, rows_bottom)
        boxes.append((text, box))
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (ta, tb)
    for c in root.iter(f"{SVG}circle"):
        cx, cy, r = (float(c.get(k, "0")) for k in ("cx", "cy", "r"))
        assert r <= cx <= vw - r and r <= cy <= vh - r


BOOK = [(3, 2), (4, 3), (5, 2), (5, 3), (5, 4), (7, 3), (7, 4), (8, 3), (9, 8), (16, 15),
        (3, 2, 1), (4, 3, 2), (5, 3, 2), (5, 4, 3), (7, 5, 3), (16, 15, 13)]


@pytest.mark.parametrize("gens", BOOK, ids=lambda g: "÷".join(map(str, g)))
def test_book_figures_labels_fit(gens: tuple[int, ...]) -> None:
    from schillinger_kernel.rhythm import fractioning, interference

    _check_layout(rhythm_svg(interference(*gens)))
    if len(gens) == 2 and gens[0] > gens[1]:
        _check_layout(rhythm_svg(fractioning(*gens)))


def test_text_width_is_measured_not_six_px_per_character() -> None:
    assert text_width("abc = 30") > 8 * 6  # DejaVu Sans: 50 px at 11 px
    assert text_width("r", bold=True) > text_width("r")
    assert text_width("iiii") < text_width("mmmm")


def test_generator_notes_read_count_times_unit_like_the_t_row() -> None:
    rows = graph_rows((2, 1, 1, 2), (3, 2))
    assert [r.note for r in rows[:3]] == ["6×1", "2×3", "3×2"]
    frac = graph_rows((3, 1, 2, 1, 1, 1, 1, 2, 1, 3), (4, 3))
    assert [r.note for r in frac if r.label.startswith("b")] == ["4×3", "4×3"]


def test_coincidence_dot_has_a_legend() -> None:
    svg = rhythm_svg((2, 1, 1, 2), (3, 2))
    root = ET.fromstring(svg)
    legend = [g for g in root.iter(f"{SVG}g") if g.get("class") == "sk-accent-legend"]
    assert len(legend) == 1 and ACCENT_LEGEND in "".join(legend[0].itertext())
    assert "sk-accent-legend" not in rhythm_svg((3, 1, 2))  # no dot, no legend


def test_long_resultant_note_is_abbreviated_with_its_count() -> None:
    from schillinger_kernel.rhythm import interference

    r = interference(16, 15)
    svg = rhythm_svg(r)
    assert f"+… ({len(r.durations)})" in svg
    _check_layout(svg)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 16), min_size=1, max_size=3),
       st.integers(200, 1200))
def test_any_generators_labels_fit(gens: list[int], max_width: int) -> None:
    from schillinger_kernel.rhythm import interference

    try:
        r = interference(*gens)
    except ValueError:
        return  # refused generators (e.g. equal ones) have no graph
    _check_layout(rhythm_svg(r, max_width=max_width))
    _check_layout(rhythm_svg(r.durations, max_width=max_width))  # no generators
