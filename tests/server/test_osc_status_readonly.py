"""What ``GET status`` says of OSC authentication depends on who asks (issue 16).

The sidebar's OSC section shows how a DAW authenticates (``/schillinger/auth <secret>``) and
where the server wrote its secret (the key file). That is for users whose OSC may change
things: a user the Authorizer lets only read (bob, team.py; what a plain JupyterHub share
gives) gets the OSC address and port, which need no secret, and ``auth: null``. The question
is the Authorizer's ``write`` on the workbench, the same one every write handler asks, also
when the Authorizer answers with an awaitable (as HubScopeAuthorizer does where it asks the hub).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import team


class AwaitedWritersWrite(team.WritersWrite):
    """team.py's decision, answered later (an awaitable, as a hub lookup is)."""

    def is_authorized(self, handler: Any, user: Any, action: str,  # type: ignore[override]
                      resource: str) -> Any:
        decided = super().is_authorized(handler, user, action, resource)

        async def later() -> bool:
            # answered from a worker thread, as the hub authorizer's lookup is
            return await asyncio.get_running_loop().run_in_executor(None, lambda: decided)

        return later()


@pytest.fixture(params=["plain", "awaited"])
def jp_server_config(request: pytest.FixtureRequest, ports: dict[str, int],
                     tmp_path: Any) -> dict[str, Any]:
    config = team.config(ports, tmp_path)
    if request.param == "awaited":
        config["ServerApp"]["authorizer_class"] = AwaitedWritersWrite
    return config


def _status(api: Any, run: Any, who: str) -> dict[str, Any]:
    code, st = run(api("status", headers={"Authorization": f"token {who}-token"}))
    assert code == 200, st
    return dict(st)


def test_only_a_writer_is_told_how_to_authenticate_osc(wb: Any, api: Any, run: Any) -> None:
    key_file = wb.osc.auth.key_file
    assert key_file is not None and Path(key_file).is_file()

    alice = _status(api, run, "alice")["osc"]
    assert alice["enabled"] and alice["port"] == wb.osc.port
    assert alice["auth"]["key_file"] == str(key_file)
    assert "/schillinger/auth" in alice["auth"]["how"]

    whole = _status(api, run, "bob")
    bob = whole["osc"]
    # what reads needs: where OSC listens and answers
    assert (bob["enabled"], bob["host"], bob["port"], bob["reply_port"]) == (
        alice["enabled"], alice["host"], alice["port"], alice["reply_port"])
    # nothing of how changes are authenticated, nor where the secret lies
    assert bob["auth"] is None
    text = json.dumps(whole)
    assert str(key_file) not in text and "/schillinger/auth" not in text
    assert wb.osc.auth.secret not in text
