"""Widgets, kernel side: traits, validation, observers, what goes on the wire as buffers.

The comm records what ipywidgets publishes (the kernel end of the real message path), so these
tests see the exact state messages and binary buffers a browser would receive. The browser end
is tested in tests/browser/.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import comm
import nbformat
import numpy as np
import pytest
import traitlets
from comm.base_comm import BaseComm
from ipywidgets.widgets.widget import _remove_buffers
from nbconvert import HTMLExporter

from schillinger_kernel import rhythm as rh
from schillinger_kernel.rhythm.graph import rhythm_svg
from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.widgets import HarmonyExplorer, PianoRoll, Player, RhythmExplorer
from schillinger_kernel.widgets._wire import MAX_NOTES, PCM_CHUNK_BYTES, encode_score


class RecordingComm(BaseComm):
    """A comm that keeps every message ipywidgets publishes instead of sending it to a kernel."""

    def __init__(self, **kwargs: Any) -> None:
        self.sent: list[dict[str, Any]] = []
        super().__init__(**kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        self.sent.append({"type": msg_type, "data": data, "buffers": list(buffers or [])})


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> list[RecordingComm]:
    comms: list[RecordingComm] = []

    def create(**kwargs: Any) -> RecordingComm:
        c = RecordingComm(**kwargs)
        comms.append(c)
        return c

    monkeypatch.setattr(comm, "create_comm", create)
    return comms


def _bars(svg: str, row: str) -> int:
    return svg.count(f'class="sk-bar" data-row="{row}"')


# ----- RhythmExplorer ------------------------------------------------------------------------
def test_rhythm_explorer_computes_from_the_core() -> None:
    ex = RhythmExplorer(a=3, b=2)
    assert ex.rhythm == rh.interference(3, 2)
    assert ex.generators == [3, 2]
    assert _bars(ex._svg, "r") == 4
    assert ex._svg == rhythm_svg(rh.interference(3, 2))
    notes = ex.score.parts[0].notes
    assert [(n.start, n.duration) for n in notes] == [(0, 480), (480, 240), (720, 240), (960, 480)]
    assert notes[0].velocity > notes[1].velocity  # the coincidence at 0 is accented
    assert ex.loop is True and ex.technique == "interference"
    assert ex.techniques[:4] == ["interference", "fractioning", "power", "permutations"]
    assert set(ex.techniques) == set(rh.TECHNIQUES)


@pytest.mark.parametrize("name, value", [("a", 0), ("a", 200), ("b", 0), ("b", 200),
                                         ("c", 0), ("c", 200), ("a", 2.5), ("a", True)])
def test_generators_out_of_range_are_refused(name: str, value: object) -> None:
    ex = RhythmExplorer(a=3, b=2)
    pattern = rf"(generator {name} must be an int in 1\.\.64|'{name}' trait)"
    with pytest.raises(traitlets.TraitError, match=pattern):
        setattr(ex, name, value)
    assert ex.rhythm == rh.interference(3, 2)  # unchanged


def test_constructor_refuses_bad_generator() -> None:
    with pytest.raises(traitlets.TraitError, match=r"generator a must be an int in 1\.\.64, got 0"):
        RhythmExplorer(a=0, b=2)
    with pytest.raises(traitlets.TraitError, match="technique must be one of"):
        RhythmExplorer(technique="nonsense")


def test_observers_see_rhythm_and_score_changes() -> None:
    ex = RhythmExplorer(a=3, b=2)
    seen: list[tuple[str, Any]] = []
    ex.observe(lambda ch: seen.append(("rhythm", ch["new"])), "rhythm")
    ex.observe(lambda ch: seen.append(("score", ch["new"])), "score")
    ex.a = 5
    assert ex.rhythm == rh.interference(5, 2)
    assert ("rhythm", rh.interference(5, 2)) in seen
    assert any(k == "score" and v.end == 10 * 240 for k, v in seen)


def test_technique_and_third_generator() -> None:
    ex = RhythmExplorer(a=3, b=2, technique="fractioning")
    assert ex.rhythm == rh.fractioning(3, 2)
    assert _bars(ex._svg, "b2") == 3  # the fractioning layout: b restarts at each a
    ex.technique = "interference"
    ex.c = 5
    assert ex.rhythm == rh.interference(3, 2, 5)
    ex.technique = "fractioning"  # needs exactly two generators: refused with a message
    assert "two generators" in ex.error
    assert ex.rhythm == rh.interference(3, 2, 5)
    ex.c = None
    assert ex.error == "" and ex.rhythm == rh.fractioning(3, 2)


def test_setting_rhythm_from_python_redraws() -> None:
    ex = RhythmExplorer(a=3, b=2)
    ex.rhythm = rh.interference(4, 3)
    assert _bars(ex._svg, "r") == 6 and ex.generators == [4, 3]
    assert ex.score.end == 12 * 240
    ex.rhythm = rh.Rhythm((3, 1, 2))  # no generators: unit, r and period only
    assert ex.generators == [] and _bars(ex._svg, "r") == 3


def test_lookahead_holds_the_core_graph_for_each_slider_value() -> None:
    ex = RhythmExplorer(a=3, b=2)
    assert set(ex._lookahead) == {"a", "b"}
    assert ex._lookahead["a"]["5"] == rhythm_svg(rh.interference(5, 2))
    assert ex._lookahead["b"]["7"] == rhythm_svg(rh.interference(3, 7))
    before_a = ex._lookahead["a"]
    ex.a = 4  # the table of the slider being moved stays; the others follow the new value
    assert ex._lookahead["a"] is before_a or ex._lookahead["a"] == before_a
    assert ex._lookahead["b"]["2"] == rhythm_svg(rh.interference(4, 2))


def test_tempo_rebuilds_the_score() -> None:
    ex = RhythmExplorer(a=3, b=2, tempo=90)
    assert ex.score.tempo == 90.0
    ex.tempo = 150
    assert ex.score.tempo == 150.0 and ex._meta["tempo"] == 150.0
    with pytest.raises(traitlets.TraitError):
        ex.tempo = 0


def test_state_goes_out_with_score_as_binary_buffers(wire: list[RecordingComm]) -> None:
    ex = RhythmExplorer(a=3, b=2, tempo=120)
    opened = wire[-1].sent[0]
    assert opened["type"] == "comm_open"
    paths = opened["data"]["buffer_paths"]
    assert ["_notes", "start"] in paths and ["_notes", "pitch"] in paths
    state = opened["data"]["state"]
    assert state["rhythm"] == [2, 1, 1, 2] and state["a"] == 3
    assert "start" not in state["_notes"]  # the bytes left the JSON
    start = bytes(opened["buffers"][paths.index(["_notes", "start"])])
    assert np.frombuffer(start, "<f8").tolist() == [0.0, 0.5, 0.75, 1.0]
    assert all(len(bytes(b)) < 10 * 2**20 for b in opened["buffers"])
    # a slider move from the browser: the kernel answers with the new rhythm and score
    ex.set_state({"a": 5})
    assert ex.rhythm == rh.interference(5, 2)
    updates = [m for m in wire[-1].sent if m["type"] == "comm_msg"
               and m["data"].get("method") == "update"]
    assert any(m["data"]["state"].get("rhythm") == [2, 2, 1, 1, 2, 2] for m in updates)
    assert any(["_notes", "start"] in m["data"].get("buffer_paths", []) for m in updates)


# ----- Player, PianoRoll ---------------------------------------------------------------------
def _two_parts() -> Score:
    mel = Part.create("Melody", [Note(i * 480, 480, 60 + i) for i in range(8)])
    kit = Part.create("Kit", [Note(i * 240, 120, 36 if i % 2 == 0 else 42) for i in range(16)],
                      instrument="drums")
    return Score(parts=(mel, kit), tempos=(TempoChange(0, 120.0), TempoChange(1920, 60.0)))


def test_score_play_returns_a_player() -> None:
    s = _two_parts()
    p = s.play()
    assert isinstance(p, Player) and p.score is s
    assert p.tempo == 120.0 and p._meta["count"] == 24
    assert [q["drums"] for q in p._meta["parts"]] == [False, True]
    assert p._meta["parts"][1]["preset"] == "drum"
    # seconds follow the tempo map: 4 beats at 120, then 4 at 60
    assert p._meta["duration"] == pytest.approx(2.0 + 4.0)
    assert p._meta["bars"][:3] == [0.0, 2.0, 6.0]
    assert p._meta["low"] == 60 and p._meta["high"] == 67  # drums do not stretch the range
    p2 = Player(s, tempo=90, loop=True)
    assert p2.tempo == 90.0 and p2.loop


def test_player_validation() -> None:
    p = Player(_two_parts())
    with pytest.raises(traitlets.TraitError, match="expected a Score or None"):
        p.score = "not a score"  # type: ignore[assignment]
    with pytest.raises(traitlets.TraitError):
        p.tempo = 1000
    with pytest.raises(traitlets.TraitError):
        PianoRoll(_two_parts(), zoom=1)


def test_too_many_notes_refused() -> None:
    notes = [Note(i, 1, 60) for i in range(MAX_NOTES + 1)]
    with pytest.raises(ValueError, match="at most 250000"):
        encode_score(Score(parts=(Part("Big", tuple(notes)),)))


def test_pcm_goes_in_chunks_pulled_by_the_view(wire: list[RecordingComm]) -> None:
    p = Player(_two_parts())
    rate = 48_000
    t = np.arange(rate * 3) / rate
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 660 * t)], axis=1) * 0.5
    p.set_audio(stereo, rate)
    meta = p._pcm
    assert meta["rate"] == rate and meta["channels"] == 2 and meta["frames"] == rate * 3
    assert meta["chunks"] == -(-stereo.astype("<f4").nbytes // PCM_CHUNK_BYTES)
    c = wire[-1]
    c.sent.clear()
    for i in range(meta["chunks"]):
        c.handle_msg({"content": {"data": {"method": "custom", "content": {
            "kind": "pcm_request", "id": meta["id"], "index": i}}}, "buffers": []})
    chunks = [m for m in c.sent if m["data"].get("method") == "custom"]
    assert [m["data"]["content"]["index"] for m in chunks] == list(range(meta["chunks"]))
    assert all(len(m["buffers"]) == 1 and len(bytes(m["buffers"][0])) <= PCM_CHUNK_BYTES
               for m in chunks)
    data = b"".join(bytes(m["buffers"][0]) for m in chunks)
    assert np.array_equal(np.frombuffer(data, "<f4").reshape(-1, 2), stereo.astype("<f4"))
    # PCM never sits in the synced state (so it is not saved into notebooks)
    _state, paths, buffers = _remove_buffers(p.get_state())
    assert all(path[0] == "_notes" for path in paths)
    assert sum(len(bytes(b)) for b in buffers) < 1000
    c.sent.clear()
    c.handle_msg({"content": {"data": {"method": "custom", "content": {
        "kind": "pcm_request", "id": "stale", "index": 0}}}, "buffers": []})
    assert c.sent[0]["data"]["content"]["kind"] == "pcm_error"
    p.score = _two_parts().transpose(2)  # a new score drops audio rendered for the old one
    assert p._pcm == {}


def test_set_audio_validation() -> None:
    p = Player(_two_parts())
    with pytest.raises(ValueError, match="sample_rate"):
        p.set_audio(np.zeros(100), 100)
    with pytest.raises(ValueError, match="finite"):
        p.set_audio(np.array([0.0, np.nan]), 48_000)
    with pytest.raises(TypeError, match="floating"):
        p.set_audio(np.zeros(10, dtype=np.int16), 48_000)


def test_pianoroll_zoom_and_fallback() -> None:
    roll = PianoRoll(_two_parts(), zoom=120)
    assert roll.zoom == 120.0
    data = roll._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["image/svg+xml"].count('class="sk-note"') == 24


# ----- HarmonyExplorer -----------------------------------------------------------------------
def test_harmony_explorer_uses_the_core() -> None:
    from schillinger_kernel import harmony

    h = HarmonyExplorer(key="C major", cycle="C3", structure="S7", length=7)
    expected = harmony.cycle_progression("C major", "C3", "positive", 7, "S7")
    assert h.progression.symbols == expected.symbols
    assert [c["symbol"] for c in h._chords] == list(expected.symbols)
    assert h._circle["labels"] == ["C", "D", "E", "F", "G", "A", "B"]
    assert [c["degree"] for c in h._chords] == [d - 1 for d in harmony.cycle_degrees("C3")]
    assert h.score.parts[0].notes and h._meta["count"] > 0
    h.cycle = "-C5"
    assert h.progression.symbols == harmony.cycle_progression(
        "C major", "C5", "negative", 7, "S7").symbols
    with pytest.raises(traitlets.TraitError, match="cycle must be one of"):
        h.cycle = "C4"
    with pytest.raises(traitlets.TraitError, match=r"length must be an int in 1\.\.64"):
        h.length = 0


# ----- static export -------------------------------------------------------------------------
def test_static_html_export_shows_the_svg_fallback() -> None:
    ex = RhythmExplorer(a=3, b=2)
    data = ex._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("RhythmExplorer(a=3, b=2)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb.cells = [cell]
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert "application/vnd.jupyter.widget-view+json" not in html  # no state: no dead view
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert found, "the SVG fallback is not in the exported HTML"
    svg = base64.b64decode(found.group(1)).decode()
    assert _bars(svg, "r") == 4 and "Schillinger graph of r3÷2" in svg


def test_render_audio_uses_the_kernel_renderer() -> None:
    from schillinger_kernel.synth import render

    score = rh.interference(3, 2).to_score(repeat=2)
    p = score.play()
    p.render_audio(sample_rate=24_000)
    audio = render(score, sample_rate=24_000)
    assert p._pcm["rate"] == 24_000 and p._pcm["frames"] == audio.samples.shape[0]
    joined = np.frombuffer(b"".join(p._pcm_data), "<f4").reshape(audio.samples.shape)
    assert np.allclose(joined, audio.samples, atol=1e-6)
    p.clear_audio()
    assert p._pcm == {} and p._pcm_data == []


def test_graph_is_tagged_with_the_slider_values_it_was_drawn_for() -> None:
    ex = RhythmExplorer(a=3, b=2)
    assert ex._svg_key == "3,2,"
    ex.c = 5
    assert ex._svg_key == "3,2,5"
    ex.rhythm = rh.interference(4, 3)  # set from Python: shown whatever the sliders say
    assert ex._svg_key == "" and "r4÷3" in ex._svg
    ex.rhythm = rh.Rhythm((3, 1, 2, 2, 1, 3))  # equal durations, no generators: still redrawn
    assert ex.generators == [] and "r4÷3" not in ex._svg


def test_stop_all_stops_every_playing_widget() -> None:
    from schillinger_kernel.widgets import stop_all

    a, b, c = RhythmExplorer(), RhythmExplorer(a=5), RhythmExplorer(a=4)
    a.playing = b.playing = True
    assert stop_all() >= 2
    assert not (a.playing or b.playing or c.playing)


def test_explorer_names_its_technique_and_defaults_c_sensibly() -> None:
    ex = RhythmExplorer(a=3, b=2)
    assert ex.title == "r3÷2" and ex.c_default == 5
    ex.technique = "power"
    assert ex.title == "(3+2)²" and "3·3" in ex.explanation
    assert "(3+2)²" in ex._svg
    ex.technique = "fractioning"
    assert ex.title == "fractioning 3÷2" and "a²" in ex.explanation
    ex.technique = "interference"
    ex.a, ex.b = 6, 3
    assert "share the factor 3" in ex.note and ex.c_default == 5
    ex.c = ex.c_default
    assert ex.rhythm is not None and ex.rhythm.period <= 240
    ex.a, ex.b, ex.c = 5, 3, None
    assert ex.note == "" and ex.c_default == 2


def test_explorer_instrument_is_synced_and_checked() -> None:
    import traitlets

    ex = RhythmExplorer()
    assert "flute" in ex.instruments and ex.trait_metadata("instrument", "sync")
    ex.instrument = "flute"
    assert ex.score is not None and ex.score.parts[0].program == 73
    with pytest.raises(traitlets.TraitError, match="instrument"):
        ex.instrument = "kazoo-9000"
