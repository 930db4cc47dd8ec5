"""Issue 18 (with issue 16's store item): the session store commits in a writer thread, so
the event loop serves other requests during an ``fsync``, and an acknowledgement still means
"on disk"; the JSON nesting check is a C string scan that gives the old answers."""

from __future__ import annotations

import asyncio
import json
import random
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from schillinger_kernel.errors import PeerUnavailable
from schillinger_kernel.server.crdt_commit import GroupCommit
from schillinger_kernel.server.models import MAX_JSON_DEPTH, json_depth, parse_json
from schillinger_kernel.server.sessions import Identity, SessionStore

ANN = Identity("ann", "Ann")


async def next_turn() -> None:
    """Give the event loop one turn (callbacks and tasks that are ready run)."""
    loop = asyncio.get_running_loop()
    turn = loop.create_future()
    loop.call_soon(turn.set_result, None)
    await turn


def stored_seq(path: Path, session_id: str) -> int | None:
    """What another connection (another process, after a crash) reads from the file."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT seq FROM sessions WHERE id = ?", (session_id,)).fetchone()
    finally:
        conn.close()
    return None if row is None else int(row[0])


def hold_writer(store: SessionStore) -> threading.Event:
    """Keep the store's writer thread busy until the returned event is set (a slow disk)."""
    release = threading.Event()
    assert store.db is not None
    store.db.later(lambda _conn: release.wait(60))
    return release


