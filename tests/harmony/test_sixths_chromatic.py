"""Book V: S(6), S(4/6) and the passing S(4/6); chromatic groups, the passing seventh and
chromatic continuity."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel import harmony
from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.harmony import (
    CHROMATIC_QUALITIES,
    chord_name,
    chromatic_continuity,
    chromatic_group,
    functions,
    hybrid_continuity,
    passing_seventh,
    passing_six_four,
    sixth_chord,
    sixth_functions,
    sixth_structure,
    structure,
)
from schillinger_kernel.harmony.voice_leading import parallels_with_bass
from schillinger_kernel.scales import key_scale

KEYS = ["C major", "G major", "F major", "Eb major", "A minor", "D minor", "E dorian",
        "B mixolydian"]

# ----- S(6) and S(4/6) ---------------------------------------------------------------------------

def test_sixth_structures_worked_examples() -> None:
    # S(6) = 1, 3, 6 and S(4/6) = 1, 4, 6 counted in scale units from the bass
    assert sixth_structure("C major", 1, "S6") == (60, 64, 69)        # c e a
    assert sixth_structure("C major", 1, "S(4/6)") == (60, 65, 69)    # c f a
    assert sixth_structure("C major", 5, "S46") == (67, 72, 76)       # g c e: I over its fifth
    assert sixth_functions("C major", 3, "S(6)") == {1: 4, 3: 7, 6: 0}  # e g c: I over its third


def test_sixth_chord_doublings() -> None:
    assert sixth_chord("C major", 3, "S6") == (52, 67, 72, 76)             # e | g c e
    assert sixth_chord("C major", 3, "S6", doubling=3) == (52, 67, 72, 79)  # e | g c g
    assert sixth_chord("C major", 3, "S6", doubling=6) == (52, 67, 72, 84)  # e | g c c
    assert sixth_chord("C major", 5, "S46") == (55, 60, 64, 67)            # g | c e g
    with pytest.raises(ParameterError, match="doubling must be a function of S46: 1, 4, 6"):
        sixth_chord("C major", 5, "S46", doubling=3)
    with pytest.raises(ParameterError, match=r"S6 .*S46"):
        sixth_structure("C major", 1, "S7")


@given(st.sampled_from(KEYS), st.integers(1, 7))
def test_sixths_are_inversions_of_s5(key: str, degree: int) -> None:
    # S(6) on a degree sounds S(5) two units lower over its third; S(4/6) the S(5) three
    # units higher over its fifth
    n = len(key_scale(key))
    s5_low = functions(key, (degree - 3) % n + 1, "S5")
    s5_high = functions(key, (degree + 2) % n + 1, "S5")
    assert set(sixth_functions(key, degree, "S6").values()) == set(s5_low.values())
    assert sixth_functions(key, degree, "S6")[1] == s5_low[3]
    assert set(sixth_functions(key, degree, "S46").values()) == set(s5_high.values())
    assert sixth_functions(key, degree, "S46")[1] == s5_high[5]


def test_passing_six_four_worked_example() -> None:
    # I - V6/4 - I6 in C: the bass walks c d e, g holds, the doubled d leaves against the bass
    assert passing_six_four("C major", 1) == ((48, 55, 64, 72), (50, 55, 62, 71),
                                              (52, 55, 60, 72))
    assert passing_six_four("C major", 1, direction="down") == (
        (52, 55, 60, 72), (50, 55, 62, 71), (48, 55, 64, 72))


@given(st.sampled_from(KEYS), st.integers(1, 7), st.sampled_from(["up", "down"]),
       st.integers(3, 5))
def test_passing_six_four_rules(key: str, degree: int, direction: str, octave: int) -> None:
    chords = passing_six_four(key, degree, direction=direction, bass_octave=octave - 1,
                              octave=octave)
    run = chords if direction == "up" else chords[::-1]
    sc = key_scale(key)
    # the bass walks up by scale steps over the S(5), S(4/6), S(6) of one harmony
    steps = [sc.index_of(c[0], sc.tonic) for c in run]
    assert steps == [steps[0], steps[0] + 1, steps[0] + 2]
    assert {p % 12 for p in run[0]} == set(functions(key, degree, "S5").values())
    assert {p % 12 for p in run[2]} == set(functions(key, degree, "S5").values())
    nxt = degree % len(sc) + 1
    assert {p % 12 for p in run[1]} == set(sixth_functions(key, nxt, "S46").values())
    for a, b in itertools.pairwise(chords):
        assert all(abs(x - y) <= 2 for x, y in zip(a[1:], b[1:], strict=True))
        assert not parallels_with_bass(a[1:], b[1:], (a[0], b[0]))
        assert min(b[1:]) > b[0]


# ----- chromatic groups -------------------------------------------------------------------------

def test_chromatic_group_worked_example() -> None:
    # from C, one voice a semitone: c -> b gives Em, c -> c# C#dim, e -> eb Cm, g -> g# Caug
    group = chromatic_group((60, 64, 67))
    assert [(m.symbol, m.pitches) for m in group] == [
        ("Em", (59, 64, 67)), ("C#dim", (61, 64, 67)), ("Cm", (60, 63, 67)),
        ("Caug", (60, 64, 68))]
    assert [m.symbol for m in chromatic_group(("C4", "E4", "G4", "Bb4"))] == [
        "C#dim7", "Cm7", "C7#5", "Am7", "Cmaj7"]
    assert chord_name((62, 65, 69, 72)) == "Dm7" and chord_name((60, 61)) is None


def test_chromatic_group_refusals() -> None:
    with pytest.raises(ParameterError, match="different pitches"):
        chromatic_group((60, 60, 67))
    with pytest.raises(ParameterError, match="voices"):
        chromatic_group((60, 64, 67), voices=4)
    with pytest.raises(ParameterTypeError):
        chromatic_group("C E G")  # type: ignore[arg-type]


@given(st.sampled_from(list(CHROMATIC_QUALITIES)), st.integers(40, 80), st.integers(1, 2))
def test_chromatic_group_moves_semitones_only(quality: str, root: int, voices: int) -> None:
    chord = tuple(root + iv for iv in CHROMATIC_QUALITIES[quality])
    for move in chromatic_group(chord, voices):
        diffs = [b - a for a, b in zip(chord, move.pitches, strict=True)]
        assert [i for i, d in enumerate(diffs) if d] == list(move.moved)
        assert all(abs(diffs[i]) == 1 for i in move.moved) and len(move.moved) == voices
        assert chord_name(move.pitches) == move.symbol


# ----- the passing seventh and chromatic continuity ----------------------------------------------

def test_passing_seventh_worked_example() -> None:
    # C, C7, F: the doubled root c falls to bb, then to a, the third of F
    assert passing_seventh("C major", 1) == ((48, 55, 64, 72), (48, 55, 64, 70),
                                             (41, 53, 65, 69))
    assert passing_seventh("C major", 1, chromatic=False)[1] == (48, 55, 64, 71)   # Cmaj7
    assert chord_name(passing_seventh("C major", 2)[1]) == "Dm7"


@given(st.sampled_from(KEYS), st.integers(1, 7), st.booleans())
def test_passing_seventh_rules(key: str, degree: int, chromatic: bool) -> None:
    a, b, c = passing_seventh(key, degree, chromatic=chromatic)
    root = structure(key, degree, "S5")[0] % 12
    assert a[:3] == b[:3] and a[3] % 12 == root
    assert (a[3] - b[3]) in ((2,) if chromatic else (1, 2))      # root falls to the seventh
    after = functions(key, (degree + 2) % 7 + 1, "S5")
    assert c[3] % 12 == after[3] and 1 <= b[3] - c[3] <= 2      # and by step to the third
    assert {p % 12 for p in c} <= set(after.values()) and c[0] % 12 == after[1]
    assert not parallels_with_bass(b[1:], c[1:], (b[0], c[0]))
    assert all(abs(x - y) <= 2 for x, y in zip(b[1:], c[1:], strict=True))


def test_chromatic_continuity_worked_example() -> None:
    p = chromatic_continuity("C", 4)
    assert p.symbols == ("C7", "F7", "Bb7", "Eb7")
    assert [c.pitches[1:] for c in p][:3] == [(60, 64, 67, 70), (60, 63, 65, 69),
                                              (58, 62, 65, 68)]
    assert chromatic_continuity("C", 4, kind="C3").symbols == ("C7", "A7", "Gb7", "Eb7")
    assert chromatic_continuity("G", 4, "m7", "C7").symbols == ("Gm7", "Am7", "Bm7", "C#m7")


@pytest.mark.parametrize("quality", [q for q, iv in CHROMATIC_QUALITIES.items() if len(iv) == 4])
@pytest.mark.parametrize("kind", ["C3", "C5", "C7"])
@pytest.mark.parametrize("direction", ["positive", "negative"])
def test_chromatic_continuity_over_200_chords(quality: str, kind: str, direction: str) -> None:
    p = chromatic_continuity("C", 200, quality, kind, direction)
    limit = 3 if quality in ("m(maj7)", "7#5") else 2
    for a, b in itertools.pairwise(p):
        up_a, up_b = a.pitches[1:], b.pitches[1:]
        # every voice holds or moves by step, an octave shift of the whole structure aside
        moves = {y - x for x, y in zip(up_a, up_b, strict=True)}
        shift = 12 * round(sum(moves) / len(moves) / 12)
        assert all(abs(m - shift) <= limit for m in moves)
        assert not parallels_with_bass(up_a, up_b, (a.pitches[0], b.pitches[0]))
        assert min(up_b) > b.pitches[0] and min(b.pitches) >= 24 and max(b.pitches) <= 96
    assert all(s.endswith(quality) for s in p.symbols)


def test_hybrid_continuity_worked_example() -> None:
    # diatonic roots of positive C5 closing on the tonic, each chord the dominant of the next
    p = hybrid_continuity("C major", 5)
    assert p.symbols == ("E7", "A7", "D7", "G7", "Cmaj7")
    assert [c.pitches for c in p][:2] == [(40, 64, 68, 71, 74), (45, 64, 67, 69, 73)]
    assert hybrid_continuity("A minor", 4).symbols == ("F7", "B7", "E7", "Am7")


@given(st.sampled_from(KEYS), st.integers(2, 30), st.sampled_from(["7", "m7", "maj7"]),
       st.sampled_from(["C3", "C5", "C7"]))
def test_hybrid_continuity_rules(key: str, length: int, quality: str, kind: str) -> None:
    p = hybrid_continuity(key, length, quality, kind)
    sc = key_scale(key)
    assert len(p) == length
    assert all(sc.contains(r) for r in p.roots)                        # diatonic roots
    assert p[-1].root == sc.tonic and p[-1].pitch_classes == tuple(
        functions(key, 1, "S7").values())                              # the key's tonic S(7)
    assert all(c.symbol.endswith(quality) for c in p[:-1])             # chromatic chords
    for a, b in itertools.pairwise(p):
        up_a, up_b = a.pitches[1:], b.pitches[1:]
        moves = [y - x for x, y in zip(up_a, up_b, strict=True)]
        shift = 12 * round(sum(moves) / len(moves) / 12)
        assert all(abs(m - shift) <= 3 for m in moves)
        assert not parallels_with_bass(up_a, up_b, (a.pitches[0], b.pitches[0]))
        assert min(up_b) > b.pitches[0]


def test_chromatic_continuity_refusals() -> None:
    with pytest.raises(ParameterError, match="seventh chord"):
        chromatic_continuity("C", 4, "m")
    with pytest.raises(ParameterError, match="C3, C5 or C7"):
        chromatic_continuity("C", 4, kind="C2")
    assert "chromatic_group" in harmony.__all__
    with pytest.raises(ParameterError, match="unknown mode"):
        hybrid_continuity("C major pentatonic")
    with pytest.raises(ParameterError, match="length"):
        hybrid_continuity("C major", 1)
