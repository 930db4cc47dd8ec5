"""Sessions as the sidebar sees them over REST (issue 16): who is in each one, owner-only
rename and delete, members told when their session is renamed or deleted, and the stored
copy following every change. Two users (alice and bob) log in with their own tokens."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from jupyter_server.auth import IdentityProvider, User

from schillinger_kernel.server.sessions import SessionStore

USERS = {"alice-token": User("alice", name="Alice Liddell", display_name="Alice",
                             color="#c0392b"),
         "bob-token": User("bob", name="Bob Dylan", display_name="Bob", color="#2980b9")}


class TwoUsers(IdentityProvider):
    """``alice-token`` and ``bob-token`` log in alice and bob."""

    async def get_user_token(self, handler: Any) -> User | None:
        user = USERS.get(self.get_token(handler) or "")
        if user is not None:
            return user
        return await super().get_user_token(handler)


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    jp_server_config["ServerApp"]["identity_provider_class"] = TwoUsers
    return jp_server_config


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


async def _recv(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        msg = json.loads(await asyncio.wait_for(ws.read_message(), 10))
        if msg["type"] in (kind, "error"):
            return dict(msg)


def test_people_owner_rename_delete(wb: Any, api: Any, run: Any, jp_ws_fetch: Any,
                                    tmp_path: Any) -> None:
    async def scenario() -> None:
        code, made = await api("sessions", {"name": "duet"}, headers=_as("alice-token"))
        assert code == 201 and made["owner"]["username"] == "alice"
        sid = made["id"]
        bob = await jp_ws_fetch("schillinger", "api", "ws", headers=_as("bob-token"))
        await _recv(bob, "hello")
        bob.write_message(json.dumps({"type": "join", "session": sid}))
        await _recv(bob, "joined")

        code, listed = await api("sessions", headers=_as("bob-token"))
        assert code == 200 and [s["name"] for s in listed] == ["duet"]
        assert listed[0]["members"] == 1 and listed[0]["idle_since"] is None
        assert [(p["username"], p["display_name"], p["color"]) for p in listed[0]["people"]
                ] == [("bob", "Bob", "#2980b9")]

        for method, body in (("PATCH", {"name": "bob's"}), ("DELETE", None)):
            code, ans = await api(f"sessions/{sid}", body, method=method,
                                  headers=_as("bob-token"))
            assert code == 403 and ans["field"] == "session", ans
            assert "only the owner of session 'duet', Alice (alice)" in ans["message"]

        code, ans = await api(f"sessions/{sid}", {"name": "trio"}, method="PATCH",
                              headers=_as("alice-token"))
        assert code == 200 and ans["name"] == "trio"
        told = await _recv(bob, "session")
        assert (told["event"], told["name"]) == ("renamed", "trio")
        code, ans = await api(f"sessions/{sid}", {"name": ""}, method="PATCH",
                              headers=_as("alice-token"))
        assert code == 400 and ans["field"] == "name"

        stored = SessionStore(tmp_path / "sessions")  # what a restart would find
        assert stored.load() == 1 and stored.get("trio") is not None
        stored.close()

        code, ans = await api(f"sessions/{sid}", method="DELETE", headers=_as("alice-token"))
        assert code == 200 and ans == {"deleted": sid}
        told = await _recv(bob, "session")
        assert (told["event"], told["id"]) == ("deleted", sid)
        code, _ = await api(f"sessions/{sid}", method="DELETE", headers=_as("alice-token"))
        assert code == 404
        bob.close()

    run(scenario())
    assert len(wb.sessions) == 0
    assert SessionStore(tmp_path / "sessions").load() == 0


def test_a_session_left_empty_is_marked_idle(wb: Any, api: Any, run: Any,
                                             jp_ws_fetch: Any) -> None:
    async def scenario() -> None:
        ws = await jp_ws_fetch("schillinger", "api", "ws", headers=_as("alice-token"))
        await _recv(ws, "hello")
        ws.write_message(json.dumps({"type": "join", "session": "brief"}))
        joined = await _recv(ws, "joined")
        assert joined["session"]["owner"]["username"] == "alice"
        ws.write_message(json.dumps({"type": "leave"}))
        await _recv(ws, "left")
        _, listed = await api("sessions", headers=_as("alice-token"))
        assert listed[0]["members"] == 0 and listed[0]["people"] == []
        assert listed[0]["idle_since"] is not None
        ws.close()

    run(scenario())
    s = wb.sessions.get("brief")
    assert s is not None and s.idle_since is not None
    wb.sessions.save()  # the server's periodic upkeep: too early to expire
    assert wb.sessions.get("brief") is not None
    assert wb.sessions.expire(now=s.idle_since + wb.sessions.empty_ttl + 1) == (s.id,)
