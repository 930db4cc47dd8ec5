"""Pitched notes rendered once and placed by overlap-add: cost follows distinct notes.

A pitched note's sound depends only on its preset, its pitch, its gate (in samples) and where
its onset falls between two samples; its velocity only scales each layer (a forte's brighter
layers grow faster, see :class:`~.presets.Layer`). So every distinct note is rendered once,
one row per layer, and each note adds its layers, weighted by its own gains, into the mono row
of its pan position at its onset sample (:mod:`.placing`); a chord that recurs whole (same
notes, same velocities) is rendered once as one row and placed as one, and a kept note's
layers that share a velocity exponent as one row. A typical piece repeats its notes and
chords many times over; a note that occurs once, or is very long, is rendered straight into
each time chunk it sounds in. What is kept stays within :data:`BANK_BYTES`.

A layer of a note is ``env(t) * sum_p a_p sin(2 pi f_p t)``, ``t`` counted from the note's
onset sample: the exact ADSR envelope at every sample (attacks as short as the instrument's
own, onsets on their sample) times the layer's partials, phase zero at the onset, as a struck
or bowed string starts. The partials are summed by one GEMM per layer over blocks of
:data:`~.timeline.BLOCK` samples: coefficients (amplitude times the phase at each block's
start) times a basis (each partial's sine and cosine over one block). Written against an
array namespace ``xp`` (NumPy on the CPU, CuPy on a GPU), like the engine.

>>> from schillinger_kernel.score import Note, Part, Score
>>> from schillinger_kernel.synth.backend import get_backend
>>> from schillinger_kernel.synth.timeline import plan
>>> s = Score(parts=(Part.create("Vn", [Note(i * 480, 470, 67, 80) for i in range(4)],
...                              instrument="violin"),))
>>> nt = note_table(get_backend("numpy"), plan([s], 8000))
>>> len(nt.keys), sorted(nt.bank)  # four notes, one distinct: rendered once
(1, [0])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .backend import Backend
from .envelopes import held
from .timeline import BLOCK, Timeline

__all__ = ["BANK_BYTES", "CURVE_SAMPLES", "FRACTIONS", "MAX_BANKED", "SETTLED", "HeldTable",
           "NoteTable", "envelope", "held_curve", "note_table", "oscillators",
           "release_curve", "release_key", "render_note", "settled_at"]

BANK_BYTES = 64 << 20  # the rendered notes kept for reuse
MAX_BANKED = 1 << 20  # samples: longer notes are rendered chunk by chunk, never kept whole
FRACTIONS = 4  # onsets fall on a quarter of a sample
_FLOOR = 1e-2  # partials 40 dB under the loudest of their layer are left out


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
    instead.
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
    :data:`SETTLED`), -1 when a layer sustains; ``tail``: per layer, its oscillator from
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


def _partials(tl: Timeline, rows: np.ndarray, pitch: int) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and amplitudes of layer ``rows`` at ``pitch``: (layers, P), P >= 1."""
    lt = tl.layers
    f0 = 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)
    fixed = lt.fixed[rows][:, None]  # noise layers: the ratios are Hz already
    freq = (f0 * (1.0 - fixed) + fixed) * lt.ratios[rows] + lt.shift[rows][:, None]
    amp = lt.amps[rows].copy()
    # A layer's low-pass is fixed in Hz: the higher the note, the fewer strong partials.
    cut = lt.cutoff[rows][:, None]
    rel = freq / np.where(cut > 0, cut, 1.0)
    amp = amp * np.where(cut > 0, 1.0 / np.sqrt(1.0 + rel ** 4), 1.0)
    floor = _FLOOR * amp.max(axis=1, keepdims=True)
    ok = (freq > 0) & (freq < 0.45 * tl.sample_rate) & (amp > floor)
    n_p = max(1, int(ok.sum(axis=1).max()))
    freqs, amps = np.zeros((len(rows), n_p)), np.zeros((len(rows), n_p))
    for i in range(len(rows)):  # a few layers
        k = np.nonzero(ok[i])[0]
        freqs[i, :k.shape[0]], amps[i, :k.shape[0]] = freq[i, k], amp[i, k]
    return freqs, amps


