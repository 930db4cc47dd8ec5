"""Book IV: primary and secondary axes, axis melodies."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel.melody import (
    AxisTerm,
    axis_melody,
    parse_terms,
    primary_axis,
    secondary_axes,
)
from schillinger_kernel.scales import key_scale


def pitches(notes) -> list[int]:
    return [n.pitch for n in notes]


def test_parse_terms() -> None:
    assert parse_terms("a2T + bT") == (AxisTerm("a", Fraction(2)), AxisTerm("b", Fraction(1)))
    assert parse_terms("2c + 0T + d1/2T") == (AxisTerm("c", Fraction(1), 2),
                                            AxisTerm("0", Fraction(1)),
                                            AxisTerm("d", Fraction(1, 2)))
    assert parse_terms([("a", 2), AxisTerm("b")]) == parse_terms("a2T + b")


def test_the_five_axes_relative_to_the_primary_axis() -> None:
    r = (1, 1, 1, 1)
    ax = 67
    zero = axis_melody("C major", "0T", r, axis=ax)
    assert pitches(zero) == [67] * 4
    a = pitches(axis_melody("C major", "aT", r, axis=ax))
    b = pitches(axis_melody("C major", "bT", r, axis=ax))
    c = pitches(axis_melody("C major", "cT", r, axis=ax))
    d = pitches(axis_melody("C major", "dT", r, axis=ax))
    assert a == [67, 69, 71, 72]          # rises away from the axis
    assert b == [74, 72, 71, 69]          # falls back toward it (from above)
    assert c == [60, 62, 64, 65]          # rises back toward it from below
    assert d == [67, 65, 64, 62]          # falls away below it
    # b, c, d are the geometric positions of a (in scale steps)
    sc = key_scale("C major")
    steps = [sc.index_of(p) - sc.index_of(ax) for p in a]
    assert [sc.index_of(p) - sc.index_of(ax) for p in d] == [-s for s in steps]


def test_time_coefficients_and_rhythm() -> None:
    notes = axis_melody("C major", "a2T + bT", rhythm=(2, 1, 1), unit=240)
    assert sum(n.duration for n in notes) == 3 * 4 * 240
    assert [n.duration for n in notes][:3] == [480, 240, 240]
    # notes are contiguous and start at 0
    assert notes[0].start == 0
    assert all(a.end == b.start for a, b in itertools.pairwise(notes))
    # a pitch coefficient makes the trajectory steeper
    steep = axis_melody("C major", "2aT", rhythm=(1, 1, 1), axis=60)
    assert pitches(steep) == [60, 64, 67]


def test_primary_axis_of_an_axis_melody() -> None:
    notes = axis_melody("D dorian", "0T + aT + bT + 0T", rhythm=(1, 1, 1), axis="A4")
    assert primary_axis(notes) == 69
    assert primary_axis([(60, 0, 4), (62, 4, 1), (64, 5, 1)]) == 60


def test_primary_axis_reads_names_and_checks_triples() -> None:
    assert primary_axis([("C4", 0, 1), ("E4", 1, 4)]) == 64
    with pytest.raises(TypeError, match="duration"):
        primary_axis([(60, 0, 1.5)])
    with pytest.raises(ValueError, match="start"):
        primary_axis([(60, -1, 1)])
    with pytest.raises(ValueError, match="pitch"):
        primary_axis([("H4", 0, 1)])


def test_secondary_axes_read_back() -> None:
    notes = axis_melody("C major", "aT + bT + cT + dT", rhythm=(1, 1, 1), axis=60)
    assert secondary_axes(notes, axis=60) == ("a", "b", "c", "d")


@pytest.mark.parametrize("call, word", [
    (lambda: parse_terms("e2T"), "terms"),
    (lambda: parse_terms(""), "terms"),
    (lambda: axis_melody("C major", "aT", rhythm=()), "rhythm"),
    (lambda: axis_melody("C major", "aT", rhythm=(0,)), "rhythm"),
    (lambda: axis_melody("X major", "aT"), "scale"),
    (lambda: axis_melody("C major", "30aT", rhythm=(1,) * 30, axis=120), "range"),
    (lambda: axis_melody("C major", "aT", unit=0), "unit"),
    (lambda: primary_axis([]), "notes"),
])
def test_bad_input(call, word) -> None:
    with pytest.raises(ValueError, match=word):
        call()


@given(st.lists(st.sampled_from(["0", "a", "b", "c", "d"]), min_size=1, max_size=5),
       st.lists(st.integers(1, 4), min_size=1, max_size=4), st.integers(0, 2))
def test_axis_melodies_stay_in_the_scale_and_fill_the_time(axes, rhythm, pc) -> None:
    terms = " + ".join(f"{pc}{ax}T" for ax in axes)
    sc = key_scale("E minor")
    notes = axis_melody(sc, terms, rhythm=tuple(rhythm), axis=64)
    assert all(sc.contains(n.pitch) for n in notes)
    assert sum(n.duration for n in notes) == len(axes) * sum(rhythm) * 240
    if pc == 0:
        assert {n.pitch for n in notes} == {64}
