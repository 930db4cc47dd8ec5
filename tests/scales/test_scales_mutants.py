"""Book II scales at their edges: the bounds each function documents, the words and field of
each refusal, names users read, and values worked by hand from SCHILLINGER.md (Book II) or
counted by brute force, not read back from our own output.

Written against the mutants that survived ``mutmut`` on ``scales/*.py`` (an off-by-one in a
bound, a message or field dropped, ``or`` for ``and``); see ``bench/mutation.py``.

Survivors judged equivalent: ``_symmetric_period`` starting at 2, testing ``span % t != 0`` or
``p - t`` (its one caller asks only whether the period is shorter than the span, and a set
closed under +t is closed under -t and under t's multiples); ``Scale.nearest`` scanning
``range(span + 2)`` or ``range(span - 1)`` (the nearest unit is never more than span/2
away); ``_rotate_pitches`` from base ``None`` (60 + tonic: whole octaves, which ``Scale``
removes); ``tonal_expansion`` starting ``order`` at ``[1]`` (``order[0]`` is never read);
``scale_count`` summing to ``g + 2`` (no divisor of ``g`` exceeds it); ``symmetric_scale``
leaving out the span 12 (the default). The names of transposed scales, the default base of
``at``/``index_of`` and the constructors' refusals are pinned in ``test_scale_value_mutants.py``,
the bounds of ``symmetric_tonics`` in ``test_symmetric_mutants.py`` (each lists its own
equivalent survivors). Not locked in: ``from_pitches`` reading names through ``tonic_pc`` (it
would accept " E").
"""

from __future__ import annotations

import itertools
import pickle

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.scales import (
    Scale,
    as_scale,
    chained_interference,
    displacement,
    from_pitches,
    interval_interference,
    interval_windows,
    pearl_forms,
    scale,
    scale_count,
    scales_of,
    sliding_interference,
    string_of_pearls,
    symmetric_scale,
    symmetric_system,
    tonal_expansion,
)


def _refusal(exc: pytest.ExceptionInfo[BaseException]) -> tuple[str, str | None]:
    return str(exc.value), getattr(exc.value, "field", None)


