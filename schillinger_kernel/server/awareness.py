"""Yjs awareness messages as the server lets them through: identity stamped, foreign ids cut.

A Yjs awareness message is ``[1, varUint8Array(update)]``; the update lists entries
``(clientID, clock, JSON state)`` (``"null"``: that client is gone). Clients write their own
state, so nothing in it can be trusted: the server rewrites every state a member sends
(:func:`stamp`) so that ``client`` and ``user`` (and any top-level ``name``,
``display_name``, ``username``, ``color``) say what the server's login says, ``role`` says
whether the member may edit, and ``editing`` is a short string only for members who may; and it
keeps only the entries for the Y client id the connection speaks for (:func:`parse`,
:func:`encode`; the binding is made in :mod:`.crdt_ws`).

>>> from schillinger_kernel.server.identity import Identity
>>> msg = encode([(7, 1, '{"user": {"name": "Alice"}, "editing": "tempo"}')])
>>> [(yid, clock, stamp(state, "c1", Identity("bob", "Bob", "#2980b9"), "watcher"))
...  for yid, clock, state in parse(msg)]  # doctest: +NORMALIZE_WHITESPACE
[(7, 1, '{"user": {"username": "bob", "display_name": "Bob", "color": "#2980b9",
  "initials": "", "name": "Bob", "role": "watcher"}, "editing": null, "client": "c1",
  "role": "watcher"}')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..errors import ParameterError, TooLarge
from .identity import Identity

__all__ = ["EDITOR", "IDENTITY_KEYS", "MAX_EDITING", "ROLES", "WATCHER", "encode", "parse",
           "read_uint", "stamp", "write_uint"]

#: A member who may change the session (the Authorizer allows ``write``)...
EDITOR = "editor"
#: ...and one who only watches (``read`` only: a plain hub share).
WATCHER = "watcher"
ROLES = (EDITOR, WATCHER)
#: Top-level state fields that name someone: overwritten with the server's identity.
IDENTITY_KEYS = ("name", "display_name", "username", "color", "colour", "initials")
#: Longest ``editing`` value (a parameter name is at most 200 characters).
MAX_EDITING = 200
_AWARENESS = 1


def read_uint(data: bytes, i: int) -> tuple[int, int]:
    """The var-uint (lib0 encoding) at ``data[i:]`` and the index after it.

    >>> read_uint(bytes([0x96, 0x01, 0x05]), 0)
    (150, 2)
    >>> read_uint(b"\\x80", 0)
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: binary message: truncated Yjs message
    """
    value, shift = 0, 0
    while True:
        if i >= len(data) or shift > 63:
            raise ParameterError("binary message: truncated Yjs message", field="message")
        byte = data[i]
        value |= (byte & 127) << shift
        shift += 7
        i += 1
        if byte < 128:
            return value, i


def write_uint(value: int) -> bytes:
    """``value`` as a lib0 var-uint.

    >>> write_uint(150).hex()
    '9601'
    """
    out = bytearray()
    while value > 127:
        out.append((value & 127) | 128)
        value >>= 7
    out.append(value)
    return bytes(out)


def _chunk(data: bytes, i: int) -> tuple[bytes, int]:
    n, i = read_uint(data, i)
    if i + n > len(data):
        raise ParameterError("binary message: truncated Yjs message", field="message")
    return data[i:i + n], i + n


def parse(message: bytes) -> list[tuple[int, int, str]]:
    """The entries ``(clientID, clock, state JSON)`` of awareness message ``message``.

    >>> parse(encode([(1, 2, "null")]))
    [(1, 2, 'null')]
    >>> parse(b"\\x01\\x03\\x01\\x05")
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: binary message: truncated Yjs message
    """
    if message[:1] != bytes([_AWARENESS]):
        raise ParameterError("binary message: not a Yjs awareness message", field="message")
    update, end = _chunk(message, 1)
    if end != len(message):
        raise ParameterError("binary message: bytes after the awareness update",
                             field="message")
    count, i = read_uint(update, 0)
    entries = []
    for _ in range(count):
        yid, i = read_uint(update, i)
        clock, i = read_uint(update, i)
        raw, i = _chunk(update, i)
        try:
            entries.append((yid, clock, raw.decode("utf-8")))
        except UnicodeDecodeError as exc:
            raise ParameterError(f"binary message: an awareness state is not UTF-8: {exc}",
                                 field="message") from None
    if i != len(update):
        raise ParameterError("binary message: bytes after the awareness entries",
                             field="message")
    return entries


def encode(entries: Iterable[tuple[int, int, str]]) -> bytes:
    """The awareness message carrying ``entries`` (see :func:`parse`)."""
    listed = list(entries)
    update = bytearray(write_uint(len(listed)))
    for yid, clock, state in listed:
        raw = state.encode("utf-8")
        update += write_uint(yid) + write_uint(clock) + write_uint(len(raw)) + raw
    return bytes([_AWARENESS]) + write_uint(len(update)) + bytes(update)


def stamp(state: str | dict[str, Any] | None, client: str, user: Identity, role: str,
          limit: int = 65536) -> str:
    """``state`` (JSON text, or already parsed) as the server passes it on, as JSON text.

    ``client`` is the member's server-side client id, ``user`` its login, ``role``
    :data:`EDITOR` or :data:`WATCHER`; ``"null"`` (gone) stays ``"null"``. A state that is not
    a JSON object is refused (:class:`ParameterError`), one longer than ``limit`` characters
    too (:class:`TooLarge`); an ``editing`` that is not a string of at most
    :data:`MAX_EDITING` characters, or any ``editing`` of a watcher, becomes ``null``.

    >>> out = json.loads(stamp('{"editing": 3, "name": "Eve", "cursor": 4}', "c1",
    ...                        Identity("ann", "Ann", "#1f77b4"), EDITOR))
    >>> out["editing"], out["name"], out["cursor"], out["user"]["color"], out["role"]
    (None, 'Ann', 4, '#1f77b4', 'editor')
    """
    if role not in ROLES:
        raise ParameterError(f"role must be one of {ROLES}, got {role!r}", field="role")
    if isinstance(state, str):
        if len(state) > limit:
            raise TooLarge(f"awareness state of {len(state)} characters; at most {limit} "
                           "(SchillingerApp.max_operation_bytes)", field="state")
        try:
            state = json.loads(state)
        except ValueError as exc:
            raise ParameterError(f"binary message: an awareness state is not JSON: {exc}",
                                 field="message") from None
    if state is None:
        return "null"
    if not isinstance(state, dict):
        raise ParameterError("an awareness state must be a JSON object or null, got "
                             f"{type(state).__name__}", field="state")
    out = dict(state)
    me = user.to_dict()
    for key in IDENTITY_KEYS:
        if key in out:
            out[key] = me.get(key, me["color"] if key == "colour" else user.display_name)
    if "editing" in out:
        editing = out["editing"]
        ok = role == EDITOR and isinstance(editing, str) and 0 < len(editing) <= MAX_EDITING
        out["editing"] = editing if ok else None
    out["client"] = client
    out["user"] = {**me, "name": user.display_name, "role": role}
    out["role"] = role
    text = json.dumps(out)
    if len(text) > limit:
        raise TooLarge(f"awareness state of {len(text)} characters; at most {limit} "
                       "(SchillingerApp.max_operation_bytes)", field="state")
    return text
