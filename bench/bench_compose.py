"""Composition quality over ~50 generated pieces (all styles, 12 keys major and minor, 4 meters).

Prints the share of pieces with a correct final cadence (:func:`final_cadence`), the share
of melody notes on top, the inner voices' pitch-class counts per 8 bars and the walking
bass's leap and approach shares. It reports; it never fails.
"""

from __future__ import annotations

import inspect
import statistics
import time
from collections import Counter

from schillinger_kernel.compose import generate_composition
from schillinger_kernel.compose.rules import (
    bass_part,
    bass_steps,
    final_cadence,
    inner_voice_pitch_classes,
    melody_on_top,
)
from schillinger_kernel.harmony import STYLES

TONICS = ("C", "G", "D", "A", "E", "B", "F#", "Db", "Ab", "Eb", "Bb", "F")
METERS = ("4/4", "3/4", "6/8", "5/4")
PIECES = 50


def pieces(n: int = PIECES):
    """(style, key, meter, seed) for ``n`` pieces."""
    for i in range(n):
        style = STYLES[i % len(STYLES)]
        mode = "major" if (i // len(STYLES)) % 2 == 0 else "minor"
        yield style, f"{TONICS[i % len(TONICS)]} {mode}", METERS[i % len(METERS)], i


def main() -> None:
    has_meter = "meter" in inspect.signature(generate_composition).parameters
    cad = Counter()
    tops, leaps, approaches, inner = [], [], [], []
    fails: Counter[str] = Counter()
    t0 = time.perf_counter()
    for style, key, meter, seed in pieces():
        kw = {"meter": meter} if has_meter else {}
        s = generate_composition("Bench", 110, key, 16, style, 0.5, seed=seed, **kw)
        c = final_cadence(s, style)
        cad[style] += c["ok"]
        fails.update(k for k, v in c.items() if v is False)
        tops.append(melody_on_top(s))
        inner += list(inner_voice_pitch_classes(s).values()) if style == "classical" else []
        if style == "jazz":
            bp = bass_part(s)
            assert bp is not None
            st = bass_steps(bp, range(0, s.end, s.bar_ticks))
            leaps.append(st["leap_share"])
            approaches.append(st["approach_share"])
    dt = time.perf_counter() - t0
    per = PIECES // len(STYLES)
    meters = "meters " + ", ".join(METERS) if has_meter else "4/4 only"
    print(f"{PIECES} pieces of 16 bars ({meters}), {dt:.1f} s")
    print(f"  correct final cadence: {sum(cad.values()) / PIECES:.0%}  "
          + "  ".join(f"{k} {v}/{per}" for k, v in sorted(cad.items())))
    print(f"  failed checks: {dict(fails)}")
    print(f"  melody on top: mean {statistics.mean(tops):.1%}, min {min(tops):.1%}, "
          f"pieces >= 95%: {sum(t >= 0.95 for t in tops)}/{PIECES}")
    if inner:
        print(f"  quartet inner voices, pitch classes per 8 bars: min {min(inner)}, "
              f"mean {statistics.mean(inner):.1f}, counts {sorted(Counter(inner).items())}")
    if leaps:
        print(f"  walking bass: leap (>= M6) share {statistics.mean(leaps):.1%}, chord roots "
              f"approached by step {statistics.mean(approaches):.1%}")


if __name__ == "__main__":
    main()
