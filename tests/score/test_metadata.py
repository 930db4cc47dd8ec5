"""Score.metadata (the form plan, chords, feel, themes) in the JSON schema, through the
score's JSON and the server's compose answers."""

from __future__ import annotations

import json

import jsonschema
import pytest

from schillinger_kernel.compose import accompany, generate_composition
from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.score import Note, Part, Score, score_schema
from schillinger_kernel.server.actions import Context, perform, validate


def _plain(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("style", ["classical", "jazz", "blues", "shuffle"])
def test_composed_metadata_round_trips_through_json(style) -> None:
    s = generate_composition("Meta", 100, "E minor", 24, style, 0.5, seed=5)
    data = json.loads(s.to_json())
    jsonschema.validate(data, score_schema())
    meta = data["metadata"]
    assert [x["label"] for x in meta["form"]] == [x["label"] for x in s.metadata["form"]]
    assert {x["cadence"] for x in meta["form"]} <= {"half", "authentic", "plagal", "modal",
                                                    "symmetric"}
    assert len(meta["chords"]) == 24 and all(set(c) == {"tick", "symbol", "pitch_classes"}
                                             for c in meta["chords"])
    back = Score.from_json(s.to_json())
    assert back == s and back.metadata == _plain(s.metadata)
    assert Score.from_json(back.to_json()).metadata == back.metadata


def test_a_score_without_metadata_writes_none() -> None:
    s = Score(parts=(Part.create("P", [Note(0, 480, 60)]),))
    assert "metadata" not in s.to_dict()
    assert Score.from_json(s.to_json()).metadata == {}


def test_schema_refuses_malformed_metadata() -> None:
    base = Score(parts=(Part.create("P", [Note(0, 480, 60)]),)).to_dict()
    for bad, where in [({"form": [{"start_tick": 0, "bars": 4}]}, "metadata/form/0"),
                       ({"chords": [{"tick": -1, "symbol": "C"}]}, "metadata/chords/0/tick"),
                       ({"feel": "lazy"}, "metadata/feel"),
                       ([1, 2], "metadata")]:
        with pytest.raises(ParameterError, match=where):
            Score.from_dict({**base, "metadata": bad})
    ok = Score.from_dict({**base, "metadata": {"source": "a DAW", "form": []}})
    assert ok.metadata == {"source": "a DAW", "form": []}  # other keys carry any JSON


def test_metadata_that_cannot_be_json_is_refused() -> None:
    s = Score(parts=(Part.create("P", [Note(0, 480, 60)]),), metadata={"form": [{1, 2}]})
    with pytest.raises(ParameterTypeError, match=r"score.metadata.form\[0\] must hold JSON"):
        s.to_json()
    with pytest.raises(ParameterTypeError, match="keys must be str"):
        Score(metadata={3: "x"}).to_dict()


@pytest.mark.parametrize(("mode", "args"), [
    ("generate_composition", {"name": "Served", "key": "D major", "duration": 16,
                              "style": "classical", "seed": 2}),
    ("quick_compose", {"themes": ["r3÷2"], "duration": 12, "style": "blues",
                       "ensemble": "blues band", "seed": 3}),
    ("accompany", {"chords": ["C", "Am", "F", "G"], "key": "C", "seed": 1}),
])
def test_server_compose_answers_carry_the_metadata(tmp_path, mode, args) -> None:
    answer = perform("compose", Context(tmp_path, "/"),
                     validate("compose", {"mode": mode, "args": args}))
    data = _plain(answer["score"])  # as the client receives it
    jsonschema.validate(data, score_schema())
    meta = data["metadata"]
    assert meta["form"] and meta["chords"] and meta["feel"] in ("straight", "swing", "shuffle")
    direct = {"generate_composition": lambda: generate_composition(**args),
              "accompany": lambda: accompany(**args)}.get(mode)
    if direct is not None:
        assert meta == _plain(direct().metadata)
    assert Score.from_dict(data).metadata == meta
