"""Score.metadata follows the music: chord symbols (and the key) move with Score.transpose,
chord symbols and form sections are shifted by Score.concat; the MusicXML written after a
transpose prints the moved chord symbols."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from schillinger_kernel.compose import accompany, generate_composition
from schillinger_kernel.harmony.chords import parse_chord_symbol
from schillinger_kernel.pitch import KEY_NAMES, key, pitch_class
from schillinger_kernel.score import Note, Part, Score

DOUBLE = re.compile(r"^[A-G](##|bb)")


def _symbols(s: Score) -> list[str]:
    return [c["symbol"] for c in s.metadata["chords"]]


@pytest.fixture(scope="module")
def jazz() -> Score:
    return generate_composition("Jazz", 140, "Bb major", 8, "jazz", 0.7, seed=4)


@pytest.mark.parametrize("k", [-5, -1, 1, 2, 3, 6, 7, 11])
def test_chord_symbols_move_with_the_notes(jazz: Score, k: int) -> None:
    t = jazz.transpose(k)
    assert key(t.key).tonic == (key(jazz.key).tonic + k) % 12
    assert [c["tick"] for c in t.metadata["chords"]] == [c["tick"] for c in jazz.metadata["chords"]]
    for before, after in zip(jazz.metadata["chords"], t.metadata["chords"], strict=True):
        root0, tones0 = parse_chord_symbol(before["symbol"])
        root1, tones1 = parse_chord_symbol(after["symbol"])
        assert root1 == (root0 + k) % 12
        assert sorted(tones1.values()) == sorted((p + k) % 12 for p in tones0.values())
        assert after["pitch_classes"] == sorted((p + k) % 12 for p in before["pitch_classes"])
        assert not DOUBLE.match(after["symbol"])
    assert t.metadata["form"] == jazz.metadata["form"]  # sections keep their times
    assert jazz.metadata["chords"][0]["symbol"] == "Bb9"  # the original is untouched


def test_a_transposed_key_takes_the_name_with_fewest_accidentals() -> None:
    s = Score(parts=(Part.create("P", [Note(0, 480, 60)]),))
    names = [s.transpose(k).key for k in range(1, 12)]
    assert names == ["Db major", "D major", "Eb major", "E major", "F major", "F# major",
                     "G major", "Ab major", "A major", "Bb major", "B major"]
    m = replace(s, key="A minor")
    assert [m.transpose(k).key for k in (1, 3, 6)] == ["Bb minor", "C minor", "Eb minor"]
    assert replace(s, key="d dorian").transpose(2).key == "E dorian"


@pytest.mark.parametrize("name", KEY_NAMES)
def test_diatonic_chords_stay_spelled_in_the_new_key(name: str) -> None:
    """Every degree's chord in every key, moved to every other key: the roots are the new
    key's degree names, in the same order."""
    k0 = key(name)
    chords = [{"tick": 480 * i, "symbol": d + ("m" if "minor" in name else "")}
              for i, d in enumerate(k0.degree_names)]
    s = replace(Score(parts=(Part.create("P", [Note(0, 480, 60)]),), key=name),
                metadata={"chords": chords})
    for k in range(1, 12):
        t = s.transpose(k)
        roots = [re.match(r"[A-G][#b]*", c)[0] for c in _symbols(t)]  # type: ignore[index]
        assert roots == list(key(t.key).degree_names), (name, k)


def test_chromatic_roots_keep_their_degree() -> None:
    """bVI of C major is bVI of D major (Bb, not A#); a secondary dominant's third too."""
    s = replace(Score(parts=(Part.create("P", [Note(0, 480, 60)]),)),
                metadata={"chords": [{"tick": 0, "symbol": "Ab"}, {"tick": 480, "symbol": "E7/G#"},
                                     {"tick": 960, "symbol": "Bbm7b5"}]})
    assert _symbols(s.transpose(2)) == ["Bb", "F#7/A#", "Cm7b5"]
    # down to B major: the third of E7 would be F## there, so it takes the key's name
    assert _symbols(s.transpose(-1)) == ["G", "D#7/G", "Am7b5"]
    assert s.transpose(5).transpose(-5).metadata == s.metadata


def test_transpose_back_and_forth_restores_key_and_chords(jazz: Score) -> None:
    for k in (1, 4, 6, 10):
        back = jazz.transpose(k).transpose(-k)
        assert back == jazz and back.key == jazz.key
        assert back.metadata == jazz.metadata
    assert jazz.transpose(12).metadata == jazz.metadata and jazz.transpose(12).key == jazz.key


def test_a_drum_score_keeps_its_key_and_chords() -> None:
    drums = Score(parts=(Part.create("Kit", [Note(0, 240, 36)], instrument="drums"),),
                  key="E major", metadata={"chords": [{"tick": 0, "symbol": "E"}]})
    assert drums.transpose(3) == drums and drums.transpose(3).key == "E major"
    assert _symbols(drums.transpose(3)) == ["E"]


def test_concat_shifts_the_second_scores_chords_and_sections() -> None:
    a = accompany(["C", "Am", "F", "G"], key="C", seed=1)
    b = accompany(["Dm7", "G7", "Cmaj7"], key="C", seed=2)
    joined = a.concat(b)
    offset = a.end + (-a.end) % a.bar_ticks
    assert offset % a.bar_ticks == 0 and offset >= a.end
    assert joined.metadata["chords"] == a.metadata["chords"] + [
        {**c, "tick": c["tick"] + offset} for c in b.metadata["chords"]]
    assert [x["start_tick"] for x in joined.metadata["form"]] == (
        [x["start_tick"] for x in a.metadata["form"]]
        + [x["start_tick"] + offset for x in b.metadata["form"]])
    assert joined.metadata["feel"] == a.metadata["feel"]
    # the second score's first chord sounds where its notes now start
    first_b = min(n.start for n in joined.notes if n.start >= offset)
    assert joined.metadata["chords"][len(a.metadata["chords"])]["tick"] == first_b == offset
    # unaligned: right where the first score's last note ends
    loose = a.concat(b, align_to_bar=False)
    assert loose.metadata["chords"][len(a.metadata["chords"])]["tick"] == a.end
    # a score without metadata takes the other's, shifted
    bare = Score(parts=(Part.create("P", [Note(0, 1920, 60)]),))
    assert bare.concat(b).metadata["chords"][0]["tick"] == 1920
    assert b.metadata["chords"][0]["tick"] == 0  # the originals are untouched


def _harmonies(path) -> list[str]:
    root = ET.parse(path).getroot()
    out = []
    for h in root.iter("harmony"):
        step = h.findtext("root/root-step", "")
        alter = int(h.findtext("root/root-alter") or 0)
        out.append(step + {-1: "b", 0: "", 1: "#"}[alter])
    return out


@pytest.mark.parametrize("k", [3, -2])
def test_musicxml_prints_the_transposed_chord_symbols(jazz: Score, k: int, tmp_path) -> None:
    t = jazz.transpose(k)
    written = _harmonies(t.to_musicxml(tmp_path / "t.musicxml"))
    expected = [re.match(r"[A-G][#b]*", s)[0] for s in _symbols(t)]  # type: ignore[index]
    assert written == expected
    assert [pitch_class(r) for r in written] == [
        (pitch_class(r) + k) % 12 for r in _harmonies(jazz.to_musicxml(tmp_path / "s.musicxml"))]
