"""Issue 14 rules, measured on the Score over a fixed set of seeds (styles x major/minor x
meters): cadences, the melody on top, resultants through chord changes, meters, walking bass."""

from __future__ import annotations

import itertools

import pytest

from schillinger_kernel.compose import METERS, accompany, generate_composition, quick_compose
from schillinger_kernel.compose.rules import (
    bass_part,
    bass_steps,
    cadence_approach,
    final_cadence,
    melody_on_top,
    melody_part,
)
from schillinger_kernel.errors import ParameterError
from schillinger_kernel.harmony import STYLES
from schillinger_kernel.instruments import program_for
from schillinger_kernel.pitch import parse_key
from schillinger_kernel.rhythm import interference

KEYS = ("D major", "G minor")
SOME_METERS = ("4/4", "3/4", "6/8", "7/8")
CASES = [(style, key, meter, 10 * i + j)
         for i, style in enumerate(STYLES)
         for j, (key, meter) in enumerate(itertools.product(KEYS, SOME_METERS))]
PLAYABLE = {"violin": (55, 103), "viola": (48, 91), "cello": (36, 76), "acoustic bass": (28, 67),
            "electric bass (finger)": (28, 67), "tenor sax": (44, 76), "piano": (21, 108),
            "lead 1 (square)": (36, 96), "electric piano 1": (28, 103)}
PROGRAM_NAMES = {program_for(n): n for n in PLAYABLE}
_cache: dict[tuple[str, str, str, int], object] = {}


def piece(style: str, key: str, meter: str, seed: int):
    k = (style, key, meter, seed)
    if k not in _cache:
        _cache[k] = generate_composition("Rules", 112, key, 8, style, 0.5, seed=seed, meter=meter)
    return _cache[k]


@pytest.mark.parametrize("style, key, meter, seed", CASES)
def test_every_piece_ends_on_its_styles_cadence(style, key, meter, seed) -> None:
    s = piece(style, key, meter, seed)
    tonic = parse_key(key)[0]
    c = final_cadence(s, style)
    assert c["ok"], c
    last = s.end - s.bar_ticks
    for p in s.parts:
        if p.is_drums:
            continue
        final = [n for n in p.notes if n.start + n.duration >= s.end]
        assert final and all(n.start == last for n in final), p.name  # on the last downbeat, held
    bass = min((n for p in s.parts if not p.is_drums for n in p.notes if n.start == last),
               key=lambda n: n.pitch)
    assert bass.pitch % 12 == tonic  # root position, tonic in the bass
    mel = max(melody_part(s).notes, key=lambda n: n.start)
    assert mel.start == last and mel.pitch % 12 == tonic
    assert c["approach"] in cadence_approach(style, key)


def test_closing_formulas() -> None:
    assert cadence_approach("classical", "C major") == (7,)   # V - I
    assert cadence_approach("pop", "C major") == (5,)         # IV - I (plagal)
    assert cadence_approach("modal", "A minor") == (10,)      # bVII - i (aeolian)
    assert cadence_approach("modal", "E phrygian") == (1,)    # bII - i
    s = piece("classical", "G minor", "4/4", 14)
    pen = [n for p in s.parts if not p.is_drums for n in p.notes
           if n.start <= s.end - 2 * s.bar_ticks < n.start + n.duration]
    assert (2 + 4) % 12 in {n.pitch % 12 for n in pen}  # F# in D7: the leading tone raised


@pytest.mark.parametrize("style, key, meter, seed", CASES)
def test_melody_on_top_and_parts_in_range(style, key, meter, seed) -> None:
    s = piece(style, key, meter, seed)
    assert melody_on_top(s) >= 0.95
    for p in s.parts:
        if p.is_drums:
            continue
        lo, hi = PLAYABLE[PROGRAM_NAMES[p.program]]
        assert lo <= min(n.pitch for n in p.notes) and max(n.pitch for n in p.notes) <= hi, p.name


