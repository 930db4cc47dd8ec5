"""Balance by role: the lead on top, comping well under it, bass and drums where a General
MIDI player (FluidSynth, FluidR3) puts them; the user's gain wins; the kick nearly dry.

Part loudness is measured as ``bench.listen`` does: each part in the full score with the
others at gain 0, so it keeps its role. FluidSynth's figures (LU against the lead, each part
alone, its default reverb) were measured by ``python -m bench.listen``; before the balance
by role ours were: jazz piano +0.4, bass -5.7, drums -7.4; pop keys +4.3, bass -0.7, drums
-6.4; blues piano +0.1, bass -4.6, drums -10.5.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

import schillinger_kernel as sk
from bench.listen import (
    KIT_NOTES,
    SOUNDFONT,
    fluidsynth,
    kit_phrase,
    part_loudness,
    piece,
    reference_phrase,
)
from schillinger_kernel.audio import Audio
from schillinger_kernel.compose import compose
from schillinger_kernel.dsp.loudness import integrated_loudness
from schillinger_kernel.score import Note, Part, Score
from schillinger_kernel.synth.ensemble import (
    KIT_BALANCE,
    KIT_LEVEL,
    SOUND_LEVEL,
    levels,
    roles,
)
from schillinger_kernel.synth.timeline import SOUNDS, sound_of

# FluidSynth (FluidR3_GM), LU against the lead, measured by ``python -m bench.listen``.
FLUIDSYNTH = {
    "jazz": {"Piano": -6.2, "Bass": -4.3, "Drums": -10.0},
    "quartet": {"Violin II": -3.5, "Viola": -4.1, "Cello": -1.7},
    "pop": {"Keys": -9.6, "Bass": -14.5, "Drums": -18.0},
    "blues": {"Piano": -5.7, "Bass": -3.6, "Drums": -6.8},
}
LEAD = {"jazz": "Tenor Sax", "quartet": "Violin I", "pop": "Lead", "blues": "Tenor Sax"}


@pytest.fixture(scope="module")
def pieces() -> dict[str, Score]:
    return {name: piece(name) for name in FLUIDSYNTH}


@pytest.fixture(scope="module")
def against_lead(pieces: dict[str, Score]) -> dict[str, dict[str, float]]:
    out = {}
    for name, s in pieces.items():
        lufs = part_loudness(s)
        out[name] = {p: v - lufs[LEAD[name]] for p, v in lufs.items()}
    return out


def _roles(s: Score) -> dict[str, str]:
    return dict(zip([p.name for p in s.parts], roles(s.parts, [sound_of(p) for p in s.parts]),
                    strict=True))


def test_the_composer_s_ensembles_have_their_roles(pieces: dict[str, Score]) -> None:
    assert _roles(pieces["jazz"]) == {"Tenor Sax": "lead", "Piano": "comping",
                                      "Bass": "bass", "Drums": "drums"}
    assert _roles(pieces["quartet"]) == {"Violin I": "lead", "Violin II": "inner",
                                         "Viola": "inner", "Cello": "bass"}
    assert _roles(pieces["pop"]) == {"Lead": "lead", "Keys": "comping", "Bass": "bass",
                                     "Drums": "drums"}
    solo = sk.generate_composition("Modal", 90, "D dorian", 8, "modal", 0.5, seed=1)
    assert _roles(solo) == {"Piano RH": "lead", "Piano LH": "inner"}
    tracks = compose(["C", "Am", "F", "G"], ["r3÷2"], seed=2,
                     tracks=["bass", "drums", "pad", "arpeggio", "melody"])
    assert _roles(tracks) == {"Bass": "bass", "Drums": "drums", "Pad": "comping",
                              "Arpeggio": "comping", "Melody": "lead"}


def test_unnamed_parts_get_their_role_from_what_they_play() -> None:
    line = tuple(Note(i * 480, 480, 74 + i % 3, 90) for i in range(8))
    chords = tuple(Note(i * 960, 960, p, 70) for i in range(4) for p in (60, 64, 67))
    inner = tuple(Note(i * 480, 480, 62, 80) for i in range(8))
    low = tuple(Note(i * 480, 480, 38, 90) for i in range(8))
    parts = [Part("A", chords), Part("B", low, program=42), Part("C", line, program=73),
             Part("D", inner, program=71)]
    assert roles(parts, ["piano", "cello", "flute", "clarinet"]) == [
        "comping", "bass", "lead", "inner"]
    assert roles(parts[:1], ["piano"]) == ["lead"]  # a lone part leads, chords or not
    with pytest.raises(ValueError, match="one sound per part, got 1 sounds for 4 parts"):
        roles(parts, ["piano"])


@pytest.mark.parametrize("name", ["jazz", "quartet", "pop", "blues"])
def test_the_lead_is_the_loudest_part(name: str,
                                      against_lead: dict[str, dict[str, float]]) -> None:
    assert max(against_lead[name].values()) == 0.0


@pytest.mark.parametrize("name, comping", [("jazz", "Piano"), ("pop", "Keys"),
                                           ("blues", "Piano")])
def test_comping_sits_at_least_4_lu_under_the_lead(
        name: str, comping: str, against_lead: dict[str, dict[str, float]]) -> None:
    """Before: jazz piano +0.4, pop keys +4.3, blues piano +0.1 against the lead."""
    assert against_lead[name][comping] <= -4.0


@pytest.mark.parametrize("name, part", [("jazz", "Drums"), ("blues", "Drums"),
                                        ("jazz", "Bass"), ("blues", "Bass"),
                                        ("jazz", "Piano"), ("blues", "Piano"),
                                        ("quartet", "Violin II"), ("quartet", "Viola"),
                                        ("quartet", "Cello")])
def test_parts_sit_within_2_lu_of_fluidsynth_s_balance(
        name: str, part: str, against_lead: dict[str, dict[str, float]]) -> None:
    """Before: jazz drums -7.4 (FluidSynth -10.0), blues drums -10.5 (-6.8), jazz piano
    +0.4 (-6.2), blues piano +0.1 (-5.7). (Pop is left out: FluidR3's square lead is some
    9 LU louder than its other General MIDI sounds.)"""
    assert against_lead[name][part] == pytest.approx(FLUIDSYNTH[name][part], abs=2.0)


def test_an_explicit_gain_wins_over_the_role(pieces: dict[str, Score]) -> None:
    s = pieces["jazz"]
    loud = dataclasses.replace(s, parts=tuple(
        dataclasses.replace(p, gain=2.0) if p.name == "Piano" else p for p in s.parts))
    sounds = [sound_of(p) for p in s.parts]
    assert levels(loud.parts, sounds)[1] == 2.0
    assert levels(s.parts, sounds)[1] < 0.5  # by role: well under the lead
    lufs = part_loudness(loud)
    assert lufs["Piano"] > lufs["Tenor Sax"]  # the user asked for it louder: it is


def test_ensemble_false_plays_every_part_at_its_own_gain(pieces: dict[str, Score]) -> None:
    s = pieces["jazz"]
    sounds = [sound_of(p) for p in s.parts]
    flat = part_loudness(s, room=None, ensemble=False)
    assert flat["Piano"] > flat["Tenor Sax"] - 1.0  # no role levels: piano as loud as sax
    assert levels(s.parts, sounds)[0] == 1.0  # the lead keeps its own level either way


def test_the_kick_sends_little_to_the_room() -> None:
    def wet_share(kind: str) -> float:
        s = kit_phrase(kind)
        dry = sk.render(s, sample_rate=22050, backend="numpy", room=None).samples
        wet = sk.render(s, sample_rate=22050, backend="numpy").samples[:dry.shape[0]]
        return float(np.sum((wet - dry) ** 2) / np.sum(dry ** 2))

    # Before (the kit's one send): the kick 2.1x the snare's share; now about 0.13x.
    assert wet_share("kick") < 0.25 * wet_share("snare")


def _lufs(s: Score) -> float:
    a = sk.render(s, sample_rate=48000, backend="numpy", room=None, ensemble=False)
    v = integrated_loudness(a)
    assert v is not None
    return v


def test_the_loudness_tables_match_the_sounds_as_they_are() -> None:
    """A timbre or drum changed without ``python -m bench.listen calibrate`` fails here."""
    assert set(SOUND_LEVEL) == set(SOUNDS) and set(KIT_LEVEL) == set(KIT_NOTES)
    for sound in SOUNDS:
        assert _lufs(reference_phrase(sound)) == pytest.approx(SOUND_LEVEL[sound], abs=0.5), \
            sound
    for kind in KIT_NOTES:
        assert _lufs(kit_phrase(kind)) == pytest.approx(KIT_LEVEL[kind], abs=0.5), kind


@pytest.mark.skipif(shutil.which("fluidsynth") is None or not os.path.exists(SOUNDFONT),
                    reason="needs fluidsynth and FluidR3_GM.sf2")
def test_the_kit_balance_is_fluidsynth_s_general_midi_kit() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fs = {}
        for kind in KIT_NOTES:
            y = fluidsynth(kit_phrase(kind), Path(tmp), kind, dry=True)
            v = integrated_loudness(Audio(y, 48000))
            assert v is not None
            fs[kind] = v
    for kind in KIT_NOTES:
        assert fs[kind] - fs["snare"] == pytest.approx(KIT_BALANCE[kind], abs=0.5), kind
