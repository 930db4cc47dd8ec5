"""The one base handler of the REST API: authentication, authorization, JSON answers.

Every verb a handler defines is wrapped by :func:`api`: authenticated
(``@tornado.web.authenticated``), then authorized by jupyter-server's Authorizer on
:data:`AUTH_RESOURCE` with the action the route table gives that route and method (a method
the table does not list is refused), then every error is answered as JSON by the one error
mapper (:func:`.errors.map_error`). The WebSocket shares the resource and the actions.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, TypeVar, cast

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from pydantic import BaseModel
from tornado import web

from .errors import map_error
from .loading import read_body
from .workbench import Workbench

__all__ = [
    "API",
    "AUTH_RESOURCE",
    "ENDPOINT_ACTIONS",
    "READ",
    "WRITE",
    "BaseHandler",
    "Spec",
    "api",
    "authorize",
    "user_may",
]


API = "schillinger/api"
#: The Authorizer resource of every route and WebSocket message of this extension.
AUTH_RESOURCE = "schillinger"
READ = "read"
WRITE = "write"
Spec = dict[str, dict[str, Any]]

#: The Authorizer action of each action endpoint (``POST {endpoint}`` and the WebSocket's
#: ``generate``): computations only read; render and export start jobs and write files.
ENDPOINT_ACTIONS: dict[str, str] = {
    "rhythm": READ, "scales": READ, "harmony/progression": READ, "harmony/cycle": READ,
    "harmony/analyze": READ, "compose": READ, "analyze": READ, "render": WRITE,
    "export": WRITE,
}


F = TypeVar("F", bound=Callable[..., Awaitable[None]])


def authorize(action: str, resource: str = AUTH_RESOURCE) -> Callable[[F], F]:
    """jupyter-server's ``@authorized(action, resource)`` with a message naming both."""
    return cast("Callable[[F], F]",
                authorized(action, resource, f"not authorized to {action} {resource}"))


async def user_may(handler: Any, action: str, resource: str = AUTH_RESOURCE) -> bool:
    """Whether the Authorizer lets ``handler``'s authenticated user do ``action`` on
    ``resource``; an answer that comes later (a hub lookup) is awaited. REST and the
    WebSocket ask this one way."""
    user = handler.current_user
    return bool(user) and bool(await ensure_async(
        handler.authorizer.is_authorized(handler, user, action, resource)))


def api(fn: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """Authenticate, authorize (the action the route table gives this route and method, on
    :data:`AUTH_RESOURCE`), then answer every error as JSON through the one error mapper."""
    verb = fn.__name__  # get, post, delete

    @functools.wraps(fn)
    async def answered(self: BaseHandler, *args: Any, **kwargs: Any) -> None:
        try:
            await fn(self, *args, **kwargs)
        except (web.HTTPError, web.Finish):  # tornado's own answers (403, redirects) stand
            raise
        except Exception as exc:
            ans = map_error(exc, self.log)
            self.fail(ans.status, ans.message, ans.field, ans.errors)

    @functools.wraps(fn)
    async def guarded(self: BaseHandler, *args: Any, **kwargs: Any) -> None:
        action = self.auth_actions.get(verb)
        if action not in (READ, WRITE):  # not in the route table: refuse, never guess
            raise web.HTTPError(403, log_message=f"no authorization rule for {verb.upper()} "
                                f"{self.request.path}")
        await authorize(action, self.auth_resource)(answered)(self, *args, **kwargs)

    return web.authenticated(guarded)  # type: ignore[return-value]


class BaseHandler(APIHandler):
    """Shared helpers: the workbench, JSON bodies, error answers; authorization by
    :func:`api` with the actions the route table passes as ``auth_actions``."""

    spec: ClassVar[Spec] = {}
    model: type[BaseModel] | None = None
    auth_resource = AUTH_RESOURCE
    auth_actions: Mapping[str, str] = {}

    def initialize(self, *, auth_actions: Mapping[str, str] | None = None) -> None:
        """Keep the Authorizer action of each HTTP method (from the route table)."""
        self.auth_actions = dict(auth_actions or {})

    @property
    def wb(self) -> Workbench:
        """The shared service."""
        wb: Workbench = self.settings["schillinger_workbench"]
        return wb

    @property
    def owner(self) -> str:
        """Whose jobs this request starts: the authenticated user name."""
        return str(getattr(self.current_user, "username", "") or "")

    def on_connection_close(self) -> None:
        """The client went away: cancel the jobs only it waited for."""
        super().on_connection_close()
        self.wb.jobs.abandon(self)

    async def may(self, action: str) -> bool:
        """Whether the Authorizer lets this request's user do ``action`` on the resource."""
        return await user_may(self, action, self.auth_resource)

    def body(self) -> dict[str, Any]:
        """The request body as a JSON object (400 otherwise)."""
        return read_body(self.request.body, self.wb.settings.limits)

    def answer(self, data: Any, status: int = 200) -> None:
        """Finish with JSON."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def answer_text(self, text: str, status: int = 200) -> None:
        """Finish with JSON already serialised (off the loop, :meth:`Workbench.dumps`)."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(text)

    def fail(self, status: int, message: str, field: str | None = None,
             errors: list[dict[str, Any]] | None = None) -> None:
        """Finish with a JSON error naming the field."""
        if self._finished:
            return
        self.clear()
        if status == 429:  # Busy: a worker or queue slot frees within moments
            self.set_header("Retry-After", "1")
        self.answer({"message": message, "field": field, "errors": errors}, status)

    def job_url(self, job_id: str) -> str:
        """URL of a job resource."""
        return f"{self.base_url.rstrip('/')}/{API}/jobs/{job_id}"
