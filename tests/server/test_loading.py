"""``server.loading``: a transport load read in a child process, handed back as arrays, its
notes made again and a replaced score freed a slice at a time (issue 18)."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator

import numpy as np
import pytest
from pydantic import ValidationError

from schillinger_kernel import Note, Part, Score
from schillinger_kernel.errors import ParameterError, TooLarge
from schillinger_kernel.server.limits import Limits
from schillinger_kernel.server.loading import (
    length_beats,
    pack,
    read_body,
    read_transport,
    release,
    unpack,
)
from schillinger_kernel.server.procpool import ProcessPool

SCORE = Score(
    (Part.create("Lead", tuple(Note(k * 240, 240 + k % 3, 60 + k % 12, 60 + k % 60)
                               for k in range(57)), instrument="flute", pan=-0.5),
     Part("Empty"),
     Part.create("Kit", (Note(0, 120, 36, 127), Note(0, 120, 42, 1)), instrument="drums")),
    key="E minor", title="packed", metadata={"form": [{"label": "A", "start_tick": 0, "bars": 4}]},
).with_tempo(93.5)


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPool]:
    p = ProcessPool(1, 0)
    yield p
    p.shutdown()


def test_a_packed_score_comes_back_equal_with_its_metadata() -> None:
    packed = pack(SCORE)
    assert [a.dtype for a in packed.notes] == [np.dtype(np.int64)] * 3
    assert [a.shape for a in packed.notes] == [(57, 4), (0, 4), (2, 4)]
    assert all(not p.notes for p in packed.shell.parts)
    for step in (1, 5, 57, 1000):
        back = unpack(packed, step)
        assert back == SCORE and back.metadata == SCORE.metadata
        assert [p.name for p in back.parts] == ["Lead", "Empty", "Kit"]


def test_unpack_checks_each_note_again() -> None:
    packed = pack(SCORE)
    packed.notes[0][3, 2] = 200  # a pitch no Note takes
    with pytest.raises(ParameterError, match="pitch"):
        unpack(packed)


def test_release_frees_a_score_only_the_box_held() -> None:
    score = unpack(pack(SCORE))
    gone, note = weakref.ref(score), weakref.ref(score.parts[0].notes[-1])
    box = [score]
    del score
    release(box)
    assert box == [] and gone() is None and note() is None


def test_release_leaves_a_score_someone_else_holds() -> None:
    score = unpack(pack(SCORE))
    box = [score]
    release(box)
    gc.collect()
    assert box == [] and score.parts[0].notes[0] == SCORE.parts[0].notes[0]


def test_read_transport_in_a_child_gives_the_score_from_dict(pool: ProcessPool) -> None:
    raw = json.dumps({"action": "load", "score": SCORE.to_dict()}).encode()
    req, packed = pool.call(read_transport, raw, Limits())
    assert req.action == "load" and req.score is None and packed is not None
    score = unpack(packed)
    assert score == Score.from_dict(SCORE.to_dict())
    assert length_beats(score) == (56 * 240 + 242) / 480  # where the last lead note ends


@pytest.mark.parametrize(("body", "kind", "words"), [
    (b"", ParameterError, "must be a JSON object"),
    (b"[1, 2]", ParameterError, "must be a JSON object"),
    (b'{"action": "load", ', ParameterError, "malformed JSON"),
    (b'{"action": "warp"}', ValidationError, "action"),
    (b'{"action": "load"}', ParameterError, "score is required"),
    (json.dumps({"action": "load", "score": {"parts": [
        {"name": "p", "notes": [[0, 480, 60, 90]] * 11}]}}).encode(), TooLarge,
     "SchillingerApp.max_notes"),
    (b'{"action": "load", "pad": "' + b"x" * 5000 + b'"}', TooLarge,
     "SchillingerApp.max_body_bytes"),
])
def test_errors_cross_the_process_boundary_as_themselves(
        pool: ProcessPool, body: bytes, kind: type[Exception], words: str) -> None:
    with pytest.raises(kind, match=words):
        pool.call(read_transport, body, Limits(notes=10, body_bytes=4096))


def test_read_body_refuses_depth_over_the_limit() -> None:
    with pytest.raises(ParameterError, match="nests 5 levels deep; at most 4"):
        read_body(b'{"a": [[[[1]]]]}', Limits(json_depth=4))
