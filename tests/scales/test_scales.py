"""Book II: scales, tonal expansions, symmetric scales and systems (SCHILLINGER.md examples)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel import scales
from schillinger_kernel.scales import (
    Scale,
    displacement,
    from_intervals,
    interval_interference,
    key_scale,
    scale,
    symmetric_scale,
    symmetric_system,
    symmetric_tonics,
    tonal_expansion,
)

NAMES = ["c", "c#", "d", "eb", "e", "f", "f#", "g", "ab", "a", "bb", "b"]


def names(pitches: tuple[int, ...]) -> list[str]:
    return [NAMES[p % 12] for p in pitches]


# ----- worked examples ----------------------------------------------------------------------
def test_e1_of_c_major_is_c_e_g_b_d_f_a() -> None:
    e1 = tonal_expansion(scale("C major"), 1)
    assert names(e1) == ["c", "e", "g", "b", "d", "f", "a"]
    assert e1 == (0, 4, 7, 11, 14, 17, 21)  # each unit above the previous one
    assert tonal_expansion((60, 62, 64, 65, 67, 69, 71), 1) == (60, 64, 67, 71, 74, 77, 81)
    assert tonal_expansion(["c", "d", "e", "f", "g", "a", "b"], 1) == e1


def test_tonal_expansion_e0_is_the_scale_and_orders() -> None:
    c = (0, 2, 4, 5, 7, 9, 11)
    assert tonal_expansion(c, 0) == c
    assert names(tonal_expansion(c, 2)) == ["c", "f", "b", "e", "a", "d", "g"]
    assert names(tonal_expansion(c, 5)) == ["c", "b", "a", "g", "f", "e", "d"]


def test_tonal_expansion_skips_units_already_taken() -> None:
    # 6 units, every 2nd: 0 2 4, then 0 is taken -> 1, then 3 5.
    six = (0, 2, 4, 6, 8, 10)
    assert tonal_expansion(six, 1) == (0, 4, 8, 14, 18, 22)
    # 4 units, every 3rd: 0 2, then 0 taken -> 1, then 3
    assert [p % 12 for p in tonal_expansion((0, 3, 5, 7), 1)] == [0, 5, 3, 7]


def test_displacement_is_circular_permutations() -> None:
    d = displacement((2, 2, 3, 2, 3))
    assert d[0] == (2, 2, 3, 2, 3)
    assert d[1] == (2, 3, 2, 3, 2)
    assert len(d) == 5
    assert displacement((2, 1, 2, 1)) == ((2, 1, 2, 1), (1, 2, 1, 2))


def test_symmetric_tonics() -> None:
    assert symmetric_tonics(3) == (0, 4, 8)
    assert symmetric_tonics(2) == (0, 6)
    assert symmetric_tonics(4) == (0, 3, 6, 9)
    assert symmetric_tonics(6) == (0, 2, 4, 6, 8, 10)
    assert symmetric_tonics(12) == tuple(range(12))


def test_symmetric_scale_example() -> None:
    s = symmetric_scale(2, (2, 1, 2, 1))
    assert s == (0, 2, 3, 5, 6, 8, 9, 11)
    assert s.group == 3


def test_interval_interference_example() -> None:
    assert interval_interference(3, 2) == (2, 1, 2)


# ----- groups, names, systems ---------------------------------------------------------------
def test_four_groups() -> None:
    assert scale("C major").group == 1
    assert scale("C major").expand(1).group == 2
    assert scale("C major").expand(1).span == 24
    assert symmetric_scale(4, (1, 2)).group == 3
    assert symmetric_system(5).group == 4
    assert symmetric_system(5).span == 60  # cycle of fourths closes after five octaves


def test_named_scales_in_any_key() -> None:
    assert scale("D dorian").pitch_classes == (2, 4, 5, 7, 9, 11, 0)
    assert scale("whole tone").intervals == (2,) * 6
    assert scale("octatonic", "C#").pitch_classes[:3] == (1, 2, 4)
    assert key_scale("A minor").pitch_classes == (9, 11, 0, 2, 4, 5, 7)
    assert key_scale("F# major").pitch(1) == 66
    assert key_scale("Bb major").transpose(2) == key_scale("C major")
    for name in scales.scale_names():
        s = scale(name, "E")
        assert s.tonic == 4 and sum(s.intervals) == s.span


def test_scale_pitch_step_and_range() -> None:
    c = scale("C major")
    assert c.pitch(1) == 60 and c.pitch(8) == 72 and c.pitch(5, octave=3) == 55
    assert c.step(71, 1) == 72 and c.step(60, -2) == 57
    assert c.pitches("C4", "G4") == (60, 62, 64, 65, 67)
    assert c.nearest(61) == 60 and c.nearest(66) == 65
    assert c.contains(64) and not c.contains(63)


def test_from_intervals_open_or_closed() -> None:
    assert from_intervals((2, 2, 3, 2, 3)) == (0, 2, 4, 7, 9)
    assert from_intervals((2, 2, 3, 2)) == (0, 2, 4, 7, 9)
    assert Scale((0, 4, 7)).intervals == (4, 3, 5)


# ----- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize("call, word", [
    (lambda: scale("C bogus"), "name"),
    (lambda: key_scale("H major"), "note name"),
    (lambda: key_scale("C wobbly"), "key"),
    (lambda: tonal_expansion((0, 2, 4), 2), "k"),
    (lambda: symmetric_tonics(5), "n"),
    (lambda: symmetric_scale(2, (2, 2)), "segment"),
    (lambda: interval_interference(3), "intervals"),
    (lambda: from_intervals(()), "intervals"),
    (lambda: scale("C major").pitches(70, 60), "low"),
    (lambda: displacement((2, 0)), "intervals"),
])
def test_bad_input_names_the_argument(call, word) -> None:
    with pytest.raises(ValueError, match=word):
        call()


def test_interval_interference_takes_p_q_by_name_or_as_a_group() -> None:
    # The spec's signature is interval_interference(p, q); the server calls by keyword.
    assert interval_interference(p=3, q=2) == (2, 1, 2)
    assert interval_interference((3, 2)) == interval_interference(3, 2) == (2, 1, 2)
    assert interval_interference(3, 1, 2) == interval_interference((3, 1, 2)) == (2, 1, 1, 2)
    with pytest.raises(ValueError, match="intervals"):
        interval_interference((3, 2), 1)
    with pytest.raises(ValueError, match="intervals"):
        interval_interference(3, 0)


@pytest.mark.parametrize("call, word", [
    (lambda: displacement(5), "intervals"),
    (lambda: displacement("223"), "intervals"),
    (lambda: symmetric_scale(2, 6), "segment"),
    (lambda: symmetric_system(8, 8), "segment"),
    (lambda: tonal_expansion(7, 1), "units"),
])
def test_non_sequences_are_a_clear_type_error(call, word) -> None:
    with pytest.raises(TypeError, match=word):
        call()


def test_tonal_expansion_rejects_repeated_pitch_classes() -> None:
    with pytest.raises(ValueError, match="distinct"):
        tonal_expansion((0, 2, 4, 4, 7), 1)
    with pytest.raises(ValueError, match="distinct"):
        tonal_expansion(("C4", "E4", "C5"), 1)


# ----- properties ---------------------------------------------------------------------------
pc_sets = st.sets(st.integers(0, 11), min_size=2, max_size=8).map(sorted)


@given(pc_sets, st.data())
def test_tonal_expansion_is_a_rising_permutation(pcs, data) -> None:
    k = data.draw(st.integers(0, len(pcs) - 2))
    e = tonal_expansion(tuple(pcs), k)
    assert sorted(p % 12 for p in e) == sorted(pcs)
    assert all(b > a for a, b in itertools.pairwise(e))
    assert all(b - a <= 12 for a, b in itertools.pairwise(e))


@given(st.lists(st.integers(1, 6), min_size=1, max_size=8))
def test_displacements_keep_the_interval_content(steps) -> None:
    for rot in displacement(tuple(steps)):
        assert sorted(rot) == sorted(steps)
    assert len(displacement(tuple(steps))) <= len(steps)


@given(st.sampled_from([2, 3, 4, 6]), st.data())
def test_symmetric_scales_are_invariant_under_tonic_transposition(n, data) -> None:
    size = 12 // n
    cuts = data.draw(st.sets(st.integers(1, size - 1), max_size=size - 1)) if size > 1 else set()
    marks = [0, *sorted(cuts), size]
    seg = tuple(b - a for a, b in itertools.pairwise(marks))
    s = symmetric_scale(n, seg)
    pcs = set(s.pitch_classes)
    assert {(p + size) % 12 for p in pcs} == pcs


@given(st.sampled_from(list(scales.NAMED_SCALES)), st.integers(0, 11), st.integers(-20, 20))
def test_step_and_index_are_inverse(name, tonic, steps) -> None:
    s = scale(name, tonic)
    p = s.pitch(1)
    assert s.step(s.step(p, steps), -steps) == p
