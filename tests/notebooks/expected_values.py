"""The values each tutorial prints that a reader checks against the book, asserted.

Each entry: a piece of a code cell's source that picks the cell, and text its output must
contain. Values come from the book (see docs/theory-reference.md) or from what the tutorial
promises in its prose; nothing here depends on the machine, a port or the clock.
"""

# ruff: noqa: E501  (a row per checked value reads better than wrapped tuples)
from __future__ import annotations

EXPECTED: dict[str, list[tuple[str, str]]] = {
    "01_rhythm.ipynb": [
        ("r = rhythm.interference(3, 2)\nr", "Rhythm((2, 1, 1, 2))"),
        ('print("durations:", r.durations)', "attacks:   (0, 2, 3, 4)   period: 6   grid: 101110"),
        ("print(rhythm.interference(6, 4))", "Rhythm((4, 2, 2, 4, 4, 2, 2, 4))\nRhythm((4, 2, 2, 4))"),
        ("for a, b in rhythm.canonical_pairs()", "r(4÷3) = 3 1 2 2 1 3"),
        ('print("by 3:", rhythm.group(r, 3))', "by 3: ((2, 1), (1, 2))\nby 2: ((2,), (1, 1), (2,))"),
        ("rhythm.fractioning(3, 2)", "Rhythm((2, 1, 1, 1, 1, 1, 2))"),
        ('print("balance    :"', "Rhythm((2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 3))  lasts 18"),
        ("theme = rhythm.interference(2, 3, 5)", "22 attacks over 30"),
        ("theme = rhythm.interference(2, 3, 5)", "countertheme: Rhythm((6, 4, 2, 3, 3, 2, 4, 6))"),
        ("print(rhythm.power((2, 1), 2))", "Rhythm((4, 2, 2, 1))\nRhythm((8, 4, 4, 2, 4, 2, 2, 1))\nRhythm((6, 3))"),
        ('print(rhythm.general_permutations("abc"))', "('abc', 'acb', 'cab', 'bac', 'bca', 'cba')"),
        ("rhythm.distribute(rhythm.interference(3, 2)", "{'kick': Rhythm((3, 3)), 'snare': Rhythm((-2, 2, 2))}"),
        ("g = rhythm.fractioning_by_b(3, 2)", "closes after 20 bars of 8/8"),
        ('for name in ("summation"', "primes      (1, 2, 3, 5, 7, 11, 13)"),
    ],
    "02_scales_and_projection.ipynb": [
        ("print(f\"E{k}:\"", "E1: C4 E4 G4 B4 D5 F5 A5"),
        ("for steps in scales.displacement((2, 2, 3, 2, 3))", "(2, 3, 2, 3, 2) -> C4 D4 F4 G4 Bb4"),
        ('print("3 tonics:", scales.symmetric_tonics(3))', "3 tonics: (0, 4, 8)\n2 x (2,1,2,1): Scale((0, 2, 3, 5, 6, 8, 9, 11))"),
        ("print(scales.interval_interference(3, 2)", "(2, 1, 2)"),
        ("print(projection.expand_pitch((60, 62, 64, 65, 67), axis=60, coefficient=2))", "(60, 64, 68, 70, 74)"),
        ("print([scales.scale_count(n) for n in range(1, 13)])", "[1, 11, 55, 165, 330, 462, 462, 330, 165, 55, 11, 1]"),
        ('melody.parse_terms("a2T2P + b2T2P + 0T")', "['a2T2P', 'b2T2P', '0T']"),
    ],
    "03_harmony.ipynb": [
        ('for s in ("S5", "S7", "S9", "S11", "S13"):', "S7 ['D4', 'F4', 'A4', 'C5']"),
        ('for kind in ("C3", "C5", "C7"):\n    for direction', "C3 positive  C A F D B G E"),
        ("harmony.binomial(\"C major\", (\"C3\", \"C5\"))", "C A D B E C F D G E A F B G"),
        ('print(kind, harmony.function_map(kind, "S7"))', "C3 {1: 3, 3: 5, 5: 7, 7: 1}"),
        ("a = sk.analyze_harmony([[", "C major ('I', 'vi', 'IV', 'V7', 'I')"),
        ('harmony.structure("C major", 1, "S5", negative=True)', "['C4', 'A3', 'F3']"),
        ("harmony.common_chords(\"C major\", \"G major\")", "G major: ('C', 'Am', 'D7', 'G')"),
    ],
    "04_composition.ipynb": [
        ('prog = sk.generate_progression("C major", 4, 0.4, "classical", seed=2)', "('I', 'ii', 'V7', 'I')"),
        ("for section in quartet.metadata[\"form\"]", "A    bar  1, 4 bars: theme"),
        ("from schillinger_kernel.compose import rules", "cadence: True  melody on top: 100%"),
        ("quint = rhythm.interference(5, 4).to_score", "Score('r5÷4', 1 part, 2 bars"),
    ],
    "05_audio.ipynb": [
        ("audio = sk.render(score)", "2 ch, 48000 Hz)"),
        ('mp3 = audio.write(out / "resultant.mp3", normalize="streaming")', "-14.0 LUFS"),
    ],
    "06_daw.ipynb": [
        ("-d '{{\"technique\": \"interference\", \"generators\": [5, \"x\"]}}'", "without a token: HTTP 403"),
        ('"style": "jazz", "seed": 7', "Dm7 Gm9 C9 F7 Bbmaj9 Em7b5b9"),
    ],
    "07_widgets.ipynb": [
        ("sk.rhythm.interference(5, 3)", "Rhythm((3, 2, 1, 3, 1, 2, 3))"),
        ('ex.observe(lambda change', "Rhythm((2, 2, 1, 1, 2, 2)) period 10 accents at (0,)"),
        ("ex.a = 200", "generator a must be an int in 1..64, got 200"),
        ('print(" ".join(hx.progression.symbols))', "Cmaj7 Am7 Fmaj7 Dm7 Bm7b5 G7 Em7"),
    ],
}
