"""Cadences: how each section of a piece closes, in its key and style, and a harmony that
does not stand still.

A section's role (:func:`section_roles`) sets its cadence:

* the last section closes the piece on the style's full close (:func:`closing_chords`):
  authentic (V7-I; ii7-V7-I in jazz and blues) for classical, jazz and blues, plagal (IV-I)
  for pop and shuffle, the mode's characteristic degree to the tonic for modal, a
  symmetric tonic to the tonic for symmetric;
* a section followed by a return of A (or by the coda) ends open, on a half cadence
  (:func:`half_chords`): the antecedent of a period, or the contrast leading back;
* any other section (an A' before the contrast, a B before B') closes on the full close.

:func:`section_harmony` builds the chords of a whole form: each section's chords from the
style's generator, its tail replaced by its cadence, then (:func:`without_repeats`) a chord
that would repeat the one before it, bar after bar, is replaced by a chord a third or a
fourth away (Book V's C3 and C5 relations), the cadences kept as they are.

>>> section_roles(["A", "A'", "B", "A''"])
['half', 'close', 'half', 'final']
>>> [c.degree for c in half_chords("C major", "classical", 0.5)]
[4, 5]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..harmony import ChordSpec, diatonic_spec, generate_progression
from ..pitch import parse_key
from ..scales import key_scale
from .form import Section
from .rules import cadence_approach

__all__ = [
    "CADENCES",
    "cadence_name",
    "closing_chords",
    "half_chords",
    "section_harmony",
    "section_roles",
    "without_repeats",
]

CADENCES = ("authentic", "half", "plagal", "modal", "symmetric")
# The style whose progressions a style borrows (blues has its own form, see .blues).
HARMONY_OF = {"shuffle": "pop", "blues": "jazz"}


def section_roles(labels: Sequence[str]) -> list[str]:
    """``"final"``, ``"half"`` or ``"close"`` for each section (see the module).

    >>> section_roles(["A", "A'", "A''", "Coda"])
    ['half', 'half', 'half', 'final']
    """
    out = []
    for i, _label in enumerate(labels):
        if i == len(labels) - 1:
            out.append("final")
        elif labels[i + 1].startswith("A") or labels[i + 1] == "Coda":
            out.append("half")
        else:
            out.append("close")
    return out


def cadence_name(style: str, key: str, role: str) -> str:
    """The name of the cadence a section of ``role`` ends on (one of :data:`CADENCES`).

    >>> cadence_name("pop", "C major", "final"), cadence_name("modal", "D dorian", "close")
    ('plagal', 'modal')
    """
    if role == "half":
        return "half"
    approach = cadence_approach(style, key)[0]
    if style == "symmetric":
        return "symmetric"
    if approach == 7:
        return "authentic"
    return "plagal" if style in ("pop", "shuffle") else "modal"


def _dominant(key: str, cx: float, seventh: bool) -> ChordSpec:
    """V of ``key`` with its leading tone raised (minor keys too)."""
    root = (parse_key(key)[0] + 7) % 12
    fs = {1: root, 3: (root + 4) % 12, 5: (root + 7) % 12}
    if seventh:
        fs[7] = (root + 10) % 12
    return ChordSpec(root, fs, "S7" if seventh else "S5", 5)


def _approach(key: str, style: str) -> ChordSpec:
    """The chord the style's close approaches the tonic from, when it is not V."""
    tonic = parse_key(key)[0]
    root = (tonic + cadence_approach(style, key)[0]) % 12
    degrees = [d + 1 for d, pc in enumerate(key_scale(key).pitch_classes) if pc == root]
    if degrees:
        return diatonic_spec(key, degrees[0], "S5")
    major = style == "symmetric" or root in {(tonic + 5) % 12, (tonic + 10) % 12}
    third = 4 if major else 3
    return ChordSpec(root, {1: root, 3: (root + third) % 12, 5: (root + 7) % 12}, "S5")


def closing_chords(key: str, style: str, cx: float) -> list[ChordSpec]:
    """The style's full close in ``key``, ending on the tonic (see the module).

    >>> [c.root for c in closing_chords("A minor", "jazz", 0.5)]
    [11, 4, 9]
    """
    seventh = style in ("jazz", "blues")
    final = diatonic_spec(key, 1, "S7" if seventh else "S5")
    if style in ("classical", "jazz", "blues"):
        dom = _dominant(key, cx, style != "classical" or cx >= 0.3)
        return [diatonic_spec(key, 2, "S7"), dom, final] if seventh else [dom, final]
    return [_approach(key, style), final]