def _basis(xp: Any, freqs: np.ndarray, sr: int) -> Any:
    """(layers, 2 P, BLOCK): ``sin(w tau)`` then ``cos(w tau)`` of each partial over a block."""
    # w (c + f) = w c + w f with c a multiple of _FINE: the sines and cosines of a few
    # coarse and fine angles make all BLOCK by the angle-sum identities (float64, then
    # float32), an eighth of the transcendental calls.
    w = freqs[:, :, None, None] * (2 * math.pi / sr)
    coarse = w * np.arange(0, BLOCK, _FINE)[None, None, :, None]
    fine = w * np.arange(_FINE)[None, None, None, :]
    sc, cc, sf, cf = np.sin(coarse), np.cos(coarse), np.sin(fine), np.cos(fine)
    shape = (*freqs.shape, BLOCK)
    sin = np.reshape(sc * cf + cc * sf, shape)
    cos = np.reshape(cc * cf - sc * sf, shape)
    return xp.asarray(np.concatenate([sin, cos], axis=1).astype(np.float32))


_FINE = 16  # _basis's fine angles: BLOCK = _FINE coarse x _FINE fine


def _chords(start: np.ndarray, row: np.ndarray, key: np.ndarray, gains: np.ndarray
            ) -> list[list[np.ndarray]]:
    """Notes struck together (same onset sample and pan row) whose whole group recurs.

    Returns, per recurring group (a chord with its velocities), the note indices of each of
    its occurrences; the members of every occurrence in the same order.
    """
    order = np.lexsort((key, start, row))
    s_o, r_o = start[order], row[order]
    cut = np.nonzero((np.diff(s_o) != 0) | (np.diff(r_o) != 0))[0] + 1
    seen: dict[tuple[bytes, bytes], list[np.ndarray]] = {}
    for m in np.split(order, cut):
        if m.shape[0] > 1:
            seen.setdefault((key[m].tobytes(), gains[m].tobytes()), []).append(m)
    return [occ for occ in seen.values() if len(occ) > 1]


