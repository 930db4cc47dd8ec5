"""The placing schedule (issue #13, speed on the played piece): every note worked out once as
flat segments places exactly what placing note by note does.

On NumPy :func:`.schedule.schedule` turns each note into a few segments (one ``axpy`` per
group of layers up to its gate, one product with the release shape and one ``axpy`` per layer
after it, one per kept row, or one that places the note the old way); a time chunk runs the
segments that overlap it. These tests place the same notes with and without the schedule,
over chunks of several sizes, on material where no two notes are alike, and check what the
schedule leaves out (a release past the point where its shape is exactly zero).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from phrases import played_phrase

from schillinger_kernel.score import Note, Part, Score, TempoChange
from schillinger_kernel.synth import notes, notetable
from schillinger_kernel.synth.backend import get_backend
from schillinger_kernel.synth.notetable import NoteTable
from schillinger_kernel.synth.placing import add_notes
from schillinger_kernel.synth.timeline import BLOCK, plan


def nudged() -> Score:
    """Piano, violin and strings, every onset, length and velocity different, some notes
    repeated exactly (kept whole) and one string note longer than the others."""
    # the same piano note 4 times
    return played_phrase(30, 50, tuple(Note(8000 + i * 480, 300, 60, 90) for i in range(4)))


def placed(nt: NoteTable, total: int, chunk: int) -> np.ndarray:
    mono = np.zeros((nt.pans.shape[0], total), dtype=np.float32)
    for s0 in range(0, total, chunk):
        s1 = min(total, s0 + chunk)
        part = np.zeros((mono.shape[0], s1 - s0), dtype=np.float32)
        add_notes(get_backend("numpy"), nt, part, s0, s1)
        mono[:, s0:s1] = part
    return mono


@pytest.mark.parametrize("case", ["default", "nothing kept", "short curves"])
@pytest.mark.parametrize("sr", [8000, 44100, 48000])
def test_the_schedule_places_what_placing_note_by_note_does(
        monkeypatch: pytest.MonkeyPatch, case: str, sr: int) -> None:
    if case == "nothing kept":  # no held tables, no kept notes: every note placed whole
        monkeypatch.setattr(notes, "BANK_BYTES", 0)
    if case == "short curves":  # the long string note past the kept curves
        monkeypatch.setattr(notetable, "CURVE_SAMPLES", 20000)
    tl = plan([nudged()], sr)
    nt = notes.note_table(get_backend("numpy"), tl)
    assert nt is not None and nt.schedule is not None
    sc = nt.schedule
    kinds = {"held or kept": bool((sc.src >= 0).any()), "placed whole": bool((sc.src < 0).any())}
    if case == "default":
        assert kinds["held or kept"] and (sc.env >= 0).any()
    if case == "nothing kept":
        assert kinds == {"held or kept": False, "placed whole": True}
    if case == "short curves":
        assert kinds["placed whole"]
    total = tl.total_blocks * BLOCK
    old = dataclasses.replace(nt, schedule=None)
    want = placed(old, total, 7 * BLOCK)
    peak = float(np.abs(want).max())
    assert peak > 0.05
    for chunk in (3 * BLOCK, 256 * BLOCK):
        np.testing.assert_allclose(placed(nt, total, chunk), want, rtol=0, atol=1e-6 * peak)


def test_a_release_is_placed_until_its_shape_reaches_zero_and_no_further() -> None:
    # The piano's body releases over 0.3 s, its upper layer over 0.2 s: the upper layer's
    # release segment is a third shorter, and everything it leaves out is exactly zero. (Two
    # notes of one sound, so that it keeps a held table; the hammer layer has long settled.)
    sr = 48000
    tl = plan([Score(parts=(Part.create("Pno", [Note(0, 480, 60, 100), Note(960, 500, 60, 80)],
                                        instrument="piano"),),
                     tempos=(TempoChange(0, 120.0),))], sr)
    nt = notes.note_table(get_backend("numpy"), tl)
    assert nt is not None and nt.schedule is not None and nt.held
    sc = nt.schedule
    rel = sc.env >= 0
    lengths = sorted((sc.hi[rel] - sc.lo[rel]).tolist())
    assert lengths == [int(0.2 * sr)] * 2 + [int(0.3 * sr)] * 2
    for e, n in zip(sc.env[rel].tolist(), (sc.hi[rel] - sc.lo[rel]).tolist(), strict=True):
        shape = sc.sources[e]
        assert float(shape[n - 1]) > 0.0 and not shape[n:].any()
    # Each note's release tail runs as long as its longest layer's.
    for i in range(2):
        first = int(sc.lo[rel & (sc.note == i)].min())
        assert int(nt.start[i] + nt.length[i]) - first >= int(0.3 * sr)
