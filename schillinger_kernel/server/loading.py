"""A transport ``load`` read in a child process and handed back as arrays (issue 18).

Reading a 100,000-note score in the server means parsing ~2 MB of JSON, checking it against
the score schema and making 100,000 :class:`~schillinger_kernel.Note` values. The JSON parse
is one C call of 60-95 ms that holds the interpreter lock throughout (no switch interval
interrupts a C call), so in a worker thread it still stalled the event loop, and with it
``GET /status``, for that long; dropping the parsed body made another C call of ~20 ms.

:func:`read_transport` does all of it in a child (:class:`~.procpool.ProcessPool`) and sends
back a :class:`PackedScore`: the score with its notes taken out, and one ``int64`` array of
``[start, duration, pitch, velocity]`` rows per part, which pickle as a few flat buffers. The
server makes the notes again from those arrays a slice at a time (:func:`unpack`): no single
C call is long, so the loop gets the lock back within a switch interval. A score the server
lets go of is freed a slice at a time as well (:func:`release`). A WebSocket ``transport``
``load`` goes the same way from its message's text (:func:`receive_load`).

>>> from schillinger_kernel import Note, Part, Score
>>> score = Score((Part("p", (Note(0, 480, 60), Note(480, 240, 62, 100))),), title="t")
>>> packed = pack(score)
>>> packed.notes[0].tolist()
[[0, 480, 60, 90], [480, 240, 62, 100]]
>>> unpack(packed) == score
True
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .. import Note, Score
from ..errors import ParameterError, ParameterTypeError, TooLarge
from . import models
from .interpreter import collector_paused
from .jobs import WorkPool
from .limits import Limits, check_render, too_large
from .payload import parse_score
from .procpool import ProcessPool

__all__ = ["CHILD_READ_BYTES", "SLICE", "LoadMessage", "Loaded", "MessageRefused", "PackedScore",
           "length_beats", "load_score", "may_be_large_load", "pack", "read_body",
           "read_load_message", "read_message", "read_transport", "read_transport_body",
           "receive_load", "release", "unpack"]

#: Bodies from this size on are read in a child process when the server has one. JSON parses
#: at roughly 25-40 ns a byte here: 256 KiB holds the lock ~10 ms, while the round trip to a
#: child costs ~1 ms and may wait behind theory work, which a ``play`` must not.
CHILD_READ_BYTES = 256 * 1024
#: Notes made or freed per step: ~10,000 rows take 1-3 ms in one C call (``tolist``, a
#: list slice's deletion), well under the 50 ms a ``/status`` may wait.
SLICE = 10_000


#: A loaded score and its length in beats.
Loaded = tuple[Score, float]


@dataclass(frozen=True)
class PackedScore:
    """A score as its shell (every part with no notes) and each part's notes as an ``int64``
    array of ``[start, duration, pitch, velocity]`` rows, in the part's (sorted) order."""

    shell: Score
    notes: tuple[np.ndarray[Any, Any], ...]


def pack(score: Score) -> PackedScore:
    """``score`` as a :class:`PackedScore` (what a child sends back).

    >>> from schillinger_kernel import Part
    >>> pack(Score((Part("p"),))).notes[0].shape
    (0, 4)
    """
    arrays = tuple(np.array([(n.start, n.duration, n.pitch, n.velocity) for n in p.notes],
                            dtype=np.int64).reshape(-1, 4) for p in score.parts)
    shell = replace(score, parts=tuple(replace(p, notes=()) for p in score.parts))
    return PackedScore(shell, arrays)


def unpack(packed: PackedScore, step: int = SLICE) -> Score:
    """The :class:`~schillinger_kernel.Score` of ``packed``, its notes made ``step`` rows at
    a time (each :class:`~schillinger_kernel.Note` checks its values again), with the cyclic
    collector paused meanwhile (:func:`~.interpreter.collector_paused`).

    >>> from schillinger_kernel import Part
    >>> s = Score((Part("p", tuple(Note(k * 10, 10, 60) for k in range(25))),))
    >>> unpack(pack(s), step=4) == s
    True
    """
    parts = []
    with collector_paused():
        for part, rows in zip(packed.shell.parts, packed.notes, strict=True):
            notes: list[Note] = []
            for i in range(0, len(rows), step):
                notes.extend(Note(*r) for r in rows[i:i + step].tolist())
            parts.append(replace(part, notes=tuple(notes)))
        return replace(packed.shell, parts=tuple(parts))


def length_beats(score: Score) -> float:
    """Beats up to the end of the last note (the transport's ``length_beats``).

    >>> from schillinger_kernel import Part
    >>> length_beats(Score((Part("p", (Note(0, 720, 60),)),)))
    1.5
    """
    return score.end / score.ppq


