"""Harmony throughput (progressions, voice leading), and chord analysis beside music21's own.

``analyze_harmony`` names chords through music21 (key finding, chord symbols, roman numerals),
so the comparison shows what our wrapper costs over music21's bare roman-numeral analysis of
the same chords, and how often the two and the generator's own labels agree (on the scale
degree: music21 writes ``bVI`` / ``iio`` in minor where the generator writes ``VI`` / ``ii°``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from functools import partial
from typing import Any

from bench.timing import median_time, rate
from schillinger_kernel.harmony import (
    STYLES,
    analyze_harmony,
    cycle_progression,
    generate_progression,
)
from schillinger_kernel.harmony.voice_leading import best_move, function_map, lead


def _degree(roman: str) -> str:
    """The scale-degree part of a roman numeral (accidental + numeral, case kept)."""
    m = re.match(r"[#b-]*[ivIV]+", roman)
    return m.group(0).replace("-", "b") if m else roman


def _music21_romans(chords: Sequence[Sequence[int]], key: str | None) -> list[str]:
    """music21 alone: the chords in a stream, the key (given or analysed), a roman each."""
    from music21 import chord, roman, stream
    from music21 import key as m21key

    s: Any = stream.Stream()
    objs = []
    for i, ps in enumerate(chords):
        c = chord.Chord(list(ps))
        c.quarterLength = 4
        s.insert(4 * i, c)
        objs.append(c)
    if key is None:
        k = s.analyze("key")
    else:
        tonic, mode = key.split()
        k = m21key.Key(tonic.replace("b", "-"), mode)
    return [roman.romanNumeralFromChord(c, k).figure for c in objs]


def main() -> None:
    warnings.filterwarnings("ignore", module="music21")
    print("generate_progression (chords per second, one core, voicing='hybrid'):")
    for style in STYLES:
        for length in (8, 64):
            r = rate(partial(generate_progression, "C major", length, 0.6, style, seed=1))
            print(f"  {style:10s} length {length:4d}  {r * length:12,.0f} chords/s"
                  f"  ({r:8,.0f} progressions/s)")

    print("voice leading (chords per second):")
    n = 70
    cyc = lambda: cycle_progression("C major", ("C3", "C5"), length=n)  # noqa: E731
    print(f"  cycle_progression C3+C5, S7, {n} chords   {rate(cyc) * n:12,.0f} chords/s")
    steps = cycle_progression("C major", "C5", length=64)  # diatonic S7 on a C5 cycle
    tones = [dict(zip((1, 3, 5, 7), c.pitch_classes, strict=True)) for c in steps]
    maps = [function_map("C5", "S7")] * (len(tones) - 1)
    start = (60, 64, 67, 71)
    print(f"  lead(), 64 chords, C5 function maps     "
          f"{rate(lambda: lead(tones, start, maps)) * 64:12,.0f} chords/s")
    print(f"  lead(), 64 chords, minimal motion       "
          f"{rate(lambda: lead(tones, start)) * 64:12,.0f} chords/s")
    print(f"  best_move, 4 voices                     "
          f"{rate(lambda: best_move(start, tones[1])):12,.0f} moves/s")

    print("\nanalyze_harmony vs music21's roman-numeral analysis of the same chords "
          "(8 chords each, after one warm-up call):")
    for style, key in (("classical", "C major"), ("jazz", "F major"), ("pop", "A minor")):
        p = generate_progression(key, 8, 0.5, style, seed=7)
        chords = [list(c.pitches) for c in p]
        for given in (key, None):
            ours = analyze_harmony(chords, key=given)
            peer = _music21_romans(chords, given)
            t_ours = median_time(partial(analyze_harmony, chords, key=given), 1)
            t_peer = median_time(partial(_music21_romans, chords, given), 1)
            same = sum(a == b for a, b in zip(ours.romans, peer, strict=True)) / len(peer)
            gen = sum(_degree(a) == _degree(b)
                      for a, b in zip(ours.romans, p.romans, strict=True)) / len(peer)
            label = f"key {given}" if given else f"key found ({ours.key})"
            agree = f"{gen:4.0%}" if ours.key == key else " n/a (another key)"
            print(f"  {style:9s} {label:24s} ours {t_ours * 1000:7.1f} ms"
                  f"  music21 {t_peer * 1000:7.1f} ms  ratio {t_ours / t_peer:4.2f}x"
                  f"  same romans {same:4.0%}  degree = generator's {agree}")


if __name__ == "__main__":
    main()
