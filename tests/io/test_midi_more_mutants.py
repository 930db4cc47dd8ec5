"""Tempo as MIDI stores it, whole microseconds per quarter note (Standard MIDI File 1.0, meta
event FF 51 03 tttttt), read back as the nearest 1/1000 BPM of mido's own conversion, and
written as mido's conversion of the score's BPM at any resolution.

Written against the 42 mutants that survived ``make mutate`` on ``io/midi.py`` (see
``bench/mutation.py``). ``x_read_midi__mutmut_54`` (``round(bpm, 6)`` to ``round(bpm, 7)``
before the snap to 1/1000 BPM) showed a real bug: rounding twice read 300274 us as
199.817 BPM where the nearest 1/1000 is 199.818 (1,392 of the tempos 20-400 BPM were off by
0.001); the reader now rounds once and the test below pins it. The other 41 change no event
a reader sees (38 of them not one byte); judged equivalent:

- ``time=`` removed from a message (``x__key_message__mutmut_33``, ``x__conductor__mutmut_9``,
  ``_20``, ``_40``, ``_56``, ``x__part_events__mutmut_11``, ``_26``, ``_57``, ``_103``,
  ``_119``, ``x__to_track__mutmut_9``, ``_30``): mido's default delta time is 0.
- ``time=0`` became ``time=1`` on a message that goes through ``_to_track``
  (``x__key_message__mutmut_38``, ``x__conductor__mutmut_27``, ``_44``, ``_59``,
  ``x__part_events__mutmut_14``, ``_45``, ``_79``, ``_107``, ``_122``): ``_to_track`` writes
  ``msg.copy(time=tick - now)``, which replaces the delta time.
- the conductor's first entry, its ``track_name`` (``x__conductor__mutmut_2``, ``_3``, ``_8``,
  ``_12``): ``write_midi`` drops ``conductor[0]`` in both formats and names the track from
  ``score.title`` itself; the entry is never written.
- ``zip(..., strict=True)`` became ``strict=None``/``False``/absent (``x__meta__mutmut_28``,
  ``_31``, ``_32``, ``x_write_midi__mutmut_59``, ``_62``, ``_63``, ``_83``, ``_86``, ``_87``):
  ``_assign_channels`` returns one channel per part, so the lengths always agree.
- sort keys within one tick (``x__conductor__mutmut_48``: time signature 0 to 1;
  ``x__part_events__mutmut_16``, ``_47``: pan or volume 1 to 2; ``_93``: note-off 0 to 1;
  ``_109``: note-on 2 to 3): note-offs still precede note-ons at a tick, and each part's
  program and controllers its own note-ons at tick 0 (the orders ``test_midi_mutants.py``
  reads back); ``_93`` and ``_109`` write the same bytes, the other three move a time
  signature past note-offs of its tick in a format 0 file, or pan past volume (past another
  part's note-on where more than 15 parts share a channel). Checked by writing a 3-part score
  with tempo and meter changes and a 17-part score, formats 0 and 1 at 96 and 480 PPQ: the
  same events at the same ticks (mido), the same ``read_midi`` score, and bit-identical WAVs
  from FluidSynth (FluidR3_GM) for the format 0 files.
- ``x__part_events__mutmut_70`` (``min(128, ...)``) and ``_78`` (``min(part.gain, 2.27)``):
  the inner clamp keeps the value at most 127 and the outer one clamps gains past 1.27 to
  127 again; either clamp alone gives the same byte.
"""

from __future__ import annotations

from pathlib import Path

import mido
import pytest

from schillinger_kernel.io.midi import read_midi, write_midi
from schillinger_kernel.score import Note, Part, Score, TempoChange


def _foreign(tmp_path: Path, tempos: list[tuple[int, int]]) -> Path:
    """A file made by mido alone: a quarter note and ``(tick, us per quarter)`` tempo events."""
    mid = mido.MidiFile(type=0, ticks_per_beat=480)
    msgs: list[mido.Message | mido.MetaMessage] = []
    now = 0
    for tick, us in tempos:
        msgs.append(mido.MetaMessage("set_tempo", tempo=us, time=tick - now))
        now = tick
    msgs += [mido.Message("note_on", note=60, velocity=80, time=0),
             mido.Message("note_off", note=60, velocity=0, time=480)]
    mid.tracks.append(mido.MidiTrack(msgs))
    path = tmp_path / "foreign.mid"
    mid.save(path)
    return path


def test_tempos_read_as_the_nearest_thousandth_of_a_bpm(tmp_path: Path) -> None:
    # 60e6 / 300274 = 199.81750002 BPM and 60e6 / 150097 = 399.74150050 BPM: both lie just
    # above a half thousandth, so the nearest 1/1000 BPM rounds up
    tempos = [(0, 300_274), (480, 150_097), (960, 500_000)]
    s = read_midi(_foreign(tmp_path, tempos))
    assert s.tempos == (TempoChange(0, 199.818), TempoChange(480, 399.742),
                        TempoChange(960, 120.0))
    assert [t.bpm for t in s.tempos] == [round(mido.tempo2bpm(us), 3) for _, us in tempos]


@pytest.mark.parametrize("ppq", [96, 480, 960])
def test_written_tempo_is_mido_microseconds_and_reads_back(tmp_path: Path, ppq: int) -> None:
    bpms = (199.818, 97.531, 60.0)
    s = Score(parts=(Part("A", tuple(Note(i * 480, 480, 60, 90) for i in range(6))),),
              tempos=tuple(TempoChange(i * 960, b) for i, b in enumerate(bpms)))
    path = write_midi(s, tmp_path / "t.mid", ppq=ppq)
    mid = mido.MidiFile(path)
    seen, tick = [], 0
    for msg in mid.tracks[0]:
        tick += msg.time
        if msg.type == "set_tempo":
            seen.append((tick, msg.tempo))
    # tick 960 at 480 PPQ is two quarters: 2 * ppq in the file
    assert seen == [(i * 2 * ppq, mido.bpm2tempo(b)) for i, b in enumerate(bpms)]
    # 60e6 / 199.818 = 300273.25 us; 60 BPM is one second a quarter
    assert seen[0][1] == 300_273 and seen[2][1] == 1_000_000
    assert read_midi(path).tempos == s.tempos
