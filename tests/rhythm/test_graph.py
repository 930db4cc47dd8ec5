"""The Schillinger graph (schillinger_kernel.rhythm.graph): rows, accents, SVG and text forms."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from schillinger_kernel.rhythm.graph import (
    MAX_PERIOD,
    coincidences,
    graph_rows,
    rhythm_svg,
    rhythm_text,
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
