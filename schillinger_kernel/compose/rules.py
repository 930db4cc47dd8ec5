"""Rules a composed piece should keep, measured on the :class:`~schillinger_kernel.score.Score`.

Used by the tests (on fixed seeds) and by ``bench/bench_compose.py`` (shares over many pieces):

* :func:`final_cadence`: the last sonority in root position with the tonic in the bass, every
  pitched part attacking it on the last bar's downbeat and holding it to the end, the melody on
  a chord tone (tonic preferred), and the chord before it the style's closing formula;
* :func:`melody_on_top`: the share of melody notes above every other pitched part sounding
  at the same time;
* :func:`inner_voice_pitch_classes`: pitch classes each inner voice uses per 8 bars;
* :func:`inner_voice_rhythms`: how many different bar rhythms each inner voice plays per 8
  bars (1: the same rhythm in every bar);
* :func:`bass_steps`: the walking bass's steps (leaps, approaches to chord roots);
* :func:`section_cadences`: how each section of the form ends (half or full close).

>>> from schillinger_kernel.compose import generate_composition
>>> s = generate_composition("Etude", 100, "D minor", 8, "classical", seed=1)
>>> final_cadence(s, "classical")["ok"]
True
"""

from __future__ import annotations

import itertools
from typing import Any

from ..pitch import parse_key
from ..score import Note, Part, Score

__all__ = [
    "CADENCE_APPROACH",
    "MELODY_NAMES",
    "bass_part",
    "bass_steps",
    "cadence_approach",
    "final_cadence",
    "inner_voice_pitch_classes",
    "inner_voice_rhythms",
    "melody_on_top",
    "melody_part",
    "section_cadences",
]

MELODY_NAMES = ("Violin I", "Tenor Sax", "Lead", "Piano RH", "Melody")
# Root of the chord before the final tonic, in semitones above the tonic, by style
# (modal keys: the mode's characteristic degree, see :func:`cadence_approach`).
CADENCE_APPROACH = {"classical": (7,), "jazz": (7,), "blues": (7,), "pop": (5,),
                    "shuffle": (5,), "symmetric": (6, 3, 9, 4, 8)}
_MODE_APPROACH = {"major": 5, "ionian": 5, "minor": 10, "aeolian": 10, "dorian": 5,
                  "phrygian": 1, "lydian": 2, "mixolydian": 10, "locrian": 1,
                  "harmonic": 7, "melodic": 7}


def cadence_approach(style: str, key: str) -> tuple[int, ...]:
    """Roots (semitones above the tonic) the closing formula of ``style`` in ``key`` may
    approach the final tonic from: V (authentic) for classical, jazz and blues, IV (plagal)
    for pop and shuffle, the mode's characteristic degree for modal (bVII in aeolian and
    mixolydian, IV in dorian, bII in phrygian ...), a symmetric tonic (tritone, minor or
    major third) for symmetric."""
    if style == "modal":
        return (_MODE_APPROACH.get(parse_key(key)[1], 5),)
    return CADENCE_APPROACH.get(style, (7,))


def _pitched(score: Score) -> list[Part]:
    return [p for p in score.parts if not p.is_drums and p.notes]


def melody_part(score: Score) -> Part | None:
    """The part that carries the melody (by name, else the first pitched part)."""
    parts = _pitched(score)
    for p in parts:
        if p.name in MELODY_NAMES:
            return p
    return parts[0] if parts else None


def bass_part(score: Score) -> Part | None:
    """The pitched part with the lowest average pitch."""
    parts = _pitched(score)
    return min(parts, key=lambda p: sum(n.pitch for n in p.notes) / len(p.notes), default=None)


def _sounding(notes: tuple[Note, ...] | list[Note], t0: int, t1: int) -> list[Note]:
    return [n for n in notes if n.start < t1 and n.start + n.duration > t0]


