"""Fuzzing the three doors of a real ``jupyter server`` (issue 18): REST, WebSocket and OSC.

The inputs are Hypothesis strategies, so the same generators drive the small budget in the
test suite (``tests/server/test_fuzz.py``, a few seconds per door) and the large one here
(:data:`PER_DOOR` inputs per door, ``make bench``). REST requests are drawn from our own
``openapi.json``: every operation, bodies built from each request schema and then broken
(wrong types, hostile values, unknown keys, raw garbage, JSON nested thousands deep).
WebSocket messages are every message type with such fields; OSC packets are every address
with random arguments, raw bytes, truncated messages and bundles.

What counts as a failure: an HTTP status of 500 or more other than 502/503 (a peer away, a
part not installed), an error answer naming a server path, a dropped WebSocket connection,
an error answer with status 500 on any door, and a traceback in the server's log. Printed per
door, with the longest ``GET status`` answer seen while the fuzz ran and the server's RSS
before and after. ``python -m bench.bench_fuzz 2000`` runs 2,000 inputs per door. The
``/ableton`` doors are left out: with no Live to answer, each call waits out its 3 s timeout.

Prints; never asserts.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

PER_DOOR = 10_000

# ----- hostile values ------------------------------------------------------------------------
#: Values past every limit or type the API expects; each once caused a 500 or a freeze.
HUGE_INTS = (0, -1, 1, 2, 3, 7, 127, 128, 2**31, 2**63, -2**63 - 1, 10**12, 10**30, 1_000_000)
HOSTILE_FLOATS = (0.0, -0.0, 1e308, -1e308, 1e-320, float("inf"), float("-inf"), float("nan"),
                  0.5, 1e12)
#: Paths that break a file write in a different way each; the fuzz root holds ``taken.mid``
#: (a file used as a folder below), ``loop`` (a symlink to itself) and ``out`` (a link out).
HOSTILE_PATHS = ("a" * 255 + ".mid", "x/" + "b" * 300 + ".wav", "taken.mid/x.mid",
                 "taken.mid", "loop/x.mid", "loop", "out/x.mid", "../x.mid", "/etc/passwd",
                 "x\x00.mid", "C:\\x.mid", ".hidden.mid", "a/" * 600 + "x.mid", "dir/",
                 "\u2603" * 100 + ".mid", "ok.mid", "ok.wav", "ok.musicxml", "", " ",
                 "nonexistent.wav")
HOSTILE_STRINGS = (*HOSTILE_PATHS, "C# major", "zz", "%s%n", "{}", "\ud800", "\x00",
                   "x" * 5000, "interference", "dorian", "none", "NaN")
FIXTURES = ("taken.mid", "loop", "out")


def prepare_root(root: Path) -> None:
    """The files the hostile paths expect: ``taken.mid``, a symlink loop, a link out."""
    (root / "taken.mid").write_bytes(b"MThd")
    for name, to in (("loop", "loop"), ("out", "/tmp")):
        link = root / name
        if not link.is_symlink():
            link.symlink_to(to)


def deep(depth: int, kind: str = "list") -> str:
    """JSON nested ``depth`` deep (lists or objects)."""
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), st.sampled_from(HUGE_INTS),
    st.sampled_from(HOSTILE_FLOATS), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(HOSTILE_STRINGS))
json_values = st.recursive(
    leaves, lambda kids: st.lists(kids, max_size=5) | st.dictionaries(
        st.text(max_size=8) | st.sampled_from(("score", "notes", "period", "path", "op")),
        kids, max_size=5), max_leaves=16)

ticks = st.one_of(st.integers(0, 4000), st.sampled_from(HUGE_INTS))
notes = st.lists(st.tuples(ticks, ticks, st.integers(-5, 140), st.integers(-5, 140)).map(list)
                 | json_values, max_size=6)
scores = st.one_of(
    st.fixed_dictionaries({"ppq": st.sampled_from((480, 0, -1, 10**9)), "parts": st.lists(
        st.fixed_dictionaries({"name": st.text(max_size=5), "program": st.integers(-1, 130),
                               "notes": notes}), max_size=3)},
        optional={"tempos": st.lists(st.fixed_dictionaries({"tick": ticks, "bpm": st.one_of(
            st.floats(1, 400), st.sampled_from(HOSTILE_FLOATS))}), max_size=2),
            "time_signatures": st.lists(st.fixed_dictionaries({
                "tick": ticks, "numerator": st.sampled_from(HUGE_INTS),
                "denominator": st.sampled_from((4, 0, 3, 2**31))}), max_size=2),
            "title": st.text(max_size=10)}),
    json_values)


def from_schema(schema: Mapping[str, Any], comps: Mapping[str, Any],
                name: str = "") -> st.SearchStrategy[Any]:
    """Values of JSON Schema ``schema`` (``$ref`` into ``comps``), hostile where allowed:
    the bounds and types of the schema hold, everything else is drawn to hurt."""
    if "$ref" in schema:
        return from_schema(comps[schema["$ref"].rsplit("/", 1)[-1]], comps, name)
    if name == "score" or name == "path":
        return scores if name == "score" else st.sampled_from(HOSTILE_PATHS) | st.text()
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of(*(from_schema(s, comps, name) for s in schema[key]))
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties") or {}
        required = set(schema.get("required") or ())
        draw = {k: from_schema(v, comps, k) for k, v in props.items()}
        base = st.fixed_dictionaries({k: v for k, v in draw.items() if k in required},
                                     optional={k: v for k, v in draw.items()
                                               if k not in required})
        return base if props else st.dictionaries(st.text(max_size=10), json_values,
                                                   max_size=4)
    if kind == "array":
        return st.lists(from_schema(schema.get("items") or {}, comps, name), max_size=6)
    if kind == "integer":
        lo, hi = schema.get("minimum"), schema.get("maximum")
        return st.integers(lo, hi) | st.sampled_from(HUGE_INTS).filter(
            lambda v: (lo is None or v >= lo) and (hi is None or v <= hi))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False)
    if kind == "string":
        return st.text(max_size=schema.get("maxLength", 30)) | st.sampled_from(HOSTILE_STRINGS)
    if kind == "boolean":
        return st.booleans()
    return json_values


def broken(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid value of ``valid``, or one field of it replaced by anything, or anything."""
    @st.composite
    def mutate(draw: st.DrawFn) -> Any:
        value = draw(valid)
        if isinstance(value, dict) and value:
            key = draw(st.sampled_from(sorted(value)) | st.text(max_size=6))
            value = {**value, key: draw(json_values)}
        return value

    return st.one_of(valid, mutate(), json_values)


