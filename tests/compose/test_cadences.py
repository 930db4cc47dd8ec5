"""Issue 14: a cadence at the end of every section (half or full close by the section's role),
and a harmony that does not repeat a chord bar after bar. Rules on fixed seeds, measured
from the notes (rules.section_cadences)."""

from __future__ import annotations

import itertools

import pytest

from schillinger_kernel.compose import COMPOSE_STYLES, generate_composition, quick_compose
from schillinger_kernel.compose.cadences import (
    closing_chords,
    half_chords,
    section_roles,
    without_repeats,
)
from schillinger_kernel.compose.rules import bass_part, section_cadences
from schillinger_kernel.harmony import diatonic_spec
from schillinger_kernel.pitch import parse_key

KEYS = ("C major", "A minor", "F# major", "Eb minor")
METERS = ("4/4", "3/4", "6/8", "5/4")
CASES = [(style, key, meter, 17 * i + j)
         for i, style in enumerate(COMPOSE_STYLES)
         for j, (key, meter) in enumerate(zip(KEYS, METERS, strict=True))]


def _piece(style: str, key: str, meter: str, seed: int, cx: float = 0.5):
    bars = 28 if style == "blues" else 16
    return generate_composition("Cadences", 108, key, bars, style, cx, seed=seed, meter=meter)


@pytest.mark.parametrize(("style", "key", "meter", "seed"), CASES)
def test_every_section_ends_on_the_cadence_of_its_role(style, key, meter, seed) -> None:
    s = _piece(style, key, meter, seed)
    form = s.metadata["form"]
    assert len(form) >= 2
    rows = section_cadences(s, style)
    assert [r["label"] for r in rows] == [x["label"] for x in form]
    assert all(r["ok"] for r in rows), rows
    assert rows[-1]["cadence"] != "half"  # the piece closes
    tonic = parse_key(key)[0]
    bass = bass_part(s)
    assert bass is not None
    for sec in form:
        end = sec["start_tick"] + sec["bars"] * s.bar_ticks
        # the cadence's last chord is attacked by the bass on the section's last downbeat
        attack = [n for n in bass.notes if n.start == end - s.bar_ticks]
        assert attack, sec
        if sec["cadence"] != "half":
            assert min(n.pitch for n in attack) % 12 == tonic, sec


def test_sections_take_half_and_full_closes_in_turn() -> None:
    assert section_roles(["A", "A'", "B", "A''"]) == ["half", "close", "half", "final"]
    assert section_roles(["A", "B", "A'"]) == ["close", "half", "final"]
    assert section_roles(["A", "A'", "B", "B'", "A''"]) == ["half", "close", "close", "half",
                                                             "final"]
    s = generate_composition("Period", 100, "D major", 16, "classical", 0.5, seed=3)
    names = [x["cadence"] for x in s.metadata["form"]]
    assert names == ["half", "authentic", "authentic", "half", "authentic"]
    pop = generate_composition("Pop", 100, "D major", 16, "pop", 0.5, seed=3)
    assert {x["cadence"] for x in pop.metadata["form"]} <= {"half", "plagal"}
    assert pop.metadata["form"][-1]["cadence"] == "plagal"


@pytest.mark.parametrize(("key", "style", "roots"), [
    ("C major", "classical", [5, 7]),   # IV - V
    ("A minor", "classical", [2, 4]),   # iv - V (E major: the leading tone raised)
    ("F major", "jazz", [7, 0]),        # ii7 - V7
    ("D dorian", "modal", [7]),         # ends on IV, the mode's degree
    ("C major", "symmetric", [6]),      # a symmetric tonic, the tritone
])
def test_half_cadence_chords(key, style, roots) -> None:
    chords = half_chords(key, style, 0.5)
    assert [c.root for c in chords] == roots
    if style in ("classical", "jazz"):
        v = chords[-1]
        assert (v.functions[3] - v.root) % 12 == 4  # a major third: the leading tone
    assert closing_chords(key, style, 0.5)[-1].root == parse_key(key)[0]


def test_half_cadence_stands_on_the_dominant_in_minor() -> None:
    s = generate_composition("Minor", 96, "G minor", 16, "classical", 0.5, seed=11)
    for sec in s.metadata["form"]:
        if sec["cadence"] != "half":
            continue
        end = sec["start_tick"] + sec["bars"] * s.bar_ticks
        chord = next(c for c in s.metadata["chords"] if c["tick"] == end - s.bar_ticks)
        assert chord["symbol"].startswith("D") and 6 in chord["pitch_classes"]  # D major: F#


def _repeats(score) -> int:
    ch = score.metadata["chords"]
    return sum(a["pitch_classes"] == b["pitch_classes"] for a, b in itertools.pairwise(ch))


def test_no_chord_repeats_the_bar_before() -> None:
    changes = 0
    for (i, style), cx in itertools.product(enumerate(COMPOSE_STYLES), (0.0, 0.5, 1.0)):
        if style == "blues" and cx < 0.3:
            continue  # the plain 12-bar form holds I7 and IV7 (tests/compose/test_blues.py)
        for key, seed in zip(("C major", "E minor", "Bb major"), range(3), strict=True):
            s = _piece(style, key, METERS[seed], 31 * i + seed, cx)
            assert _repeats(s) == 0, (style, cx, [c["symbol"] for c in s.metadata["chords"]])
            changes += len(s.metadata["chords"]) - 1
            # the bass moves too: its note on consecutive downbeats is not always the same
            bass = bass_part(s)
            assert bass is not None
            downs = [min((n.pitch for n in bass.notes if n.start == t), default=None)
                     for t in range(0, s.end, s.bar_ticks)]
            assert sum(a == b for a, b in itertools.pairwise(downs)) < len(downs) // 3
    assert changes > 800


def test_without_repeats_keeps_the_cadence() -> None:
    specs = [diatonic_spec("C major", d, "S5") for d in (1, 4, 5, 1, 1, 2, 5, 5, 1)]
    kept = {2, 3, 7, 8}  # two cadences, V-I
    out = without_repeats(specs, "C major", kept.__contains__)
    assert [out[i].root for i in sorted(kept)] == [specs[i].root for i in sorted(kept)]
    assert all(a.root != b.root for a, b in itertools.pairwise(out))
    assert out[4].degree == 6  # I after I: a third below, vi


def test_quick_compose_sections_close_too() -> None:
    s = quick_compose(["r3÷2", "4:3"], duration=16, style="jazz", ensemble="jazz combo",
                      key="Bb major", seed=8, meter="3/4")
    rows = section_cadences(s, "jazz")
    assert len(rows) >= 3 and all(r["ok"] for r in rows), rows
    assert _repeats(s) == 0
