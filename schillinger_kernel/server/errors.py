"""The one error mapper: an exception becomes a status, a message and the field at fault.

REST handlers answer ``status`` with ``{"message", "field", "errors"}``, the WebSocket sends
``{"type": "error", "message", "field", "status"}`` and OSC replies
``/schillinger/error <address> <message> <field> <status>``: all three from
:func:`map_error`, so the same bad request reads the same on every door (the widgets show
the same message too). The kind of error decides the status, never the words of its message:

=====================================================  ======
:class:`~schillinger_kernel.errors.ParameterError`,     400
``ParameterTypeError``, a pydantic ``ValidationError``,
a builtin ``ValueError`` or ``TypeError``
:class:`~schillinger_kernel.errors.NotFound`, a         404
builtin ``LookupError``
``Forbidden`` (not authorized, a claimed identity)      403
``Conflict``, ``Cancelled``                             409
``TooLarge``                                            413
``Busy``                                                429
``PeerUnavailable``                                     502
``MemoryError`` (the work asked for too much)           413
``RecursionError`` (input nested too deep)              400
``ImportError`` (a part this installation lacks)        503
anything else (logged with its traceback)               500
=====================================================  ======

The field comes from the error itself: ``WorkbenchError.field`` or the location of the first
pydantic error (``generators.1``). Builtin errors carry none.

This module imports neither tornado nor jupyter_server, so the kernel side (widgets) can use it.

>>> from schillinger_kernel.errors import NotFound, PeerUnavailable
>>> map_error(NotFound("no job 'x'"))
ErrorAnswer(status=404, message="no job 'x'", field=None, errors=None)
>>> map_error(PeerUnavailable("no answer from AbletonOSC")).status
502
>>> map_error(KeyError("abc")).message
'abc'
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .. import errors as taxonomy

__all__ = ["MAX_MESSAGE", "STATUS", "Answered", "ErrorAnswer", "map_error", "status_of",
           "validation_field", "validation_message"]

#: Longest message any door sends: OSC replies must fit one datagram, and the three doors
#: must agree, so the mapper cuts it once for all of them.
MAX_MESSAGE = 1000

#: Status of each error kind, most specific first (the first ``isinstance`` match wins).
STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (ValidationError, 400),  # a ValueError: listed before the builtins
    (taxonomy.TooLarge, 413),  # a ParameterError: listed before it
    (taxonomy.ParameterError, 400),
    (taxonomy.ParameterTypeError, 400),
    (taxonomy.NotFound, 404),
    (taxonomy.Forbidden, 403),
    (taxonomy.Conflict, 409),
    (taxonomy.Cancelled, 409),
    (taxonomy.Busy, 429),
    (taxonomy.PeerUnavailable, 502),
    (taxonomy.WorkbenchError, 400),
    (MemoryError, 413),  # work that outgrew the memory: the request asked for too much
    (RecursionError, 400),  # input nested beyond what the parser or validator can follow
    (ImportError, 503),  # before LookupError: ModuleNotFoundError is no lookup of the client's
    (LookupError, 404),
    (ValueError, 400),
    (TypeError, 400),
)

_log = logging.getLogger("schillinger")


@dataclass(frozen=True)
class ErrorAnswer:
    """What every door answers for one error."""

    status: int
    message: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None  # each pydantic error: field and message

    def to_dict(self) -> dict[str, Any]:
        """The REST body (:class:`~schillinger_kernel.server.models.ErrorResponse`)."""
        return {"message": self.message, "field": self.field, "errors": self.errors}


def status_of(exc: BaseException) -> int:
    """The status of ``exc`` by its type alone (500 when no kind matches).

    >>> from schillinger_kernel.errors import TooLarge, Busy
    >>> status_of(TooLarge("too many notes")), status_of(Busy("workers full"))
    (413, 429)
    """
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 500


def validation_field(exc: ValidationError) -> str | None:
    """Dotted location of the first pydantic error (``generators.1``), or None."""
    errs = exc.errors()
    if not errs:
        return None
    return ".".join(str(p) for p in errs[0]["loc"]) or None


def validation_message(exc: ValidationError) -> str:
    """One readable line per pydantic error, each naming its field."""
    lines = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(body)"
        lines.append(f"{loc}: {e['msg']}")
    return "; ".join(lines) or "invalid request"


def _json_depth() -> int:
    from .models import MAX_JSON_DEPTH

    return MAX_JSON_DEPTH


def _text(exc: BaseException) -> str:
    # KeyError's str() quotes its argument; the argument itself reads better
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc) or type(exc).__name__


def _cut(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


class Answered(Exception):  # it carries an answer already made; it is no error kind
    """An error already mapped (a failed job's :class:`ErrorAnswer`), raised again as is."""

    def __init__(self, answer: ErrorAnswer) -> None:
        super().__init__(answer.message)
        self.answer = answer


def map_error(exc: BaseException, log: logging.Logger | None = None) -> ErrorAnswer:
    """The status, message and field of ``exc``; unexpected errors are logged (500).

    >>> from pydantic import BaseModel, Field
    >>> class Body(BaseModel):
    ...     generators: list[int] = Field(min_length=1)
    >>> try:
    ...     Body(generators=[3, "x"])
    ... except Exception as e:
    ...     ans = map_error(e)
    >>> ans.status, ans.field, ans.message.split(",")[0]
    (400, 'generators.1', 'generators.1: Input should be a valid integer')
    """
    if isinstance(exc, Answered):
        return exc.answer
    status = status_of(exc)
    if isinstance(exc, ValidationError):
        return ErrorAnswer(status, _cut(validation_message(exc)), validation_field(exc),
                           [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]}
                            for e in exc.errors()])
    if status == 500:
        (log or _log).error("schillinger: unexpected %s", type(exc).__name__, exc_info=exc)
        return ErrorAnswer(500, f"internal error ({type(exc).__name__}); see the server log")
    if isinstance(exc, MemoryError):  # its words (often none) say nothing to the client
        return ErrorAnswer(413, "too large: the request needs more memory than the server "
                           "allows; ask for less (fewer notes, bars or seconds)")
    if isinstance(exc, RecursionError):
        return ErrorAnswer(400, f"the request nests too deep (at most "
                           f"{_json_depth()} levels of arrays and objects)")
    if status == 503:
        (log or _log).warning("schillinger: %s", exc)
        return ErrorAnswer(503, _cut(f"not available: {exc}"))
    field = getattr(exc, "field", None) if isinstance(exc, taxonomy.WorkbenchError) else None
    return ErrorAnswer(status, _cut(_text(exc)), field if isinstance(field, str) else None)