def final_cadence(score: Score, style: str = "classical") -> dict[str, Any]:
    """How the piece ends: a dict of checks and ``ok`` (all of them)."""
    tonic = parse_key(score.key)[0]
    end, bar = score.end, score.bar_ticks
    last_bar = max(0, end - bar)
    parts = _pitched(score)
    final = [n for p in parts for n in _sounding(p.notes, end - 1, end)]
    out: dict[str, Any] = {"ok": False}
    if not final:
        return out
    low = min(final, key=lambda n: n.pitch)
    chord_pcs = {n.pitch % 12 for n in final}
    out["bass_tonic"] = low.pitch % 12 == tonic
    out["held"] = all(n.start % bar == 0 and n.start + n.duration >= end for n in final) and all(
        any(n.start + n.duration >= end for n in p.notes) for p in parts)
    mel = melody_part(score)
    last = max(mel.notes, key=lambda n: (n.start + n.duration, n.pitch)) if mel else None
    others = {n.pitch % 12 for p in parts if p is not mel for n in _sounding(p.notes, end - 1, end)}
    out["melody_chord_tone"] = last is not None and last.pitch % 12 in (others or chord_pcs)
    out["melody_tonic"] = last is not None and last.pitch % 12 == tonic
    out["melody_downbeat"] = last is not None and last.start % bar == 0 and last.start >= (
        last_bar) and last.start + last.duration >= end
    # the chord before: the bass on the downbeat of the bar before the final attack
    first_final = min(n.start for n in final)
    bp = bass_part(score)
    t = first_final - bar
    before = _sounding(bp.notes, t, t + 1) if bp and t >= 0 else []
    approach = (min(before, key=lambda n: n.pitch).pitch - tonic) % 12 if before else None
    out["approach"] = approach
    out["formula"] = approach is None or approach in cadence_approach(style, score.key)
    out["ok"] = all(out[k] for k in ("bass_tonic", "held", "melody_chord_tone",
                                     "melody_downbeat", "formula"))
    return out


def melody_on_top(score: Score) -> float:
    """Share of melody notes strictly above every other pitched part sounding at their onset
    (1.0 when there is no other pitched part)."""
    mel = melody_part(score)
    if mel is None:
        return 1.0
    others = [p for p in _pitched(score) if p is not mel]
    ok = 0
    for n in mel.notes:
        below = all(o.pitch < n.pitch for p in others for o in _sounding(p.notes, n.start,
                                                                         n.start + 1))
        ok += below
    return ok / len(mel.notes) if mel.notes else 1.0


def inner_voice_pitch_classes(score: Score, window: int = 8) -> dict[str, int]:
    """Fewest pitch classes each inner voice (not the melody, not the bass) uses in any
    ``window``-bar stretch."""
    mel, bass = melody_part(score), bass_part(score)
    out: dict[str, int] = {}
    span = window * score.bar_ticks
    for p in _pitched(score):
        if p is mel or p is bass:
            continue
        counts = []
        for t0 in range(0, max(1, score.end - span + 1), span):
            pcs = {n.pitch % 12 for n in _sounding(p.notes, t0, t0 + span)}
            counts.append(len(pcs))
        out[p.name] = min(counts) if counts else 0
    return out