# ----- displacement ---------------------------------------------------------------------------
def _rotations_by_definition(steps: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    # Book II's displacement read literally: every circular permutation, each kept once, in
    # the order they come (no prefix function, no period).
    out: list[tuple[int, ...]] = []
    for i in range(len(steps)):
        rot = steps[i:] + steps[:i]
        if rot not in out:
            out.append(rot)
    return tuple(out)


def test_displacement_agrees_with_the_definition_on_every_short_list() -> None:
    # up to 8 intervals: (1, 1, 2, 1, 1, 1, 2, 1) is the shortest list whose prefix function
    # must fall back twice (a period of 4 hidden behind a shorter match)
    for n in range(1, 9):
        for steps in itertools.product((1, 2), repeat=n):
            assert displacement(steps) == _rotations_by_definition(steps), steps


def test_displacement_of_a_repeated_step_is_one_form() -> None:
    assert displacement((1, 1)) == ((1, 1),)
    assert displacement((2, 2, 2)) == ((2, 2, 2),)
    assert displacement((1, 2, 1, 2)) == ((1, 2, 1, 2), (2, 1, 2, 1))


def test_displacement_refusals_name_the_intervals() -> None:
    with pytest.raises(ParameterTypeError) as exc:
        displacement("21")  # type: ignore[arg-type]
    assert str(exc.value) == ("intervals must be a sequence of positive ints "
        "(semitones), got str '21'")
    with pytest.raises(ParameterError) as exc2:
        displacement(())
    assert str(exc2.value) == "intervals must be a non-empty list of positive ints, got ()"


# ----- symmetric systems (group 4) ----------------------------------------------------------
def test_symmetric_system_interval_bounds() -> None:
    # 1 semitone closes on the tonic after one octave: the chromatic scale; 48 is one tonic
    # in four octaves.
    assert tuple(symmetric_system(1)) == tuple(range(12))
    assert symmetric_system(1).span == 12
    s48 = symmetric_system(48)
    assert (tuple(s48), s48.span) == ((0,), 48)
    for bad in (0, 49):
        with pytest.raises(ParameterError) as exc:
            symmetric_system(bad)
        assert str(exc.value) == f"interval must be in 1..48 semitones, got {bad}"
    with pytest.raises(ParameterTypeError) as exc2:
        symmetric_system(2.5)  # type: ignore[arg-type]
    assert _refusal(exc2) == ("interval must be an int, got float 2.5", "interval")


def test_symmetric_system_segment_refusals_and_name() -> None:
    with pytest.raises(ParameterError) as exc:
        symmetric_system(8, (3, 4))
    assert str(exc.value) == "segment must sum to interval = 8, got 7"
    with pytest.raises(ParameterTypeError) as exc2:
        symmetric_system(8, "35")  # type: ignore[arg-type]
    assert str(exc2.value) == ("segment must be a sequence of positive ints "
        "(semitones), got str '35'")
    assert symmetric_system(8, (3, 5)).name == "system 8 [3, 5]"
    assert symmetric_system(5).name == "system 5 [5]"


# ----- counts ---------------------------------------------------------------------------------
def test_count_bounds_and_refusals() -> None:
    assert scale_count(12) == 1  # every semitone: one scale
    assert scale_count(96, octaves=8) == 1
    assert scale_count(1, octaves=8) == 1
    for kwargs, words in (
        ({"units": 5, "octaves": 0}, ("octaves must be in 1..8, got 0", "octaves")),
        ({"units": 5, "octaves": 9}, ("octaves must be in 1..8, got 9", "octaves")),
        ({"units": 0}, ("units must be in 1..12, got 0", "units")),
        ({"units": 13}, ("units must be in 1..12, got 13", "units")),
        ({"units": 25, "octaves": 2}, ("units must be in 1..24, got 25", "units")),
    ):
        with pytest.raises(ParameterError) as exc:
            scale_count(**kwargs)  # type: ignore[arg-type]
        assert _refusal(exc) == words
    with pytest.raises(ParameterTypeError) as exc2:
        scale_count(5, octaves=1.0)  # type: ignore[arg-type]
    assert _refusal(exc2) == ("octaves must be an int, got float 1.0", "octaves")
    with pytest.raises(ParameterTypeError) as exc3:
        scale_count("5")  # type: ignore[arg-type]
    assert _refusal(exc3) == ("units must be an int, got str '5'", "units")


def test_counts_up_to_displacement_are_whole_numbers() -> None:
    # 5 units: C(11, 4) = 330 scales, in 66 families of modes (gcd(12, 5) = 1, so the
    # necklace count is C(12, 5) / 12 = 792 / 12), and the count is an int, not 66.0.
    count = scale_count(5, up_to_displacement=True)
    assert count == 66 and type(count) is int
    # Ten units in two octaves, counted once per rotation: 81752 binary necklaces of 24 beads
    # with 10 set (counted by brute force over all C(24, 10) subsets, keeping each subset that
    # is the least of its rotations). gcd(24, 10) = 2 is what the formula must sum over.
    assert scale_count(10, octaves=2, up_to_displacement=True) == 81752


def test_scales_of_is_one_octave_only() -> None:
    assert scales_of(12) == ((1,) * 12,)
    assert scales_of(1) == ((12,),)
    with pytest.raises(ParameterError) as exc:
        scales_of(13)
    assert _refusal(exc) == ("units must be in 1..12, got 13", "units")


# ----- the Scale value ------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "words"), [
    (lambda: scale("C major").pitch(1.5),  # type: ignore[arg-type]
     ("degree must be an int, got float 1.5", "degree")),
    (lambda: scale("C major").pitch(1, "4"),  # type: ignore[arg-type]
     ("octave must be an int, got str '4'", "octave")),
    (lambda: scale("C major").step(60, 1.0),  # type: ignore[arg-type]
     ("steps must be an int, got float 1.0", "steps")),
    (lambda: scale("C major").transpose(0.5),  # type: ignore[arg-type]
     ("semitones must be an int, got float 0.5", "semitones")),
])
def test_scale_method_refusals_name_the_argument(call, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterTypeError) as exc:
        call()
    assert _refusal(exc) == words


def test_pitches_covers_the_whole_midi_range_inclusive() -> None:
    chromatic = scale("chromatic")
    assert chromatic.pitches() == tuple(range(128))
    assert chromatic.pitches(60, 61) == (60, 61)
    assert scale("C major").pitches(60, 60) == (60,)
    assert scale("C major").pitches(61, 61) == ()
    with pytest.raises(ParameterError) as exc:
        chromatic.pitches(61, 60)
    assert str(exc.value) == "low must not exceed high, got low=61, high=60"