# ----- REST ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestCall:
    """One request: method, path under ``/schillinger/api/``, body bytes (or None)."""

    method: str
    path: str
    body: bytes | None


def rest_operations(spec: Mapping[str, Any], skip: Iterable[str] = ("/ableton", "/ws")
                    ) -> list[tuple[str, str, Mapping[str, Any] | None]]:
    """(method, path, request schema) of every operation in ``openapi.json``."""
    out = []
    for path, ops in spec["paths"].items():
        rel = path.split("/schillinger/api", 1)[-1]
        if rel in skip:
            continue
        for method, op in ops.items():
            if method not in ("get", "post", "delete", "put", "patch"):
                continue
            schema = (op.get("requestBody") or {}).get("content", {}).get(
                "application/json", {}).get("schema")
            out.append((method.upper(), rel, schema))
    return out


def rest_calls(spec: Mapping[str, Any]) -> st.SearchStrategy[RestCall]:
    """Requests to every operation of ``spec``: schema-built bodies, broken ones, garbage."""
    comps = spec.get("components", {}).get("schemas", {})
    garbage = st.one_of(
        st.binary(max_size=64), st.sampled_from((deep(5000).encode(), deep(5000, "obj").encode(),
                                                 deep(900).encode(), b"{", b"null", b"[]",
                                                 b'{"a": NaN}', b"\xff\xfe")),
        st.builds(lambda d: ('{"technique":"interference","generators":[3,2],"options":'
                             + deep(d, "obj") + "}").encode(), st.integers(50, 4000)))
    ops = []
    for method, path, schema in rest_operations(spec):
        ids = st.sampled_from(("x", "0", "%2e%2e", "a" * 300, "bench")) | st.text(
            "abcdef0123456789", min_size=1, max_size=12)
        def with_id(v: str, p: str = path) -> str:
            return p.split("{", 1)[0] + v

        paths = st.just(path) if "{" not in path else ids.map(with_id)
        if schema is None:
            bodies: st.SearchStrategy[bytes | None] = st.none()
        else:
            bodies = broken(from_schema(schema, comps)).map(
                lambda v: json.dumps(v).encode()) | garbage
        ops.append(st.builds(RestCall, st.just(method), paths, bodies))
    return st.one_of(*ops)


