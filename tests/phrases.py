"""Score fixtures shared by the synth tests (``from phrases import ...``; ``tests/`` is on the
import path, as for :mod:`helpers`).

* ``played_phrase(piano, violin)``: piano (layers that decay to silence), violin and strings,
  every onset, length and velocity nudged, so no two notes are alike: the placing's worst case.
"""

from __future__ import annotations

from schillinger_kernel.score import Note, Part, Score, TempoChange


def played_phrase(piano: int = 24, violin: int = 40, extra_piano: tuple[Note, ...] = ()
                  ) -> Score:
    """``piano`` nudged piano notes (then ``extra_piano``), ``violin`` nudged violin notes and
    three string notes, one much longer than the others."""
    pno = [Note(i * 240 + (i * 7) % 11, 200 + (i * 37) % 61, 48 + (i * 5) % 24,
                50 + (i * 29) % 60) for i in range(piano)] + list(extra_piano)
    vn = [Note(i * 120 + (i * 3) % 7, 90 + (i * 13) % 41, 67 + (i * 5) % 17,
               55 + (i * 17) % 50) for i in range(violin)]
    strings = [Note(0, 5000, 55, 70), Note(1900, 1880, 60, 64), Note(3850, 40, 62, 90)]
    return Score(parts=(Part.create("Pno", pno, instrument="piano", pan=-0.3),
                        Part.create("Vn", vn, instrument="violin", pan=0.4),
                        Part.create("Str", strings, instrument="strings", pan=0.1)),
                 tempos=(TempoChange(0, 117.0),))