def test_expansion_names_and_spans() -> None:
    # E1 of D major: d f# a c#' e' g' b' (2, 6, 9, 13, 16, 19, 23); the first unit comes round
    # again at d'' = 26, so one period spans 24 semitones.
    e1 = scale("D major").expand(1)
    assert tuple(e1) == (2, 6, 9, 13, 16, 19, 23)
    assert (e1.span, e1.name) == (24, "D major E1")
    # E3 of C major takes every fourth unit: c g d' a' e'' b'' f''' (0, 7, 14, 21, 28, 35, 41);
    # the tonic comes round again at 48.
    e3 = scale("C major").expand(3)
    assert (tuple(e3), e3.span) == ((0, 7, 14, 21, 28, 35, 41), 48)
    assert Scale((0, 2, 4)).expand(1).name == ""
    # c c# d c' in two octaves: E1 takes c, d, c#' (13, above d), then c' placed above c#'
    # at c'' (24), the first unit's own class: the period closes above it, at 48.
    wide = Scale((0, 1, 2, 12), 24).expand(1)
    assert (tuple(wide), wide.span) == ((0, 2, 13, 24), 48)


# ----- tonal expansion ------------------------------------------------------------------------
def test_tonal_expansion_of_a_scale_name() -> None:
    # SCHILLINGER.md, Book II: E1 of C major is c e g b d f a.
    assert tonal_expansion("C major", 1) == (0, 4, 7, 11, 14, 17, 21)


def test_tonal_expansion_reads_note_names_with_accidentals_and_octaves() -> None:
    # E1 of C#4 E4 G#4 (61, 64, 68): every second unit, c# g# e, each above the last.
    assert tonal_expansion(["C#4", "E4", "G#4"], 1) == (61, 68, 76)
    assert tonal_expansion(["Eb4", "G4"], 0) == (63, 67)


def test_tonal_expansion_places_each_unit_just_above_the_last() -> None:
    # 73 is c#5: the next unit above 60 with that class is 61, not 73.
    assert tonal_expansion((60, 73), 0) == (60, 61)
    assert tonal_expansion((60, 88), 0) == (60, 64)
    # a two-octave scale holding both c and c': E1 takes 0, 12, 7, 19; 7 goes above 12 (19)
    # and 19 above that (31), never onto the same pitch.
    assert tonal_expansion(Scale((0, 7, 12, 19), 24), 1) == (0, 12, 19, 31)