def note_table(be: Backend, tl: Timeline, mapper: Callable[..., Any] = map) -> NoteTable | None:
    """Group the timeline's pitched notes by what they sound like; render the repeated ones.

    Recurring chords (same notes, same velocities, struck together) are rendered once as a
    whole, then repeated notes, within :data:`BANK_BYTES`; ``mapper`` (``map`` or an
    executor's) renders them. None when the timeline has no pitched notes.
    """
    xp = be.xp
    v, lt, sr = tl.voices, tl.layers, tl.sample_rate
    if v["on"].shape[0] == 0:
        return None
    # The first sample at or after the exact onset; the onset's place before it, in quarters
    # of a sample, is part of what a note sounds like (its envelope and phases start there).
    # Rounded up: a note whose onset falls between two samples sounds from the later one.
    exact = v["on"] * BLOCK + v["lead"] * sr
    start = np.ceil(exact - 1e-6).astype(np.int64)
    frac = np.ceil((start - exact) * FRACTIONS - 1e-6).clip(0, FRACTIONS).astype(np.int64)
    gate = np.maximum(np.round(v["gate"] * sr), 1).astype(np.int64)
    preset = v["preset"]
    n_layers = int(lt.count.max())
    rows = lt.first[:, None] + np.arange(n_layers)[None, :]  # (presets, layers)
    valid = np.arange(n_layers)[None, :] < lt.count[:, None]
    rows = np.where(valid, rows, 0)
    tail = np.ceil(np.where(valid, lt.adsr[rows, 3], 0.0).max(axis=1) * sr).astype(np.int64) + 1
    length = gate + tail[preset]
    # Each layer's level: the note's, times velocity ** (the layer's brightness exponent).
    gains = np.where(valid[preset], v["amp"][:, None] * np.exp(
        np.log(v["vel"])[:, None] * lt.velocity[rows[preset]]), 0.0).astype(np.float32)
    sounds, pp = np.unique(preset * 128 + v["pitch"], return_inverse=True)
    keys_u, key = np.unique((pp.astype(np.int64) * (1 << 40) + gate) * (FRACTIONS + 1) + frac,
                            return_inverse=True)
    key = key.astype(np.int64)
    key_frac, key_pg = keys_u % (FRACTIONS + 1), keys_u // (FRACTIONS + 1)
    key_pp, key_gate = key_pg >> 40, key_pg & ((1 << 40) - 1)
    key_pre = sounds[key_pp] // 128
    keys = [(int(p), int(g), int(lt.count[pr]), int(g + tail[pr]), int(f))
            for p, g, pr, f in zip(key_pp, key_gate, key_pre, key_frac, strict=True)]
    # Each layer's held level at each distinct note's gate: its release starts there.
    k_adsr = lt.adsr[rows[key_pre]]  # (keys, layers, 4); past a preset's layers unused
    levels = held(np, (key_gate / sr)[:, None], k_adsr[..., 0], k_adsr[..., 1], k_adsr[..., 2])
    freqs, amps, basis, envs = [], [], [], []
    for s in sounds.tolist():
        r = rows[s // 128, :lt.count[s // 128]]
        f, a = _partials(tl, r, s % 128)
        freqs.append(f)
        amps.append(xp.asarray(a, dtype=xp.float32))
        basis.append(_basis(xp, f, sr))
        envs.append(lt.adsr[r])
    pans, row = np.unique(v["pan"], return_inverse=True)
    row = row.astype(np.int64)
    left = BANK_BYTES
    # Recurring chords first (the most samples saved first): each becomes one source.
    chords = sorted(_chords(start, row, key, gains), key=lambda occ: -(len(occ) - 1) * int(
        length[occ[0]].max()) * occ[0].shape[0])
    kept, solo = [], np.ones(start.shape[0], dtype=bool)
    for occ in chords:
        size = int(length[occ[0]].max()) * 4
        if size <= left and size <= 4 * MAX_BANKED:
            kept.append(occ)
            left -= size
            for m in occ:
                solo[m] = False
    # Then, by the renders they save, the notes heard more than once on their own and the
    # oscillators of sounds several such notes share (their envelopes differ: other gates or
    # velocities; a kept note needs no oscillators of its own).
    count = np.bincount(key[solo], minlength=len(keys))
    size_k = np.array([k[2] * k[3] * 4 for k in keys], dtype=np.int64)
    sound_f = pp[solo].astype(np.int64) * (FRACTIONS + 1) + frac[solo]
    uses, at_sound = np.unique(sound_f, return_inverse=True)
    longest = np.zeros(uses.shape[0], dtype=np.int64)
    np.maximum.at(longest, at_sound, length[solo])
    n_uses = np.bincount(at_sound, minlength=uses.shape[0])
    u_pre = sounds[uses // (FRACTIONS + 1)] // 128
    size_o = longest * 4 * lt.count[u_pre]
    if be.name == "numpy":  # HeldTables: products up to the latest gate, partials after the first
        g_0 = np.ceil(gate[solo] - frac[solo] / FRACTIONS).astype(np.int64)
        g_hi, g_lo = np.zeros_like(longest), longest.copy()
        np.maximum.at(g_hi, at_sound, g_0)
        np.minimum.at(g_lo, at_sound, g_0)
        n_groups = np.array([len(set(lt.velocity[rows[p, :lt.count[p]]].tolist()))
                             for p in range(rows.shape[0])], dtype=np.int64)
        held_ok = g_hi <= CURVE_SAMPLES
        size_o = np.where(held_ok, 4 * (n_groups[u_pre] * g_hi + lt.count[u_pre] * (
            longest - g_lo)), size_o)
    saved = np.concatenate([n_uses - 1, count - 1])  # oscillators first on a tie
    banked, oscs = [], []
    for c in np.argsort(-saved, kind="stable").tolist():
        is_osc = c < uses.shape[0]
        k = c if is_osc else c - uses.shape[0]
        n = int(longest[k]) if is_osc else keys[k][3]
        size = int(size_o[k] if is_osc else size_k[k])
        if saved[c] < 1 or n > MAX_BANKED or size > left:
            continue
        if is_osc:
            span = (int(g_lo[k]), int(g_hi[k])) if be.name == "numpy" and held_ok[k] else None
            oscs.append((int(uses[k]) // (FRACTIONS + 1), int(uses[k]) % (FRACTIONS + 1), n,
                         span))
        else:
            banked.append(k)
        left -= size
    n_k = len(keys)
    idx = np.nonzero(solo)[0]
    c_start = np.array([int(start[m[0]]) for occ in kept for m in occ], dtype=np.int64)
    c_row = np.array([int(row[m[0]]) for occ in kept for m in occ], dtype=np.int64)
    c_src = np.array([n_k + i for i, occ in enumerate(kept) for _ in occ], dtype=np.int64)
    c_len = np.array([int(length[occ[0]].max()) for occ in kept for _ in occ], dtype=np.int64)
    c_gain = np.zeros((c_start.shape[0], n_layers), dtype=np.float32)
    c_gain[:, 0] = 1.0  # a chord is one row, its notes' gains inside
    i_start = np.concatenate([start[idx], c_start])
    order = np.argsort(i_start, kind="stable")
    i_len = np.concatenate([length[idx], c_len])
    all_gains = np.concatenate([gains[idx], c_gain])[order]
    nt = NoteTable(sr, i_start[order], i_len[order], np.concatenate([key[idx], c_src])[order],
                   np.concatenate([row[idx], c_row])[order],
                   xp.asarray(all_gains), all_gains, keys, freqs, amps,
                   basis, envs, {}, int(i_len.max()), pans, {}, {}, levels, {}, {})
    plain = [o for o in oscs if o[3] is None]
    for o, w in zip(plain, mapper(lambda o: oscillators(be, nt, o[0], o[1], 0, o[2]), plain),
                    strict=True):
        nt.oscs[(o[0], o[1])] = w
    nt.held.update(_held_tables(be, nt, [(o[0], o[1], *o[3], o[2]) for o in oscs if o[3]],
                                [lt.velocity[rows[sd // 128, :lt.count[sd // 128]]]
                                 for sd in sounds.tolist()], mapper))

    def bank(k: int) -> Any:
        ht = nt.held.get((keys[k][0], keys[k][4]))
        return render_note(be, nt, k, 0, keys[k][3]) if ht is None else _from_held(nt, k, ht)

    for k, w in zip(banked, mapper(bank, banked), strict=True):
        if isinstance(w, tuple):  # summed by velocity exponent already
            nt.bank[k], nt.merged[k] = w
        else:
            nt.bank[k] = w

    def chord(occ: list[np.ndarray]) -> Any:
        m = occ[0]
        out = xp.zeros((1, int(length[m].max())), dtype=xp.float32)
        for i in m.tolist():
            k = int(key[i])
            w = nt.bank.get(k)
            w = render_note(be, nt, k, 0, keys[k][3]) if w is None else w
            g = gains[i, :keys[k][2]] if k not in nt.merged else gains[i, nt.merged[k]]
            out[:, :keys[k][3]] = out[:, :keys[k][3]] + xp.asarray(g) @ w
        return out

    for i, w in enumerate(mapper(chord, kept)):
        nt.bank[n_k + i] = w
    if be.name == "numpy":
        _merge_layers(nt, lt.velocity[rows[key_pre]], lt.count[key_pre])
    return nt


def _merge_layers(nt: NoteTable, exponents: np.ndarray, counts: np.ndarray) -> None:
    """Sum the rows of each kept single note whose layers share a velocity exponent.

    Such layers get the same gain in every note (velocity ** exponent times the note's
    level), so one row and one ``axpy`` serve them all; ``nt.merged[k]`` names the layer
    whose gain weighs each row of note ``k``. (Bowed strings: body and bow share one.)
    ``exponents``: keys x layers, the first ``counts[k]`` of key ``k`` its preset's.
    """
    for k in [k for k in nt.bank if k < len(nt.keys) and k not in nt.merged]:
        e = exponents[k, :counts[k]].tolist()
        groups: dict[float, list[int]] = {}
        for layer, x in enumerate(e):
            groups.setdefault(x, []).append(layer)
        if len(groups) == len(e):
            continue
        w = nt.bank[k]
        rows = []
        for members in groups.values():
            row = w[members[0], :].copy()
            for m in members[1:]:
                row += w[m, :]
            rows.append(row)
        nt.bank[k] = np.stack(rows)
        nt.merged[k] = [members[0] for members in groups.values()]


def render_note(be: Backend, nt: NoteTable, k: int, a: int, b: int) -> Any:
    """Samples ``a..b`` (from the onset) of distinct note ``k``, one row per layer (``xp``).

    >>> from schillinger_kernel.score import Score
    >>> from schillinger_kernel.synth.backend import get_backend
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


def _held_tables(be: Backend, nt: NoteTable, wanted: list[tuple[int, int, int, int, int]],
                 exponents: list[np.ndarray], mapper: Callable[..., Any]
                 ) -> dict[tuple[int, int], HeldTable]:
    """The :class:`HeldTable` of each (sound, onset's place, first gate, last gate, longest
    note) in ``wanted``; ``exponents``: per sound, its layers' velocity exponents. NumPy.

    Each distinct row (a group's product, a layer's oscillator) is computed once, as long as
    the longest use of it needs, by ``mapper``.
    """
    rows: dict[bytes, list[Any]] = {}  # row -> [sound, layers, frac, from, to]
    plans = []

    def need(key: bytes, s: int, layers: list[int], frac: int, a: int, b: int) -> bytes:
        r = rows.setdefault(key, [s, layers, frac, a, b])
        r[3], r[4] = min(r[3], a), max(r[4], b)
        return key

    for s, frac, g_lo, g_hi, n in wanted:
        sig = [nt.freqs[s][i][nt.freqs[s][i] > 0].tobytes() + np.asarray(nt.amps[s][i]).tobytes()
               for i in range(nt.freqs[s].shape[0])]
        groups: dict[float, list[int]] = {}
        for layer, e in enumerate(exponents[s].tolist()):
            groups.setdefault(e, []).append(layer)
        held = [need(b"h%d" % frac + b"".join(nt.adsr[s][i].tobytes() + sig[i] for i in m),
                     s, m, frac, 0, g_hi) for m in groups.values()]
        tail = [need(b"t%d" % frac + sig[i], s, [i], frac, g_lo, n) for i in range(len(sig))]
        lead = frac / FRACTIONS
        # A group of layers that decay to silence (sustain 0) is exactly 0 once all settled.
        silent = tuple(-1 if np.any(nt.adsr[s][m, 2] != 0.0) else max(
            settled_at(q, lead, nt.sample_rate) for q in nt.adsr[s][m]) for m in groups.values())
        plans.append(((s, frac), held, tuple(tuple(m) for m in groups.values()), silent, tail,
                      (g_lo, g_hi)))

    def row(key: bytes) -> np.ndarray:
        s, layers, frac, a, b = rows[key]
        osc = oscillators(be, nt, s, frac, a, b, layers)
        if key[:1] == b"t":
            return osc[0]  # type: ignore[no-any-return]
        out = np.zeros(b, dtype=np.float32)
        for i, layer in enumerate(layers):
            out += held_curve(np, nt, nt.adsr[s][layer], frac, b)[:b] * osc[i]
        return out

    made = dict(zip(rows, mapper(row, list(rows)), strict=True))
    return {at: HeldTable(tuple(made[k] for k in held), groups, silent,
                          tuple(made[k] for k in tail), tuple(rows[k][3] for k in tail), gates)
            for at, held, groups, silent, tail, gates in plans}


def _from_held(nt: NoteTable, k: int, ht: HeldTable) -> tuple[np.ndarray, list[int]]:
    """Distinct note ``k`` whole from its sound's :class:`HeldTable` (NumPy): one row per
    group of layers that share a velocity exponent, and the layer whose gain weighs each
    (as :func:`_merge_layers` leaves a kept note)."""
    _s, gate, _n_l, n, frac = nt.keys[k]
    g0 = math.ceil(gate - frac / FRACTIONS)
    out = np.empty((len(ht.groups), n), dtype=np.float32)
    levels = nt.levels[k].tolist()
    for j, (row, members) in enumerate(zip(ht.held, ht.groups, strict=True)):
        out[j, :g0] = row[:g0]
        out[j, g0:] = 0.0
        for layer in members:
            t0 = ht.tail_from[layer]
            rc = release_curve(np, nt, float(nt.adsr[_s][layer][3]), frac, n - g0)
            out[j, g0:] += (levels[layer] * rc[:n - g0]) * ht.tail[layer][g0 - t0:n - t0]
    return out, [m[0] for m in ht.groups]


def settled_at(params: np.ndarray, lead: float, sr: int) -> int:
    """The first sample (from the note's first, ``lead`` samples after its onset) where a
    layer's decay has settled (:data:`SETTLED`): from there its curve holds the sustain level
    (:func:`envelope`'s ``i_set``, gate aside).

    >>> settled_at(np.array([0.002, 0.05, 0.0, 0.1]), 0.0, 8000)  # (2 + 3.4 x 50) ms at 8 kHz
    1376
    """
    att, dec = float(params[0]), float(params[1])
    return max(0, math.ceil((att + SETTLED * dec) * sr - lead))


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


CURVE_SAMPLES = 1 << 18  # the longest attack-decay-sustain curve kept per layer and onset


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


SETTLED = 17.0 / 5.0  # decay constants after which exp(-5 u / d) < 5e-8: the sustain level


def envelope(xp: Any, params: np.ndarray, gate: float, a: float, n: int, sr: int) -> Any:
    """ADSR levels (:func:`.envelopes.adsr`) of layers ``params`` (layers x 4) at the ``n``
    samples ``a, a + 1, ..`` after the onset: ``(layers, n)`` float32.

    Each stretch of the envelope is computed with its own formula only where it applies (the
    attack's line, the decay's exponential until it has settled, the held level, the release's
    cubic), once per sample.

    >>> import numpy as np
    >>> e = envelope(np, np.array([[0.002, 0.1, 0.5, 0.1]]), 0.5, 0, 5, 1000)
    >>> [round(float(x), 3) for x in e[0]]  # a 2 ms attack, then the decay
    [0.0, 0.5, 1.0, 0.976, 0.952]
    """

    def at(t: float) -> int:  # the first sample at or after t seconds
        return min(n, max(0, math.ceil(t * sr - a)))

    def time(i0: int, i1: int) -> Any:
        return (xp.astype(xp.arange(i0, i1), xp.float32) + a) / sr

    rows = []
    for att, dec, sus, rel in params.tolist():
        env = xp.zeros(n, dtype=xp.float32)
        i_gate, i_end = at(gate), at(gate + rel)
        i_att = min(at(att), i_gate)
        i_set = min(max(at(att + SETTLED * dec), i_att), i_gate)
        if i_att > 0:
            env[:i_att] = time(0, i_att) / att
        if i_set > i_att:
            env[i_att:i_set] = held(xp, time(i_att, i_set), att, dec, sus)
        if i_gate > i_set:
            env[i_set:i_gate] = sus
        if i_end > i_gate:
            r = xp.clip(1.0 - (time(i_gate, i_end) - gate) / rel, 0.0, 1.0)
            env[i_gate:i_end] = float(held(np, np.float64(gate), att, dec, sus)) * r * r * r
        rows.append(env)
    return xp.stack(rows)
