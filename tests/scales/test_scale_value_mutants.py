"""The :class:`Scale` value, its constructors and its names, pinned where the mutants of
``scales/scale.py`` showed nothing looked: the default base of ``at``/``index_of`` (the tonic in
octave 4, C4 = 60, SCHILLINGER.md "Conventions": pitches are MIDI numbers), the nearest-unit
search, the tonic a transposed scale is named by, the span ``from_intervals`` gives a pattern
that does not close on an octave (Book II group 4: scales spanning several octaves), and the
words of each refusal. Values are worked by hand from the interval lists of SCHILLINGER.md
Book II, not read back from our own output.

Measured with ``python -m bench.mutation --one schillinger_kernel/scales/scale.py --tests
tests/scales``: 411 killed / 81 survived (83.5%) before this file, 473 / 19 (96.1%) with it;
see ``bench/mutation_report.md``.

Survivors judged equivalent, with the reason:

- ``_rotate_pitches`` counting from base ``None`` or the default (60 + tonic): whole octaves
  above the tonic, which ``Scale`` removes (it keeps the first unit in 0..11).
- ``_symmetric_period`` starting at 2, testing ``span % t != 0``, or ``p - t``: its one caller
  asks only whether the period is shorter than the span; a set closed under +t is closed
  under -t and under t's multiples, and the chromatic scale (the only one with period 1) also
  has period 2.
- ``nearest`` scanning ``range(span + 1)`` without the explicit 0, ``range(span + 2)`` or
  ``range(span - 1)``: the nearest unit is never more than span/2 away; its ``AssertionError``
  words: that line cannot be reached (every scale has a unit in each span).
- ``scale`` testing ``or`` for ``and`` before reading a leading note name, ``.upper()``,
  ``"XX XX".join`` or ``"XXabcdefgXX"``: each only sends more names to ``pitch_class``, which
  refuses every scale name in :data:`NAMED_SCALES` and every word not starting with a note
  letter, so the label read is the same.
- ``as_scale`` sending rising ints to ``from_pitches`` (``isinstance(v, bool)`` for ``not ...``)
  or testing ``ints[-1] + ints[0] < 12``: for MIDI pitches 0..127, rising ints within an octave
  give the same scale either way (both keep the first as tonic and the rest above it); they part
  only on pitches below 0, which ``from_pitches`` refuses.
- ``tonal_expansion`` starting ``order`` at ``[1]``: ``order[0]`` is never read.
- ``from_pitches`` reading note names through ``tonic_pc`` (which strips): it would accept
  ``" E"``; left open rather than pinned, since accepting padded names may be wanted.
"""

from __future__ import annotations

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.scales import Scale, as_scale, from_intervals, scale
from schillinger_kernel.scales.scale import tonic_pc


def _refusal(exc: pytest.ExceptionInfo[BaseException]) -> tuple[str, str | None]:
    return str(exc.value), getattr(exc.value, "field", None)


# ----- unit indices and pitches ---------------------------------------------------------------
def test_at_and_index_of_count_from_the_tonic_in_octave_4() -> None:
    # D dorian (Book II group 1, the second mode of C major): d e f g a b c. Unit 0 is d4 = 62,
    # unit 7 the d an octave up, unit -1 the c just below d4 (60).
    d = scale("D dorian")
    assert (d.at(0), d.at(2), d.at(7), d.at(-1)) == (62, 65, 74, 60)
    assert (d.index_of(62), d.index_of(65), d.index_of(74), d.index_of(60)) == (0, 2, 7, -1)
    # counted from another base: the tonic's own pitch class (2), as `step` does
    assert (d.at(1, 2), d.index_of(4, 2)) == (4, 1)


def test_index_refusals_name_the_argument_and_the_scale() -> None:
    d = scale("D dorian")
    with pytest.raises(ParameterTypeError) as exc:
        d.at(1.5)  # type: ignore[arg-type]
    assert _refusal(exc) == ("index must be an int, got float 1.5", "index")
    with pytest.raises(ParameterTypeError) as exc2:
        d.index_of(62.0)  # type: ignore[arg-type]
    assert _refusal(exc2) == ("pitch must be an int, got float 62.0", "pitch")
    # c#4 is not in D dorian (d e f g a b c)
    with pytest.raises(ParameterError) as exc3:
        d.index_of(61)
    assert str(exc3.value) == "pitch 61 is not in the scale (2, 4, 5, 7, 9, 11, 12)"


def test_nearest_keeps_a_scale_pitch_and_looks_both_ways() -> None:
    major = scale("C major")
    assert major.nearest(60) == 60  # c is in the scale: distance 0
    assert major.nearest(61) == 60  # c# lies between c and d: the lower on a tie
    # C major pentatonic c d e g a: f# is 2 above e and 1 below g, so g
    penta = scale("C major pentatonic")
    assert penta.nearest(66) == 67
    assert penta.nearest(71) == 72  # b: a is 2 below, c' 1 above


# ----- names of moved scales ------------------------------------------------------------------
@pytest.mark.parametrize(("name", "semitones", "moved"), [
    ("C major", 2, "D major"),
    ("C harmonic minor", 2, "D harmonic minor"),
    ("C# major", 1, "D major"),
    ("Bb minor", 6, "E minor"),
    ("F# lydian", -1, "F lydian"),
    ("E phrygian", 5, "A phrygian"),
])
def test_a_transposed_scale_is_named_by_its_new_tonic(name: str, semitones: int,
                                                       moved: str) -> None:
    s = scale(name).transpose(semitones)
    assert s.name == moved
    assert s.tonic == scale(moved).tonic


