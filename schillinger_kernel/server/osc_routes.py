"""The ``/schillinger/...`` OSC addresses: each converts OSC arguments to the REST body of the
same verb and calls the shared action (:data:`.actions.ACTIONS`, validated by the same request
model) or the shared transport/Ableton command. Replies use the request's address unless noted.

- ``/schillinger/ping [args...]``: ``/schillinger/pong <version> [args...]``
- ``/schillinger/status``: ``osc_port sessions playing position_beats tempo``
- ``/schillinger/rhythm/<technique> g1 g2 ...``: the durations as ints
- ``/schillinger/rhythm/<technique>/notes g1 g2 ...``: flat ``(pitch, start, duration,
  velocity, mute)`` tuples in beats
- ``/schillinger/scales/<function> args...``: the result, flattened (numbers) or as JSON text;
  the arguments are the function's, by position (the REST body's ``args`` by name)
- ``/schillinger/harmony/progression key length [complexity style seed]``: the progression
  as JSON text
- ``/schillinger/transport/play|stop|toggle|get``, ``.../tempo bpm``, ``.../seek beats``,
  ``.../loop start end [on]``: ``playing position_beats tempo``
- ``/schillinger/ableton/push_clip [track clip part]``: the loaded score's part as a Live
  clip; answers ``track clip notes``
- ``/schillinger/ableton/tempo [bpm]``: Live's tempo (set first when given)
- ``/schillinger/ableton/follow 1|0``: follow Live's tempo on the transport clock
- ``/schillinger/help``: the address list, one string per address
- ``/schillinger/auth <secret> [reply_port]``: answers ``1 <ttl seconds>`` (:mod:`.osc_auth`)

Addresses marked *changes* (transport commands other than ``get``, every ``ableton`` address
except ``tempo`` without an argument) need an authenticated sender; the rest only read. Jobs
an address starts belong to its sender (:func:`sender_owner`): bounded per user as on REST.
Errors answer ``/schillinger/error <address> <message> <field> <status>``, the same message
and field as REST and the WebSocket give for the same request.
"""

from __future__ import annotations

import getpass
import json
import os
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import ParameterError, ParameterTypeError
from . import models
from .calling import scales_keywords
from .payload import jsonable

if TYPE_CHECKING:  # pragma: no cover
    from .osc import OscBridge

__all__ = [
    "HELP",
    "OWNER",
    "TRANSPORT_VERBS",
    "Client",
    "as_float",
    "as_int",
    "flat_numbers",
    "install",
    "int_like",
    "sender_owner",
    "server_identity",
    "transport_body",
]

#: Whose jobs the message being dispatched starts: set by the bridge around each dispatch
#: (:func:`sender_owner`), read by the routes; tasks the routes start keep the value.
OWNER: ContextVar[str] = ContextVar("schillinger_osc_owner", default="")


Client = tuple[str, int]

HELP = (
    "/schillinger/ping [args]", "/schillinger/status",
    "/schillinger/rhythm/<technique> g1 g2 ...", "/schillinger/rhythm/<technique>/notes g1 g2 ...",
    "/schillinger/scales/<function> args...",
    "/schillinger/harmony/progression key length [complexity style seed]",
    "/schillinger/transport/play|stop|toggle|get", "/schillinger/transport/tempo bpm",
    "/schillinger/transport/seek beats", "/schillinger/transport/loop start end [on]",
    "/schillinger/ableton/push_clip [track clip part]", "/schillinger/ableton/tempo [bpm]",
    "/schillinger/ableton/follow 1|0",
    "/schillinger/auth <secret> [reply_port] (needed before transport and ableton changes)",
)


TRANSPORT_VERBS = ("play", "stop", "toggle", "get", "tempo", "seek", "loop")


