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
        ("kick_durations = rhythm.durations_of(part, pitch=36)", "kick: (3, 3, 2) -> grouping (8, 3) {'bar': 0, 'by': 8}"),
        ("kick_durations = rhythm.durations_of(part, pitch=36)", "conga: interference (4, 3) rotation 2"),
    ],
    "02_scales_and_projection.ipynb": [
        ("print(f\"E{k}:\"", "E1: C4 E4 G4 B4 D5 F5 A5"),
        ("for steps in scales.displacement((2, 2, 3, 2, 3))", "(2, 3, 2, 3, 2) -> C4 D4 F4 G4 Bb4"),
        ('print("3 tonics:", scales.symmetric_tonics(3))', "3 tonics: (0, 4, 8)\n2 x (2,1,2,1): Scale((0, 2, 3, 5, 6, 8, 9, 11))"),
        ("print(scales.interval_interference(3, 2)", "(2, 1, 2)"),
        ("print(projection.expand_pitch((60, 62, 64, 65, 67), axis=60, coefficient=2))", "(60, 64, 68, 70, 74)"),
        ("print([scales.scale_count(n) for n in range(1, 13)])", "[1, 11, 55, 165, 330, 462, 462, 330, 165, 55, 11, 1]"),
        ('melody.parse_terms("a2T2P + b2T2P + 0T")', "['a2T2P', 'b2T2P', '0T']"),
        ("pearls = scales.string_of_pearls(3, (2, 1), octaves=2)", "(0, 2, 3, 8, 10, 11, 16, 18, 19) 24"),
        ("spiral = melody.spiral_melody(", "('a', 'b', 'd', 'c', 'a', 'b', 'd', 'c', 'a', 'b', 'd', 'c')"),
        ("spiral = melody.spiral_melody(", "continuity: C4 D4 E4 F4 G4 F4 E4 D4"),
    ],
    "03_harmony.ipynb": [
        ('for s in ("S5", "S7", "S9", "S11", "S13"):', "S7 ['D4', 'F4', 'A4', 'C5']"),
        ('for kind in ("C3", "C5", "C7"):\n    for direction', "C3 positive  C A F D B G E"),
        ("harmony.binomial(\"C major\", (\"C3\", \"C5\"))", "C A D B E C F D G E A F B G"),
        ('print(kind, harmony.function_map(kind, "S7"))', "C3 {1: 3, 3: 5, 5: 7, 7: 1}"),
        ("a = sk.analyze_harmony([[", "C major ('I', 'vi', 'IV', 'V7', 'I')"),
        ('harmony.structure("C major", 1, "S5", negative=True)', "['C4', 'A3', 'F3']"),
        ("harmony.common_chords(\"C major\", \"G major\")", "G major: ('C', 'Am', 'D7', 'G')"),
        ('harmony.sixth_structure("C major", 1, "S6")', "(60, 64, 69) (60, 65, 69)"),
        ("for chord in harmony.passing_six_four(", "C C3 G3 E4 C5\nG D3 G3 D4 B4\nC E3 G3 C4 C5"),
        ("print([m.symbol for m in harmony.chromatic_group((60, 64, 67))])", "['Em', 'C#dim', 'Cm', 'Caug']"),
        ("print([m.symbol for m in harmony.chromatic_group((60, 64, 67))])", "('C7', 'F7', 'Bb7', 'Eb7', 'Ab7', 'Db7')"),
        ("print([m.symbol for m in harmony.chromatic_group((60, 64, 67))])", "('E7', 'A7', 'D7', 'G7', 'Cmaj7')"),
        ('print(kind, "S7", harmony.derived_map(kind, "S7")', "C3 S7 True | S9 {1: 3, 3: 5, 5: 7, 7: 9, 9: 1}"),
        ('print(kind, "S7", harmony.derived_map(kind, "S7")', "('C', 'F', 'Bb', 'Eb', 'Ab', 'Db')"),
    ],
    "04_composition.ipynb": [
        ('prog = sk.generate_progression("C major", 4, 0.4, "classical", seed=2)', "('I', 'ii', 'V7', 'I')"),
        ("for section in quartet.metadata[\"form\"]", "A    bar  1, 4 bars: theme"),
        ("from schillinger_kernel.compose import rules", "cadence: True  melody on top: 100%"),
        ("quint = rhythm.interference(5, 4).to_score", "Score('r5÷4', 1 part, 2 bars"),
        ('name = lambda pc: "-" if pc is None', "A    half      bass B -> C#  ok: True\nA'   authentic bass C# -> F#  ok: True"),
        ('name = lambda pc: "-" if pc is None', "chords repeating the bar before: 0"),
        ('blues = sk.generate_composition("Shuffle Blues"', "shuffle [('A', 12, 'half'), ('Coda', 4, 'authentic')]"),
        ('blues = sk.generate_composition("Shuffle Blues"', "F7 Bb7 Am7 F7 Bb7 Bdim7 F7 D7 Gm7 C7 F7 C7 Gm7 Bb7 C7 F7"),
        ('blues = sk.generate_composition("Shuffle Blues"', "long-short: [(0, 320), (320, 160), (480, 320), (800, 160)]"),
        ('blues = sk.generate_composition("Shuffle Blues"', "'clashes': 0, 'bends': 5}"),
        ("data = json.loads(blues.to_json())", "['chords', 'feel', 'form', 'themes']"),
    ],
    "05_audio.ipynb": [
        ("audio = sk.render(score)", "2 ch, 48000 Hz)"),
        ('mp3 = audio.write(out / "resultant.mp3", normalize="streaming")', "-14.0 LUFS"),
    ],
    "06_daw.ipynb": [
        ("-d '{{\"technique\": \"interference\", \"generators\": [5, \"x\"]}}'", "without a token: HTTP 403"),
        ('"style": "jazz", "seed": 7', "Dm7 Gm9 C9 F7 Bbmaj9 Em7b5b9"),
        ('via_bridge("/schillinger/rhythm/interference", 4, 3)', "/schillinger/rhythm/interference 3 1 2 2 1 3"),
        ('via_bridge("/schillinger/rhythm/interference", 4, 3)', "the hub's tempo is now 84.0"),
        ('via_bridge("/schillinger/rhythm/interference", 4, 3)', "0 bridge stopped"),
    ],
    "07_widgets.ipynb": [
        ("sk.rhythm.interference(5, 3)", "Rhythm((3, 2, 1, 3, 1, 2, 3))"),
        ('ex.observe(lambda change', "Rhythm((2, 2, 1, 1, 2, 2)) period 10 accents at (0,)"),
        ("ex.a = 200", "generator a must be an int in 1..64, got 200"),
        ('print(" ".join(hx.progression.symbols))', "Cmaj7 Am7 Fmaj7 Dm7 Bm7b5 G7 Em7"),
        ("view.page = 2", "page 2 of 2 · 4 staves: Violin I, Violin II, Viola, Cello"),
    ],
}
