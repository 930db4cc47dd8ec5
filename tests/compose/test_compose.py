"""Composition pipeline: generate_composition, quick_compose, accompany, compose."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import schillinger_kernel as sk
from schillinger_kernel.compose import (
    ENSEMBLES,
    accompany,
    compose,
    generate_composition,
    quick_compose,
    theme_rhythm,
)
from schillinger_kernel.harmony import STYLES, generate_progression, parse_chord_symbol
from schillinger_kernel.instruments import program_for
from schillinger_kernel.rhythm import Rhythm, distribute, interference

# Playable ranges (sounding MIDI pitches) generous enough for every instrument we use.
PLAYABLE = {"violin": (55, 103), "viola": (48, 91), "cello": (36, 76), "acoustic bass": (28, 67),
            "electric bass (finger)": (28, 67), "tenor sax": (44, 76), "piano": (21, 108),
            "lead 1 (square)": (36, 96), "electric piano 1": (28, 103), "flute": (60, 96),
            "vibraphone": (53, 89), "pad 2 (warm)": (36, 96)}
PROGRAM_NAMES = {program_for(n): n for n in PLAYABLE}


@pytest.mark.parametrize("style", STYLES)
def test_generate_composition_each_style(style) -> None:
    s = generate_composition("Piece", 108, "E minor", 12, style, 0.5, seed=9)
    assert s.title == "Piece" and s.tempo == 108 and s.key == "E minor"
    assert s.end == 12 * s.bar_ticks
    assert all(p.notes for p in s.parts)
    assert s == generate_composition("Piece", 108, "E minor", 12, style, 0.5, seed=9)
    assert s != generate_composition("Piece", 108, "E minor", 12, style, 0.5, seed=10)
    for p in s.parts:
        if p.is_drums:
            continue
        lo, hi = PLAYABLE[PROGRAM_NAMES[p.program]]
        assert lo <= min(n.pitch for n in p.notes) and max(n.pitch for n in p.notes) <= hi, p.name


@pytest.mark.parametrize("ensemble", list(ENSEMBLES))
def test_quick_compose_ensembles(ensemble) -> None:
    s = quick_compose([(3, 2), (4, 3)], duration=8, ensemble=ensemble, key="Bb major", seed=1)
    assert [p.name for p in s.parts] == [r[0] for r in ENSEMBLES[ensemble]]
    assert [p.program for p in s.parts if not p.is_drums] == [
        program_for(r[1]) for r in ENSEMBLES[ensemble] if r[1] != "drums"]
    assert len({p.channel for p in s.parts}) == len(s.parts)  # own MIDI channel each
    assert any(p.is_drums for p in s.parts) == (ensemble in ("jazz combo", "band", "blues band"))


def test_melody_follows_the_theme_rhythm() -> None:
    s = quick_compose([(3, 2)], duration=4, ensemble="piano", seed=3)
    mel = s.parts[0]
    onsets = [n.start // 240 for n in mel.notes][:8]
    attacks = [a + 6 * k for k in range(3) for a in interference(3, 2).attacks]
    assert onsets == attacks[:8]  # r3÷2 in eighths, carried across the bar lines
    assert quick_compose(["2+1+1"], duration=2, seed=1).parts[0].notes[1].start == 480


def _chord_roots(symbols):
    return [parse_chord_symbol(c)[0] for c in symbols]


def test_accompany_bass_on_roots_drums_on_a_groove_keys_voice_led() -> None:
    chords = ["C", "Am", "F", "G7", "Em", "Dm7", "G", "C"]
    s = accompany(chords, bpm=100, key="C", tracks=["bass", "drums", "keys"], seed=4)
    bass, kit, keys = s.parts
    bar = s.bar_ticks
    roots = _chord_roots(chords)
    # bass on the root at every chord change
    for i, r in enumerate(roots):
        first = min((n for n in bass.notes if n.start == i * bar), key=lambda n: n.pitch)
        assert first.pitch % 12 == r
    # keys: every chord's tones, voice-led (small motion between chords)
    voicings = [sorted(n.pitch for n in keys.notes if n.start == i * bar) for i in range(8)]
    for i, v in enumerate(voicings):
        tones = set(parse_chord_symbol(chords[i])[1].values())
        assert {p % 12 for p in v} <= tones
    for a, b in itertools.pairwise(voicings):
        assert sum(abs(x - y) for x, y in zip(a, b, strict=True)) <= 12
    # drums: kick on every downbeat, hats on every eighth, backbeat snare
    assert kit.is_drums
    kicks = {n.start for n in kit.notes if n.pitch == 36}
    hats = {n.start for n in kit.notes if n.pitch == 42}
    snares = {n.start for n in kit.notes if n.pitch == 38 and n.velocity >= 75}  # not ghosts
    assert set(range(0, 8 * bar, bar)) <= kicks
    assert hats == set(range(0, 8 * bar, 240))
    assert snares == {b + o for b in range(0, 8 * bar, bar) for o in (480, 1440)}
    # the groove: accents on the resultant's attacks, kicks from its distribution
    # (the dynamics move whole bars and phrases: an accent is louder than its bar's middle)
    hats_by_bar = {b: [n for n in kit.notes if n.pitch == 42 and n.start // bar == b]
                   for b in range(8)}
    accents = {n.start // 240 for hs in hats_by_bar.values() for n in hs
               if n.velocity > (max(h.velocity for h in hs) + min(h.velocity for h in hs)) / 2}
    r = interference(3, 2)
    assert accents == {a + 6 * k for k in range(11) for a in r.attacks if a + 6 * k < 64}
    dealt_kick = distribute(r, ("kick", "snare"))["kick"]
    first_kicks = [a * 240 for a in dealt_kick.attacks]
    assert set(first_kicks) - {480, 1440} <= kicks


def test_accompany_tracks_and_jazz() -> None:
    s = accompany(["Dm7", "G7", "Cmaj7", "Cmaj7"], bpm=140, key="C", style="jazz",
                  tracks=["bass", "drums", "pad", "arpeggio", "melody"], repeat=2, seed=1)
    assert [p.name for p in s.parts] == ["Bass", "Drums", "Pad", "Arpeggio", "Melody"]
    assert s.end == 8 * s.bar_ticks
    rides = [n for n in s.parts[1].notes if n.pitch == 51]
    assert rides


def test_compose_with_a_progression() -> None:
    prog = generate_progression("G major", 8, 0.6, "jazz", seed=2)
    s = compose(prog, [(5, 3)], ensemble="jazz combo", seed=2)
    bass = s.parts[2]
    for i, c in enumerate(prog):
        assert [n.pitch % 12 for n in bass.notes if n.start == i * s.bar_ticks] == [c.root]


def test_theme_parsing() -> None:
    assert theme_rhythm("4:3")[1] == (4, 3)
    assert theme_rhythm((2, 3))[1] == (3, 2)
    assert theme_rhythm(interference(5, 2))[1] == (5, 2)
    assert theme_rhythm("3+1+2+2+1+3") == (Rhythm((3, 1, 2, 2, 1, 3)), None)


def test_exports(tmp_path: Path) -> None:
    s = generate_composition("Export", 96, "A minor", 8, "pop", 0.4, seed=5)
    mid = s.to_midi(tmp_path / "piece.mid")
    back = sk.read_midi(mid)
    assert [sorted(p.notes) for p in back.parts] == [sorted(p.notes) for p in s.parts]
    xml = s.to_musicxml(tmp_path / "piece.musicxml")
    again = sk.read_musicxml(xml)
    for a, b in zip(s.parts, again.parts, strict=True):
        # drum hits are written to the end of their beat (no rest confetti): onsets count
        length = (lambda n: 0) if a.is_drums else (lambda n: n.duration)
        assert sorted((n.start, length(n), n.pitch) for n in a.notes) == sorted(
            (n.start, length(n), n.pitch) for n in b.notes)


@pytest.mark.parametrize("call, word", [
    (lambda: generate_composition(key="H major"), "key"),
    (lambda: generate_composition(style="baroque"), "style"),
    (lambda: generate_composition(duration=0), "duration"),
    (lambda: generate_composition(tempo=0), "tempo"),
    (lambda: generate_composition(complexity=1.5), "complexity"),
    (lambda: generate_composition(seed="x"), "seed"),
    (lambda: generate_composition(ensemble="kazoo choir"), "ensemble"),
    (lambda: quick_compose([]), "themes"),
    (lambda: quick_compose(["abc"]), "themes"),
    (lambda: quick_compose([(3, 0, 1)]), "themes"),
    (lambda: accompany([]), "chords"),
    (lambda: accompany(["C", "Xm"]), "chords"),
    (lambda: accompany(["C"], tracks=["theremin"]), "tracks"),
    (lambda: accompany(["C"], repeat=0), "repeat"),
])
def test_bad_input(call, word) -> None:
    with pytest.raises((ValueError, TypeError), match=word):
        call()


def test_top_level_names() -> None:
    assert sk.generate_composition is generate_composition
    assert sk.quick_compose is quick_compose and sk.accompany is accompany
