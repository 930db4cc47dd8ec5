"""identify() on quantized parts: durations read from MIDI files written by an independent
writer (mido), real drum patterns among them, and the grouping technique (a bar of r a÷b)."""

from __future__ import annotations

import mido
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel import rhythm as R
from schillinger_kernel.io.midi import read_midi
from schillinger_kernel.rhythm.identify import durations_of
from schillinger_kernel.score import Note, Part, Score

E = 240  # an eighth at 480 PPQ


def write_drums(path, hits: dict[int, list[int]], bars: int, bar_ticks: int = 1920,
                time_signature: tuple[int, int] = (4, 4)) -> None:
    """A format-0 drum file (channel 10): ``hits`` maps a GM drum to its onsets in one bar."""
    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("time_signature", numerator=time_signature[0],
                                  denominator=time_signature[1], time=0))
    events = []
    for drum, onsets in hits.items():
        for b in range(bars):
            for t in onsets:
                events.append((b * bar_ticks + t, 1, mido.Message(
                    "note_on", channel=9, note=drum, velocity=100)))
                events.append((b * bar_ticks + t + 60, 0, mido.Message(
                    "note_off", channel=9, note=drum, velocity=0)))
    now = 0
    for t, _order, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=t - now))
        now = t
    mid.save(path)


def test_tresillo_kick_is_the_first_bar_of_r8_3(tmp_path) -> None:
    # the tresillo (3+3+2 eighths) under straight hats, two bars of 4/4
    path = tmp_path / "tresillo.mid"
    write_drums(path, {36: [0, 3 * E, 6 * E], 42: [k * E for k in range(8)]}, bars=2)
    part = read_midi(path).parts[0]
    assert durations_of(part, pitch=36) == (3, 3, 2)
    best = R.identify(durations_of(part, pitch=36))[0]
    assert (best.technique, best.generators, dict(best.options)) == \
        ("grouping", (8, 3), {"bar": 0, "by": 8})
    assert R.group(R.interference(8, 3), 8)[0] == (3, 3, 2)


def test_r4_3_on_a_conga_in_three_four(tmp_path) -> None:
    # r4÷3 in sixteenths fills a bar of 3/4: 3+1+2+2+1+3
    path = tmp_path / "conga.mid"
    onsets, t = [], 0
    for d in R.interference(4, 3):
        onsets.append(t * 120)
        t += d
    write_drums(path, {63: onsets}, bars=4, bar_ticks=1440, time_signature=(3, 4))
    score = read_midi(path)
    assert score.bar_ticks == 1440
    assert durations_of(score) == (3, 1, 2, 2, 1, 3)
    best = R.identify(score)[0]
    assert (best.technique, best.generators, best.rotation) == ("interference", (4, 3), 0)


def test_backbeat_heard_from_the_snare(tmp_path) -> None:
    # a rock beat: the kick on 1 and the "and" of 2 and 3 ... read as a loop from its first hit
    path = tmp_path / "rock.mid"
    write_drums(path, {36: [0, 3 * E, 4 * E], 38: [2 * E, 6 * E]}, bars=2)
    part = read_midi(path).parts[0]
    kick = durations_of(part, pitch=36)
    assert kick == (3, 1, 4)
    assert durations_of(part, pitch=38) == (1,)          # the snare alone: every half bar
    # the whole kit 2+1+1+2+2: r3÷2 with one more beat, one unit away from 2+1+1+2+1+1
    assert durations_of(part) == (2, 1, 1, 2, 2)
    assert R.identify(durations_of(part)) == ()


def test_son_clave_is_no_book_i_technique_exactly(tmp_path) -> None:
    path = tmp_path / "clave.mid"
    write_drums(path, {75: [0, 3 * 120, 6 * 120, 10 * 120, 12 * 120]}, bars=2)
    durs = durations_of(read_midi(path))
    assert durs == (3, 3, 4, 2, 4)
    assert R.identify(durs) == ()
    # two units off: a bar of r14÷3 grouped by 14, heard from its second duration
    near = R.identify(durs, tolerance=2)[0]
    assert (near.technique, near.generators, near.distance) == ("grouping", (14, 3), 2)


@pytest.mark.parametrize("name, gens", [("interference", (3, 2)), ("interference", (5, 3)),
                                        ("fractioning", (4, 3)), ("balance", (3, 2)),
                                        ("expansion", (4, 3))])
def test_round_trip_through_a_midi_file(tmp_path, name, gens) -> None:
    r = R.technique(name, gens)
    path = r.to_score(unit=120, repeat=3).to_midi(tmp_path / "r.mid")
    durs = durations_of(read_midi(path), period=3 * r.period * 120)
    assert durs == r.durations
    best = R.identify(durs)[0]
    assert (best.technique, best.generators) == (name, gens)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(R.canonical_pairs()), st.integers(1, 4), st.integers(0, 20))
def test_durations_of_reads_back_any_loop(pair, repeat, lead_in) -> None:
    r = R.interference(*pair)
    notes, t = [], lead_in * 60
    for _ in range(repeat):
        for d in r:
            notes.append(Note(t, 60, 38))
            t += d * 60
    part = Part("drums", tuple(notes), channel=9)
    got = durations_of(part, period=repeat * r.period * 60)
    # a loop heard from its first attack: the lead-in does not change it, repeats fold
    assert got == r.durations
    best = R.identify(got)[0]
    assert (best.technique, best.generators, best.rotation) == ("interference", pair, 0)


def test_durations_of_bad_input() -> None:
    part = Part("p", (Note(0, 60, 36), Note(480, 60, 36)))
    with pytest.raises(ValueError, match="pitch 40"):
        durations_of(part, pitch=40)
    with pytest.raises(ValueError, match="period"):
        durations_of(part, period=240)
    with pytest.raises(TypeError):
        durations_of([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no notes"):
        durations_of(Score(parts=(Part("empty"),)))
