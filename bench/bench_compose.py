"""Composition quality over ~50 generated pieces (all styles, 12 keys major and minor, 4 meters).

Prints the share of pieces with a correct final cadence (:func:`final_cadence`), of sections
ending on the cadence of their role (:func:`section_cadences`), of chord changes that repeat
the chord a bar before, the share
of melody notes on top, the inner voices' pitch-class counts per 8 bars and whether their
rhythm changes from bar to bar, the walking bass's leap and approach shares, the forms
(sections and the techniques that made them) and the loudness range (EBU R128 LRA, LU) of
every piece rendered by our synthesizer. It reports; it never fails.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections import Counter

from schillinger_kernel.compose import COMPOSE_STYLES as STYLES
from schillinger_kernel.compose import accompany, generate_composition
from schillinger_kernel.compose.rules import (
    bass_part,
    bass_steps,
    final_cadence,
    inner_voice_pitch_classes,
    inner_voice_rhythms,
    melody_on_top,
    section_cadences,
)
from schillinger_kernel.dsp.loudness import loudness_range
from schillinger_kernel.rhythm import interference
from schillinger_kernel.synth.renderer import render

TONICS = ("C", "G", "D", "A", "E", "B", "F#", "Db", "Ab", "Eb", "Bb", "F")
METERS = ("4/4", "3/4", "6/8", "5/4")
PIECES = 50
SAMPLE_RATE = 22050  # loudness needs the level, not the top octave


def pieces(n: int = PIECES):
    """(style, key, meter, seed) for ``n`` pieces."""
    for i in range(n):
        style = STYLES[i % len(STYLES)]
        mode = "major" if (i // len(STYLES)) % 2 == 0 else "minor"
        yield style, f"{TONICS[i % len(TONICS)]} {mode}", METERS[i % len(METERS)], i


def main() -> None:
    cad: Counter[str] = Counter()
    tops, leaps, approaches, inner, rhythms, lras = [], [], [], [], [], []
    lra_by_style: dict[str, list[float]] = {}
    fails: Counter[str] = Counter()
    techniques: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    sections_ok: Counter[str] = Counter()
    changes = repeats = 0
    t0 = time.perf_counter()
    render_s = 0.0
    for style, key, meter, seed in pieces():
        s = generate_composition("Bench", 110, key, 16, style, 0.5, seed=seed, meter=meter)
        c = final_cadence(s, style)
        cad[style] += c["ok"]
        fails.update(k for k, v in c.items() if v is False)
        tops.append(melody_on_top(s))
        for row in section_cadences(s, style):
            sections[row["cadence"]] += 1
            sections_ok[row["cadence"]] += row["ok"]
        chords = [c["pitch_classes"] for c in s.metadata["chords"]]
        changes += len(chords) - 1
        repeats += sum(a == b for a, b in itertools.pairwise(chords))
        form = s.metadata.get("form", [])
        forms[" ".join(x["label"] for x in form)] += 1
        techniques.update(x["technique"] for x in form)
        if style == "classical":
            inner += list(inner_voice_pitch_classes(s).values())
            rhythms += list(inner_voice_rhythms(s).values())
        if style == "jazz":
            bp = bass_part(s)
            assert bp is not None
            st = bass_steps(bp, range(0, s.end, s.bar_ticks))
            leaps.append(st["leap_share"])
            approaches.append(st["approach_share"])
        r0 = time.perf_counter()
        lra = loudness_range(render(s, SAMPLE_RATE))
        render_s += time.perf_counter() - r0
        if lra is not None:
            lras.append(lra)
            lra_by_style.setdefault(style, []).append(lra)
    dt = time.perf_counter() - t0
    per = Counter(style for style, _k, _m, _s in pieces())
    print(f"{PIECES} pieces of 16 bars (meters {', '.join(METERS)}), {dt:.1f} s "
          f"({render_s:.1f} s rendering)")
    print(f"  correct final cadence: {sum(cad.values()) / PIECES:.0%}  "
          + "  ".join(f"{k} {v}/{per[k]}" for k, v in sorted(cad.items())))
    print(f"  failed checks: {dict(fails)}")
    print(f"  section cadences right: {sum(sections_ok.values())}/{sum(sections.values())}  "
          + "  ".join(f"{k} {sections_ok[k]}/{v}" for k, v in sorted(sections.items())))
    print(f"  chord changes repeating the bar before: {repeats}/{changes} "
          f"({repeats / max(1, changes):.1%})")
    print(f"  melody on top: mean {statistics.mean(tops):.1%}, min {min(tops):.1%}, "
          f"pieces >= 95%: {sum(t >= 0.95 for t in tops)}/{PIECES}")
    if inner:
        print(f"  quartet inner voices, pitch classes per 8 bars: min {min(inner)}, "
              f"mean {statistics.mean(inner):.1f}, counts {sorted(Counter(inner).items())}, "
              f">= 5: {sum(n >= 5 for n in inner)}/{len(inner)}")
        print(f"  quartet inner voices, distinct bar rhythms: min {min(rhythms)}, "
              f"mean {statistics.mean(rhythms):.1f} (1 = the same rhythm every bar)")
    if leaps:
        print(f"  walking bass: leap (>= M6) share {statistics.mean(leaps):.1%}, chord roots "
              f"approached by step {statistics.mean(approaches):.1%}")
    print(f"  forms: {dict(forms.most_common(4))}")
    print(f"  techniques: {dict(techniques.most_common())}")
    if lras:
        print(f"  loudness range (LU): min {min(lras):.1f}, median {statistics.median(lras):.1f}, "
              f"max {max(lras):.1f}, pieces >= 4 LU: {sum(x >= 4 for x in lras)}/{len(lras)}; "
              + ", ".join(f"{k} {statistics.median(v):.1f}"
                          for k, v in sorted(lra_by_style.items())))
    whole, names = resultants_heard_whole()
    print(f"  named resultants heard whole in accompany's keys: {len(whole)}/{len(names)}"
          + (f"  (not whole: {sorted(set(names) - set(whole))})" if len(whole) < len(names)
             else ""))


GENERATORS = ((3, 2), (4, 3), (5, 3), (5, 4), (7, 4), (7, 5), (8, 3))


def resultants_heard_whole() -> tuple[list[str], list[str]]:
    """Which r a÷b sound whole (every attack of the period, in eighths) in ``accompany``'s
    keyboard part over four chords, across bar lines and chord changes."""
    whole, names = [], []
    for a, b in GENERATORS:
        r = interference(a, b)
        bars = max(4, -(-2 * r.period // 8))  # at least two periods
        chords = ["Dm7", "G7", "Cmaj7", "A7"] * (bars // 4 + 1)
        s = accompany(chords[:bars], bpm=100, key="C", tracks=["keys"], generators=(a, b),
                      seed=1)
        onsets = {n.start // 240 for n in s.parts[0].notes}
        heard = {x + r.period * k for k in range(bars * 8 // r.period + 1) for x in r.attacks
                 if x + r.period * k < bars * 8}
        names.append(f"r{a}÷{b}")
        if heard <= onsets:
            whole.append(names[-1])
    return whole, names


if __name__ == "__main__":
    main()