def test_melody_on_top_over_the_issues_seeds() -> None:
    for seed in (1, 4, 9):
        s = generate_composition("Jazz", 140, "F major", 16, "jazz", 0.5, seed=seed)
        assert melody_on_top(s) >= 0.95
    for key, seed in itertools.product(("D major", "D minor", "G major", "G minor"), range(1, 4)):
        s = generate_composition("Quartet", 100, key, 16, "classical", 0.5, seed=seed)
        assert melody_on_top(s) >= 0.95


def test_accompaniment_runs_the_resultant_through_the_chord_changes() -> None:
    s = accompany(["Dm7", "G7", "Cmaj7", "A7"], bpm=100, key="C", tracks=["keys", "arpeggio"],
                  generators=(5, 3), seed=1)
    keys = s.parts[0]
    onsets = {n.start // 240 for n in keys.notes}
    r = interference(5, 3)  # 3+2+1+3+1+2+3, period 15 eighths
    heard = {a + 15 * k for k in range(3) for a in r.attacks if a + 15 * k < 32}
    assert heard <= onsets  # every attack of r5÷3 sounds, across bar lines and chords
    assert onsets - heard <= {8, 16, 24}  # besides them only re-voicings at chord changes
    # a chord held over a change is re-voiced there: never a stale chord tone
    for n in keys.notes:
        assert n.start // 1920 == (n.start + n.duration - 1) // 1920


@pytest.mark.parametrize("meter", list(METERS))
def test_meters(meter) -> None:
    num, den = (int(x) for x in meter.split("/"))
    s = quick_compose([(3, 2), (4, 3)], duration=4, style="pop", ensemble="band", seed=2,
                      meter=meter)
    ts = s.time_signatures[0]
    assert (ts.numerator, ts.denominator) == (num, den)
    assert s.end == 4 * s.bar_ticks == 4 * num * 1920 // den
    a = accompany(["C", "F"], key="C", tracks=["bass", "drums"], meter=meter, seed=1)
    assert a.bar_ticks == num * 1920 // den and a.end == 2 * a.bar_ticks
    beats = [b * 240 for b in METERS[meter]]
    starts = set(itertools.accumulate([0, *beats[:-1]]))
    # the backbeat snare falls on the meter's beats (6/8: the second dotted quarter)
    snares = {n.start % a.bar_ticks for n in a.parts[1].notes if n.pitch == 38 and
              n.velocity >= 90}
    assert snares <= starts
    g = generate_composition("M", 120, "A minor", 4, "jazz", seed=3, meter=meter)
    walk = [n.start % g.bar_ticks for n in bass_part(g).notes if n.start < g.end - g.bar_ticks]
    assert set(walk) == starts  # one bass note a beat


@pytest.mark.parametrize("bad", ["11/8", "4/3", (4, 5), 4, "six-eight"])
def test_bad_meter(bad) -> None:
    for call in (lambda: generate_composition(meter=bad),
                 lambda: quick_compose([(3, 2)], meter=bad),
                 lambda: accompany(["C"], meter=bad)):
        with pytest.raises(ParameterError, match=r"meter must be one of 2/4, 3/4, 4/4"):
            call()


@pytest.mark.parametrize("key, meter", list(itertools.product(
    ("C major", "F# minor", "Bb major", "E minor"), SOME_METERS)))
def test_walking_bass_steps_within_an_octave_approaching_roots_by_step(key, meter) -> None:
    for seed in (1, 4, 9):
        s = generate_composition("Walk", 140, key, 16, "jazz", 0.7, seed=seed, meter=meter)
        st = bass_steps(bass_part(s), range(0, s.end, s.bar_ticks))
        assert st["max_step"] <= 12 and st["approach_share"] == 1.0


def test_deterministic_per_seed_with_meter() -> None:
    a = generate_composition("D", 100, "E minor", 8, "modal", seed=5, meter="7/8")
    assert a == generate_composition("D", 100, "E minor", 8, "modal", seed=5, meter="7/8")
    assert a != generate_composition("D", 100, "E minor", 8, "modal", seed=5, meter="9/8")