def leaks_path(text: str, secrets: Iterable[str], sent: str | bytes = "") -> bool:
    """Whether ``text`` names one of the server's own paths that the request ``sent`` did
    not name itself (an answer may quote the client's own key, say an unknown field
    ``"/tmp/"``: that tells the client nothing it did not know).

    >>> leaks_path("no such file /srv/root/x", ["/srv/root"])
    True
    >>> leaks_path('"/tmp/": Extra inputs are not permitted', ["/tmp/"], '{"/tmp/": 1}')
    False
    """
    given = sent.decode("utf-8", "replace") if isinstance(sent, bytes) else sent
    return any(s and s in text and s not in given for s in secrets)


# ----- WebSocket -----------------------------------------------------------------------------
WS_TYPES = ("generate", "join", "leave", "presence", "param_change", "operation", "transport",
            "heartbeat")


def ws_messages(spec: Mapping[str, Any]) -> st.SearchStrategy[str | bytes]:
    """Messages of every type with hostile fields, generate with broken action bodies,
    garbage text, binary frames and deep nesting."""
    comps = spec.get("components", {}).get("schemas", {})
    gen = [st.builds(lambda body, e=ep: {**body, "type": "generate", "endpoint": e}
                     if isinstance(body, dict) else {"type": "generate", "endpoint": e},
                     broken(from_schema(comps[model], comps)))
           for ep, model in (("rhythm", "RhythmRequest"), ("scales", "ScalesRequest"),
                             ("harmony/progression", "ProgressionRequest"),
                             ("compose", "ComposeRequest"), ("export", "ExportRequest"),
                             ("harmony/analyze", "HarmonyAnalyzeRequest"))]
    typed = st.builds(lambda t, extra: {**extra, "type": t}, st.sampled_from(WS_TYPES),
                      st.dictionaries(st.sampled_from(("session", "param", "value", "op",
                                                       "state", "action", "id", "name",
                                                       "tempo", "position_beats", "endpoint")),
                                      json_values, max_size=4))
    objects = st.one_of(typed, *gen, json_values).map(json.dumps)
    return st.one_of(objects, objects, st.text(max_size=40), st.binary(max_size=20),
                     st.sampled_from((deep(5000), deep(5000, "obj"),
                                      '{"type":"param_change","param":"x","value":'
                                      + deep(3000) + "}",
                                      '{"type":"operation","op":' + deep(950, "obj") + "}")))


# ----- OSC -----------------------------------------------------------------------------------
OSC_ADDRESSES = ("/schillinger/ping", "/schillinger/status", "/schillinger/help",
                 "/schillinger/rhythm/interference", "/schillinger/rhythm/permutations",
                 "/schillinger/rhythm/interference/notes", "/schillinger/rhythm/nosuch",
                 "/schillinger/scales/scale", "/schillinger/scales/displacement",
                 "/schillinger/scales/nosuch", "/schillinger/harmony/progression",
                 "/schillinger/transport/play", "/schillinger/transport/stop",
                 "/schillinger/transport/get", "/schillinger/transport/tempo",
                 "/schillinger/transport/seek", "/schillinger/transport/loop",
                 "/schillinger/*", "/schillinger/rhythm/[a-z]*", "/nowhere", "", "/")