def release(box: list[Score]) -> None:
    """Free the score in ``box`` (the one reference to it the caller kept) a slice of notes
    at a time.

    Dropping a 100,000-note score at once is one C call (a tuple's deallocation freeing every
    note) of 17-32 ms: run wherever, it holds the lock that long. Here the notes are first
    held in lists, so dropping the score frees only its parts, and then the lists are cut
    :data:`SLICE` notes at a time. When someone else still holds the score, nothing is freed
    here.

    >>> from schillinger_kernel import Part
    >>> box = [Score((Part("p", (Note(0, 480, 60),)),))]
    >>> release(box); box
    []
    """
    if not box:
        return
    held = [list(p.notes) for p in box[0].parts]
    box.clear()  # the score and its tuples go; the notes stay in ``held``
    for notes in held:
        while notes:
            del notes[-SLICE:]


def read_body(raw: bytes, limits: Limits, what: str = "the request body") -> dict[str, Any]:
    """A REST body as a JSON object: empty, over ``limits.body_bytes``, not JSON, nested
    deeper than ``limits.json_depth`` or not an object is refused (400, 413).

    >>> read_body(b'{"action": "play"}', Limits())
    {'action': 'play'}
    >>> read_body(b'[1]', Limits())
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: the request body must be a JSON object
    """
    if not raw:
        raise ParameterError(f"{what} must be a JSON object")
    if len(raw) > limits.body_bytes:
        raise too_large(f"bytes of {what.removeprefix('the ')}", len(raw), limits.body_bytes,
                        "body_bytes")
    data = models.parse_json(raw, what, max_depth=limits.json_depth)
    if not isinstance(data, dict):
        raise ParameterError(f"{what} must be a JSON object")
    return data


def read_message(text: str, limit: int, max_depth: int) -> dict[str, Any]:
    """A WebSocket text message as a JSON object: over ``limit`` characters (413), not JSON,
    nested deeper than ``max_depth`` or not an object (400) is refused.

    >>> read_message('{"type": "heartbeat"}', 100, 8)
    {'type': 'heartbeat'}
    >>> read_message('[1]', 100, 8)
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterTypeError: a message must be a JSON object with a 'type'
    """
    if len(text) > limit:
        raise TooLarge(f"message too large ({len(text)} characters; at most {limit}: "
                       "SchillingerApp.max_ws_message_bytes)")
    data = models.parse_json(text, "the message", max_depth)
    if not isinstance(data, dict):
        raise ParameterTypeError("a message must be a JSON object with a 'type'", field="type")
    return data


def load_score(data: dict[str, Any] | None, limits: Limits) -> tuple[Score, float]:
    """A load's score parsed and checked against ``limits`` (notes, bars, seconds of
    audio), with its :func:`length_beats`; the cyclic collector paused meanwhile.

    >>> load_score({"parts": [{"name": "p", "notes": [[0, 960, 60, 90]]}]}, Limits())[1]
    2.0
    """
    with collector_paused():  # millions of objects: no full collections holding the GIL
        score = parse_score(data, limits=limits)
        check_render(score, limits)
    return score, length_beats(score)


def read_transport(raw: bytes, limits: Limits
                   ) -> tuple[models.TransportRequest, PackedScore | None]:
    """A ``POST transport`` body read, validated and, for a ``load``, its score parsed and
    checked against ``limits``: the request (its score taken out) and the packed score
    (None for other actions). What a child process runs; its errors are the taxonomy's and
    pydantic's, which cross the process boundary as they are.

    >>> import json
    >>> body = {"action": "load", "score": {"parts": [{"name": "p",
    ...                                                "notes": [[0, 960, 60, 90]]}]}}
    >>> req, packed = read_transport(json.dumps(body).encode(), Limits())
    >>> req.action, req.score, length_beats(unpack(packed))
    ('load', None, 2.0)
    >>> read_transport(b'{"action": "play"}', Limits())[1] is None
    True
    """
    with collector_paused():  # the child's own collector: no rescans of the parsed body
        req = models.TransportRequest.model_validate(read_body(raw, limits))
        if req.action != "load":
            return req, None
        score, _ = load_score(req.score, limits)
        return req.model_copy(update={"score": None}), pack(score)


def _read_here(raw: bytes, limits: Limits) -> tuple[models.TransportRequest, Loaded | None]:
    with collector_paused():
        req = models.TransportRequest.model_validate(read_body(raw, limits))
    return req, (load_score(req.score, limits) if req.action == "load" else None)


def _unpacked(packed: PackedScore) -> Loaded:
    score = unpack(packed)
    return score, length_beats(score)


