"""Issue 14: the blues (12-bar choruses) and the shuffle feel, from generate_composition,
quick_compose, accompany and the CLI."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from schillinger_kernel import read_midi
from schillinger_kernel.compose import (
    COMPOSE_STYLES,
    accompany,
    generate_composition,
    quick_compose,
)
from schillinger_kernel.compose.blues import (
    BLUE_NOTES,
    blue_line,
    blue_report,
    blues_chorus,
    blues_form,
    blues_scale,
)
from schillinger_kernel.compose.parts import Plan
from schillinger_kernel.compose.rules import final_cadence, melody_on_top, section_cadences
from schillinger_kernel.errors import ParameterError
from schillinger_kernel.pitch import parse_key
from schillinger_kernel.rhythm import Rhythm
from schillinger_kernel.score import Note

EXE = Path(sys.executable).with_name("schillinger")
HAT, SNARE = 42, 38


def _roots(score, key_tonic: int) -> list[int]:
    """Each bar's chord root in semitones above the tonic, read from the bass's downbeats."""
    bass = next(p for p in score.parts if p.name == "Bass")
    return [(min(n.pitch for n in bass.notes if n.start == t) - key_tonic) % 12
            for t in range(0, score.end, score.bar_ticks)]


def test_the_12_bar_form() -> None:
    plain = [c.root for c in blues_chorus("C major", 0.0, final=False)]
    assert plain == [0, 0, 0, 0, 5, 5, 0, 0, 7, 5, 0, 7]  # I I I I IV IV I I V IV I V
    final = [c.root for c in blues_chorus("C major", 0.0, final=True)]
    assert final[-3:] == [5, 7, 0]  # IV7 V7 I7
    minor = blues_chorus("A minor", 0.0, final=False)
    assert [(c.root - 9) % 12 for c in minor] == [0, 0, 0, 0, 5, 5, 0, 0, 8, 7, 0, 7]
    assert (minor[0].functions[3] - minor[0].root) % 12 == 3  # i7 is minor
    assert all(7 in c.functions for c in blues_chorus("E major", 0.7, final=True))  # sevenths
    assert [(s.label, s.bars) for s in blues_form(Rhythm((2, 1, 1, 2)), 38)] == [
        ("A", 12), ("A'", 12), ("A''", 12), ("Coda", 2)]
    with pytest.raises(ParameterError, match=r"choruses of 12 bars.*got 8"):
        generate_composition("Short", 100, "F major", 8, "blues", seed=1)


@pytest.mark.parametrize(("key", "meter", "seed"), [
    ("F major", "4/4", 1), ("Bb major", "4/4", 2), ("G minor", "4/4", 3), ("E major", "12/8", 4),
    ("C minor", "3/4", 5), ("A major", "6/8", 6)])
def test_a_blues_is_a_shuffle_in_12_bar_choruses(key, meter, seed) -> None:
    s = generate_composition("Blues", 96, key, 24, "blues", 0.2, seed=seed, meter=meter)
    assert [p.name for p in s.parts] == ["Tenor Sax", "Piano", "Bass", "Drums"]
    assert s.metadata["feel"] == "shuffle"
    assert [(x["label"], x["bars"], x["cadence"]) for x in s.metadata["form"]] == [
        ("A", 12, "half"), ("A'", 12, "authentic")]
    tonic = {"F": 5, "Bb": 10, "G": 7, "E": 4, "C": 0, "A": 9}[key.split()[0]]
    roots = _roots(s, tonic)
    minor = "minor" in key
    assert roots[:12] == ([0, 0, 0, 0, 5, 5, 0, 0, 8, 7, 0, 7] if minor else
                          [0, 0, 0, 0, 5, 5, 0, 0, 7, 5, 0, 7])
    assert roots[-3:] == [5, 7, 0]
    assert final_cadence(s, "blues")["ok"]
    assert all(r["ok"] for r in section_cadences(s, "blues"))
    assert melody_on_top(s) >= 0.95


def test_the_shuffle_feel_in_the_notes() -> None:
    s = generate_composition("Shuffle", 110, "F major", 12, "blues", 0.5, seed=7)
    drums = next(p for p in s.parts if p.is_drums)
    hats = [n for n in drums.notes if n.pitch == HAT]
    # the hat's eighths fall on the beat and on its last triplet third, never on the half
    assert {n.start % 480 for n in hats} == {0, 320}
    on = [n.velocity for n in hats if n.start % 480 == 0]
    off = [n.velocity for n in hats if n.start % 480 == 320]
    assert sum(on) / len(on) > sum(off) / len(off) + 15  # leaning on the beat
    assert {n.start % 1920 for n in drums.notes if n.pitch == SNARE and n.velocity >= 90} == {
        480, 1440}  # backbeat
    bass = next(p for p in s.parts if p.name == "Bass")
    pairs = [(a, b) for a, b in itertools.pairwise(bass.notes) if a.start % 480 == 0
             and b.start == a.start + 320]
    assert len(pairs) >= 0.9 * len(bass.notes) / 2  # long-short eighth pairs, all through
    assert all(a.duration == 320 and b.duration == 160 and b.velocity < a.velocity
               for a, b in pairs)
    # the boogie figure: R 3 5 6 on the first four beats of the F7 bar
    assert [n.pitch % 12 for n in bass.notes[:8:2]] == [5, 9, 0, 2]


def test_shuffle_style_is_the_band_with_the_shuffle_feel() -> None:
    s = generate_composition("Shuffle", 120, "D major", 16, "shuffle", 0.5, seed=3)
    assert [p.name for p in s.parts] == ["Lead", "Keys", "Bass", "Drums"]
    assert s.metadata["feel"] == "shuffle"
    assert final_cadence(s, "shuffle")["ok"] and final_cadence(s, "shuffle")["approach"] == 5
    keys = next(p for p in s.parts if p.name == "Keys")
    assert not any(n.start % 480 == 240 for n in keys.notes)  # no straight off-eighths
    assert any(n.start % 480 == 320 for n in keys.notes)
    straight = generate_composition("Pop", 120, "D major", 16, "pop", 0.5, seed=3)
    assert straight.metadata["feel"] == "straight"


def test_blues_and_shuffle_from_every_entry_point(tmp_path: Path) -> None:
    assert {"blues", "shuffle"} <= set(COMPOSE_STYLES)
    q = quick_compose(["r3÷2", "3:1"], duration=12, style="blues", ensemble="blues band",
                      key="G major", seed=2)
    assert q.metadata["feel"] == "shuffle" and [x["bars"] for x in q.metadata["form"]] == [12]
    a = accompany(["C7", "F7", "C7", "G7"], bpm=100, key="C", style="shuffle", seed=1)
    assert a.metadata["feel"] == "shuffle"
    mid = tmp_path / "blues.mid"
    out = subprocess.run([str(EXE), "compose", str(mid), "--style", "blues", "--bars", "14",
                          "--key", "Bb major", "--seed", "4"], capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    back = read_midi(mid)
    assert back.bars == 14 and len(back.parts) == 4
    bad = subprocess.run([str(EXE), "compose", str(tmp_path / "x.mid"), "--style", "blues",
                          "--bars", "8"], capture_output=True, text=True, timeout=180)
    assert bad.returncode != 0 and "12 bars" in bad.stderr


# Keys, complexity and seeds the melody rules are held to: major and minor, plain changes
# and the ones with passing chords, 4/4 and 3/4.
MELODY_CASES = [("F major", 0.2, 1, "4/4"), ("Bb major", 0.8, 2, "4/4"),
                ("E major", 0.5, 3, "4/4"), ("G minor", 0.2, 4, "4/4"),
                ("C minor", 0.8, 5, "4/4"), ("A major", 0.8, 6, "3/4")]


def _sounding(score, note) -> list[set[int]]:
    chords = sorted((c["tick"], set(c["pitch_classes"])) for c in score.metadata["chords"])
    return [pcs for k, (t, pcs) in enumerate(chords)
            if t < note.end and (k + 1 == len(chords) or chords[k + 1][0] > note.start)]


def test_the_blues_scale() -> None:
    assert blues_scale("C major").pitch_classes == (0, 3, 4, 5, 6, 7, 10)
    assert blues_scale("A minor").pitch_classes == (9, 0, 2, 3, 4, 7)
    assert {(p - 5) % 12 for p in blues_scale("F major").pitch_classes} >= BLUE_NOTES


@pytest.mark.parametrize(("key", "cx", "seed", "meter"), MELODY_CASES)
def test_the_blues_melody_sings_blue_notes_against_the_chords(key, cx, seed, meter) -> None:
    s = generate_composition("Blues", 96, key, 24, "blues", cx, seed=seed, meter=meter)
    tonic = parse_key(key)[0]
    report = blue_report(s)
    assert report["clashes"] == 0
    if "minor" not in key:  # (b3 and b7 are the minor key's own tones)
        # the major scale gave these cases 0.03 to 0.12
        assert report["blue"] >= 0.14, report
    melody = sorted(s.parts[0].notes)
    for n in melody:
        for pcs in _sounding(s, n):
            # never a minor ninth over a chord tone: no natural 7 over a dominant seventh
            assert n.pitch % 12 in pcs or (n.pitch - 1) % 12 not in pcs, (n, pcs)
    if "minor" not in key:
        # the b3 over chords with the major third is a bend: the 3 comes straight after
        # (a b3 held on into IV7 is that chord's seventh and stays)
        third = (tonic + 4) % 12
        blue3 = [(a, b) for a, b in itertools.pairwise(melody) if (a.pitch - tonic) % 12 == 3
                 and all(third in pcs for pcs in _sounding(s, a))]
        assert all(b.pitch == a.pitch + 1 for a, b in blue3), blue3
        assert report["bends"] >= 1


def test_blue_notes_over_many_seeds() -> None:
    """The melody over 16 pieces: a quarter of its notes blue, none clashing."""
    total = blue = clashes = bends = 0
    for seed in range(16):
        key = ("F major", "Bb major", "G minor", "E major")[seed % 4]
        r = blue_report(generate_composition("B", 96, key, 12, "blues", 0.2 + 0.2 * (seed % 4),
                                             seed=seed))
        total += r["notes"]
        blue += round(r["blue"] * r["notes"])
        clashes += r["clashes"]
        bends += r["bends"]
    assert clashes == 0
    assert blue / total >= 0.22
    assert bends >= 16


def test_blue_line_moves_clashes_and_bends_blue_notes() -> None:
    from schillinger_kernel.harmony import voice
    from schillinger_kernel.scales import key_scale

    plan = Plan(voice(blues_chorus("C major", 0.0, final=False), "C major"),
                key_scale("C major"), 1920, 240, 1920, 12)
    line = [Note(0, 480, 63), Note(480, 480, 63), Note(960, 480, 71), Note(1440, 240, 66),
            Note(1680, 240, 67), Note(7680, 480, 64), Note(7680 + 480, 480, 66)]
    out = [(n.start, n.duration, n.pitch) for n in blue_line(line, plan, "C major")]
    assert out == [
        (0, 120, 63), (120, 360, 64),  # Eb over C7 bends up to E
        (480, 480, 64),  # and a repeated Eb stays bent
        (960, 480, 70),  # B (a natural 7 over C7) becomes the chord's Bb
        (1440, 240, 66), (1680, 240, 67),  # Gb going to G is already its own bend
        (7680, 480, 63),  # E over F7 (its major 7) becomes Eb, F7's b7
        (8160, 480, 65)]  # Gb over F7 (its b9) becomes F