@pytest.mark.parametrize(("args", "kind", "words"), [
    (((60, 1.5), 0), ParameterTypeError, ("units must be an int, got float 1.5", "units")),
    (((60, 62), 0.0), ParameterTypeError, ("k must be an int, got float 0.0", "k")),
    (((60,), 0), ParameterError, ("units must hold at least 2 pitches, got 1", None)),
    (("C major", 6), ParameterError,
     ("k must be in 0..5 for a scale of 7 units, got 6", None)),
    ((7, 1), ParameterTypeError,
     ("units must be a scale, a scale name or a list of pitches, got int 7", None)),
])
def test_tonal_expansion_refusals(args, kind, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(kind) as exc:
        tonal_expansion(*args)
    assert type(exc.value) is kind
    assert _refusal(exc) == words


# ----- sliding interference -------------------------------------------------------------------
def test_sliding_interference_defaults_to_pairs_around_the_scale() -> None:
    # windows (3,2), (2,1), (1,3); each interfered with its converse (Book II):
    # 3+2 -> 2+1+2, 2+1 -> 1+1+1, 1+3 -> 1+2+1.
    assert sliding_interference((3, 2, 1)) == ((2, 1, 2), (1, 1, 1), (1, 2, 1))


# ----- strings of pearls ----------------------------------------------------------------------
def test_pearl_refusals_say_what_is_allowed() -> None:
    with pytest.raises(ParameterTypeError) as exc:
        string_of_pearls(3, 5)  # type: ignore[arg-type]
    assert str(exc.value) == ("pearls must be an interval pattern like (2, 1) or a list of them "
                              "like [(2, 1), (1, 2)], got 5")
    with pytest.raises(ParameterTypeError) as exc2:
        string_of_pearls(3, [(2, 1), 5])  # type: ignore[arg-type]
    assert str(exc2.value) == ("each pearl must be a sequence of positive ints "
        "(semitones), got int 5")
    for bad in [(2, 1.5)], [(True, 1)], [(2, 0)]:
        with pytest.raises(ParameterError) as exc3:
            string_of_pearls(3, bad)  # type: ignore[arg-type]
        assert str(exc3.value) == ("each pearl must hold positive ints (semitones; () for the "
                                   f"tonic alone), got {bad[0]!r}")
    with pytest.raises(ParameterTypeError) as exc4:
        pearl_forms(3, 5)  # type: ignore[arg-type]
    assert str(exc4.value) == ("pearl must be one interval pattern of at least one interval, "
                               "like (2, 1), got 5")


def test_a_pearl_filling_its_section_of_several_octaves_is_refused() -> None:
    # two tonics in two octaves: sections of 12 semitones; 11+1 fills one.
    with pytest.raises(ParameterError) as exc:
        string_of_pearls(2, (11, 1), octaves=2)
    assert _refusal(exc) == ("pearls: pearl [11, 1] spans 12 semitones; a section of 2 tonics "
                             "in 2 octave(s) allows less than 12", "pearls")
    with pytest.raises(ParameterError) as exc2:
        string_of_pearls(3, (2, 3), fill=True)
    assert _refusal(exc2) == ("pearls: pearl [2, 3] spans 5 semitones; a section of 3 tonics "
                              "in 1 octave(s) allows at most 4", "pearls")
    filled = string_of_pearls(2, (11, 1), octaves=2, fill=True)
    assert tuple(filled) == (0, 11, 12, 23)


def test_pearl_strings_are_named_by_their_pearls() -> None:
    assert string_of_pearls(3, (2, 1)).name == "pearls 21 on 3 tonics"
    assert string_of_pearls(4, [(1,), (2,)]).name == "pearls 1+2 on 4 tonics"
    # () is the tonic alone, written 0
    s = string_of_pearls(2, [(), (2, 1)])
    assert (tuple(s), s.name) == ((0, 6, 8, 9), "pearls 0+21 on 2 tonics")


# ----- windows, interference, symmetric scales ------------------------------------------------
def test_windows_default_to_pairs_and_chain_them() -> None:
    assert interval_windows((2, 2, 1)) == ((2, 2), (2, 1), (1, 2))
    # 3+2 -> 2+1+2, 2+1 -> 1+1+1, 1+3 -> 1+2+1, strung end to end
    assert chained_interference((3, 2, 1)) == (2, 1, 2, 1, 1, 1, 1, 2, 1)


def test_window_bounds_and_refusals() -> None:
    assert interval_windows((96, 96), 2, circular=False) == ((96, 96),)
    assert len(interval_windows((1,) * 256, 2)) == 256
    for bad, words in (
        ((96, 97), ("intervals must be in 1..96, got 97", "intervals")),
        ((2,), ("intervals: need 2..256 values, got 1", "intervals")),
        ((1,) * 257, ("intervals: need 2..256 values, got 257", "intervals")),
    ):
        with pytest.raises(ParameterError) as exc:
            interval_windows(bad, 2)
        assert _refusal(exc) == words
    with pytest.raises(ParameterError) as exc2:
        interval_windows((2, 2, 1), 4)
    assert _refusal(exc2) == ("size must be in 2..3, got 4", "size")
    with pytest.raises(TypeError) as exc3:
        interval_windows((2, 2, 1), 2, circular=1)  # type: ignore[arg-type]
    assert str(exc3.value) == "circular must be True or False, got 1"


def test_interference_refusals() -> None:
    with pytest.raises(ParameterError) as exc:
        interval_interference(5)
    assert str(exc.value) == "intervals must hold at least 2 values (p and q), got (5,)"
    with pytest.raises(ParameterError) as exc2:
        interval_interference(True, 2)
    assert str(exc2.value) == "intervals (p, q) must be positive ints, got True"
    with pytest.raises(ParameterError) as exc3:
        interval_interference((3, 2), 1)
    assert str(exc3.value) == ("intervals: give either one group p=(p, q, ...) or separate "
                               "ints p, q, ...")
    with pytest.raises(ParameterError) as exc4:
        displacement((True, 1))
    assert str(exc4.value) == "intervals must be a non-empty list of positive ints, got (True, 1)"


def test_symmetric_scale_tonic_name_and_whole_octave() -> None:
    # Book II group 3: (1, 3) on the tonics of three equal parts from D: d eb, f# g, a# b.
    s = symmetric_scale(3, (1, 3), "D")
    assert (tuple(s), s.span, s.name) == ((2, 3, 6, 7, 10, 11), 12, "symmetric 3x[1, 3]")
    # one tonic: the segment fills the whole octave (the major scale's steps)
    assert tuple(symmetric_scale(1, (2, 2, 1, 2, 2, 2, 1))) == (0, 2, 4, 5, 7, 9, 11)
    with pytest.raises(ParameterError) as exc:
        symmetric_scale(3, (2, 3))
    assert str(exc.value) == "segment must sum to 12/n = 4 semitones, got 5"
    with pytest.raises(ParameterTypeError) as exc2:
        symmetric_scale(3, "13")  # type: ignore[arg-type]
    assert str(exc2.value) == ("segment must be a sequence of positive ints "
        "(semitones), got str '13'")


def test_membership_of_a_two_octave_scale_counts_from_its_tonic() -> None:
    # c and e in a period of two octaves: c' (12) is not in it, c'' (24) is.
    s = Scale((0, 4), 24)
    assert s.pitches(0, 30) == (0, 4, 24, 28)
    assert not s.contains(12) and s.contains(24)
    with pytest.raises(ParameterTypeError) as exc:
        s.nearest(1.5)  # type: ignore[arg-type]
    assert _refusal(exc) == ("pitch must be an int, got float 1.5", "pitch")


# ----- the Scale's other faces: from pitches, modes, keys, plain data -----------------------
def test_from_pitches_keeps_the_first_as_tonic_and_drops_repeats() -> None:
    assert from_pitches(["E", "G", "A", "B", "D"]) == (4, 7, 9, 11, 14)
    # MIDI pitches give their classes: e' g' e'' is e g
    assert tuple(from_pitches([64, 67, 76])) == (4, 7)
    # d then c: c lies a minor seventh above the tonic d
    assert tuple(from_pitches(["D", "C"])) == (2, 12)
    assert from_pitches(["C", "E"], name="third").name == "third"
    assert from_pitches(["C", "E"]).name == ""
    with pytest.raises(ParameterError) as exc:
        from_pitches([])
    assert str(exc.value) == "pitches must not be empty"
    with pytest.raises(ParameterError) as exc2:
        from_pitches([200])
    assert str(exc2.value) == "tonic must be a pitch class or MIDI pitch 0..127, got 200"


def test_the_displacements_of_c_major_are_its_seven_modes() -> None:
    modes = scale("C major").displacements()
    assert [tuple(m) for m in modes] == [
        (0, 2, 4, 5, 7, 9, 11),    # c ionian
        (2, 4, 5, 7, 9, 11, 12),   # d dorian
        (4, 5, 7, 9, 11, 12, 14),  # e phrygian
        (5, 7, 9, 11, 12, 14, 16),  # f lydian
        (7, 9, 11, 12, 14, 16, 17),  # g mixolydian
        (9, 11, 12, 14, 16, 17, 19),  # a aeolian
        (11, 12, 14, 16, 17, 19, 21),  # b locrian
    ]
    assert {m.span for m in modes} == {12}
    # a two-octave system's displacements stay two octaves wide
    assert [tuple(m) for m in symmetric_system(8, (3, 5)).displacements()[:2]] == [
        (0, 3, 8, 11, 16, 19), (3, 8, 11, 16, 19, 24)]


def test_as_scale_reads_rising_pitches_as_they_are_and_others_by_class() -> None:
    assert as_scale([2, 5, 9]) == Scale((2, 5, 9))
    # not rising: read as pitch classes, the first the tonic (g c e -> g c' e')
    assert as_scale([7, 0, 4]) == Scale((7, 12, 16))
    assert as_scale([60, 64, 67]) == Scale((0, 4, 7))


def test_in_key_moves_the_tonic() -> None:
    assert scale("minor").in_key("A").pitch_classes == (9, 11, 0, 2, 4, 5, 7)
    assert scale("G major").in_key(62).pitch_classes == (2, 4, 6, 7, 9, 11, 1)
    assert tuple(scale("G major").in_key("C")) == (0, 2, 4, 5, 7, 9, 11)


def test_plain_data_repr_and_pickle() -> None:
    assert scale("D dorian").to_dict() == {
        "name": "D dorian", "pitches": [2, 4, 5, 7, 9, 11, 12],
        "intervals": [2, 1, 2, 2, 2, 1, 2], "pitch_classes": [2, 4, 5, 7, 9, 11, 0],
        "span": 12, "group": 1, "tonic": 2}
    assert repr(scale("C major")) == "Scale((0, 2, 4, 5, 7, 9, 11))"
    back = pickle.loads(pickle.dumps(Scale((0, 4), 24, "wide")))
    assert (type(back), tuple(back), back.span, back.name) == (Scale, (0, 4), 24, "wide")