def transport_body(verb: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """The WebSocket ``transport`` fields of ``/schillinger/transport/<verb> args...``.

    >>> transport_body("tempo", (93,)), transport_body("loop", (0, 8.0))
    ({'action': 'tempo', 'tempo': 93.0}, {'action': 'loop', 'loop': {'start': 0.0, 'end': 8.0, \
'enabled': True}})
    >>> transport_body("seek", ())
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: seek: give one number, the position in beats
    """
    body: dict[str, Any] = {"action": verb}
    if verb == "tempo":
        if len(args) != 1:
            raise ParameterError("tempo: give one number, the BPM", field="tempo")
        body["tempo"] = as_float(args[0], "tempo")
    elif verb == "seek":
        if len(args) != 1:
            raise ParameterError("seek: give one number, the position in beats",
                                 field="position_beats")
        body["position_beats"] = as_float(args[0], "position_beats")
    elif verb == "loop":
        if len(args) not in (2, 3):
            raise ParameterError("loop: give start end [on]", field="loop")
        body["loop"] = {"start": as_float(args[0], "loop.start"),
                        "end": as_float(args[1], "loop.end"),
                        "enabled": bool(as_int(args[2], "loop.on")) if len(args) == 3
                        else True}
    elif verb not in TRANSPORT_VERBS:
        raise ParameterError(f"unknown transport verb {verb!r}; use play, stop, toggle, get, "
                             "tempo, seek or loop", field="action")
    return body



def server_identity() -> str:
    """The user this server runs for: ``JUPYTERHUB_USER`` on a JupyterHub, else the account
    the server runs as (whoever may read the OSC key file).

    >>> server_identity() != ""
    True
    """
    hub = os.environ.get("JUPYTERHUB_USER", "")
    if hub:
        return hub
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return f"uid-{os.getuid()}"


def sender_owner(host: str, authenticated: bool) -> str:
    """The owner of the jobs an OSC sender starts, so they count against a per-user bound
    (``SchillingerApp.job_user_queue``) as REST jobs do.

    A sender that proved the server's secret acts as the server's user
    (:func:`server_identity`, the name a JupyterHub user's REST jobs carry too). UDP names no
    one else, so the others share one owner per IP: one local program flooding OSC holds at
    most that many jobs, whatever source ports it uses.

    >>> sender_owner("127.0.0.1", False)
    'osc:127.0.0.1'
    >>> sender_owner("127.0.0.1", True) == server_identity()
    True
    """
    return server_identity() if authenticated else f"osc:{host}"


def as_int(value: Any, field: str) -> int:
    """An OSC int, or a float with an integral value (Max and Pd often send floats)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ParameterTypeError(f"{field} must be an integer, got {value!r}", field=field)


def as_float(value: Any, field: str) -> float:
    """An OSC number as float."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ParameterTypeError(f"{field} must be a number, got {value!r}", field=field)


def int_like(value: Any) -> Any:
    """An integral float as int (Max and Pd send floats); anything else unchanged, so the
    request model refuses it with the words REST uses.

    >>> int_like(3.0), int_like(2.5), int_like("x")
    (3, 2.5, 'x')
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _validate(model: type[models.Body], data: dict[str, Any]) -> Any:
    # pydantic's error goes to the mapper as it is: same message and field as on REST
    return model.model_validate(data)


def flat_numbers(value: Any) -> list[Any] | None:
    """``value`` as a flat list of ints/floats, or None when it is not one."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list | tuple) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return list(value)
    return None


def install(bridge: OscBridge) -> None:
    """Map every address on ``bridge``."""
    wb = bridge.wb

    def ping(client: Client, address: str, *args: Any) -> None:
        bridge.reply(client, "/schillinger/pong", [__version__, *args])

    def status(client: Client, address: str, *args: Any) -> None:
        st = wb.clock.state()
        bridge.reply(client, address, [bridge.port, len(wb.sessions), int(st["playing"]),
                                       float(st["position_beats"]), float(st["tempo"])])

    def help_(client: Client, address: str, *args: Any) -> None:
        bridge.reply(client, address, list(HELP))

    async def _rhythm(address: str, args: tuple[Any, ...]) -> tuple[Any, bool]:
        parts = address.split("/")  # ['', 'schillinger', 'rhythm', technique, ('notes')]
        notes = len(parts) == 5 and parts[4] == "notes"
        if len(parts) not in (4, 5) or (len(parts) == 5 and not notes):
            raise ParameterError(f"use /schillinger/rhythm/<technique>[/notes], got {address}")
        body: dict[str, Any] = {"technique": parts[3],
                                "generators": [int_like(a) for a in args]}
        if notes:
            body["score"] = True
        return await wb.run_action("rhythm", body, owner=OWNER.get()), notes

    def _flat_notes(score_dict: dict[str, Any]) -> list[Any]:
        from ..score import Score
        from .ableton import notes_to_flat, part_notes

        return list(notes_to_flat(part_notes(Score.from_dict(score_dict))))

    async def rhythm(client: Client, address: str, *args: Any) -> None:
        result, notes = await _rhythm(address, args)
        if notes:
            bridge.reply(client, address, await wb.offload(_flat_notes, result["score"]))
        else:
            bridge.reply(client, address, result["durations"])

    async def scales(client: Client, address: str, *args: Any) -> None:
        fn = address.rsplit("/", 1)[-1]
        body = {"function": fn, "args": scales_keywords(fn, [int_like(a) for a in args])}
        result = (await wb.run_action("scales", body, owner=OWNER.get()))["result"]
        if isinstance(result, dict) and isinstance(result.get("pitches"), list):
            result = result["pitches"]  # a Scale is sent as its pitches
        flat = flat_numbers(result)
        bridge.reply(client, address,
                     flat if flat is not None else [json.dumps(jsonable(result))])

    async def progression(client: Client, address: str, *args: Any) -> None:
        names = ("key", "length", "complexity", "style", "seed")
        body = dict(zip(names, args, strict=False))
        for name in ("length", "seed"):  # the request model checks them, as on REST
            if name in body:
                body[name] = int_like(body[name])
        result = await wb.run_action("harmony/progression", body, owner=OWNER.get())
        bridge.reply(client, address, [json.dumps(result["progression"])])

    def transport(client: Client, address: str, *args: Any) -> None:
        verb = address.rsplit("/", 1)[-1]
        if verb == "get":
            st = wb.clock.state()
        else:
            body = transport_body(verb, args)
            st = wb.transport_command(_validate(models.TransportRequest, body))
        bridge.reply(client, address, [int(st["playing"]), float(st["position_beats"]),
                                       float(st["tempo"])])

    async def push_clip(client: Client, address: str, *args: Any) -> None:
        track = as_int(args[0], "track") if len(args) > 0 else 0
        clip = as_int(args[1], "clip") if len(args) > 1 else 0
        part: Any = args[2] if len(args) > 2 else 0
        if wb.score is None:
            raise ParameterError("no score loaded: POST transport with action 'load' and a "
                                 "score first", field="score")
        req = _validate(models.AbletonRequest, {"action": "push_clip", "track": track,
                                                "clip": clip, "part": part})
        result = await wb.ableton_command(req)
        bridge.reply(client, address, [result["track"], result["clip"], result["notes"]])

    async def live_tempo(client: Client, address: str, *args: Any) -> None:
        if args:
            body = {"action": "set_tempo", "tempo": as_float(args[0], "tempo")}
        else:
            body = {"action": "get_tempo"}
        result = await wb.ableton_command(_validate(models.AbletonRequest, body))
        bridge.reply(client, address, [float(result["live_tempo"])])

    async def follow(client: Client, address: str, *args: Any) -> None:
        on = bool(as_int(args[0], "on")) if args else True
        req = _validate(models.AbletonRequest,
                        {"action": "follow_tempo" if on else "unfollow_tempo"})
        result = await wb.ableton_command(req)
        bridge.reply(client, address, [int(on), float(result.get("live_tempo") or 0.0)])

    bridge.map("/schillinger/ping", ping)
    bridge.map("/schillinger/status", status)
    bridge.map("/schillinger/help", help_)
    bridge.map("/schillinger/rhythm/*", rhythm)  # python-osc's * here also spans /notes
    bridge.map("/schillinger/scales/*", scales)
    bridge.map("/schillinger/harmony/progression", progression)
    for verb in ("play", "stop", "toggle", "get", "tempo", "seek", "loop"):
        bridge.map(f"/schillinger/transport/{verb}", transport, writes=verb != "get")
    bridge.map("/schillinger/ableton/push_clip", push_clip, writes=True)
    bridge.map("/schillinger/ableton/tempo", live_tempo, writes=lambda args: len(args) > 0)
    bridge.map("/schillinger/ableton/follow", follow, writes=True)
