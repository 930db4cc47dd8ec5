"""The note table: a timeline's pitched notes grouped by sound, and one note rendered from it.

:class:`NoteTable` is the value :mod:`.notes` builds and :mod:`.placing` adds into the bus;
here with what every distinct note is rendered from: each sound's partials summed
(:func:`oscillators`), the envelope curves its notes share up to their gates
(:func:`held_curve`) and after them (:func:`release_curve`), and :func:`render_note`, their
product. Separate from :mod:`.notes`, which decides what to keep, and below :mod:`.held`,
which keeps whole products from these pieces (its :class:`HeldTable` is a field of the table).

>>> from schillinger_kernel.score import Score
>>> from schillinger_kernel.synth.backend import get_backend
>>> from schillinger_kernel.synth.notes import note_table
>>> from schillinger_kernel.synth.timeline import plan
>>> be = get_backend("numpy")
>>> nt = note_table(be, plan([Score.from_durations((1,), pitches=(69,))], 8000))
>>> oscillators(be, nt, 0, 0, 0, 100).shape == (nt.adsr[0].shape[0], 100)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .backend import Backend
from .envelopes import envelope
from .timeline import BLOCK

__all__ = ["CURVE_SAMPLES", "FRACTIONS", "HeldTable", "NoteTable", "held_curve", "oscillators",
           "release_curve", "release_key", "render_note"]

FRACTIONS = 4  # onsets fall on a quarter of a sample
CURVE_SAMPLES = 1 << 18  # the longest attack-decay-sustain curve kept per layer and onset


@dataclass(frozen=True)
class NoteTable:
    """The pitched notes of a :class:`~.timeline.Timeline`, ready to be placed.

    Per note (host, sorted by ``start``): ``start`` (onset sample on the timeline), ``length``
    (samples it sounds, release included), ``key`` (index into ``keys``), ``row`` (its pan
    position's row in the engine's mono buffer); ``gains`` (``xp``, notes x layers; also on
    the host as ``gains_host``): the level of each layer of the note (0 past its preset's
    layers). Per distinct note ``keys``:
    (sound index ``pp``, gate in samples, layers, length, the onset's place before
    the first sample in 1 / :data:`FRACTIONS` of a sample); per sound (preset, pitch): its
    layers' partial frequencies ``freqs`` (host, float64), amplitudes ``amps`` and one-block
    ``basis`` (``xp``, layers x 2 partials x BLOCK) and envelopes ``adsr`` (host, layers x 4).
    ``bank``: key -> rendered note (``xp``, layers x length) for the keys worth keeping;
    ``longest``: the longest note's length; ``pans``: the pan position of each mono row;
    ``curves``: each layer's envelope up to the gate (see :func:`render_note`), by (ADSR,
    onset's place); ``oscs``: the :func:`oscillators` kept for sounds that several single
    notes play, by (sound, onset's place); on NumPy their :class:`HeldTable` in ``held``
    instead; there also ``schedule``, every note as the segments that place it.
    """

    sample_rate: int
    start: np.ndarray
    length: np.ndarray
    key: np.ndarray
    row: np.ndarray
    gains: Any
    gains_host: np.ndarray
    keys: list[tuple[int, int, int, int, int]]
    freqs: list[np.ndarray]
    amps: list[Any]
    basis: list[Any]
    adsr: list[np.ndarray]
    bank: dict[int, Any]
    longest: int
    pans: np.ndarray
    curves: dict[tuple[bytes, int], Any]
    oscs: dict[tuple[int, int], Any]
    levels: np.ndarray
    plans: dict[tuple[int, int], list[tuple[np.ndarray, tuple[bytes, int], tuple[bytes, int],
                                             float, int]]]
    merged: dict[int, list[int]]
    held: dict[tuple[int, int], HeldTable] = field(default_factory=dict)
    schedule: Any = None  # NumPy: the notes as segments (:class:`.schedule.Schedule`)


@dataclass(frozen=True)
class HeldTable:
    """A sound's notes up to their gates, kept as products, and its partials after them (NumPy).

    Up to the gate a layer's envelope is the curve that every note of the sound shares
    (:func:`held_curve`), so the product of curve and oscillator is kept, summed over the
    layers that share a velocity exponent (they get the same gain in every note): a note's
    held stretch is one ``axpy`` per such group, no multiply. After the gate each note has its
    own release, so the oscillators are kept from the earliest gate on.

    ``held``: per group, its product from the onset to the latest gate or further;
    ``groups``: each group's layers (its first names its gain); ``silent``: the sample from
    which each group's product is exactly 0 (layers that decay to silence, see
    :data:`.envelopes.SETTLED`), -1 when a layer sustains; ``tail``: per layer, its oscillator from
    sample ``tail_from`` of the layer on; ``gates``: the first and last gate (samples) of the
    notes it serves. Rows are shared where they sound the same: a noise
    layer's partials sit at fixed frequencies, the same for every pitch of its preset.
    """

    held: tuple[np.ndarray, ...]
    groups: tuple[tuple[int, ...], ...]
    silent: tuple[int, ...]
    tail: tuple[np.ndarray, ...]
    tail_from: tuple[int, ...]
    gates: tuple[int, int]


def render_note(be: Backend, nt: NoteTable, k: int, a: int, b: int) -> Any:
    """Samples ``a..b`` (from the onset) of distinct note ``k``, one row per layer (``xp``).

    >>> from schillinger_kernel.score import Score
    >>> from schillinger_kernel.synth.backend import get_backend
    >>> from schillinger_kernel.synth.notes import note_table
    >>> from schillinger_kernel.synth.timeline import plan
    >>> be = get_backend("numpy")
    >>> nt = note_table(be, plan([Score.from_durations((1,), pitches=(69,))], 8000))
    >>> whole = render_note(be, nt, 0, 0, nt.keys[0][3])
    >>> bool(abs(render_note(be, nt, 0, 300, 700) - whole[:, 300:700]).max() < 1e-5)
    True
    """
    xp = be.xp
    sr = nt.sample_rate
    s, gate, n_l, _, frac = nt.keys[k]
    lead = frac / FRACTIONS  # samples from the onset to the note's first sample
    n = b - a
    kept = nt.oscs.get((s, frac))
    osc = kept[:, a:b] if kept is not None and kept.shape[1] >= b else \
        oscillators(be, nt, s, frac, a, b)
    # Up to the gate the envelope depends on the layer's ADSR and the onset's place only:
    # every note of the layer shares one curve, so only the release is computed per note.
    g_at = min(b, max(a, math.ceil(gate - lead)))  # the first sample at or after the gate
    if g_at > CURVE_SAMPLES:  # a very long note: its own envelope, nothing kept
        return envelope(xp, nt.adsr[s], gate / sr, a + lead, n, sr) * osc
    out = xp.empty((n_l, n), dtype=xp.float32)
    h = g_at - a
    g0 = math.ceil(gate - lead)  # the first sample at or after the gate, unclamped
    levels = nt.levels[k].tolist()
    # Each stretch's envelope times the oscillator, written into the result (NumPy: in
    # place, no envelope array).
    mul = _multiply_into if xp is np else _assign_product
    for layer, p in enumerate(nt.adsr[s]):
        if h > 0:
            mul(held_curve(xp, nt, p, frac, g_at)[a:g_at], osc[layer, :h], out[layer, :h])
        if b > g_at:  # the release's cubic from the level at the gate
            rc = release_curve(xp, nt, float(p[3]), frac, b - g0)
            mul(rc[g_at - g0:b - g0], osc[layer, h:], out[layer, h:])
            out[layer, h:] *= levels[layer]
    return out


def _multiply_into(x: np.ndarray, y: np.ndarray, out: np.ndarray) -> None:
    np.multiply(x, y, out=out)


def _assign_product(x: Any, y: Any, out: Any) -> None:
    out[...] = x * y  # the standard has no ``out=``


def oscillators(be: Backend, nt: NoteTable, s: int, frac: int, a: int, b: int,
                layers: list[int] | None = None) -> Any:
    """The partials of sound ``s`` (a preset at a pitch), each layer's summed, at samples
    ``a..b`` from an onset ``frac`` / :data:`FRACTIONS` of a sample before the first:
    ``(layers, b - a)`` (only ``layers`` when given). The same for every note of the sound;
    its envelope makes the note.
    """
    xp = be.xp
    sr = nt.sample_rate
    n = b - a
    nb = -(-n // BLOCK)
    # Phase of each partial at each block's start (cycles reduced in float64, so long notes
    # keep their pitch), times its amplitude: (cos, sin) coefficients (layers, nb, 2P).
    t0 = (a + frac / FRACTIONS + BLOCK * np.arange(nb)) / sr
    freqs, amps, basis = nt.freqs[s], nt.amps[s], nt.basis[s]
    if layers is not None:
        at = xp.asarray(layers)
        freqs, amps, basis = freqs[layers], xp.take(amps, at, axis=0), xp.take(basis, at, axis=0)
    cycles = freqs[:, None, :] * t0[None, :, None]
    th = xp.asarray((cycles - np.floor(cycles)) * (2.0 * math.pi), dtype=xp.float32)
    n_l = freqs.shape[0]
    amp = xp.reshape(amps, (n_l, 1, -1))
    coef = xp.concat([xp.cos(th) * amp, xp.sin(th) * amp], axis=2)
    return xp.reshape(coef @ basis, (n_l, nb * BLOCK))[:, :n]


def held_curve(xp: Any, nt: NoteTable, params: np.ndarray, frac: int, upto: int) -> Any:
    """The held (attack, decay, sustain) levels of one layer at its first ``upto`` samples or
    more, for onsets ``frac`` / :data:`FRACTIONS` of a sample before the first; kept."""
    key = (params.tobytes(), frac)
    c = nt.curves.get(key)
    if c is None or c.shape[0] < upto:
        size = min(CURVE_SAMPLES, max(upto, 1 << 12, 2 * (0 if c is None else c.shape[0])))
        # A gate past the end: no release in the curve.
        c = envelope(xp, params[None, :], (size + 1) / nt.sample_rate, frac / FRACTIONS, size,
                     nt.sample_rate)[0, :]
        nt.curves[key] = c
    return c


def release_key(rel: float, frac: int) -> tuple[bytes, int]:
    """Where :func:`release_curve` keeps a release of ``rel`` seconds in ``NoteTable.curves``.

    >>> release_key(0.25, 0)[1]
    0
    """
    return (b"release" + np.float64(rel).tobytes(), frac)


def release_curve(xp: Any, nt: NoteTable, rel: float, frac: int, upto: int) -> Any:
    """The release's shape ``clip(1 - u / rel, 0, 1) ** 3`` at the first ``upto`` or more
    samples at or after the gate, ``u`` seconds after it; kept per (release, onset's place).

    A note's gate is a whole number of samples after its onset, so its first sample at or
    after the gate lies ``lead mod 1`` samples after it (``lead`` = frac / FRACTIONS): the
    same for every note of that place, whatever its gate.
    """
    key = release_key(rel, frac)
    c = nt.curves.get(key)
    if c is None or c.shape[0] < upto:
        lead = frac / FRACTIONS
        size = max(upto, math.ceil(rel * nt.sample_rate) + 2)
        u = (np.arange(size) + (lead - math.floor(lead))) / nt.sample_rate
        r = np.clip(1.0 - u / rel, 0.0, 1.0)
        c = xp.asarray((r * r * r).astype(np.float32))
        nt.curves[key] = c
    return c