osc_args = st.lists(st.one_of(
    st.integers(-2**31, 2**31 - 1), st.sampled_from((0, 1, 2, 3, 500, 501, 2**31 - 1)),
    st.floats(width=32, allow_nan=False), st.sampled_from((1e308, -1e308, float("inf"),
                                                           float("nan"))),
    st.text(max_size=12), st.sampled_from(HOSTILE_STRINGS[:8]), st.binary(max_size=64),
    st.booleans(), st.none()), max_size=6)


def _osc_message(address: str, args: list[Any]) -> bytes:
    # the server's own encoder: python-osc's builder refuses empty blobs and 1e308
    from schillinger_kernel.server.osc import encode_message

    return encode_message(address or "/", args)


def _bundle(msgs: list[bytes], when: int) -> bytes:
    body = b"".join(len(m).to_bytes(4, "big") + m for m in msgs)
    return b"#bundle\x00" + when.to_bytes(8, "big") + body


osc_messages = st.builds(_osc_message, st.sampled_from(OSC_ADDRESSES), osc_args)
osc_packets: st.SearchStrategy[bytes] = st.one_of(
    osc_messages, osc_messages,
    st.builds(lambda m, n: m[:n], osc_messages, st.integers(0, 40)),  # truncated
    st.builds(_bundle, st.lists(osc_messages, max_size=3),
              st.sampled_from((1, 0, 2**64 - 1, 2**63))),  # immediately, far future
    st.binary(max_size=80), st.builds(lambda b: b"/schillinger/ping\x00\x00\x00" + b,
                                      st.binary(max_size=20)))


# ----- the tally -----------------------------------------------------------------------------
@dataclass
class Tally:
    """What one door's fuzz found."""

    door: str
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    drops: int = 0
    leaks: int = 0

    def status(self, code: int, what: str) -> None:
        self.statuses[code] = self.statuses.get(code, 0) + 1
        if code >= 500 and code not in (502, 503):
            self.failures.append(f"{code}: {what[:300]}")

    def line(self) -> str:
        bad = sum(n for c, n in self.statuses.items() if c >= 500 and c not in (502, 503))
        codes = " ".join(f"{c}:{n}" for c, n in sorted(self.statuses.items()))
        return (f"{self.door:9s} {self.sent:6d} inputs  500s {bad:3d}  dropped {self.drops:3d}"
                f"  path leaks {self.leaks:3d}   statuses {codes}")


