"""The error taxonomy: every error the workbench raises on purpose is one of these.

This module imports nothing, so every layer (theory, io, synth, server) can raise these and
the server's one error mapper (``server/errors.py``) can turn each kind into a REST status,
a WebSocket ``error`` message and an OSC ``/schillinger/error`` reply without reading the
words of a message.

Each class keeps its standard base (``ValueError``, ``LookupError``, ...), so code written
against the builtins still catches them.

>>> from schillinger_kernel.errors import ParameterError
>>> err = ParameterError("must be a positive int, got 0", field="generators")
>>> isinstance(err, ValueError), err.field, str(err)
(True, 'generators', 'must be a positive int, got 0')
"""

from __future__ import annotations

__all__ = [
    "Busy",
    "Cancelled",
    "Conflict",
    "Forbidden",
    "NotFound",
    "ParameterError",
    "ParameterTypeError",
    "PeerUnavailable",
    "TooLarge",
    "WorkbenchError",
]


class WorkbenchError(Exception):
    """Base of every error the workbench raises on purpose.

    ``field`` names the argument or request field at fault (``None`` when no single one is);
    doors report it as it is, so nobody parses a message to find it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ParameterError(WorkbenchError, ValueError):
    """An argument has the right type but a value that is not allowed (REST 400)."""


class ParameterTypeError(WorkbenchError, TypeError):
    """An argument has the wrong type (REST 400)."""


class NotFound(WorkbenchError, LookupError):
    """A named thing does not exist: a technique, a job, a session, a file (REST 404)."""


class Conflict(WorkbenchError):
    """The request is valid but clashes with what exists: a file not to overwrite (REST 409)."""


class Forbidden(WorkbenchError):
    """The authenticated user may not do this: the Authorizer said no, or the request claims
    another identity (REST 403)."""


class TooLarge(ParameterError):
    """A request asks for more work or data than the limits allow (REST 413)."""


class Busy(WorkbenchError):
    """Every worker or queue slot is taken; try again later (REST 429)."""


class PeerUnavailable(WorkbenchError, RuntimeError):
    """A peer program (AbletonOSC, an audio device, a GPU) did not answer (REST 502)."""


class Cancelled(WorkbenchError):
    """A job was cancelled before it finished (REST 409)."""
