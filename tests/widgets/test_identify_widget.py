"""RhythmIdentifier, the widget door to ``rhythm.identify`` (issue 15), driven as its view does.

The view sets ``pattern`` (typed), ``taps`` (onset seconds from the pad), ``midi`` (a file
inside the root) and ``selected`` (the match heard); the kernel answers with ``given``,
``matches``, ``error`` and the ``score`` that plays. The TypeScript model interface mirrors the
traits (as tests/widgets/test_widget_models.py checks for the other widgets).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import traitlets as t
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel import rhythm as R
from schillinger_kernel.io.midi import write_midi
from schillinger_kernel.widgets import RhythmIdentifier
from schillinger_kernel.widgets._base import ScoreWidget
from schillinger_kernel.widgets.identify import MAX_MATCHES, parse_pattern

TS = Path(__file__).resolve().parents[2] / "widgets" / "identify.ts"


def test_typed_tresillo_is_bar_one_of_r8_3() -> None:
    w = RhythmIdentifier()
    assert w.matches == [] and w.score is None
    w.pattern = "x..x..x."
    assert w.given == [3, 3, 2] and w.source == "pattern" and w.error == ""
    best = w.matches[0]
    assert best["title"] == "bar 1 of r8÷3 grouped by 8"
    assert best["code"] == "sk.rhythm.group(sk.rhythm.interference(8, 3), 8)[0]"
    # the code shown rebuilds the match
    import schillinger_kernel as sk
    assert list(eval(best["code"], {"sk": sk})) == best["rhythm"] == [3, 3, 2]
    # nothing selected: the pattern itself plays
    assert w.score is not None and w.score.parts[0].name == "your rhythm"
    assert [n.start for n in w.score.notes] == [0, 720, 1440]


def test_fractioning_is_named_and_heard() -> None:
    w = RhythmIdentifier("2 1 1 1 1 1 2")
    best = w.matches[0]
    assert (best["technique"], best["generators"], best["title"]) == (
        "fractioning", [3, 2], "fractioning 3÷2")
    assert best["code"] == 'sk.rhythm.technique("fractioning", (3, 2))'
    w.selected = 0
    assert w.score is not None and w.score.parts[0].name == "fractioning 3÷2"
    assert len(w.score.notes) == 7
    w.selected = -1
    assert w.score.parts[0].name == "your rhythm"
    with pytest.raises(t.TraitError, match="selected must be -1"):
        w.selected = len(w.matches)


def test_rotated_and_inexact_matches_say_so() -> None:
    w = RhythmIdentifier("1 2 2 1 3 3")                 # r4÷3 from its 2nd duration
    assert (w.matches[0]["title"], w.matches[0]["where"]) == ("r4÷3", "heard from its 2nd duration")
    w.pattern = "3 1 2 2 2 3"
    assert w.matches == [] and "tolerance" in w.error
    w.tolerance = 1
    assert w.matches[0]["title"] == "r4÷3" and w.matches[0]["distance"] == 1
    assert w.error == ""


def test_bad_pattern_says_what_is_allowed_and_clears_the_list() -> None:
    w = RhythmIdentifier("3 3 2")
    assert w.matches
    w.pattern = "three three two"
    assert "neither durations" in w.error and "x..x..x." in w.error
    assert w.matches == [] and w.selected == -1
    w.pattern = "........"
    assert "no onset" in w.error


def test_taps_are_quantized_and_identified() -> None:
    w = RhythmIdentifier()
    # a tresillo at 120 bpm in eighths, tapped a little loosely, closing on the next downbeat
    w.taps = [0.0, 0.77, 1.49, 2.02]
    assert w.given == [3, 3, 2] and w.source == "taps"
    assert w.pattern == "3 3 2"            # shown in the box, not identified a second time
    assert w.matches[0]["title"] == "bar 1 of r8÷3 grouped by 8"
    w.taps = [0.0]
    assert "tap at least twice" in w.error


def test_a_midi_file_inside_the_root(tmp_path: Path) -> None:
    score = R.interference(4, 3).to_score(pitch=38, repeat=2)
    write_midi(score, tmp_path / "conga.mid")
    (tmp_path / "notes.txt").write_text("not midi")
    w = RhythmIdentifier(root=str(tmp_path))
    w.midi = "conga.mid"
    assert w.source == "midi" and w.error == ""
    assert w.given == [3, 1, 2, 2, 1, 3]
    assert w.matches[0]["title"] == "r4÷3"
    w.midi = "../conga.mid"
    assert w.error.startswith("midi:") and w.matches == []
    w.midi = "notes.txt"
    assert "midi" in w.error and w.matches == []
    w.midi = "missing.mid"
    assert "midi" in w.error


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(R.canonical_pairs()), st.integers(0, 8))
def test_every_book_pair_round_trips_through_the_widget(pair: tuple[int, int], turn: int) -> None:
    # the resultant typed from any of its durations comes back as that interference
    durs = R.interference(*pair).durations
    k = turn % len(durs)
    typed = " ".join(map(str, durs[k:] + durs[:k]))
    w = RhythmIdentifier(typed)
    assert len(w.matches) <= MAX_MATCHES
    top = [m for m in w.matches if m["distance"] == 0 and m["technique"] == "interference"]
    assert [*pair] in [m["generators"] for m in top]


@pytest.mark.parametrize(("text", "durations"), [
    ("3 3 2", (3, 3, 2)), ("3,3,2", (3, 3, 2)), ("3+3+2", (3, 3, 2)),
    ("10010010", (3, 3, 2)), ("x..x|..x.", (3, 3, 2)), ("X-X-XX", (2, 2, 1, 1)),
    ("..x.", (4,)),
])
def test_parse_pattern(text: str, durations: tuple[int, ...]) -> None:
    assert parse_pattern(text) == durations


def test_ts_model_mirrors_the_traits() -> None:
    text = TS.read_text(encoding="utf-8")
    head = re.search(r"^export interface IdentifyModel extends (\w+) \{\n", text, re.M)
    assert head and head.group(1) == "ScoreModel"
    body = re.sub(r"/\*.*?\*/", "", text[head.end():text.index("\n}", head.end())], flags=re.S)
    fields = dict(re.findall(r"^\s*(\w+)\??: (.+);$", body, re.M))
    own = {k: v for k, v in RhythmIdentifier.class_traits(sync=True).items()
           if k not in ScoreWidget.class_traits(sync=True)}
    assert sorted(fields) == sorted(own)
    kinds = {t.Unicode: "string", t.Int: "number", t.Float: "number"}
    for name, trait in own.items():
        want = kinds.get(type(trait))
        assert want is None or fields[name] == want, name
        if isinstance(trait, t.List):
            assert fields[name].endswith("[]"), name

