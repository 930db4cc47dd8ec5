"""ScoreView, kernel side: traits and their checks, the engraving and note map it sends, the
page and play-from-a-note controls, what goes on the wire, and the static export.

The browser end (notes drawn, lit while playing, pages turned, a click playing from a note) is
tests/browser/test_scoreview_browser.py.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import comm
import nbformat
import numpy as np
import pytest
from comm.base_comm import BaseComm
from nbconvert import HTMLExporter

import schillinger_kernel as sk
from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.widgets import ScoreView
from schillinger_kernel.widgets._base import ScoreWidget

WIDGETS_TS = Path(__file__).resolve().parents[2] / "widgets"
NOTE_G = re.compile(r'<g id="([^"]+)" class="note"')


def _line(n: int = 16, tempo: float = 120.0) -> Score:
    return Score.from_durations((2, 1, 1, 2) * (n // 4), (60, 62, 64, 65, 67), tempo=tempo,
                                title="Line")


def _many_pages() -> ScoreView:
    return ScoreView(_line(48, tempo=200), width=600, height=200, scale=60)


# ----- traits and their checks ----------------------------------------------------------------
def test_top_level_name_is_the_widget_and_stays_out_of_star_import() -> None:
    assert sk.ScoreView is ScoreView
    assert "ScoreView" not in sk.__all__ and "ScoreView" in dir(sk)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"mode": "book"}, ParameterError, "mode must be one of pages, scroll, got 'book'"),
    ({"width": 100}, ParameterError, r"width must be in 200\.\.4000, got 100"),
    ({"height": 5000}, ParameterError, r"height must be in 200\.\.4000, got 5000"),
    ({"scale": 0}, ParameterError, r"scale must be in 10\.\.200, got 0"),
    ({"scale": 40.5}, ParameterTypeError, "scale must be an int, got float"),
])
def test_bad_arguments_say_what_is_allowed(kwargs: dict[str, Any], error: type[Exception],
                                           message: str) -> None:
    with pytest.raises(error, match=message):
        ScoreView(_line(), **kwargs)


def test_music_of_every_kind_and_none() -> None:
    assert ScoreView().page_count == 0 and ScoreView()._notemap["id"] == []
    assert ScoreView(Score()).page_count == 0 and ScoreView(Score()).error == ""
    part = Part.create("Flute", [Note(0, 480, 72), Note(480, 480, 74)], instrument="flute")
    assert len(ScoreView(part)._notemap["id"]) == 2
    prog = sk.harmony.cycle_progression("C major", "C5", length=4)
    view = ScoreView(prog)
    assert view.page_count == 1 and 'class="harm"' in view._pages[0]  # chord symbols
    rhythm = ScoreView(sk.rhythm.interference(3, 2))
    assert rhythm.score is not None and rhythm.score.parts[0].is_drums
    assert len(rhythm._notemap["id"]) == 4
    with pytest.raises(ParameterTypeError, match="music must be a Score, Part, "):
        ScoreView("C E G")


def test_page_is_checked_against_the_pages_there_are() -> None:
    view = _many_pages()
    assert view.page_count == 5
    view.page = 5
    with pytest.raises(ParameterError, match=r"page must be in 1\.\.5, got 6"):
        view.page = 6
    view.score = _line(4)  # fewer pages: the page shown stays inside them
    assert view.page == view.page_count == 1


class _Small(ScoreView):
    max_svg_bytes = 80_000  # room for a one-page line, not for five pages


def test_too_large_an_engraving_is_refused_at_once_and_shown_later() -> None:
    with pytest.raises(ParameterError, match=r"KiB of SVG, more than 78 KiB: engrave part"):
        _Small(_line(48), width=600, height=200, scale=60)
    view = _Small(_line(4), width=600, height=200, scale=60)
    assert view.error == "" and view.page_count == 1
    view.score = _line(48)  # a later change: no exception, the view says why
    assert "more than 78 KiB" in view.error and view.page_count == 0
    assert view._notemap["id"] == []


# ----- the engraving and the note map -----------------------------------------------------------
def test_note_map_names_every_drawn_note_with_its_page_and_seconds() -> None:
    view = _many_pages()
    m = view._notemap
    assert len(m["id"]) == 48 == len(set(m["id"]))
    for k, page in enumerate(view._pages, 1):
        drawn = NOTE_G.findall(page)
        assert sorted(drawn) == sorted(i for i, p in zip(m["id"], m["page"], strict=True)
                                       if p == k)
    # seconds on the score's tempo map, the same as the notes the transport plays
    starts = np.frombuffer(view._notes["start"], "<f8")
    np.testing.assert_allclose(sorted(m["start"]), starts, atol=1e-6)
    assert m["start"] == sorted(m["start"])
    assert all(e > s for s, e in zip(m["start"], m["end"], strict=True))


def test_seconds_follow_tempo_changes() -> None:
    notes = [Note(i * 480, 480, 60 + i) for i in range(8)]
    score = Score(parts=(Part.create("P", notes),),
                  tempos=(TempoChange(0, 120.0), TempoChange(1920, 60.0)))
    m = ScoreView(score)._notemap
    assert m["start"] == [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0]
    assert m["end"][-1] == 6.0


def test_notes_tied_over_a_bar_line_are_two_drawings_sounding_in_turn() -> None:
    score = Score(parts=(Part.create("P", [Note(1440, 960, 67)]),))  # beat 4 over the bar
    m = ScoreView(score)._notemap
    assert len(m["id"]) == 2
    assert list(zip(m["start"], m["end"], strict=True)) == [(1.5, 2.0), (2.0, 2.5)]


def test_mode_scale_and_size_engrave_again() -> None:
    view = ScoreView(_line(48), mode="scroll")
    before = view._pages
    view.set_state({"scale": 80})  # the view's zoom button
    assert view.scale == 80 and view._pages != before and view.page_count > len(before)
    view.set_state({"mode": "pages", "follow": False})
    assert view.mode == "pages" and view.follow is False
    view.width = 1200
    assert 'width="1200px"' in view._pages[0]


# ----- controls ---------------------------------------------------------------------------------
def test_play_from_a_note_sets_position_page_and_playing() -> None:
    view = _many_pages()
    m = view._notemap
    k = m["page"].index(4) + 2
    view.play_from_note(m["id"][k])
    assert view.playing and view.page == 4 and view.position == m["start"][k]
    with pytest.raises(ParameterError, match="note_id must be the id of a drawn note"):
        view.play_from_note("nope")
    assert sk.widgets.stop_all() >= 1 and not view.playing


# ----- the TypeScript model mirrors the traits ----------------------------------------------------
def test_typescript_model_mirrors_the_traits() -> None:
    text = (WIDGETS_TS / "scoreview.ts").read_text(encoding="utf-8")
    head = re.search(r"^export interface ScoreViewModel extends (\w+) \{\n", text, re.M)
    assert head and head.group(1) == "ScoreModel"
    body = re.sub(r"/\*.*?\*/", "", text[head.end():text.index("\n}", head.end())], flags=re.S)
    fields = dict(re.findall(r"^\s*(\w+)\??: (.+);$", body, re.M))
    own = {k: v for k, v in ScoreView.class_traits(sync=True).items()
           if k not in ScoreWidget.class_traits(sync=True)}
    assert sorted(fields) == sorted(own)
    assert fields["page"] == fields["scale"] == "number" and fields["follow"] == "boolean"
    assert fields["mode"] == '"pages" | "scroll"' and fields["_pages"] == "string[]"
    assert "Render<ScoreViewModel>" in text and "Initialize<ScoreViewModel>" in text


# ----- the wire and the static export ------------------------------------------------------------
class _Recording(BaseComm):
    def __init__(self, **kwargs: Any) -> None:
        self.sent: list[dict[str, Any]] = []
        super().__init__(**kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        self.sent.append({"type": msg_type, "data": data, "buffers": list(buffers or [])})


def test_one_opening_message_carries_pages_and_note_map(monkeypatch: pytest.MonkeyPatch) -> None:
    comms: list[_Recording] = []

    def create(**kwargs: Any) -> _Recording:
        comms.append(_Recording(**kwargs))
        return comms[-1]

    monkeypatch.setattr(comm, "create_comm", create)
    view = _many_pages()
    opened = [m for m in comms[-1].sent if m["type"] == "comm_open"]
    assert len(opened) == 1
    state = opened[0]["data"]["state"]
    assert len(state["_pages"]) == 5 and state["_notemap"]["id"] == view._notemap["id"]
    assert state["mode"] == "pages" and state["page"] == 1
    assert len(str(state)) < 10 * 2**20


def test_static_html_export_keeps_the_engraved_svg() -> None:
    view = _many_pages()
    data = view._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    root = ET.fromstring(data["image/svg+xml"])  # one well-formed SVG of the stacked pages
    assert root.tag.endswith("svg")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("view")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb.cells = [cell]
    html, _ = HTMLExporter().from_notebook_node(nb)
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert found, "the engraved SVG is not in the exported HTML"
    svg = base64.b64decode(found.group(1)).decode()
    assert len(NOTE_G.findall(svg)) == 48 and svg.count('class="definition-scale"') == 5
