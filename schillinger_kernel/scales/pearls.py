"""Book II, Ch. 8: the string of pearls: small scales strung on symmetric tonics.

A symmetric system (group 4) is a *string*: ``n`` tonics dividing one or several octaves
equally (:func:`~schillinger_kernel.scales.symmetric_tonics`). A *pearl* is a small scale of
the first group, an interval pattern spanning less than one section of the string, placed
on a tonic. Stringing pearls on every tonic gives a scale whose sections sound alike but
stand apart: c d eb on the tonics of three equal parts of two octaves is c d eb, g# a# b,
e' f#' g'.

*(convention)* Our sources quote no text of Ch. 8, so we read it as follows and say why:

* a pearl must leave a gap before the next tonic (its intervals sum to less than the
  section), because a pearl that fills the whole section is the plain symmetric scale of
  groups 3 and 4 (:func:`~schillinger_kernel.scales.symmetric_scale`,
  :func:`~schillinger_kernel.scales.symmetric_system`), which ``fill=True`` allows so the two
  readings can be compared;
* several pearls are strung in turn (pearl 1 on tonic 1, pearl 2 on tonic 2, ...,
  cyclically), the book's other Ch. 8 form, where the sections differ but the string stays
  symmetric;
* :func:`pearl_forms` lists the forms one pearl gives on a string: the pearl and its
  displacements (circular permutations of its intervals, the same operation as
  :func:`~schillinger_kernel.scales.displacement`), each strung on every tonic.

>>> string_of_pearls(3, (2, 1), octaves=2)
Scale((0, 2, 3, 8, 10, 11, 16, 18, 19))
>>> string_of_pearls(4, [(1,), (2,)]).pitch_classes
(0, 1, 3, 5, 6, 7, 9, 11)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ParameterError, ParameterTypeError
from .scale import Scale
from .symmetric import displacement, symmetric_tonics

__all__ = ["pearl_forms", "string_of_pearls"]


def _pearls(pearls: Sequence[int] | Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    if isinstance(pearls, str) or not isinstance(pearls, Sequence):
        raise ParameterTypeError(f"pearls must be an interval pattern like (2, 1) or a list of "
                                 f"them like [(2, 1), (1, 2)], got {pearls!r}")
    groups = (pearls,) if all(isinstance(p, int) for p in pearls) else tuple(pearls)
    out = []
    for g in groups:
        if isinstance(g, str) or not isinstance(g, Sequence):
            raise ParameterTypeError(f"each pearl must be a sequence of positive ints "
                                     f"(semitones), got {type(g).__name__} {g!r}")
        steps = tuple(g)
        if any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in steps):
            raise ParameterError(f"each pearl must hold positive ints (semitones; () for the "
                                 f"tonic alone), got {steps!r}")
        out.append(steps)
    return tuple(out)


def string_of_pearls(n: int, pearls: Sequence[int] | Sequence[Sequence[int]],
                     tonic: int | str = 0, *, octaves: int = 1, fill: bool = False) -> Scale:
    """Pearls (small interval patterns) strung on ``n`` tonics dividing ``octaves`` octaves.

    Parameters
    ----------
    n : int
        How many tonics (the string): 2, 3, 4, 6 or 12 in one octave, any divisor of
        12·octaves for several.
    pearls : sequence of int, or sequence of sequences of int
        One interval pattern placed on every tonic, or several used in turn. ``()`` is a
        pearl of the tonic alone.
    tonic : int or str
        The first tonic, a pitch class or a name such as ``"D"``.
    octaves : int
        The span of the string in octaves (1..8).
    fill : bool
        Allow a pearl to fill its whole section (then it is a symmetric scale); by default a
        pearl must leave a gap before the next tonic.

    Returns
    -------
    Scale
        The pitches of every pearl, spanning ``12·octaves`` semitones.

    Raises
    ------
    ParameterError
        A pearl reaches the next tonic (or passes it with ``fill=True``), or ``n`` does not
        divide the octaves.

    Examples
    --------
    Three equal parts of two octaves (c, g#, e') each carry c d eb's shape:

    >>> s = string_of_pearls(3, (2, 1), octaves=2)
    >>> s, s.span
    (Scale((0, 2, 3, 8, 10, 11, 16, 18, 19)), 24)
    >>> string_of_pearls(2, (2, 1, 2, 1), fill=True)    # the symmetric scale of group 3
    Scale((0, 2, 3, 5, 6, 8, 9, 11))
    """
    groups = _pearls(pearls)
    tonics = symmetric_tonics(n, tonic, octaves=octaves)
    section = 12 * octaves // n
    pitches: list[int] = []
    for i, t in enumerate(tonics):
        steps = groups[i % len(groups)]
        if sum(steps) > section or (sum(steps) == section and not fill):
            allowed = f"at most {section}" if fill else f"less than {section}"
            raise ParameterError(f"pearls: pearl {list(steps)} spans {sum(steps)} semitones; "
                                 f"a section of {n} tonics in {octaves} octave(s) allows "
                                 f"{allowed}", field="pearls")
        p = t
        pitches.append(p)
        for s in steps[:-1] if sum(steps) == section else steps:
            p += s
            pitches.append(p)
    names = "+".join("".join(map(str, g)) or "0" for g in groups)
    return Scale(pitches, 12 * octaves, name=f"pearls {names} on {n} tonics")


def pearl_forms(n: int, pearl: Sequence[int], tonic: int | str = 0, *,
                octaves: int = 1) -> tuple[Scale, ...]:
    """Every distinct string one ``pearl`` gives: the pearl and its displacements on the tonics.

    Parameters
    ----------
    n : int
        How many tonics.
    pearl : sequence of int
        The interval pattern (at least one interval).
    tonic : int or str
        The first tonic.
    octaves : int
        The span of the string in octaves.

    Returns
    -------
    tuple of Scale
        One string per distinct circular permutation of the pearl's intervals, the pearl's
        own first.

    Examples
    --------
    >>> [tuple(s) for s in pearl_forms(4, (1, 1))]
    [(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)]
    >>> [tuple(s) for s in pearl_forms(2, (2, 1))]
    [(0, 2, 3, 6, 8, 9), (0, 1, 3, 6, 7, 9)]
    """
    if isinstance(pearl, str) or not isinstance(pearl, Sequence) or not pearl or not all(
            isinstance(s, int) for s in pearl):
        raise ParameterTypeError(f"pearl must be one interval pattern of at least one "
                                 f"interval, like (2, 1), got {pearl!r}")
    (steps,) = _pearls(pearl)
    return tuple(string_of_pearls(n, form, tonic, octaves=octaves)
                 for form in displacement(steps))
