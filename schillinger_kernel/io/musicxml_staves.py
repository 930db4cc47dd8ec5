"""Which staff and voice each note is written on, and the dynamics a part's velocities mean.

* Keyboard instruments (pianos, harpsichord, clavinet, organs, accordion, harp) are written on
  a grand staff. Two neighbouring parts named as one instrument's hands (``"Piano RH"`` and
  ``"Piano LH"``, ``"right hand"`` / ``"left hand"``) become one part, each hand on its staff;
  a single keyboard part is split at middle C with hysteresis: notes from G3 to E4 go to the
  staff of the nearest note attacked in the last two beats, so a line that wanders around
  middle C does not jump between staves (a part that never leaves one side keeps one staff).
* A staff's notes go into as few voices as possible: notes that start and end together form
  a chord, a voice never overlaps itself, voice 1 holds the highest line.
* A cello, bassoon or trombone line in the bass clef moves to the tenor clef for the bars
  where it climbs to E4 (two ledger lines over the bass staff) without going under C3, and
  back when a bar stays under C4 or goes under C3 (see :func:`bar_clefs`).
* Drum parts have the hands in voice 1 (stems up) and the feet (bass drums, pedal hi-hat) in
  voice 2 (stems down); a hit is written up to the voice's next hit or the end of its beat,
  so a groove reads as eighths and quarters rather than sixteenths and rests.
* Dynamics: the median velocity of each bar's attacks gives pp .. ff; a mark is written
  where the level changes clearly (by more than a margin past the current band), and a
  hairpin where it rises or falls steadily over several bars.

>>> from schillinger_kernel import Note
>>> upper, lower = split_staff([Note(0, 480, 72), Note(0, 480, 48), Note(480, 480, 59)])
>>> [n.pitch for n in upper], [n.pitch for n in lower]
([72], [48, 59])
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..score import Note, Part
from .musicxml_values import Bar, beats

__all__ = [
    "FEET",
    "KEYBOARDS",
    "TENOR_CLEF",
    "Chord",
    "bar_clefs",
    "drum_voices",
    "dynamic_marks",
    "hairpins",
    "hands",
    "split_staff",
    "voices",
]

KEYBOARDS = frozenset({*range(8), 16, 17, 18, 19, 20, 21, 46})
"""GM programs written on a grand staff."""
FEET = frozenset({35, 36, 44})
"""GM drum notes played with the feet: acoustic and electric bass drum, pedal hi-hat."""
TENOR_CLEF = frozenset({42, 57, 70})
"""GM programs that read the tenor clef in their high register: cello, trombone, bassoon."""

Chord = tuple[int, int, tuple[int, ...], int]  # start, end, pitches, velocity

_MIDDLE_C = 60
_TENOR_UP = 64  # E4: a bar reaching it goes to the tenor clef (if it stays at or over C3)
_TENOR_FLOOR = 48  # C3: one ledger line under the tenor staff; lower reads in the bass clef
_LOW, _HIGH = 55, 64  # G3 .. E4: the staff of the nearest earlier note decides
_RECENT = 960  # ticks a note is remembered for that decision
_HAND = re.compile(r"^(.*?)\s*(?:\b(rh|lh)\b|\b(right|left)(?: hand)?)\s*$", re.IGNORECASE)
# Upper velocity bounds of each mark, midway between MuseScore's playback velocities (pp 33,
# p 49, mp 64, mf 80, f 96, ff 112) except mf, which reaches up to the workbench's default 90.
_SWELL = 16  # velocity steps a run of bars must rise or fall by to be drawn as a hairpin
_MARGIN = 6  # velocity steps past a band's edge before a new mark is written
_LEVELS = ((41, "pp"), (57, "p"), (72, "mp"), (92, "mf"), (104, "f"), (128, "ff"))


def hands(parts: Sequence[Part]) -> list[tuple[int, ...]]:
    """Parts grouped as written: ``(i, j)`` for a keyboard's right and left hand, else ``(i,)``.

    >>> from schillinger_kernel import Part
    >>> hands([Part("Piano RH"), Part("Piano LH"), Part("Bass", program=32)])
    [(0, 1), (2,)]
    """
    out: list[tuple[int, ...]] = []
    i = 0
    while i < len(parts):
        a = parts[i]
        b = parts[i + 1] if i + 1 < len(parts) else None
        ma = _HAND.match(a.name.strip())
        mb = _HAND.match(b.name.strip()) if b is not None else None
        if (b is not None and ma and mb and not a.is_drums and not b.is_drums
                and a.program in KEYBOARDS and b.program in KEYBOARDS
                and ma.group(1).lower() == mb.group(1).lower()
                and (ma.group(2) or ma.group(3)).lower() in ("rh", "right")
                and (mb.group(2) or mb.group(3)).lower() in ("lh", "left")):
            out.append((i, i + 1))
            i += 2
        else:
            out.append((i,))
            i += 1
    return out


def split_staff(notes: Sequence[Note]) -> tuple[list[Note], list[Note]]:
    """A keyboard part's notes split into the upper and lower staff (see the module doc)."""
    upper: list[Note] = []
    lower: list[Note] = []
    recent: list[tuple[int, int, bool]] = []  # start, pitch, on the upper staff
    onsets: dict[int, list[Note]] = {}
    for n in notes:
        onsets.setdefault(n.start, []).append(n)
    for start in sorted(onsets):
        # the hysteresis looks at earlier attacks only: a chord's own notes do not pull
        # each other across
        recent = [r for r in recent if start - r[0] <= _RECENT]
        placed = []
        for n in sorted(onsets[start], key=lambda n: n.pitch):
            if n.pitch > _HIGH:
                up = True
            elif n.pitch < _LOW:
                up = False
            elif recent:
                up = min(recent, key=lambda r: (abs(r[1] - n.pitch), -r[0]))[2]
            else:
                up = n.pitch >= _MIDDLE_C
            (upper if up else lower).append(n)
            placed.append((start, n.pitch, up))
        recent += placed
    return upper, lower


