"""Issue 14, the composer's side: form from Schillinger's variation techniques, inner voices
that move, dynamics and swing, themes read one documented way. Rules on fixed seeds."""

from __future__ import annotations

import itertools

import pytest

from schillinger_kernel.compose import (
    THEME_FORMS,
    generate_composition,
    plan_form,
    quick_compose,
    theme_rhythm,
)
from schillinger_kernel.compose.dynamics import levels, swing_tick
from schillinger_kernel.compose.form import A_TECHNIQUES, coordinated_bars
from schillinger_kernel.compose.rules import (
    final_cadence,
    inner_voice_pitch_classes,
    inner_voice_rhythms,
    melody_on_top,
    melody_part,
)
from schillinger_kernel.errors import ParameterError
from schillinger_kernel.rhythm import Rhythm, fractioning, interference

QUARTETS = [(key, meter, seed) for (key, meter), seed in zip(
    itertools.product(("D major", "F# minor", "Bb major", "E minor"), ("4/4", "3/4", "6/8")),
    range(1, 100, 7), strict=False)]


def _sections(score):
    return score.metadata["form"]


# ----- form ---------------------------------------------------------------------------------
def test_form_plan_is_in_the_metadata_and_tiles_the_piece() -> None:
    for style, meter in itertools.product(("classical", "jazz", "pop", "modal"), ("4/4", "6/8")):
        s = generate_composition("Form", 100, "C minor", 16, style, 0.5, seed=3, meter=meter)
        form = _sections(s)
        assert form[0]["label"] == "A" and form[-1]["label"].startswith("A")
        assert any(x["label"].startswith("B") for x in form)
        starts = [x["start_tick"] for x in form]
        assert starts[0] == 0 and starts == sorted(starts)
        assert sum(x["bars"] for x in form) == 16
        assert all(b - a == x["bars"] * s.bar_ticks
                   for (a, b), x in zip(itertools.pairwise([*starts, s.end]), form,
                                        strict=True))
        assert all(x["technique"] in (*A_TECHNIQUES, "theme") for x in form
                   if x["label"].startswith("A"))
        assert {x["technique"] for x in form if x["label"].startswith("A'")} <= set(A_TECHNIQUES)