@pytest.mark.parametrize("name", [
    "symmetric 3x[1, 3]",  # no leading note name
    "my scale",
    "Cm triad",  # "Cm" is a chord, not a bare tonic
    "X 1",
    "b",  # one word: no tonic to rename
    "",
])
def test_names_without_a_leading_tonic_are_kept(name: str) -> None:
    assert Scale((0, 4, 7), name=name).transpose(2).name == name


def test_in_key_renames_the_scale() -> None:
    # SCHILLINGER.md Book II, group 1: the same interval list on another tonic
    s = scale("A harmonic minor").in_key("E")
    assert (s.name, s.pitch_classes) == ("E harmonic minor", (4, 6, 7, 9, 11, 0, 3))


# ----- constructors ---------------------------------------------------------------------------
def test_from_intervals_closing_past_the_octave_spans_two_octaves() -> None:
    # 7 + 6 = 13 semitones: c g c#', which does not close on the octave; Book II's group 4
    # places such a pattern in the next whole number of octaves, 24 semitones.
    s = from_intervals((7, 6))
    assert (tuple(s), s.span, s.name) == ((0, 7, 13), 24, "")
    # 25 semitones (two octaves and one) need three octaves
    s3 = from_intervals((12, 13))
    assert (tuple(s3), s3.span) == ((0, 12, 25), 36)
    # a pattern closing on the octave drops the closing step: the span is the octave
    assert from_intervals((2, 2, 3, 2)).span == 12
    assert from_intervals((2, 2, 3, 2, 3), name="pentatonic").name == "pentatonic"


@pytest.mark.parametrize(("steps", "words"), [
    ((), "intervals must not be empty"),
    ((2, 0, 3), "intervals must be positive ints (semitones), got 0"),
    ((True, 2), "intervals must be positive ints (semitones), got True"),
    ((2, 1.5), "intervals must be positive ints (semitones), got 1.5"),
])
def test_from_intervals_refusals(steps: tuple[int, ...], words: str) -> None:
    with pytest.raises(ParameterError) as exc:
        from_intervals(steps)
    assert str(exc.value) == words


def test_tonic_pc_bounds_and_refusals() -> None:
    assert (tonic_pc(0), tonic_pc(127), tonic_pc(" Eb "), tonic_pc(62)) == (0, 7, 3, 2)
    with pytest.raises(ParameterError) as exc:
        tonic_pc(128)
    assert str(exc.value) == "tonic must be a pitch class or MIDI pitch 0..127, got 128"
    with pytest.raises(ParameterError) as exc2:
        tonic_pc(-1)
    assert str(exc2.value) == "tonic must be a pitch class or MIDI pitch 0..127, got -1"
    with pytest.raises(ParameterTypeError) as exc3:
        tonic_pc(1.5)  # type: ignore[arg-type]
    assert _refusal(exc3) == ("tonic must be an int, got float 1.5", "tonic")


def test_scale_names_default_to_c_and_to_major() -> None:
    whole = scale("whole tone")
    assert (tuple(whole), whole.name) == ((0, 2, 4, 6, 8, 10), "C whole tone")
    d = scale("D")  # a bare tonic is its major scale
    assert (d.pitch_classes, d.name) == ((2, 4, 6, 7, 9, 11, 1), "D major")


def test_scale_refusals_say_what_is_allowed() -> None:
    for bad in (5, "   ", ""):
        with pytest.raises(ParameterError) as exc:
            scale(bad)  # type: ignore[arg-type]
        assert str(exc.value) == f"name must be a scale name such as 'C major', got {bad!r}"
    with pytest.raises(ParameterError) as exc2:
        scale("C foo")
    assert str(exc2.value) == (
        "name: unknown scale 'C foo'; known scales: aeolian, augmented, blues, chromatic, "
        "diminished, dorian, half-whole, harmonic, harmonic major, harmonic minor, "
        "hungarian minor, ionian, locrian, lydian, major, major pentatonic, melodic, "
        "melodic minor, minor, minor pentatonic, mixolydian, natural minor, neapolitan major, "
        "neapolitan minor, octatonic, pentatonic, phrygian, whole tone, whole-half")


def test_as_scale_reads_names_note_lists_and_refuses_the_rest() -> None:
    # a scale name that is not a key
    assert as_scale("whole tone") == (0, 2, 4, 6, 8, 10)
    assert as_scale(["C", "E", "G"]) == (0, 4, 7)
    # a repeated pitch, a pitch an octave up, a list wider than an octave: read by class
    assert as_scale([60, 60, 64]) == (0, 4)
    assert as_scale([60, 72]) == (0,)
    assert as_scale([60, 64, 74]) == (0, 2, 4)
    with pytest.raises(ParameterError) as exc:
        as_scale("nonsense")
    assert str(exc.value) == (
        "scale: 'nonsense' is neither a key (key 'nonsense': note name must start with a "
        "letter A-G, got 'nonsense') nor a scale name such as 'D dorian' or 'whole tone'")
    bads: tuple[object, ...] = (5, [])
    for bad in bads:
        with pytest.raises(ParameterError) as exc2:
            as_scale(bad)  # type: ignore[arg-type]
        assert str(exc2.value) == ("scale must be a Scale, a name like 'C major' or a list of "
                                   f"pitches, got {bad!r}")