def half_chords(key: str, style: str, cx: float) -> list[ChordSpec]:
    """A half cadence in ``key``: ending on V (on the mode's characteristic degree in modal,
    a symmetric tonic in symmetric), from the pre-dominant where the style has one.

    >>> [c.root for c in half_chords("D dorian", "modal", 0.5)]
    [7]
    """
    if style in ("modal", "symmetric"):
        return [_approach(key, style)]
    seventh = style in ("jazz", "blues")
    pre = diatonic_spec(key, 2 if seventh else 4, "S7" if seventh else "S5")
    return [pre, _dominant(key, cx, seventh)]


def _same(a: ChordSpec, b: ChordSpec) -> bool:
    return a.root == b.root


def _diminished(spec: ChordSpec) -> bool:
    fs = spec.functions
    return (fs.get(3, -1) - fs[1]) % 12 == 3 and (fs.get(5, -1) - fs[1]) % 12 == 6


def _substitute(spec: ChordSpec, key: str, avoid: set[int]) -> ChordSpec:
    """A chord a third or a fourth from ``spec`` (same structure) whose root is not in
    ``avoid``; a chord off the scale moves by a symmetric interval instead."""
    sc = key_scale(key)
    pcs = list(sc.pitch_classes)
    if spec.root in pcs and spec.structure in ("S5", "S7", "S9", "S11", "S13"):
        d = pcs.index(spec.root)
        for step in (5, 3, 2, 4):  # a third below, a fourth above, a third above, a fifth
            cand = diatonic_spec(key, (d + step) % len(pcs) + 1, spec.structure)
            if cand.root not in avoid and not _diminished(cand):
                return cand
    for shift in (3, 9, 4, 8, 6):
        root = (spec.root + shift) % 12
        if root not in avoid:
            return ChordSpec(root, {f: (pc + shift) % 12 for f, pc in spec.functions.items()},
                             spec.structure)
    return spec


def without_repeats(specs: Sequence[ChordSpec], key: str,
                    kept: Callable[[int], bool] = lambda i: False) -> list[ChordSpec]:
    """``specs`` with every chord whose root repeats the chord before it replaced (see
    :func:`_substitute`), except those ``kept(i)`` says to keep (there the chord before is
    replaced, when it may be).

    >>> [c.degree for c in without_repeats(
    ...     [diatonic_spec("C major", d, "S5") for d in (1, 5, 1, 1, 4)], "C major")]
    [1, 5, 1, 6, 4]
    """
    out = list(specs)
    for i in range(1, len(out)):
        if not _same(out[i], out[i - 1]):
            continue
        j = i if not kept(i) else i - 1
        if kept(j):
            continue
        avoid = {out[j - 1].root} if j > 0 else set()
        avoid |= {out[j + 1].root} if j + 1 < len(out) else set()
        avoid.add(out[j].root)
        out[j] = _substitute(out[j], key, avoid)
    return out


def section_harmony(key: str, style: str, cx: float, sections: Sequence[Section],
                    seed: int) -> tuple[list[ChordSpec], list[str]]:
    """One chord a bar for ``sections``, each ending on the cadence of its role, and the
    cadence names (see the module). Sections of the same letter and length share their
    chords up to the cadence.

    >>> from schillinger_kernel.compose.form import plan_form
    >>> from schillinger_kernel.rhythm import interference
    >>> form = plan_form(interference(3, 2), (3, 2), 12, 8, seed=1)
    >>> specs, names = section_harmony("C major", "classical", 0.5, form, seed=1)
    >>> len(specs), names
    (12, ['half', 'authentic', 'half', 'authentic'])
    """
    roles = section_roles([s.label for s in sections])
    bodies: dict[tuple[str, int], list[ChordSpec]] = {}
    specs: list[ChordSpec] = []
    fixed = {0}  # the piece starts on its tonic
    for i, (sec, role) in enumerate(zip(sections, roles, strict=True)):
        base = sec.label.rstrip("'")
        if (base, sec.bars) not in bodies:
            prog = generate_progression(key, sec.bars, cx, HARMONY_OF.get(style, style),
                                        seed=seed + (0 if base == "A" else 1) + 7 * i)
            bodies[(base, sec.bars)] = [ChordSpec(c.root, dict(c.functions), c.structure,
                                                  c.degree) for c in prog]
        body = list(bodies[(base, sec.bars)])
        tail = half_chords(key, style, cx) if role == "half" else closing_chords(key, style, cx)
        # a section of two bars or more keeps its own first chord
        tail = tail[-(sec.bars - 1):] if sec.bars > 1 else tail[-1:]
        body[-len(tail):] = tail
        fixed |= set(range(len(specs) + sec.bars - len(tail), len(specs) + sec.bars))
        specs += body
    tonic = closing_chords(key, style, cx)[-1]
    if specs and specs[0].root != tonic.root and len(specs) > 1:
        specs[0] = tonic  # a short jazz section is all ii-V-I: the piece still opens at home
    names = [cadence_name(style, key, r) for r in roles]
    return without_repeats(specs, key, fixed.__contains__), names
