"""A team on one plain jupyter server: alice and carol may write, bob may only read.

Jupyter's own ``IdentityProvider`` and ``Authorizer`` classes, configured as a server admin
would (``ServerApp.identity_provider_class``, ``ServerApp.authorizer_class``): the tokens
``alice-token``, ``bob-token`` and ``carol-token`` log in those users, and the Authorizer
allows ``write`` to alice and carol only (bob is what a plain JupyterHub share makes of a
user: read only). Used by test_watchers.py and test_awareness.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from helpers import wait_until_async
from jupyter_server.auth import Authorizer, IdentityProvider, User

from schillinger_kernel.server.crdt_client import YClient

EXT = "schillinger_kernel.server"
USERS = {"alice-token": User("alice", name="Alice Liddell", display_name="Alice",
                             color="#c0392b"),
         "bob-token": User("bob", name="Bob Dylan", display_name="Bob", color="#2980b9"),
         "carol-token": User("carol", name="Carol King", display_name="Carol",
                             color="#27ae60")}
WRITERS = frozenset({"alice", "carol"})


class Team(IdentityProvider):
    """The three tokens log in alice, bob and carol."""

    async def get_user_token(self, handler: Any) -> User | None:
        user = USERS.get(self.get_token(handler) or "")
        if user is not None:
            return user
        return await super().get_user_token(handler)


class WritersWrite(Authorizer):
    """``read`` for everyone logged in, ``write`` for :data:`WRITERS` only."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return action == "read" or getattr(user, "username", "") in WRITERS


def config(ports: dict[str, int], tmp_path: Any) -> dict[str, Any]:
    """The server's configuration (as tests/server/conftest.py's, with the team)."""
    return {"ServerApp": {"jpserver_extensions": {EXT: True, "jupyter_server_terminals": False},
                          "allow_unauthenticated_access": False,
                          "identity_provider_class": Team,
                          "authorizer_class": WritersWrite},
            "SchillingerApp": {"osc_port": 0, "osc_reply_port": ports["reply"],
                               "audio_output": False, "ableton_port": ports["live"],
                               "ableton_reply_port": ports["live_reply"],
                               "sessions_dir": str(tmp_path / "sessions")}}


async def login(jp_ws_fetch: Any, who: str) -> Any:
    """A WebSocket of ``who`` (its ``hello`` read)."""
    ws = await jp_ws_fetch("schillinger", "api", "ws",
                           headers={"Authorization": f"token {who}-token"})
    hello = json.loads(await ws.read_message())
    assert hello["type"] == "hello" and hello["identity"]["username"] == who, hello
    return ws


async def yjoin(jp_ws_fetch: Any, who: str, session: str
                ) -> tuple[YClient, Any, asyncio.Task[None]]:
    """``who`` joins ``session`` speaking Yjs (see :meth:`YClient.join`)."""
    ws = await jp_ws_fetch("schillinger", "api", "ws",
                           headers={"Authorization": f"token {who}-token"})
    client, task = await YClient.join(ws, session)
    return client, ws, task


async def answer(client: YClient, pred: Callable[[dict[str, Any]], bool],
                 what: str) -> dict[str, Any]:
    """The first JSON message ``client`` got (or gets) that ``pred`` accepts."""
    def found() -> dict[str, Any] | None:
        return next((m for m in client.messages + client.errors if pred(m)), None)

    await wait_until_async(found, 10, what)
    got = found()
    assert got is not None
    return got