def fuzz(strategy: st.SearchStrategy[Any], count: int, check: Callable[[Any], None],
         seed: int | None = None) -> None:
    """Call ``check`` on ``count`` inputs drawn from ``strategy`` (no shrinking, no database:
    a tally, not a hunt for one minimal case)."""
    @settings(max_examples=count, deadline=None, database=None, derandomize=seed is not None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(value: Any) -> None:
        check(value)

    run()


# ----- against a server process --------------------------------------------------------------
class StatusProbe(threading.Thread):
    """``GET status`` every 50 ms on its own connection; keeps every answer time (a few
    thousand floats), so the longest can be told from the 99th percentile."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(daemon=True)
        self.port, self.token = port, token
        self.times: list[float] = []
        self.halt = threading.Event()

    @property
    def longest(self) -> float:
        """The longest answer time, in seconds."""
        return max(self.times, default=0.0)

    @property
    def count(self) -> int:
        """Probes answered."""
        return len(self.times)

    def percentile(self, q: float) -> float:
        """The ``q`` quantile (0..1) of the answer times, in seconds.

        >>> p = StatusProbe(0, "")
        >>> p.times = [0.001 * i for i in range(1, 101)]
        >>> round(p.percentile(0.99), 3), round(p.longest, 3)
        (0.099, 0.1)
        """
        xs = sorted(self.times)
        return xs[min(len(xs) - 1, int(q * len(xs)) - 1)] if xs else 0.0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.halt.wait(0.05):
            t0 = time.perf_counter()
            try:
                conn.request("GET", "/schillinger/api/status",
                             headers={"Authorization": f"token {self.token}"})
                conn.getresponse().read()
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            self.times.append(time.perf_counter() - t0)


def _probe_apart(port: int, token: str, halt: Any, out: Any) -> None:
    probe = StatusProbe(port, token)
    probe.halt = halt
    probe.run()
    out.send(probe.times)


class ProbeApart:
    """A :class:`StatusProbe` in a process of its own: the fuzzing process generates inputs
    in pure Python and would hold up a probe thread beside it on its own GIL, counting that
    wait as the server's."""

    def __init__(self, port: int, token: str) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.halt = ctx.Event()
        self._theirs, self._conn = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_probe_apart, daemon=True,
                                 args=(port, token, self.halt, self._conn))
        self.probe = StatusProbe(port, token)  # the answer times, once joined

    def start(self) -> None:
        self._proc.start()

    def join(self, timeout: float) -> None:
        if self._theirs.poll(timeout):
            self.probe.times = self._theirs.recv()
        self._proc.join(timeout)


def fuzz_rest(srv: Any, count: int) -> Tally:
    tally = Tally("REST")
    spec = srv.get("openapi.json")
    secrets = (str(srv.home), str(srv.home.resolve()), "/tmp/")
    hdr = {"Authorization": f"token {srv.token}", "Content-Type": "application/json"}
    conn = [http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)]

    def check(call: RestCall) -> None:
        tally.sent += 1
        try:
            conn[0].request(call.method, "/schillinger/api" + call.path, call.body, hdr)
            r = conn[0].getresponse()
            text = r.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            tally.drops += 1
            tally.failures.append(f"dropped: {call.method} {call.path}: {exc}")
            conn[0].close()
            conn[0] = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
            return
        tally.status(r.status, f"{call.method} {call.path} {call.body!r:.200} -> {text}")
        if r.status >= 400 and leaks_path(text, secrets, call.body or ""):
            tally.leaks += 1
            tally.failures.append(f"path leak: {call.method} {call.path} -> {text[:200]}")

    fuzz(rest_calls(spec), count, check)
    return tally


async def _fuzz_ws(srv: Any, messages: list[str | bytes]) -> Tally:
    import websockets

    tally = Tally("WebSocket")
    url = f"ws://127.0.0.1:{srv.port}/schillinger/api/ws"
    hdr = {"Authorization": f"token {srv.token}"}
    secrets = (str(srv.home), "/tmp/")

    async def connect() -> Any:
        ws = await websockets.connect(url, additional_headers=hdr, max_size=None,
                                      open_timeout=60)
        await ws.recv()  # hello
        return ws

    ws = await connect()
    for k, msg in enumerate(messages):
        tally.sent += 1
        try:
            await ws.send(msg)
            await ws.send(json.dumps({"type": "heartbeat", "id": f"probe{k}"}))
            while True:  # every answer up to the probe's
                text = await asyncio.wait_for(ws.recv(), 120)
                ans = json.loads(text)
                if ans.get("type") == "error":
                    tally.status(int(ans.get("status") or 0), f"{msg!r:.200} -> {text:.300}")
                    if leaks_path(text, secrets, msg):
                        tally.leaks += 1
                        tally.failures.append(f"path leak: {text[:200]}")
                if ans.get("type") == "heartbeat" and ans.get("id") == f"probe{k}":
                    break
        except (websockets.ConnectionClosed, TimeoutError) as exc:
            tally.drops += 1
            tally.failures.append(f"dropped ({exc}) after {msg!r:.200}")
            ws = await connect()
    await ws.close()
    return tally


