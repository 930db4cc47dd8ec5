"""The instrument menu of Player and PianoRoll: what is heard changes, the score does not."""

from __future__ import annotations

import dataclasses

import pytest
import traitlets as t

from schillinger_kernel.score import Part, Score
from schillinger_kernel.widgets import PianoRoll, Player


def _band() -> Score:
    melody = Score.from_durations((2, 1, 1, 2), (60, 64), instrument="piano")
    kit = Part.create("Kit", melody.parts[0].notes, instrument="drums")
    return dataclasses.replace(melody, parts=(*melody.parts, kit))


@pytest.mark.parametrize("cls", [Player, PianoRoll])
def test_instrument_revoices_pitched_parts_only(cls: type[Player]) -> None:
    w = cls(_band())
    assert w.instrument == "" and w.instruments[0] == ""  # "as written" comes first
    written = [p["program"] for p in w._meta["parts"]]
    w.instrument = "cello"
    parts = w._meta["parts"]
    assert parts[0]["program"] == 42 and parts[0]["timbre"] != "pluck"
    assert parts[1]["drums"] and parts[1]["program"] == written[1]  # the kit stays a kit
    assert w.score is not None and w.score.parts[0].program == 0  # the user's score unchanged
    w.score = _band()  # a new score plays with the chosen instrument too
    assert w._meta["parts"][0]["program"] == 42
    w.instrument = ""
    assert [p["program"] for p in w._meta["parts"]] == written


def test_instrument_must_be_general_midi() -> None:
    with pytest.raises(t.TraitError, match="General MIDI"):
        Player(_band()).instrument = "kazoo orchestra 9"
