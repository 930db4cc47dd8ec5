"""Book I, Ch. 13's ``evolve`` at its edges: what it refuses, in which words and field, written
against the mutants of ``rhythm/powers.py`` that survived ``tests/rhythm`` after ``evolve`` and
``cube_binomials`` were added (3cb8c41).

SCHILLINGER.md / docs/theory-reference.md, Book I Ch. 13: converse synchronisation
5+3 → 3+2+3 → 2+1+2+1+2; a group all of whose terms are equal (the determinant's uniform
group) has no next family.

Measured with ``python -m bench.mutation --one schillinger_kernel/rhythm/powers.py --tests
tests/rhythm``: 456 killed / 13 survived (97.2%) before this file, 468 / 1 (99.8%) with
it; see ``bench/mutation_report.md``.

Survivor judged equivalent: ``series`` looping ``while len(out) <= terms`` (one summation term
too many is computed, then cut off by ``out[:terms]``).
"""

from __future__ import annotations

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.rhythm.powers import evolve
from schillinger_kernel.rhythm.value import MAX_PERIOD


def _refusal(exc: pytest.ExceptionInfo[BaseException]) -> tuple[str, str | None]:
    return str(exc.value), getattr(exc.value, "field", None)


def test_evolve_follows_the_book_family_to_its_end() -> None:
    # Book I, Ch. 13: 5+3 → 3+2+3 → 2+1+2+1+2, each lasting 8
    assert evolve((5, 3)).durations == (3, 2, 3)
    assert evolve((3, 2, 3)).durations == (2, 1, 2, 1, 2)
    # the longest term allowed still evolves: 1+999999 against its converse
    assert evolve((MAX_PERIOD, 1)).durations == (1, MAX_PERIOD - 1, 1)


@pytest.mark.parametrize(("group", "words"), [
    ((3, 3, 3), "evolve: 3+3+3 is uniform, so every permutation of it is a palindrome and no "
                "further family evolves from it; give a group with unequal terms"),
    ((0, 2), f"group must be in 1..{MAX_PERIOD}, got 0"),
    ((MAX_PERIOD + 1, 1), f"group must be in 1..{MAX_PERIOD}, got {MAX_PERIOD + 1}"),
    ((), "group: need at least 1 values, got 0"),
])
def test_evolve_refusals_say_what_is_allowed(group: tuple[int, ...], words: str) -> None:
    with pytest.raises(ParameterError) as exc:
        evolve(group)
    assert _refusal(exc) == (words, "group")


def test_evolve_refuses_a_string() -> None:
    with pytest.raises(ParameterTypeError) as exc:
        evolve("32")  # type: ignore[arg-type]
    assert _refusal(exc) == ("group must be a list of ints, got str", "group")
