"""Tuplet notes that no single written value can show, worked by hand at 480 ticks a quarter.

A septuplet sixteenth is 480/7 ticks and is written as a sixteenth (120) under a 7:4 bracket;
a note five of them long has no single written value (5 x 120 = 600 is neither plain nor
dotted), so it is written as a quarter (4 units) tied to a sixteenth (1 unit), largest first.

Written against the survivors of ``mutmut`` on ``io/musicxml_values.py`` left after
``tests/io/test_musicxml_values_mutants.py`` (whose docstring lists the equivalents); see
``bench/mutation.py``.
"""

from __future__ import annotations

from fractions import Fraction

from schillinger_kernel.io.musicxml_values import Bar, spell_bar

FOUR = Bar(0, 1920, 4, 4)
SEPT = Fraction(480, 7)


def test_five_septuplet_units_are_a_tied_quarter_and_sixteenth() -> None:
    pieces = spell_bar(FOUR, [(0, 5 * SEPT, "x"), (5 * SEPT, 480, None), (480, 1920, None)])
    assert [(p.start, p.value, p.tuplet, p.tie_to) for p in pieces] == [
        (Fraction(0), 480, (7, 4, 120), True),  # 4 units, tied on
        (4 * SEPT, 120, (7, 4, 120), False),  # the fifth
        (5 * SEPT, 240, (7, 4, 120), False),  # the two-unit rest: an eighth
        (Fraction(480), 480, None, False),
        (Fraction(960), 960, None, False),
    ]


def test_six_septuplet_units_are_a_dotted_quarter() -> None:
    pieces = spell_bar(FOUR, [(0, 6 * SEPT, "x"), (6 * SEPT, 480, None), (480, 1920, None)])
    assert [(p.value, p.tuplet, p.tie_to) for p in pieces[:2]] == [
        (720, (7, 4, 120), False), (120, (7, 4, 120), False)]
