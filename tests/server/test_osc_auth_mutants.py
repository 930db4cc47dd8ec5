"""OSC authentication at its edges, on :class:`OscAuth` itself: the secret and tokens, the
lockout after :data:`MAX_FAILURES` wrong secrets and its window, the bound senders' lifetime and
the table's bound, the refusal message, the key file and the status.

The live-server behaviour (UDP, replies, rates) is in ``test_osc_auth.py``; these tests run in
milliseconds, so ``mutmut`` can run them for every mutant. Windows that last a minute are not
waited for: the failure record's start is moved back instead (the same state a minute of
waiting leaves), and lifetimes use ``ttl`` values of 0 (expired at once) and an hour.

Written against the mutants that survived ``mutmut`` on ``server/osc_auth.py``; see
``bench/mutation.py``.

Survivors judged equivalent (6 of 171): ``now - first > _FAIL_WINDOW`` against ``>=`` in
``attempt``, ``b.expires <= now`` against ``<`` in ``binding`` and
``b.expires > now`` against ``>=`` in ``bind``'s purge and ``status`` (an expiry equal to the
monotonic clock's reading to the nanosecond cannot be arranged without a clock of our own);
the key file's creation mode ``0o600`` dropped or changed to ``0o601`` (the ``fchmod`` that
follows sets 0600 before a byte is written; the two differ only inside that window, which a
test cannot enter without a race).
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from pathlib import Path

import pytest

from schillinger_kernel.errors import Busy, Forbidden
from schillinger_kernel.server.osc_auth import (
    AUTH,
    KEYED,
    MAX_BINDINGS,
    MAX_FAILURES,
    TTL,
    Binding,
    OscAuth,
    split_keyed,
)

HOST = ("10.0.0.1", 5000)

# the clock OscAuth reads, to set its records' times (not to time anything)
module_clock = time.monotonic


def test_constants() -> None:
    assert (AUTH, KEYED) == ("/schillinger/auth", "/schillinger/k/")
    assert (TTL, MAX_BINDINGS, MAX_FAILURES) == (3600.0, 256, 10)


def test_split_keyed() -> None:
    assert split_keyed("/schillinger/k/abc/transport/play") == ("abc",
                                                                 "/schillinger/transport/play")
    assert split_keyed("/schillinger/k/abc") == ("abc", "/schillinger/")
    assert split_keyed("/schillinger/k//x") == ("", "/schillinger/x")
    assert split_keyed("/schillinger/transport/play") is None
    assert split_keyed("/other/k/abc/x") is None


def test_a_drawn_secret_is_32_hex_digits_and_differs_per_server() -> None:
    a, b = OscAuth(), OscAuth("")
    assert re.fullmatch(r"[0-9a-f]{32}", a.secret) and re.fullmatch(r"[0-9a-f]{32}", b.secret)
    assert a.secret != b.secret
    assert OscAuth("given").secret == "given"
    assert (a.ttl, a.key_file, a.refused) == (TTL, None, 0)
    assert OscAuth(key_file="/tmp/k.json").key_file == Path("/tmp/k.json")
    assert OscAuth(key_file="").key_file is None


def test_check_accepts_the_secret_and_the_tokens_only() -> None:
    auth = OscAuth("s3cret", tokens=("tok1", "", "tok2"))
    assert [auth.check(x) for x in ("s3cret", "tok1", "tok2")] == [True, True, True]
    for wrong in ("", "s3cre", "s3cret ", "S3CRET", "tok", None, 5, b"s3cret", ["s3cret"]):
        assert auth.check(wrong) is False, wrong
    assert OscAuth("s").check("s") is True and OscAuth("s").check("") is False


def test_wrong_secrets_lock_the_ip_out_after_the_limit() -> None:
    auth = OscAuth("right")
    for _ in range(MAX_FAILURES):
        assert auth.attempt(HOST, "wrong") is False
    with pytest.raises(Busy) as info:
        auth.attempt(HOST, "right")  # even the right secret waits out the minute
    assert re.fullmatch(r"auth: 10 wrong secrets from 10\.0\.0\.1 within a minute; try again "
                        r"in (60|59) s", str(info.value)), str(info.value)
    # another port on the same IP is the same IP
    with pytest.raises(Busy):
        auth.attempt(("10.0.0.1", 6000), "right")
    # another IP is not locked
    assert auth.attempt(("10.0.0.2", 5000), "right") is True


def test_one_fewer_failure_is_not_locked_and_success_forgets_them() -> None:
    auth = OscAuth("right")
    for _ in range(MAX_FAILURES - 1):
        assert auth.attempt(HOST, "wrong") is False
    assert auth.attempt(HOST, "right") is True  # nine: still allowed, and the count resets
    for _ in range(MAX_FAILURES):
        assert auth.attempt(HOST, "wrong") is False
    with pytest.raises(Busy):
        auth.attempt(HOST, "wrong")


def test_the_lockout_lasts_a_minute_from_the_first_failure() -> None:
    auth = OscAuth("right")
    for _ in range(MAX_FAILURES):
        auth.attempt(HOST, "wrong")
    count, first = auth._failures[HOST[0]]
    assert count == MAX_FAILURES
    # 59 s after the first failure: still locked, and it says how long is left
    auth._failures[HOST[0]] = (count, module_clock() - 59.0)
    with pytest.raises(Busy, match=r"try again in [12] s$"):
        auth.attempt(HOST, "right")
    # 61 s after: the window is over, the count starts again from this attempt
    auth._failures[HOST[0]] = (count, module_clock() - 61.0)
    assert auth.attempt(HOST, "wrong") is False
    count, first = auth._failures[HOST[0]]
    assert count == 1 and module_clock() - first < 30.0
    for _ in range(MAX_FAILURES - 1):
        assert auth.attempt(HOST, "wrong") is False
    with pytest.raises(Busy):
        auth.attempt(HOST, "wrong")


def test_failures_keep_the_windows_start() -> None:
    auth = OscAuth("right")
    auth.attempt(HOST, "wrong")
    start = auth._failures[HOST[0]][1]
    auth.attempt(HOST, "wrong")
    assert auth._failures[HOST[0]] == (2, start)


def test_a_flood_of_forged_ips_clears_the_failure_table() -> None:
    auth = OscAuth("right")
    for _ in range(MAX_FAILURES - 1):
        auth.attempt(("10.9.9.9", 1), "wrong")
    for i in range(MAX_BINDINGS - 1):  # the table is now full: 256 IPs
        auth.attempt((f"10.1.{i // 256}.{i % 256}", 1), "wrong")
    assert auth.attempt(("10.9.9.9", 1), "wrong") is False  # known IP: no clearing; 10th
    with pytest.raises(Busy):
        auth.attempt(("10.9.9.9", 1), "wrong")
    auth.attempt(("10.2.0.0", 1), "wrong")  # a 257th IP: the table is cleared first
    assert list(auth._failures) == ["10.2.0.0"]
    assert auth.attempt(("10.9.9.9", 1), "wrong") is False  # forgotten with the rest


def test_bind_lives_ttl_seconds_and_renews_on_use() -> None:
    auth = OscAuth("s")
    before = time.time()
    until = auth.bind(HOST, 7441)
    assert before + TTL <= until <= time.time() + TTL
    b = auth.binding(HOST)
    assert b is not None and b.reply_port == 7441
    assert auth.allowed(HOST) and not auth.allowed(("10.0.0.1", 5001))
    renewed = auth._bound[HOST]  # the use renewed it: a new expiry, the same reply port
    assert renewed.reply_port == 7441 and renewed.expires >= b.expires
    assert renewed.expires >= module_clock() + TTL - 60.0
    assert auth.binding(HOST) == renewed  # it answers the binding it held
    auth.bind(("10.0.0.3", 1), None)
    got = auth.binding(("10.0.0.3", 1))
    assert isinstance(got, Binding) and got.reply_port is None


def test_an_expired_binding_is_gone() -> None:
    auth = OscAuth("s", ttl=0.0)
    auth.bind(HOST, None)
    assert auth.binding(HOST) is None
    assert HOST not in auth._bound  # forgotten, not only refused
    assert auth.allowed(HOST) is False
    auth.ttl = 3600.0
    auth.bind(HOST, None)
    assert auth.allowed(HOST) is True


def test_revoke() -> None:
    auth = OscAuth("s")
    assert auth.revoke(HOST) is False
    auth.bind(HOST, None)
    assert auth.revoke(HOST) is True
    assert auth.allowed(HOST) is False and auth.revoke(HOST) is False


def test_a_full_table_drops_the_expired_then_the_oldest() -> None:
    auth = OscAuth("s", ttl=3600.0)
    # bound from the highest port down, so the oldest is not the smallest address
    clients = [("10.3.0.1", 20000 - i) for i in range(MAX_BINDINGS)]
    for c in clients:
        auth.bind(c, None)
    assert all(c in auth._bound for c in clients)
    auth.bind(clients[5], 1)  # a bound client renews without dropping anyone
    assert len(auth._bound) == MAX_BINDINGS and auth._bound[clients[5]].reply_port == 1
    newcomer = ("10.4.0.0", 9)
    assert min(auth._bound) == clients[-1] != clients[0]
    auth.bind(newcomer, None)  # none expired: the oldest (clients[0]) goes
    assert clients[0] not in auth._bound
    assert len(auth._bound) == MAX_BINDINGS and newcomer in auth._bound
    assert clients[1] in auth._bound and clients[5] in auth._bound

    mixed = OscAuth("s", ttl=0.0)
    for c in clients[:100]:
        mixed.bind(c, None)  # expired at once
    mixed.ttl = 3600.0
    for c in clients[100:]:
        mixed.bind(c, None)
    mixed.bind(newcomer, None)  # the expired go, every live one stays
    assert set(mixed._bound) == set(clients[100:]) | {newcomer}
    assert mixed.status()["senders"] == MAX_BINDINGS - 100 + 1


def test_refusal_says_how_to_authenticate(tmp_path: Path) -> None:
    auth = OscAuth("s")
    err = auth.refuse("/schillinger/transport/play")
    assert isinstance(err, Forbidden) and auth.refused == 1
    assert str(err) == ("/schillinger/transport/play changes state: send /schillinger/auth "
                        "<secret> first from this socket, or use /schillinger/k/<secret>/...; "
                        "reading needs no secret")
    keyed = OscAuth("s", key_file=tmp_path / "osc.json")
    assert str(keyed.refuse("/x")) == (f"/x changes state: send /schillinger/auth <secret> "
                                       f"first from this socket, or use /schillinger/k/<secret>"
                                       f"/... (the secret is in {tmp_path / 'osc.json'}); "
                                       "reading needs no secret")
    auth.refuse("/y")
    assert auth.refused == 2 and keyed.refused == 1


def test_the_key_file_is_for_its_user_only(tmp_path: Path) -> None:
    assert OscAuth("s").write_key_file("127.0.0.1", 7440) is None
    path = tmp_path / "runtime" / "deeper" / "osc.json"
    auth = OscAuth("s3cret", key_file=path)
    assert auth.write_key_file("127.0.0.1", 7440) == path
    assert json.loads(path.read_text()) == {"host": "127.0.0.1", "port": 7440,
                                            "secret": "s3cret", "pid": os.getpid()}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # an older, wider file is narrowed and overwritten whole
    path.write_text("x" * 500)
    path.chmod(0o644)
    assert auth.write_key_file("::1", 9) == path
    assert json.loads(path.read_text())["port"] == 9
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    auth.remove_key_file()
    assert not path.exists()
    auth.remove_key_file()  # already gone: no error
    OscAuth("s").remove_key_file()  # no key file: nothing to do


def test_an_unwritable_key_file_is_none(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert OscAuth("s", key_file=blocker / "osc.json").write_key_file("h", 1) is None


def test_status(tmp_path: Path) -> None:
    auth = OscAuth("s", ttl=120.0)
    assert auth.status() == {"required_for": "changes (transport, Live); reading needs no "
                                             "secret",
                             "how": "/schillinger/auth <secret> [reply_port], or "
                                    "/schillinger/k/<secret>/...",
                             "key_file": None, "senders": 0, "ttl_s": 120.0, "refused": 0}
    auth.bind(HOST, None)
    auth.bind(("10.0.0.2", 1), None)
    auth.refuse("/z")
    s = auth.status()
    assert (s["senders"], s["refused"]) == (2, 1)
    assert OscAuth("s", key_file=tmp_path / "k").status()["key_file"] == str(tmp_path / "k")
    auth.ttl = 0.0
    auth.bind(("10.0.0.3", 1), None)  # expired at once: not counted
    assert auth.status()["senders"] == 2
