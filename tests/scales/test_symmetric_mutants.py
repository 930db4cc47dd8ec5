"""Book II's symmetric tonics (groups 3 and 4) at their bounds, with the words and field of each
refusal: what the mutants of ``scales/symmetric.py`` that survived ``tests/scales`` changed.

SCHILLINGER.md, Book II: ``symmetric_tonics(n)`` are 12/n semitones apart (n = 3 gives
0, 4, 8); group 4 divides several octaves (three equal parts of two octaves: c, g#, e').

Measured with ``python -m bench.mutation --one schillinger_kernel/scales/symmetric.py --tests
tests/scales``: 213 killed / 22 survived (90.6%) before this file, 233 / 2 (99.1%) with it;
see ``bench/mutation_report.md``.

Survivors judged equivalent, with the reason:

- ``symmetric_tonics`` bounding ``n <= 13 * octaves`` for ``12 * octaves``: an ``n`` above
  ``12 * octaves`` leaves a non-zero remainder and is refused by the divisor test just after;
  the lower bound (``1 <= n``) is the one that guards the modulo, and it is tested.
- ``symmetric_scale`` leaving out the span 12: it is the default.
"""

from __future__ import annotations

import pytest

from schillinger_kernel.errors import ParameterError, ParameterTypeError
from schillinger_kernel.scales import symmetric_scale, symmetric_tonics


def _refusal(exc: pytest.ExceptionInfo[BaseException]) -> tuple[str, str | None]:
    return str(exc.value), getattr(exc.value, "field", None)


def test_symmetric_tonics_over_every_allowed_octave_count() -> None:
    # one tonic in eight octaves is the tonic alone; 96 tonics in eight octaves are the
    # chromatic scale over eight octaves, the highest 95 semitones up
    assert symmetric_tonics(1, "E", octaves=8) == (4,)
    assert symmetric_tonics(96, octaves=8)[-1] == 95
    # two octaves in 24 equal parts: semitones
    assert symmetric_tonics(24, octaves=2)[:3] == (0, 1, 2)


@pytest.mark.parametrize(("args", "kwargs", "words"), [
    ((5,), {}, ("n must be one of (1, 2, 3, 4, 6, 12) (divisors of 12), got 5", "n")),
    ((5,), {"octaves": 2},
     ("n must divide 12·octaves = 24 semitones into whole steps (a divisor of 24), got 5", "n")),
    ((0,), {"octaves": 2},
     ("n must divide 12·octaves = 24 semitones into whole steps (a divisor of 24), got 0", "n")),
    ((7,), {"octaves": 3},
     ("n must divide 12·octaves = 36 semitones into whole steps (a divisor of 36), got 7", "n")),
    ((3,), {"octaves": 0}, ("octaves must be in 1..8, got 0", "octaves")),
    ((3,), {"octaves": 9}, ("octaves must be in 1..8, got 9", "octaves")),
])
def test_symmetric_tonics_refusals(args: tuple[int, ...], kwargs: dict[str, int],
                                   words: tuple[str, str]) -> None:
    with pytest.raises(ParameterError) as exc:
        symmetric_tonics(*args, **kwargs)
    assert _refusal(exc) == words


def test_symmetric_tonics_type_refusals_name_the_argument() -> None:
    with pytest.raises(ParameterTypeError) as exc:
        symmetric_tonics(1.5)  # type: ignore[arg-type]
    assert _refusal(exc) == ("n must be an int, got float 1.5", "n")
    with pytest.raises(ParameterTypeError) as exc2:
        symmetric_tonics(3, octaves="2")  # type: ignore[arg-type]
    assert _refusal(exc2) == ("octaves must be an int, got str '2'", "octaves")


def test_a_symmetric_scale_spans_one_octave() -> None:
    # Book II: n = 2 with segment 2+1+2+1 gives 0 2 3 5 6 8 9 11, repeating every octave
    s = symmetric_scale(2, (2, 1, 2, 1))
    assert (tuple(s), s.span, s.group) == ((0, 2, 3, 5, 6, 8, 9, 11), 12, 3)