async def read_transport_body(raw: bytes, limits: Limits, procs: ProcessPool | None,
                              pool: WorkPool) -> tuple[models.TransportRequest, Loaded | None]:
    """A ``POST transport`` body read off the event loop: the request, and for a ``load``
    its score and :func:`length_beats`.

    A body of :data:`CHILD_READ_BYTES` or more is read in a child of ``procs``
    (:func:`read_transport`) and its notes made again in ``pool`` (:func:`unpack`); a
    smaller one, or any when there is no process pool, is read in ``pool``. A full pool or
    process queue raises :class:`~schillinger_kernel.errors.Busy` (429).

    >>> import asyncio
    >>> pool = WorkPool(1, 0)
    >>> req, (score, beats) = asyncio.run(read_transport_body(
    ...     b'{"action": "load", "score": {"parts": [{"name": "p", "notes": [[0, 480, 60, 90]]}]}}',
    ...     Limits(), None, pool))
    >>> req.action, beats
    ('load', 1.0)
    >>> pool.shutdown()
    """
    if procs is None or not CHILD_READ_BYTES <= len(raw) <= limits.body_bytes:
        here: tuple[models.TransportRequest, Loaded | None] = await pool.run(_read_here, raw,
                                                                            limits)
        return here
    req, packed = await asyncio.wrap_future(procs.submit(read_transport, raw, limits))
    return req, (None if packed is None else await pool.run(_unpacked, packed))


@dataclass(frozen=True)
class LoadMessage:
    """What a child made of a WebSocket ``transport`` ``load`` message: its ``id`` and its
    packed score, or the error its request or score raised (answered under that ``id``)."""

    msg_id: Any
    packed: PackedScore | None
    error: Exception | None = None


class MessageRefused(Exception):
    """A WebSocket load refused after its message was read: ``error`` is what to answer,
    ``msg_id`` the message's ``id`` to answer it under."""

    def __init__(self, msg_id: Any, error: Exception) -> None:
        super().__init__(str(error))
        self.msg_id = msg_id
        self.error = error


def read_load_message(text: str, limits: Limits) -> LoadMessage | None:
    """A WebSocket message read as :func:`read_message` does and, when it is a ``transport``
    ``load``, its request validated and its score parsed and checked as :func:`read_transport`
    does; None for any other message (the server reads it as usual). What a child runs:
    errors reading the message are raised (they have no ``id``), later ones returned.

    >>> import json
    >>> msg = {"type": "transport", "id": 7, "action": "load",
    ...        "score": {"parts": [{"name": "p", "notes": [[0, 960, 60, 90]]}]}}
    >>> got = read_load_message(json.dumps(msg), Limits())
    >>> got.msg_id, length_beats(unpack(got.packed))
    (7, 2.0)
    >>> read_load_message(json.dumps({**msg, "score": None}), Limits()).error
    ParameterError('score is required')
    >>> read_load_message('{"type": "transport", "action": "play"}', Limits()) is None
    True
    """
    with collector_paused():  # the child's own collector: no rescans of the parsed message
        data = read_message(text, limits.ws_message_bytes, limits.json_depth)
        if data.get("type") != "transport" or data.get("action") != "load":
            return None
        msg_id = data.get("id")
        try:
            req = models.TransportRequest.model_validate(
                {k: v for k, v in data.items() if k not in ("type", "id")})
            score, _ = load_score(req.score, limits)
        except Exception as exc:  # pydantic's and the taxonomy's errors pickle as they are
            return LoadMessage(msg_id, None, exc.with_traceback(None))
        return LoadMessage(msg_id, pack(score))


def may_be_large_load(text: str, limits: Limits) -> bool:
    """Whether a WebSocket message may be a ``transport`` load for a child: its size from
    :data:`CHILD_READ_BYTES` to ``limits.ws_message_bytes`` and ``"transport"`` in it (a
    search at memory speed; a load spelled otherwise, escaped, is read as any message).

    >>> may_be_large_load('{"type": "transport", "action": "load"}', Limits())
    False
    """
    return CHILD_READ_BYTES <= len(text) <= limits.ws_message_bytes and '"transport"' in text


async def receive_load(text: str, limits: Limits, procs: ProcessPool | None,
                       pool: WorkPool) -> tuple[Any, Loaded] | None:
    """A WebSocket ``transport`` ``load`` message of :data:`CHILD_READ_BYTES` or more read in
    a child of ``procs`` (:func:`read_load_message`) and its notes made again in ``pool``:
    its ``id`` and the score with its :func:`length_beats`. None when the message is not one
    (smaller, no process pool, another type or action): read it as any message. An error
    after the message was read raises :class:`MessageRefused`; a full process queue
    :class:`~schillinger_kernel.errors.Busy` (429).

    >>> import asyncio
    >>> asyncio.run(receive_load('{"type": "transport", "action": "play"}', Limits(), None,
    ...                          WorkPool(1, 0))) is None
    True
    """
    if procs is None or not may_be_large_load(text, limits):
        return None
    got: LoadMessage | None = await asyncio.wrap_future(
        procs.submit(read_load_message, text, limits))
    if got is None:
        return None
    if got.error is not None or got.packed is None:
        raise MessageRefused(got.msg_id, got.error or ParameterError("no score was read"))
    return got.msg_id, await pool.run(_unpacked, got.packed)