def _chords(notes: Sequence[Note]) -> list[Chord]:
    groups: dict[tuple[int, int], list[Note]] = {}
    for n in notes:
        groups.setdefault((n.start, n.end), []).append(n)
    return [(s, e, tuple(sorted({n.pitch for n in ns})), max(n.velocity for n in ns))
            for (s, e), ns in sorted(groups.items())]


def voices(notes: Sequence[Note], limit: int = 4) -> list[list[Chord]]:
    """The chords of one staff in as few non-overlapping voices as fit (``limit`` at most:
    beyond it a held chord is cut where the next one starts). Voice 1 holds the highest line.

    >>> from schillinger_kernel import Note
    >>> [[c[2] for c in v] for v in voices([Note(0, 960, 48), Note(0, 480, 64),
    ...                                      Note(480, 480, 65)])]
    [[(64,), (65,)], [(48,)]]
    """
    out: list[list[Chord]] = []
    for ch in sorted(_chords(notes), key=lambda c: (c[0], -c[2][-1])):
        free = [v for v in out if v[-1][1] <= ch[0]]
        if free:
            # the voice whose last pitch is nearest keeps lines apart
            min(free, key=lambda v: abs(v[-1][2][-1] - ch[2][-1])).append(ch)
        elif len(out) < limit:
            out.append([ch])
        else:
            v = min(out, key=lambda v: v[-1][1])
            s, _e, p, vel = v[-1]
            if s < ch[0]:
                v[-1] = (s, ch[0], p, vel)
                v.append(ch)
            else:
                v[-1] = (s, max(_e, ch[1]), tuple(sorted({*p, *ch[2]})), vel)
    out.sort(key=lambda v: -sum(c[2][-1] for c in v) / len(v))
    return out


def drum_voices(notes: Sequence[Note], bar_list: Sequence[Bar]) -> list[list[Chord]]:
    """Hands (voice 1) and feet (voice 2) of a drum part, each hit written up to the voice's
    next hit or to the end of its beat, whichever comes first.

    >>> from schillinger_kernel import Note
    >>> from schillinger_kernel.io.musicxml_values import Bar
    >>> hat = [Note(t, 120, 42) for t in (0, 240, 480)]
    >>> [[(c[0], c[1]) for c in v] for v in drum_voices([*hat, Note(0, 120, 36)],
    ...                                                [Bar(0, 1920, 4, 4)])]
    [[(0, 240), (240, 480), (480, 960)], [(0, 480)]]
    """
    edges = sorted({b.start + b0 + blen for b in bar_list for b0, blen, _c in beats(b)})
    out = []
    for group in ([n for n in notes if n.pitch not in FEET], [n for n in notes if n.pitch in FEET]):
        onsets: dict[int, list[Note]] = {}
        for n in group:
            onsets.setdefault(n.start, []).append(n)
        starts = sorted(onsets)
        chords = []
        for k, s in enumerate(starts):
            nxt = starts[k + 1] if k + 1 < len(starts) else None
            hits = onsets[s]
            # a drum is struck, not held: its note reaches the end of its beat
            end = next((e for e in edges if e > s), s + max(n.duration for n in hits))
            if nxt is not None:
                end = min(end, nxt)
            chords.append((s, end, tuple(sorted({n.pitch for n in hits})),
                           max(n.velocity for n in hits)))
        if chords:
            out.append(chords)
    return out


