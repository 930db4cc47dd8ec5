"""Spelling checked against music21 (not our own reader): every MIDI pitch named in every key
keeps the octave of its letter, reads back to itself, and every key's signature and degree
names are music21's.

Written against the 11 mutants that survived ``make mutate`` on ``pitch.py`` (see
``bench/mutation.py``). None changes a value a caller can see (checked: each gives the same
``Key``, ``parse_key`` and spelling of all 128 pitches for 637 key names, every tonic with up
to three sharps or flats in every mode and shorthand, and the same ``to_midi_pitch`` for 560
names); judged equivalent:

- ``x_to_midi_pitch__mutmut_27``, ``x_pitch_name__mutmut_24``, ``x__degree_names__mutmut_14``,
  ``x__fifths_of__mutmut_4``: ``(d + 6) % 12 - 6`` became ``(d - 6) % 12 - 6``; -6 and +6 are
  the same residue mod 12, so the alteration is the same number.
- ``x_pitch_name__mutmut_29``: ``% 12`` became ``% 13``; they differ only where
  ``pitch % 12 - letter_pc + 6`` is below 0 (letters G, A, B far above the pitch class) or 12
  and above (letters C to F far below it); the alteration then moves by one, which moves
  ``pitch - alter`` out of its octave only from a C downwards or a B upwards, letters those
  cases never hold: the same octave for every pitch in any spelling.
- ``x__degree_names__mutmut_21``: ``_ACCIDENTAL.get(None, ...)`` always takes the fallback,
  which writes the same "", "#", "##", "b", "bb" as the table for -2..2.
- ``x__degree_names__mutmut_29`` / ``_30``: the fallback's ``alter > 0`` became ``>= 0`` /
  ``> 1``; they differ only at alteration 0 / 1, which the table answers before the fallback.
- ``xǁKeyǁparse__mutmut_55``: ``degrees[:7]`` became ``degrees[:8]``; every mode has seven
  steps, so there is no eighth degree.
- ``xǁKeyǁparse__mutmut_56``: ``len(n) > 1`` became ``>= 1``; a one-character degree name is
  an upper-case letter, which holds no ``"b"`` to count.
- ``x_parse_key__mutmut_2``: ``parse_key`` always calls ``Key.parse`` instead of the cached
  ``key``; the result is the same value, only the cache is bypassed.
"""

from __future__ import annotations

import pytest
from music21 import key as m21key
from music21 import pitch as m21pitch

from schillinger_kernel.pitch import KEY_NAMES, key, pitch_name, to_midi_pitch

# the 24 keys plus the signatures at and past the edge (7 and 8 sharps or flats) and modes
# whose signature is borrowed from another major key
KEYS = (*KEY_NAMES, "C# major", "Cb major", "G# major", "Fb major", "A# minor", "Ab minor",
                    "d dorian", "Eb phrygian", "B lydian", "F# locrian", "Bb mixolydian",
                    "C# aeolian", "G ionian")


def _m21(name: str) -> tuple[str, str]:
    # music21 writes a flat as "-" and reads a lower-case tonic as minor: pass the mode apart
    tonic, mode = key(name).tonic_name, key(name).mode
    return tonic[0] + tonic[1:].replace("b", "-"), mode


@pytest.mark.parametrize("name", KEYS)
def test_key_signature_and_degree_names_are_music21s(name: str) -> None:
    ref = m21key.Key(*_m21(name))
    k = key(name)
    assert k.fifths == ref.sharps
    assert k.degree_names == tuple(p.name.replace("-", "b") for p in ref.pitches[:7])


@pytest.mark.parametrize("name", KEYS)
def test_every_pitch_spelled_in_a_key_is_the_pitch_music21_reads(name: str) -> None:
    k = key(name)
    for midi in range(128):
        spelled = k.spell(midi)
        letters = spelled.rstrip("-0123456789")
        octave = int(spelled[len(letters):])
        ref = m21pitch.Pitch(letters[0] + letters[1:].replace("b", "-"), octave=octave)
        assert ref.midi == midi, (name, midi, spelled)
        assert to_midi_pitch(spelled) == midi, (name, spelled)


def test_octave_follows_the_letter_across_the_c_line() -> None:
    # B#3 sounds as C4 and Cb4 as B3 (music21: Pitch("B#3").midi == 60, Pitch("C-4") == 59)
    sharp, flat = key("C# major"), key("Cb major")
    assert [sharp.spell(p) for p in (59, 60, 61, 72)] == ["B3", "B#3", "C#4", "B#4"]
    assert [flat.spell(p) for p in (59, 60, 71, 64)] == ["Cb4", "C4", "Cb5", "Fb4"]
    assert m21pitch.Pitch("B#3").midi == 60 and m21pitch.Pitch("C-4").midi == 59
    assert [to_midi_pitch(n) for n in ("B#3", "Cb4", "A##3", "Fb4", "E#4")] == [
        60, 59, 59, 64, 65]
    # MIDI 0 in a B# spelling would be B#-2, an octave no reader knows: C-1 instead
    assert pitch_name(0, key("C# major").spelling) == "C-1"
    assert pitch_name(127, key("Cb major").spelling) == "G9"
