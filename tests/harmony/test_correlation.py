"""Book VI, the beginning: melodizing a progression and harmonizing a melody."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel.harmony import (
    cycle_degrees,
    harmonize,
    melodize,
    progression,
    type_iii,
    type_iii_scale,
)
from schillinger_kernel.io.midi import read_midi
from schillinger_kernel.scales import key_scale
from schillinger_kernel.score import Note, Part

# ----- harmonization --------------------------------------------------------------------------

def test_harmonize_the_c_major_scale_with_triads() -> None:
    c = harmonize([60, 62, 64, 65, 67], "C major", "S5")
    assert c.progression.symbols == ("C", "G", "C", "F", "C")
    assert c.functions == (1, 5, 3, 1, 5)
    # starts and ends on the tonic chord, as the tones allow
    assert c.progression.romans[0] == "I" and c.progression.romans[-1] == "I"


def test_harmonize_prefers_positive_cycles() -> None:
    # d then g: under d the chord whose root falls a fifth to the chord under g (ii -> V)
    c = harmonize(["D5", "G4", "C5"], "C major", "S5")
    assert c.progression.symbols == ("Dm", "G", "C")       # ii V I, each tone a root
    roots = c.progression.roots
    assert [(b - a) % 12 for a, b in itertools.pairwise(roots)] == [5, 5]  # C5+ twice


def test_harmonize_symmetric_on_four_tonics() -> None:
    c = harmonize(["C5", "Bb4", "G4"], structure="S1", system="symmetric", n=4)
    assert c.progression.symbols == ("C", "Eb", "C")
    assert c.functions == (1, 5, 5)


def test_chromatic_tone_is_a_passing_tone() -> None:
    c = harmonize([60, 61, 62], "C major", "S5")
    assert c.functions[1] == 0
    assert c.progression[1].symbol == c.progression[0].symbol


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(55, 84), min_size=1, max_size=12),
       st.sampled_from(["C major", "A minor", "Bb major"]),
       st.sampled_from(["S5", "S7", "S9"]))
def test_every_held_tone_is_a_function_of_its_chord(pitches, key, name) -> None:
    sc = key_scale(key)
    melody = [sc.nearest(p) for p in pitches]
    c = harmonize(melody, key, name)
    assert len(c.progression) == len(melody) == len(c.functions)
    for p, f, chord in zip(melody, c.functions, c.progression, strict=True):
        assert f != 0 and dict(chord.functions)[f] == p % 12
        # the chord sounds below the tune
        assert max(chord.pitches) < p


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 11), min_size=1, max_size=10), st.sampled_from([2, 3, 4, 6]),
       st.sampled_from(["S1", "S2", "S3", "S4"]))
def test_symmetric_harmonization_stays_on_the_tonics(pcs, n, name) -> None:
    scale_pcs = type_iii_scale("C", n, name)
    melody = [72 + scale_pcs[p % len(scale_pcs)] for p in pcs]
    c = harmonize(melody, "C major", name, system="symmetric", n=n)
    tonics = {(12 // n) * i for i in range(n)}
    assert set(c.progression.roots) <= tonics
    for p, f, chord in zip(melody, c.functions, c.progression, strict=True):
        assert dict(chord.functions)[f] == p % 12


def test_harmonize_keeps_note_times_and_writes_a_score(tmp_path) -> None:
    tune = Part("tune", (Note(0, 480, 64), Note(480, 960, 67), Note(1440, 480, 72)))
    c = harmonize(tune, "C major", "S7")
    assert [(n.start, n.duration) for n in c.melody] == [(0, 480), (480, 960), (1440, 480)]
    path = c.to_score().to_midi(tmp_path / "h.mid")
    back = read_midi(path)
    assert sorted(n.pitch for n in back.parts[0].notes) == [64, 67, 72]
    held = {(n.start, n.duration) for n in back.parts[1].notes}
    assert held == {(0, 480), (480, 960), (1440, 480)}


@pytest.mark.parametrize("kw", [{"system": "chromatic"}, {"structure": "S1"},
                                {"structure": "S7", "system": "symmetric"},
                                {"structure": "S1", "system": "symmetric", "n": 5}])
def test_harmonize_bad_input(kw) -> None:
    with pytest.raises(ValueError):
        harmonize([60, 64], "C major", **kw)
    with pytest.raises(TypeError):
        harmonize("C D E", "C major")  # type: ignore[arg-type]


# ----- melodization ---------------------------------------------------------------------------

def test_melodize_i_iv_v_i() -> None:
    prog = progression("C major", (1, 4, 5, 1), "S5")
    m = melodize(prog, rhythm=(2, 1, 1))
    assert [n.pitch for n in m.melody] == [72, 74, 71, 69, 71, 69, 67, 69, 65, 64, 65, 64]
    assert [n.start // 240 for n in m.melody][:4] == [0, 2, 3, 4]
    # every chord change lands on a chord tone
    assert [m.functions[i] for i in range(0, 12, 3)] == [1, 3, 1, 3]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["C3", "C5", "C7"]), st.sampled_from(["positive", "negative"]),
       st.sampled_from(["S5", "S7"]), st.lists(st.integers(1, 3), min_size=1, max_size=4),
       st.integers(2, 16))
def test_melodization_invariants(kind, direction, name, rhythm, length) -> None:
    prog = progression("C major", cycle_degrees(kind, direction, length), name)
    m = melodize(prog, rhythm=rhythm)
    sc = key_scale("C major")
    assert len(m.melody) == len(rhythm) * length
    assert all(60 <= n.pitch <= 84 and sc.contains(n.pitch) for n in m.melody)
    anchors = [n for n, c in zip(m.melody, m.chord_of, strict=True)
               if n.start % (sum(rhythm) * 240) == 0]
    for n, chord in zip(anchors, prog, strict=True):
        assert n.pitch % 12 in chord.pitch_classes
    # smallest motion between chords: the anchors move at most a fourth
    assert all(abs(a.pitch - b.pitch) <= 5 for a, b in itertools.pairwise(anchors))
    # no gaps, no overlaps, and no tone struck twice running
    assert all(a.end == b.start for a, b in itertools.pairwise(m.melody))
    assert all(a.pitch != b.pitch for a, b in itertools.pairwise(m.melody))


def test_melodize_a_type_iii_progression_uses_its_scale() -> None:
    prog = type_iii("C", 2, "S1", length=6)
    m = melodize(prog, rhythm=(1, 1, 1))
    assert {n.pitch % 12 for n in m.melody} <= set(type_iii_scale("C", 2, "S1"))


def test_melodize_bad_input() -> None:
    prog = progression("C major", (1, 5), "S5")
    for kw in ({"rhythm": ()}, {"rhythm": (0,)}, {"low": "C4", "high": "E4"},
               {"scale": "C major pentatonic"}):
        with pytest.raises(ValueError):
            melodize(prog, **kw)
    with pytest.raises(TypeError):
        melodize([60, 62])  # type: ignore[arg-type]