def fuzz_ws(srv: Any, count: int) -> Tally:
    spec = srv.get("openapi.json")
    drawn: list[str | bytes] = []
    fuzz(ws_messages(spec), count, drawn.append)
    return asyncio.run(_fuzz_ws(srv, drawn))


def fuzz_osc(srv: Any, count: int) -> Tally:
    from pythonosc.osc_packet import OscPacket

    tally = Tally("OSC")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", srv.reply))
        s.settimeout(30)
        ping = _osc_message("/schillinger/ping", ["alive"])

        def drain_until_pong() -> None:
            s.sendto(ping, ("127.0.0.1", srv.osc))
            while True:
                try:
                    data, _ = s.recvfrom(65536)
                except TimeoutError:
                    tally.drops += 1
                    tally.failures.append("no pong within 30 s")
                    return
                try:
                    msgs = [m.message for m in OscPacket(data).messages]
                except Exception:
                    continue
                for m in msgs:
                    if m.address == "/schillinger/error" and len(m.params) >= 4:
                        tally.status(int(m.params[3]), f"{m.params[:3]}")
                    if m.address == "/schillinger/pong" and m.params[1:] == ["alive"]:
                        return

        def check(packet: bytes) -> None:
            tally.sent += 1
            s.sendto(packet, ("127.0.0.1", srv.osc))
            if tally.sent % 20 == 0:  # still serving, and the answers so far collected
                drain_until_pong()

        fuzz(osc_packets, count, check)
        drain_until_pong()
    return tally


def tracebacks(log: Path) -> list[str]:
    """The first line of each traceback (and uncaught-exception line) in the server's log."""
    out = []
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    for i, line in enumerate(lines):
        if "Traceback (most recent call last)" in line or "Uncaught exception" in line:
            tail = next((x for x in lines[i + 1:] if x and not x.startswith(" ")), "")
            out.append(f"{line.strip()[:120]} ... {tail[:160]}")
    return out


def main(count: int = PER_DOOR) -> None:
    from bench.bench_server import Server, _rss_mb

    # the fuzz is about answers, not about throughput: small work limits keep valid renders
    # short, and a high OSC rate lets the packets through
    srv = Server(extra=("--SchillingerApp.max_render_seconds=4", "--SchillingerApp.max_bars=64",
                        "--SchillingerApp.osc_rate=100000"),
                 log=True)
    prepare_root(srv.home / "root")
    probe = StatusProbe(srv.port, srv.token)
    apart = ProbeApart(srv.port, srv.token)
    try:
        before = _rss_mb(srv.proc.pid)
        probe.start()
        apart.start()
        print(f"{count} inputs per door (Hypothesis, from openapi.json); server RSS "
              f"{before:.0f} MB at start", flush=True)
        for name, door in (("REST", fuzz_rest), ("WebSocket", fuzz_ws), ("OSC", fuzz_osc)):
            t0 = time.perf_counter()
            tally = door(srv, count)
            print(f"{tally.line()}   ({time.perf_counter() - t0:.0f} s)", flush=True)
            for f in tally.failures[:8]:
                print(f"    {f}")
            del name
        probe.halt.set()
        apart.halt.set()
        probe.join(5)
        apart.join(30)
        found = tracebacks(srv.log)
        print(f"tracebacks in the server log: {len(found)}")
        for t in found[:8]:
            print(f"    {t}")
        for where, p in (("from the fuzzing process", probe),
                         ("from a process of its own", apart.probe)):
            print(f"GET status during the fuzz, {where}: longest {p.longest * 1e3:.0f} ms, "
                  f"p99 {p.percentile(0.99) * 1e3:.0f} ms, p50 {p.percentile(0.5) * 1e3:.0f} "
                  f"ms ({p.count} probes)")
        print(f"server RSS: {before:.0f} MB before, {_rss_mb(srv.proc.pid):.0f} MB after")
    finally:
        probe.halt.set()
        apart.halt.set()
        srv.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else PER_DOOR)
    os._exit(0)  # hypothesis' and websockets' threads need not be waited for