def test_a_retrograde_section_is_heard_backwards() -> None:
    s = quick_compose(["3+1+2+2"], duration=24, ensemble="piano", seed=4)
    form = s.metadata["form"]
    assert [x["technique"] for x in form] == [
        "theme", "retrograde inversion", "power", "power in retrograde", "expansion"]
    for x, heard in ((form[0], (3, 1, 2, 2)), (form[1], (2, 2, 1, 3))):
        t0 = x["start_tick"]
        mel = sorted(n for n in s.parts[0].notes
                     if t0 <= n.start < t0 + x["bars"] * s.bar_ticks)
        assert [n.duration // 240 for n in mel[:-1]] == list(heard * 4)[:len(mel) - 1]


def test_returns_are_variations_not_repetitions() -> None:
    s = generate_composition("Form", 100, "D major", 16, "classical", 0.5, seed=5)
    mel = melody_part(s)
    assert mel is not None
    phrases = []
    for x in _sections(s):
        t0, t1 = x["start_tick"], x["start_tick"] + x["bars"] * s.bar_ticks
        notes = [n for n in mel.notes if t0 <= n.start < t1]
        phrases.append(([n.pitch for n in notes], [n.start - t0 for n in notes]))
    assert len(phrases) == len({(tuple(p), tuple(o)) for p, o in phrases})


def test_section_rhythms_follow_their_technique() -> None:
    theme = interference(4, 3)
    form = plan_form(theme, (4, 3), 64, 8, seed=2)
    by = {x.technique: x for x in form}
    assert by["theme"].rhythm == theme.durations
    assert by["fractioning"].rhythm == fractioning(4, 3).durations
    assert by["retrograde"].rhythm == theme.durations[::-1]
    assert by["retrograde"].retrograde and not by["retrograde"].invert
    assert by["inversion"].invert and by["inversion"].rhythm == theme.durations
    assert by["retrograde inversion"].invert and by["retrograde inversion"].retrograde
    assert by["retrograde inversion"].rhythm == theme.durations[::-1]
    k = len(theme.durations) // 2
    assert by["circular permutation"].rhythm == theme.durations[k:] + theme.durations[:k]
    assert by["expansion"].expansion == 2
    assert by["power"].rhythm[:4] == (9, 3, 6, 6)  # (3+1+2+...)^2 multiplied out


@pytest.mark.parametrize("theme", [(3, 2), (5, 3), (8, 5), "3+1+2+2", "1+1+1+1+1+1+1+1+1+1"])
def test_sections_tile_any_length(theme) -> None:
    r, gens = theme_rhythm(theme)
    for bar_units, bars in itertools.product((3, 6, 7, 8, 10, 12), range(1, 41)):
        form = plan_form(r, gens, bars, bar_units, seed=bars)
        assert sum(x.bars for x in form) == bars and min(x.bars for x in form) >= 1
        assert form[-1].label.startswith("A")


def test_phrase_lengths_from_the_coordination_of_theme_and_bar() -> None:
    assert coordinated_bars(6, 8) == 3      # r3÷2 closes with the 4/4 bar after 3 bars
    assert coordinated_bars(6, 6) == 4      # every bar in 3/4: four of them
    assert coordinated_bars(12, 8) == 3     # r4÷3 in 4/4
    assert coordinated_bars(9, 8) == 4      # closing only after 9 bars: four-bar phrases
    form = plan_form(interference(3, 2), (3, 2), 16, 8, seed=0)
    assert [x.bars for x in form if x.label.startswith("A")] == [3] * sum(
        x.label.startswith("A") for x in form)


# ----- inner voices -------------------------------------------------------------------------
@pytest.mark.parametrize("key, meter, seed", QUARTETS)
def test_inner_voices_move_and_the_rules_still_hold(key, meter, seed) -> None:
    s = generate_composition("Quartet", 96, key, 16, "classical", 0.5, seed=seed, meter=meter)
    assert min(inner_voice_pitch_classes(s).values()) >= 5
    assert min(inner_voice_rhythms(s).values()) >= 2
    assert final_cadence(s, "classical")["ok"]
    assert melody_on_top(s) >= 0.95
    ranges = {"Violin II": (55, 88), "Viola": (48, 76)}
    for p in s.parts:
        if p.name in ranges:
            lo, hi = ranges[p.name]
            assert lo <= min(n.pitch for n in p.notes) and max(n.pitch for n in p.notes) <= hi


def test_the_issues_static_quartet_now_moves() -> None:
    s = generate_composition("Quartet", 100, "F# minor", 16, "classical", 1.0, seed=21)
    counts = inner_voice_pitch_classes(s)
    assert counts["Violin II"] >= 5 and counts["Viola"] >= 5


# ----- dynamics and feel --------------------------------------------------------------------
def test_velocities_follow_the_sections() -> None:
    s = generate_composition("Dyn", 100, "A minor", 16, "pop", 0.5, seed=4)
    form = _sections(s)
    offsets = levels([x["label"] for x in form])
    mel = melody_part(s)
    assert mel is not None
    means = []
    for x in form:
        t0, t1 = x["start_tick"], x["start_tick"] + x["bars"] * s.bar_ticks
        vs = [n.velocity for p in s.parts for n in p.notes if t0 <= n.start < t1]
        means.append(sum(vs) / len(vs))
    soft, loud = offsets.index(min(offsets)), offsets.index(max(offsets))
    assert means[loud] - means[soft] >= 15
    assert max(n.velocity for n in mel.notes) - min(n.velocity for n in mel.notes) >= 30


def test_jazz_swings_and_the_others_play_straight() -> None:
    jazz = generate_composition("Swing", 140, "F major", 8, "jazz", 0.5, seed=4)
    assert jazz.metadata["feel"] == "swing"
    ride = [n.start % 480 for p in jazz.parts if p.is_drums for n in p.notes]
    sax = [n.start % 480 for n in jazz.parts[0].notes]
    assert 240 not in sax and 320 in sax  # off-beat eighths delayed to the triplet
    assert 0 in ride
    pop = generate_composition("Straight", 140, "F major", 8, "pop", 0.5, seed=4)
    assert pop.metadata["feel"] == "straight"
    assert {n.start % 240 for p in pop.parts for n in p.notes} <= {0, 120}
    six = generate_composition("Six", 140, "F major", 8, "jazz", 0.5, seed=4, meter="6/8")
    assert swing_tick(240, (720, 720)) == 240  # compound beats are not swung
    assert all(n.start % 240 == 0 for n in six.parts[0].notes)


# ----- themes -------------------------------------------------------------------------------
def test_themes_in_the_books_notation() -> None:
    assert theme_rhythm("r3÷2") == theme_rhythm("3:2") == theme_rhythm((3, 2))
    assert theme_rhythm("3÷2") == (interference(3, 2), (3, 2))
    assert theme_rhythm("2:3:5") == (interference(5, 3, 2), (5, 3, 2))
    assert theme_rhythm((2, 3, 5))[1] == (5, 3, 2)  # ints are always generators
    assert theme_rhythm("2+1+1+2") == (Rhythm((2, 1, 1, 2)), None)
    assert theme_rhythm("2 + -1 + 1")[0].durations == (2, -1, 1)
    assert theme_rhythm(Rhythm((3, 1, 2)))[0].durations == (3, 1, 2)
    a = quick_compose(["r3÷2"], duration=8, seed=2)
    b = quick_compose([(3, 2)], duration=8, seed=2)
    assert a == b


@pytest.mark.parametrize("theme", [(2, 1, 1, 2), [3, 3], (3,), (7, 6, 5, 4, 3), "2:x", "3*2",
                                   "2+0+1", (65, 2), 3.5, None])
def test_a_theme_that_is_not_one_of_the_forms_is_refused(theme) -> None:
    with pytest.raises(ParameterError) as err:
        quick_compose([theme], duration=4, seed=1)
    assert "'2+1+1+2'" in str(err.value) and "r3÷2" in str(err.value)
    assert all(form.split(" such")[0] in str(err.value) for form in THEME_FORMS)


def test_a_form_must_last_as_long_as_the_progression() -> None:
    from schillinger_kernel.compose import Section, compose

    with pytest.raises(ParameterError, match="form"):
        compose(["C", "F", "G", "C"], ["r3÷2"], form=(Section("A", 3, "theme", (2, 1, 1, 2)),))
    s = compose(["C", "F", "G", "C"], ["r3÷2"], ensemble="piano", seed=1,
                form=(Section("A", 2, "theme", (2, 1, 1, 2)),
                      Section("A'", 2, "inversion", (2, 1, 1, 2))))
    assert [x["technique"] for x in s.metadata["form"]] == ["theme", "inversion"]


def test_a_backing_track_is_one_section() -> None:
    from schillinger_kernel.compose import accompany

    s = accompany(["C", "Am", "F", "G"], repeat=4, seed=3)
    assert [x["label"] for x in s.metadata["form"]] == ["A"]
    assert s.metadata["feel"] == "straight"