def hairpins(notes: Sequence[Note], bar_list: Sequence[Bar]) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of crescendo / diminuendo wedges: where the median attack
    velocity rises (or falls) bar after bar for two bars or more, by :data:`_SWELL` in all,
    from the first attack of the first bar to the first attack of the last.

    >>> from schillinger_kernel import Note
    >>> from schillinger_kernel.io.musicxml_values import Bar
    >>> hairpins([Note(b * 1920, 480, 60, 50 + 12 * b) for b in range(4)],
    ...          [Bar(b * 1920, 1920, 4, 4) for b in range(4)])
    [(0, 5760, 'crescendo')]
    """
    ordered = sorted(notes)
    firsts: list[tuple[int, int]] = []  # (first attack, median velocity) of bars with notes
    for bar in bar_list:
        inside = [n for n in ordered if bar.start <= n.start < bar.start + bar.length]
        if inside:
            vel = sorted(n.velocity for n in inside)
            firsts.append((inside[0].start, vel[len(vel) // 2]))
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(firsts) - 1:
        step = firsts[i + 1][1] - firsts[i][1]
        j = i + 1
        while step and j + 1 < len(firsts) and (firsts[j + 1][1] - firsts[j][1]) * step > 0:
            j += 1
        if j - i >= 2 and abs(firsts[j][1] - firsts[i][1]) >= _SWELL:
            out.append((firsts[i][0], firsts[j][0], "crescendo" if step > 0 else "diminuendo"))
            i = j
        else:
            i += 1
    return out


def dynamic_marks(notes: Sequence[Note], bar_list: Sequence[Bar]) -> list[tuple[int, str]]:
    """``(tick, mark)``: the dynamic of each bar's median attack velocity, where it changes.

    >>> from schillinger_kernel import Note
    >>> from schillinger_kernel.io.musicxml_values import Bar
    >>> dynamic_marks([Note(0, 480, 60, 50), Note(1920, 480, 60, 52), Note(3840, 480, 60, 100)],
    ...               [Bar(0, 1920, 4, 4), Bar(1920, 1920, 4, 4), Bar(3840, 1920, 4, 4)])
    [(0, 'p'), (3840, 'f')]
    """
    out: list[tuple[int, str]] = []
    ordered = sorted(notes)
    for bar in bar_list:
        inside = sorted(n.velocity for n in ordered
                        if bar.start <= n.start < bar.start + bar.length)
        if not inside:
            continue
        median = inside[len(inside) // 2]
        mark = next(m for top, m in _LEVELS if median < top)
        if out and mark != out[-1][1]:
            # a change must be clear of the current level's band, or marks flicker bar by bar
            k = [m for _t, m in _LEVELS].index(out[-1][1])
            low = _LEVELS[k - 1][0] if k else 0
            if low - _MARGIN <= median < _LEVELS[k][0] + _MARGIN:
                continue
        if not out or out[-1][1] != mark:
            first = next(n.start for n in ordered if n.start >= bar.start)
            out.append((first, mark))
    return out


def bar_clefs(notes: Sequence[Note], bar_list: Sequence[Bar], clef: str,
              program: int) -> list[str]:
    """The clef of each bar of one staff: ``clef`` throughout, except for a bass-clef part of
    :data:`TENOR_CLEF`, whose bars go to ``"tenor"`` where they reach E4 without going under
    C3 and come back to ``"bass"`` where they stay under C4 or go under C3. The two
    thresholds apart keep a line near middle C from changing clef every bar; a bar without
    attacks keeps the clef before it.

    >>> from schillinger_kernel.io.musicxml_values import bars
    >>> from schillinger_kernel.score import TimeSignature
    >>> line = [Note(i * 1920, 1920, p) for i, p in enumerate((50, 65, 62, 59, 45))]
    >>> bar_clefs(line, bars((TimeSignature(0, 4, 4),), 9600), "bass", 42)
    ['bass', 'tenor', 'tenor', 'bass', 'bass']
    >>> bar_clefs(line, bars((TimeSignature(0, 4, 4),), 9600), "bass", 32)  # a bass guitar
    ['bass', 'bass', 'bass', 'bass', 'bass']
    """
    out = [clef] * len(bar_list)
    if clef != "bass" or program not in TENOR_CLEF:
        return out
    current = clef
    for i, bar in enumerate(bar_list):
        here = [n.pitch for n in notes if bar.start <= n.start < bar.start + bar.length]
        if here:
            low, high = min(here), max(here)
            if current == "bass" and high >= _TENOR_UP and low >= _TENOR_FLOOR:
                current = "tenor"
            elif current == "tenor" and (high < _MIDDLE_C or low < _TENOR_FLOOR):
                current = "bass"
        out[i] = current
    return out