def inner_voice_rhythms(score: Score, window: int = 8) -> dict[str, int]:
    """Fewest different bar rhythms (the onsets inside each bar) each inner voice plays in
    any ``window``-bar stretch.

    >>> from schillinger_kernel.compose import generate_composition
    >>> s = generate_composition("Etude", 100, "F# minor", 16, "classical", 1.0, seed=21)
    >>> min(inner_voice_rhythms(s).values()) > 1
    True
    """
    mel, bass = melody_part(score), bass_part(score)
    bar = score.bar_ticks
    out: dict[str, int] = {}
    for p in _pitched(score):
        if p is mel or p is bass:
            continue
        patterns: dict[int, set[int]] = {}
        for n in p.notes:
            patterns.setdefault(n.start // bar, set()).add(n.start % bar)
        counts = []
        for b0 in range(0, max(1, score.bars - window + 1), window):
            counts.append(len({frozenset(patterns.get(b, set()))
                               for b in range(b0, min(b0 + window, score.bars))}))
        out[p.name] = min(counts) if counts else 0
    return out


def bass_steps(part: Part, chord_starts: range | list[int] | None = None) -> dict[str, float]:
    """Steps of a bass line: ``leap_share`` (major sixth or more), ``max_step`` and, with
    ``chord_starts``, ``approach_share`` (chord roots reached by a step of at most 2)."""
    notes = sorted(part.notes)
    steps = [abs(b.pitch - a.pitch) for a, b in itertools.pairwise(notes)]
    out = {"leap_share": sum(s >= 9 for s in steps) / len(steps) if steps else 0.0,
           "max_step": float(max(steps, default=0))}
    if chord_starts is not None:
        starts = set(chord_starts)
        pairs = [(a, b) for a, b in itertools.pairwise(notes)
                 if b.start in starts and b.start]
        out["approach_share"] = (sum(abs(b.pitch - a.pitch) <= 2 for a, b in pairs) / len(pairs)
                                 if pairs else 1.0)
    return out


def _lowest_pc(parts: list[Part], tick: int) -> int | None:
    notes = [n for p in parts for n in _sounding(p.notes, tick, tick + 1)]
    return min(notes, key=lambda n: n.pitch).pitch % 12 if notes else None


def _chord_at(score: Score, tick: int) -> set[int]:
    """The pitch classes of the chord ``score.metadata["chords"]`` says sounds at ``tick``
    (empty when it does not say)."""
    found: set[int] = set()
    for c in score.metadata.get("chords", []):
        if c.get("tick", 0) <= tick and "pitch_classes" in c:
            found = set(c["pitch_classes"])
    return found


def section_cadences(score: Score, style: str = "classical") -> list[dict[str, Any]]:
    """How each section of ``score.metadata["form"]`` ends, read from the notes: the bass
    part's pitch class on the downbeats of its last two bars and the melody's last note,
    which must be a tone of the chord under it (``metadata["chords"]``' pitch classes, else
    the other parts' pitch classes on the last downbeat).

    A ``"half"`` section is right (``ok``) when its last bar stands on the dominant (on the
    style's approach chord in modal and symmetric); any other when its last bar stands on
    the tonic, approached by the style's closing chord (:func:`cadence_approach`), the
    melody on a tone of the chord it ends over.

    >>> from schillinger_kernel.compose import generate_composition
    >>> s = generate_composition("Etude", 100, "G major", 16, "classical", seed=3)
    >>> [(c["label"], c["cadence"], c["ok"]) for c in section_cadences(s, "classical")][:2]
    [('A', 'half', True), ("A'", 'authentic', True)]
    """
    tonic = parse_key(score.key)[0]
    approach = cadence_approach(style, score.key)
    half = approach if style in ("modal", "symmetric") else (7,)
    parts = _pitched(score)
    mel = melody_part(score)
    bp = bass_part(score)
    low = [bp] if bp is not None else parts  # the bass, even where a comping hand dips under
    out = []
    for sec in score.metadata.get("form", []):
        end = sec["start_tick"] + sec["bars"] * score.bar_ticks
        last, before = end - score.bar_ticks, end - 2 * score.bar_ticks
        bass = _lowest_pc(low, last)
        prev = _lowest_pc(low, before) if before >= sec["start_tick"] else None
        kind = sec.get("cadence", "")
        row: dict[str, Any] = {"label": sec["label"], "cadence": kind, "bass": bass,
                               "approach": prev}
        if kind == "half":
            row["ok"] = bass is not None and (bass - tonic) % 12 in half
        else:
            row["ok"] = bass == tonic and (prev is None or (prev - tonic) % 12 in approach)
        if mel is not None:
            held = _sounding(mel.notes, end - 1, end)
            tones = _chord_at(score, end - 1) or {n.pitch % 12 for p in parts if p is not mel
                                                  for n in _sounding(p.notes, last, last + 1)}
            row["melody_chord_tone"] = bool(held) and all(n.pitch % 12 in tones for n in held)
            row["ok"] = row["ok"] and row["melody_chord_tone"]
        out.append(row)
    return out