def test_the_loop_runs_while_the_writer_waits_and_the_answer_waits_for_the_disk(
        tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    s = store.join("duet", "c1", ANN)
    assert store.db is not None
    path = store.db.path

    async def scenario() -> None:
        release = hold_writer(store)
        s.add_operation("c1", {"n": 1}, ANN)
        write = asyncio.ensure_future(store.write(s))
        turns = 0
        while turns < 50:  # the loop keeps turning although the commit cannot start
            await next_turn()
            turns += 1
        assert not write.done() and stored_seq(path, s.id) == 0
        release.set()
        await write
        assert stored_seq(path, s.id) == 1 and s.stored_seq == 1

    asyncio.run(scenario())
    store.close()


def test_changes_made_during_a_commit_ride_in_the_next_one(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    a = store.join("a", "c1", ANN)
    b = store.join("b", "c2", ANN)

    async def scenario() -> None:
        release = hold_writer(store)
        before = store.group.commits
        a.add_operation("c1", {"n": 1}, ANN)
        first = asyncio.ensure_future(store.write(a))
        for _ in range(50):  # the group takes a's change and hands it to the held writer
            await next_turn()
        a.add_operation("c1", {"n": 2}, ANN)
        b.add_operation("c2", {"n": 1}, ANN)
        later = [asyncio.ensure_future(store.write(x)) for x in (a, a, b)]
        for _ in range(50):
            await next_turn()
        assert not first.done() and not any(w.done() for w in later)
        release.set()
        await asyncio.gather(first, *later)
        # a's first change alone (it was taken before the others came), then a and b together
        assert store.group.commits - before == 3

    asyncio.run(scenario())
    again = SessionStore(tmp_path)
    again.load()
    assert [r["op"]["n"] for r in again.get("a").operations] == [1, 2]  # type: ignore[union-attr]
    assert again.get("b").seq == 1  # type: ignore[union-attr]
    store.close()
    again.close()


def test_a_refused_commit_fails_every_waiter_and_keeps_nothing(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    s = store.join("duet", "c1", ANN)

    async def scenario() -> None:
        assert store.db is not None
        store.db.close()  # the store is gone from under the server (disk unplugged, say)
        s.add_operation("c1", {"n": 1}, ANN)
        s.params["tempo"] = 90
        outcomes = await asyncio.gather(store.write(s), store.write(s),
                                        return_exceptions=True)
        assert all(isinstance(o, PeerUnavailable) for o in outcomes), outcomes
        assert "was not kept" in str(outcomes[0])
        assert (s.seq, s.operations, s.params) == (0, [], {})

    asyncio.run(scenario())


def test_the_async_twins_store_before_they_return(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)

    async def scenario() -> None:
        s = await store.ajoin("duet", "c1", ANN)
        renamed = await store.arename(s.id, "trio", by=ANN)
        assert renamed.name == "trio"
        assert [d["name"] for d in SessionStore(tmp_path).db.load()] == ["trio"]  # type: ignore[union-attr]
        other = await store.acreate("solo", owner=ANN)
        assert await store.adelete(other.id, by=ANN) and store.get("solo") is None
        store.leave_soon(s.id, "c1")
        await store.group.idle()

    asyncio.run(scenario())
    again = SessionStore(tmp_path)
    assert again.load() == 1
    assert again.get("trio").idle_since is not None  # type: ignore[union-attr]
    store.close()
    again.close()


def test_group_commit_tells_later_waiters_of_a_failed_key() -> None:
    told: list[tuple[str, Exception | None]] = []

    async def scenario() -> None:
        opened = asyncio.Event()
        calls: list[list[str]] = []

        async def commit(items: Any) -> list[Exception | None]:
            calls.append(list(items))
            await opened.wait()
            return [ValueError("disk") if x == "bad" else None for x in items]

        group: GroupCommit[str] = GroupCommit(commit)
        group.request("k", "bad", lambda e: told.append(("first", e)))
        while not calls:
            await next_turn()
        group.request("k", "bad", lambda e: told.append(("during", e)))
        group.request("j", "good", lambda e: told.append(("other", e)))
        opened.set()
        await group.idle()
        assert calls == [["bad"], ["good"]]  # k's later request went with the failure

    asyncio.run(scenario())
    assert [(w, type(e).__name__) for w, e in told] == [
        ("first", "ValueError"), ("during", "ValueError"), ("other", "NoneType")]


# ----- JSON nesting ---------------------------------------------------------------------------
_OLD_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


def old_json_depth(text: str) -> int:
    """The previous implementation (NumPy over the whole text), as the oracle."""
    if text.count("[") + text.count("{") <= 1:
        return text.count("[") + text.count("{")
    bare = np.frombuffer(_OLD_STRINGS.sub("", text).encode("utf-8", "surrogatepass"),
                         np.uint8)
    step = ((bare == 0x5B) | (bare == 0x7B)).astype(np.int32)
    step -= ((bare == 0x5D) | (bare == 0x7D)).astype(np.int32)
    return int(np.cumsum(step).max(initial=0))


def random_json(rnd: random.Random, depth: int = 0) -> Any:
    r = rnd.random()
    if depth > 12 or r < 0.35:
        return rnd.choice([1, -2.5e10, None, True, "".join(
            rnd.choice('[]{}"\\ab\n\u00e9\U0001f600/') for _ in range(rnd.randint(0, 8)))])
    if r < 0.7:
        return [random_json(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    return {"".join(rnd.choice('[]{}"\\k') for _ in range(rnd.randint(0, 4))):
            random_json(rnd, depth + 1) for _ in range(rnd.randint(0, 3))}


def test_json_depth_gives_the_old_answers_on_valid_json() -> None:
    rnd = random.Random(18)
    for _ in range(3000):
        text = json.dumps(random_json(rnd), ensure_ascii=rnd.random() < 0.5)
        assert json_depth(text) == old_json_depth(text), text
    notes = json.dumps({"score": {"parts": [{"name": "p", "notes": [
        [k * 480, 480, 36 + k % 50, 90] for k in range(20_000)]}]}})
    assert json_depth(notes) == old_json_depth(notes) == 6  # {score {parts [{ notes [[


@pytest.mark.parametrize("text", [
    "[" * 200, "]" * 5 + "[" * 3, "[[]" * 50, "[" * 100 + "]" * 99, "[{]}", '["\\\\"]]]',
    "[" * 100 + "]" * 100, "[[1,[2]],[3]]" * 10_000, '{"a": "\\"[[["}', "[[[]]" + "[]" * 70_000,
])
def test_json_depth_on_unbalanced_deep_and_escaped_text(text: str) -> None:
    assert json_depth(text) == old_json_depth(text)


def test_too_deep_bodies_are_still_refused() -> None:
    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(ValueError, match=f"nests {MAX_JSON_DEPTH + 1} levels deep"):
        parse_json(deep)
    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
