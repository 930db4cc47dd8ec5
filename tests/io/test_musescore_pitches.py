"""MuseScore 3 plays our MusicXML at our pitches, for every instrument in ``instruments.py``.

One score holds a part per General MIDI program plus the drum set; MuseScore imports it once
and exports MIDI, and each part's sounding (pitch, onset) pairs must equal our Score's.
Transposing instruments (saxes, clarinet, trumpet, horn, double bass, piccolo, glockenspiel
...) are written at written pitch with a ``<transpose>``; a mistake there shows as a part that
sounds a second, a sixth, a ninth or an octave off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from schillinger_kernel import Note, Part, Score
from schillinger_kernel.instruments import GM_NAMES, notation_for
from schillinger_kernel.io.musicxml import write_musicxml

# in-key notes, a chromatic one (A natural in Eb), a chord and a tie over the bar line
_MELODY = ((0, 480, (63,)), (480, 480, (65,)), (960, 240, (69,)), (1200, 240, (70,)),
           (1440, 960, (67, 72)), (2400, 480, (58,)), (2880, 960, (62,)))
_DRUMS = ((0, 240, (36, 42)), (480, 240, (38,)), (960, 480, (46, 49)))


def every_instrument() -> Score:
    parts = []
    for program, gm in enumerate(GM_NAMES):
        # bass instruments play an octave or two lower, the glockenspiel higher: their range
        low = notation_for(program).clef == "bass"
        shift = -24 if program in (32, 33, 34, 35, 36, 37, 43, 58) else -12 if low else (
            12 if program in (9, 72) else 0)
        notes = tuple(Note(s, d, p + shift) for s, d, ps in _MELODY for p in ps)
        parts.append(Part.create(gm.title(), notes, instrument=gm, channel=program % 9))
    parts.append(Part.create("Drums", tuple(Note(s, d, p) for s, d, ps in _DRUMS for p in ps),
                             instrument="drums"))
    return Score(parts=tuple(parts), key="Eb major", title="Every instrument")


def midi_tracks(path: Path) -> list[list[tuple[int, int]]]:
    """(onset in 480 PPQ ticks, pitch) per track with notes, in track order."""
    import mido

    mid = mido.MidiFile(str(path))
    out = []
    for track in mid.tracks:
        t, notes = 0, []
        for msg in track:
            t += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                notes.append((round(t * 480 / mid.ticks_per_beat), msg.note))
        if notes:
            out.append(sorted(notes))
    return out


def test_written_parts_are_transposed_with_their_key(tmp_path: Path) -> None:
    s = every_instrument()
    root = ET.parse(write_musicxml(s, tmp_path / "all.musicxml")).getroot()
    for program, part in zip(range(128), root.findall("part"), strict=False):
        n = notation_for(program)
        t = part.find("measure/attributes/transpose")
        assert (t is not None) == n.transposes, GM_NAMES[program]
        fifths = int(part.findtext("measure/attributes/key/fifths") or "99")
        if n.transposes:
            assert t is not None
            chromatic = int(t.findtext("chromatic") or 0) + 12 * int(
                t.findtext("octave-change") or 0)
            assert chromatic == n.chromatic, GM_NAMES[program]
            # Eb major (3 flats) for a B-flat instrument is F (1 flat), for E-flat C (none)
            assert fifths == {-2: -1, -14: -1, -9: 0, -21: 0, -7: -2}.get(n.chromatic, -3)
        else:
            assert fifths == -3, GM_NAMES[program]


@pytest.mark.slow
def test_musescore_sounds_our_pitches_for_every_instrument(tmp_path: Path) -> None:
    mscore = shutil.which("mscore3") or shutil.which("musescore3")
    if mscore is None:
        pytest.skip("MuseScore 3 (mscore3, Debian package musescore3) is not installed: "
                    "cannot check sounding pitches in a real notation program")
    pytest.importorskip("mido")
    s = every_instrument()
    xml = write_musicxml(s, tmp_path / "all.musicxml")
    mid = tmp_path / "all.mid"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    proc = subprocess.run([mscore, "-o", str(mid), str(xml)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    tracks = midi_tracks(mid)
    assert len(tracks) == len(s.parts)
    wrong = []
    for part, heard in zip(s.parts, tracks, strict=True):
        ours = sorted((n.start, n.pitch) for n in part.notes)
        if heard != ours:
            wrong.append(f"{part.name}: ours {ours[:4]} MuseScore {heard[:4]}")
    assert not wrong, "\n".join(wrong)


def test_transposed_parts_read_back_at_sounding_pitch(tmp_path: Path) -> None:
    from schillinger_kernel.io.musicxml import read_musicxml

    s = every_instrument()
    back = read_musicxml(write_musicxml(s, tmp_path / "all.musicxml"))
    for a, b in zip(s.parts, back.parts, strict=True):
        if a.is_drums:  # a hit is written held to the beat: its onset and drum are what count
            assert [(n.start, n.pitch) for n in sorted(a.notes)] == [
                (n.start, n.pitch) for n in sorted(b.notes)]
        else:
            assert sorted(a.notes) == sorted(b.notes), a.name
    assert back.key == "Eb major"


def test_clefs_and_staff_names_by_instrument(tmp_path: Path) -> None:
    quartet = Score(parts=tuple(
        Part.create(name, (Note(0, 480, pitch),), instrument=inst) for name, inst, pitch in (
            ("Violin I", "violin", 76), ("Violin II", "violin", 69), ("Viola", "viola", 60),
            ("Cello", "cello", 48), ("Bass", "double bass", 40), ("Guitar", "guitar", 52),
            ("Tenor Sax", "tenor sax", 58), ("Bassoon", "bassoon", 45),
            ("Trombone", "trombone", 50), ("Tuba", "tuba", 36), ("Piano", "piano", 40),
            ("Tenor", "choir", 55), ("Drums", "drums", 36))))
    root = ET.parse(write_musicxml(quartet, tmp_path / "q.musicxml")).getroot()
    clefs = [(c.findtext("sign"), c.findtext("line"), c.findtext("clef-octave-change"))
             for c in (p.find("measure/attributes/clef") for p in root.findall("part"))
             if c is not None]
    assert clefs == [("G", "2", None), ("G", "2", None), ("C", "3", None), ("F", "4", None),
                     ("F", "4", None), ("G", "2", "-1"), ("G", "2", None), ("F", "4", None),
                     ("F", "4", None), ("F", "4", None), ("F", "4", None), ("G", "2", "-1"),
                     ("percussion", None, None)]
    names = [(sp.findtext("part-name"), sp.findtext("part-abbreviation"))
             for sp in root.findall("part-list/score-part")]
    assert names[:5] == [("Violin I", "Vln. I"), ("Violin II", "Vln. II"), ("Viola", "Vla."),
                         ("Violoncello", "Vc."), ("Double Bass", "D.B.")]
    assert names[6] == ("Tenor Saxophone", "T. Sax.") and names[10] == ("Piano", "Pno.")
    assert len({n for n, _ in names}) == len(names)
