"""Work that survives: the explorers' snapshots (``presets``) and their "copy as code".

The code a user gets must be the exact call: run in a fresh namespace, it rebuilds the same
rhythm (or progression) and the same score the widget plays.
"""

from __future__ import annotations

import pytest
import traitlets as t

from schillinger_kernel.errors import ParameterError
from schillinger_kernel.widgets import HarmonyExplorer, RhythmExplorer
from schillinger_kernel.widgets._presets import MAX_PRESETS


def _run(code: str) -> dict[str, object]:
    space: dict[str, object] = {}
    exec(code, space)  # the point of the test: the code the user will run
    return space


@pytest.mark.parametrize(("technique", "gens"), [
    ("interference", (3, 2)), ("interference", (7, 4, 3)), ("fractioning", (5, 3)),
    ("power", (2, 1)), ("permutations", (3, 2)),
])
def test_rhythm_code_rebuilds_the_rhythm_and_its_score(technique: str,
                                                       gens: tuple[int, ...]) -> None:
    ex = RhythmExplorer(*gens, technique=technique, tempo=96.0)
    ex.instrument = "flute"
    space = _run(ex.code)
    scores = [v for k, v in space.items() if k.endswith("_score")]
    rhythms = [v for k, v in space.items() if k + "_score" in space]
    assert rhythms == [ex.rhythm]
    assert len(scores) == 1 and scores[0] == ex.score
    assert "rhythm =" not in ex.code and "harmony =" not in ex.code  # no module shadowed


def test_code_of_a_rhythm_set_from_python() -> None:
    import schillinger_kernel as sk

    ex = RhythmExplorer()
    ex.rhythm = sk.rhythm.Rhythm((3, 1, 2))
    space = _run(ex.code)
    assert space["explored"] == ex.rhythm and space["explored_score"] == ex.score


@pytest.mark.parametrize("cycle", ["C3", "C5", "C7", "-C3", "-C5", "-C7"])
def test_harmony_code_rebuilds_the_progression(cycle: str) -> None:
    hx = HarmonyExplorer(key="D minor", cycle=cycle, structure="S5", length=5, tempo=100.0)
    space = _run(hx.code)
    progs = [v for k, v in space.items() if k + "_score" in space]
    assert [p.symbols for p in progs] == [hx.progression.symbols]  # type: ignore[attr-defined]
    assert space[next(k for k in space if k.endswith("_score"))] == hx.score


def test_snapshots_keep_and_recall_settings() -> None:
    ex = RhythmExplorer(a=3, b=2)
    ex.snapshot("  three-two ")
    ex.a, ex.c, ex.technique = 7, 4, "fractioning"
    ex.snapshot("wide")
    ex.recall("three-two")
    assert (ex.a, ex.b, ex.c, ex.technique) == (3, 2, None, "interference")
    assert ex.rhythm == RhythmExplorer(a=3, b=2).rhythm
    ex.recall("wide")
    assert (ex.a, ex.c, ex.technique) == (7, 4, "fractioning")
    assert sorted(ex.presets) == ["three-two", "wide"]
    assert ex.get_state()["presets"]["wide"]["a"] == 7  # synced: saved with the widget state

    hx = HarmonyExplorer(cycle="C3", length=4)
    hx.snapshot("thirds")
    hx.cycle, hx.length = "-C7", 9
    hx.recall("thirds")
    assert (hx.cycle, hx.length) == ("C3", 4)


def test_snapshots_refuse_what_they_cannot_keep() -> None:
    ex = RhythmExplorer()
    with pytest.raises(ParameterError, match="non-empty name"):
        ex.snapshot("  ")
    with pytest.raises(ParameterError, match="snapshot must be one of"):
        ex.recall("never kept")
    with pytest.raises(t.TraitError, match="allowed: a, b, c, technique"):
        ex.presets = {"x": {"volume": 3}}
    with pytest.raises(t.TraitError, match=f"at most {MAX_PRESETS}"):
        ex.presets = {f"p{i}": {"a": 3} for i in range(MAX_PRESETS + 1)}
    # a snapshot from the view with a value the trait refuses is refused on recall
    ex.presets = {"bad": {"a": 999}}
    with pytest.raises(t.TraitError, match=r"1\.\.64"):
        ex.recall("bad")


def test_lookahead_goes_to_views_not_into_the_saved_state() -> None:
    ex = RhythmExplorer(a=3, b=2)
    assert "_lookahead" not in ex.get_state()  # a quarter megabyte the notebook need not keep
    sent: list[dict[str, object]] = []
    ex.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    ex._handle_custom_msg({"kind": "lookahead_request"}, [])
    assert sent[-1]["kind"] == "lookahead" and sent[-1]["tables"] == ex._lookahead
    ex.a = 5  # new tables follow each change to every view
    assert sent[-1]["kind"] == "lookahead" and "b" in sent[-1]["tables"]  # type: ignore[operator]


def test_harmony_explorer_plays_the_chosen_instrument() -> None:
    hx = HarmonyExplorer(cycle="C3", length=4)
    assert "vibraphone" in hx.instruments and hx.get_state()["instrument"] == "piano"
    hx.instrument = "vibraphone"
    assert hx.score is not None
    assert {p.program for p in hx.score.parts} == {11}  # General MIDI's vibraphone
    assert "instrument='vibraphone'" in hx.code
    assert _run(hx.code)[next(k for k in _run(hx.code) if k.endswith("_score"))] == hx.score
    with pytest.raises(t.TraitError, match="General MIDI"):
        hx.instrument = "theremin of doom"
