"""REST handlers under ``{base_url}/schillinger/api/``: JSON in, JSON out, 4xx with a message.

Every verb is authenticated (``@tornado.web.authenticated``: 403 without a token or cookie,
whatever ``allow_unauthenticated_access`` says) and then authorized by jupyter-server's
Authorizer (``@authorized``) on the extension's own resource :data:`AUTH_RESOURCE`
(``"schillinger"``) with the action the route table (:func:`routes`) gives that route and
method: ``read`` for status and pure queries and computations, ``write`` for whatever changes
state or writes files (transport, sessions, render and export jobs, Live). Under JupyterHub the
default ``JupyterHubAuthorizer`` ignores the action; with
:class:`~.hub_scopes.HubScopeAuthorizer` a plain share lets a user look without changing anything
(writes need the owner or ``custom:schillinger:write``). A route the table does not list is
refused (fails closed).

Each handler class carries ``spec``: per HTTP method, a summary, the request model and the
answer schema, from which :mod:`openapi` builds ``openapi.json``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple

from pydantic import BaseModel

from ..errors import NotFound
from . import models
from .actions import ACTIONS, SCALES_FUNCTIONS
from .base import AUTH_RESOURCE, ENDPOINT_ACTIONS, READ, WRITE, BaseHandler, Spec, api
from .sessions import Identity
from .workbench import job_outcome

__all__ = [
    "AbletonHandler",
    "ActionHandler",
    "ExportHandler",
    "JobHandler",
    "JobsHandler",
    "OpenApiHandler",
    "RenderHandler",
    "RhythmHandler",
    "Route",
    "ScalesHandler",
    "SessionHandler",
    "SessionsHandler",
    "StatusHandler",
    "TransportHandler",
    "TransportScoreHandler",
    "action_handler",
    "openapi_text",
    "rhythm_listing",
    "routes",
]


def _op(summary: str, request: type[BaseModel] | None = None,
        response: type[BaseModel] | dict[str, Any] | None = None,
        status: int = 200) -> dict[str, Any]:
    return {"summary": summary, "request": request, "response": response, "status": status}


class StatusHandler(BaseHandler):
    """``GET status``."""

    spec: ClassVar[Spec] = {"get": _op("Version, render backend, OSC address, sessions, transport",
                             response=models.StatusResponse)}

    @api
    async def get(self) -> None:
        status = self.wb.status()
        if status["osc"].get("auth") is not None and not await self.may(WRITE):
            # how to authenticate and where the secret lies are for those whose OSC may change
            # things: a reader's OSC needs no secret, and the key file's path tells him where
            # to look on a shared host
            status["osc"] = {**status["osc"], "auth": None}
        self.answer(status)


class ActionHandler(BaseHandler):
    """``POST`` one of the actions (rhythm, scales, harmony, compose, analyze)."""

    action = ""

    def initialize(self, action: str = "", *,
                   auth_actions: Mapping[str, str] | None = None) -> None:
        super().initialize(auth_actions=auth_actions)
        self.action = action
        self.model = ACTIONS[action].model

    @api
    async def post(self) -> None:
        body = await self.wb.offload(self.body)  # up to max_body_bytes of JSON: off the loop
        self.answer_text(await self.wb.run_action_text(self.action, body, owner=self.owner,
                                                       waiter=self))


def action_handler(name: str) -> type[ActionHandler]:
    """An ActionHandler subclass for action ``name`` (with its own spec for openapi)."""
    act = ACTIONS[name]
    spec: Spec = {"post": _op(act.summary, act.model, {"type": "object"})}
    title = "".join(w.title() for w in name.replace("/", "_").split("_"))
    return type(f"{title}Handler", (ActionHandler,), {"spec": spec, "model": act.model})


def rhythm_listing() -> dict[str, Any]:
    """The technique names of ``rhythm.TECHNIQUES``."""
    from .. import rhythm

    return {"techniques": sorted(rhythm.TECHNIQUES)}


class RhythmHandler(ActionHandler):
    """``GET rhythm`` (techniques) and ``POST rhythm``."""

    spec: ClassVar[Spec] = {"get": _op("Technique names", response={"type": "object"}),
                  "post": _op(ACTIONS["rhythm"].summary, models.RhythmRequest,
                              models.RhythmResponse)}

    def initialize(self, action: str = "rhythm", *,
                   auth_actions: Mapping[str, str] | None = None) -> None:
        super().initialize("rhythm", auth_actions=auth_actions)

    @api
    async def get(self) -> None:
        self.answer(rhythm_listing())


class ScalesHandler(ActionHandler):
    """``GET scales`` (functions) and ``POST scales``."""

    spec: ClassVar[Spec] = {"get": _op("Scale function names", response={"type": "object"}),
                  "post": _op(ACTIONS["scales"].summary, models.ScalesRequest,
                              {"type": "object"})}

    def initialize(self, action: str = "scales", *,
                   auth_actions: Mapping[str, str] | None = None) -> None:
        super().initialize("scales", auth_actions=auth_actions)

    @api
    async def get(self) -> None:
        from .. import scales

        self.answer({"functions": list(SCALES_FUNCTIONS), "scales": list(scales.scale_names())})


class RenderHandler(BaseHandler):
    """``POST render``: start a job."""

    spec: ClassVar[Spec] = {"post": _op(ACTIONS["render"].summary, models.RenderRequest,
                              {"type": "object"}, 202)}
    model = models.RenderRequest

    @api
    async def post(self) -> None:
        body = await self.wb.offload(self.body)
        job = await self.wb.submit_job("render", body, owner=self.owner, detached=True)
        self.set_header("Location", self.job_url(job.id))
        self.answer({**job.to_dict(), "url": self.job_url(job.id)}, 202)


class ExportHandler(BaseHandler):
    """``POST export``: write a file (waits unless ``wait`` is false)."""

    spec: ClassVar[Spec] = {"post": _op(ACTIONS["export"].summary, models.ExportRequest,
                              {"type": "object"})}
    model = models.ExportRequest

    @api
    async def post(self) -> None:
        body = await self.wb.offload(self.body)
        detached = body.get("wait", True) is False
        job = await self.wb.submit_job("export", body, owner=self.owner, detached=detached)
        if detached:
            self.answer({**job.to_dict(), "url": self.job_url(job.id)}, 202)
            return
        await self.wb.jobs.wait(job, self)
        self.answer(job_outcome(job))


class JobsHandler(BaseHandler):
    """``GET jobs``."""

    spec: ClassVar[Spec] = {"get": _op("Recent jobs", response={"type": "array"})}

    @api
    async def get(self) -> None:
        self.answer(self.wb.jobs.list())


class JobHandler(BaseHandler):
    """``GET jobs/{job_id}`` (progress, result) and ``DELETE`` (cancel)."""

    spec: ClassVar[Spec] = {"get": _op("Progress and result of a job", response={"type": "object"}),
                  "delete": _op("Cancel a job", response={"type": "object"})}

    @api
    async def get(self, job_id: str) -> None:
        job = self.wb.jobs.get(job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        self.answer(job.to_dict())

    @api
    async def delete(self, job_id: str) -> None:
        job = self.wb.jobs.cancel(job_id)
        if job is None:
            raise NotFound(f"no job {job_id!r}")
        self.answer(job.to_dict())


class SessionsHandler(BaseHandler):
    """``GET sessions`` and ``POST sessions`` (create)."""

    spec: ClassVar[Spec] = {"get": _op("Shared sessions", response={"type": "array"}),
                  "post": _op("Create a session", models.SessionCreate, {"type": "object"},
                              201)}
    model = models.SessionCreate

    @api
    async def get(self) -> None:
        self.answer(self.wb.sessions.list())

    @api
    async def post(self) -> None:
        req = models.SessionCreate.model_validate(self.body())
        s = await self.wb.sessions.acreate(req.name, owner=Identity.of(self.current_user))
        self.answer(s.to_dict(), 201)


class SessionHandler(BaseHandler):
    """``GET sessions/{session_id}`` (members, params, history), ``PATCH`` (rename) and
    ``DELETE``; renaming and deleting are for the session's owner only (403 otherwise)."""

    spec: ClassVar[Spec] = {"get": _op("One session with its history", response={"type": "object"}),
                  "patch": _op("Rename a session (its owner only)", models.SessionCreate,
                               {"type": "object"}),
                  "delete": _op("Delete a session (its owner only)", response={"type": "object"})}

    @api
    async def get(self, session_id: str) -> None:
        s = self.wb.sessions.get(session_id)
        if s is None:
            raise NotFound(f"no session {session_id!r}")
        self.answer(s.to_dict())

    @api
    async def patch(self, session_id: str) -> None:
        req = models.SessionCreate.model_validate(self.body())
        s = await self.wb.sessions.arename(session_id, req.name,
                                            by=Identity.of(self.current_user))
        self.wb.hub.broadcast(s.members, {"type": "session", "event": "renamed", **s.summary()})
        self.answer(s.summary())

    @api
    async def delete(self, session_id: str) -> None:
        s = self.wb.sessions.get(session_id)
        if s is None or not await self.wb.sessions.adelete(session_id,
                                                           by=Identity.of(self.current_user)):
            raise NotFound(f"no session {session_id!r}")
        self.wb.hub.broadcast(s.members, {"type": "session", "event": "deleted", "id": s.id,
                                          "name": s.name})
        self.answer({"deleted": session_id})


class TransportHandler(BaseHandler):
    """``GET transport`` (state) and ``POST transport`` (a command; answers the state)."""

    spec: ClassVar[Spec] = {"get": _op("Transport state", response=models.TransportState),
                  "post": _op("Play, stop, toggle, seek, tempo, loop, load or unload",
                              models.TransportRequest, models.TransportState)}
    model = models.TransportRequest

    @api
    async def get(self) -> None:
        self.answer(self.wb.clock.state())

    @api
    async def post(self) -> None:
        # a load carries a score of up to max_body_bytes: read, validated and parsed off the
        # loop (a large one in a child process), so the body goes as it came
        self.answer(await self.wb.transport_body(self.request.body))


class TransportScoreHandler(BaseHandler):
    """``GET transport/score``: the score the transport has loaded (``null``: none) and the
    ``loads`` count it goes with (the state's ``loads``: a follower refetches when it grows)."""

    spec: ClassVar[Spec] = {"get": _op("The loaded score and its loads count", response={
        "type": "object", "properties": {"loads": {"type": "integer"},
                                         "score": {"type": ["object", "null"]}}})}

    @api
    async def get(self) -> None:
        score, loads = self.wb.score, self.wb.clock.loads  # read together, on the loop
        # a loaded score may hold 200,000 notes: serialised in the worker pool
        self.answer_text(await self.wb.offload(lambda: json.dumps(
            {"loads": loads, "score": None if score is None else score.to_dict()})))


class AbletonHandler(BaseHandler):
    """``GET ableton`` (bridge status) and ``POST ableton`` (push a clip, tempo)."""

    spec: ClassVar[Spec] = {"get": _op("AbletonOSC bridge status", response={"type": "object"}),
                  "post": _op("Push a clip to Live, get/set/follow Live's tempo",
                              models.AbletonRequest, {"type": "object"})}
    model = models.AbletonRequest

    @api
    async def get(self) -> None:
        self.answer(self.wb.ableton.status())

    @api
    async def post(self) -> None:
        req = models.AbletonRequest.model_validate(self.body())
        self.answer(await self.wb.ableton_command(req))


class OpenApiHandler(BaseHandler):
    """``GET openapi.json``."""

    spec: ClassVar[Spec] = {"get": _op("This description", response={"type": "object"})}

    @api
    async def get(self) -> None:
        # ~50 ms of pydantic schema building and writing: once per base URL, off the loop
        self.answer_text(await self.wb.offload(openapi_text, self.base_url))


@functools.lru_cache(maxsize=4)
def openapi_text(base_url: str) -> str:
    """``openapi.json`` for ``base_url`` as JSON text, built once (the routes never change).

    >>> json.loads(openapi_text("/"))["openapi"].startswith("3.")
    True
    """
    from .openapi import build_openapi

    return json.dumps(build_openapi(base_url))


class Route(NamedTuple):
    """One route: its OpenAPI path, URL regex (relative to the API), handler, handler kwargs,
    and the Authorizer action of each HTTP method on :data:`AUTH_RESOURCE`."""

    path: str
    regex: str
    handler: type[Any]
    kwargs: dict[str, Any]
    auth: dict[str, str]
    resource: str = AUTH_RESOURCE

    def handler_kwargs(self) -> dict[str, Any]:
        """What tornado passes to the handler's ``initialize``."""
        return {**self.kwargs, "auth_actions": self.auth}


def routes() -> list[Route]:
    """The route table: every route, relative to the API, with its Authorizer actions."""
    from .ws import SessionSocket

    def act(name: str) -> Route:
        return Route(f"/{name}", f"/{name}", action_handler(name),
                     {"action": name}, {"post": ENDPOINT_ACTIONS[name]})

    return [
        Route("/status", r"/status", StatusHandler, {}, {"get": READ}),
        Route("/rhythm", r"/rhythm", RhythmHandler, {},
              {"get": READ, "post": ENDPOINT_ACTIONS["rhythm"]}),
        Route("/scales", r"/scales", ScalesHandler, {},
              {"get": READ, "post": ENDPOINT_ACTIONS["scales"]}),
        act("harmony/progression"),
        act("harmony/cycle"),
        act("harmony/analyze"),
        act("compose"),
        act("analyze"),
        Route("/render", r"/render", RenderHandler, {}, {"post": ENDPOINT_ACTIONS["render"]}),
        Route("/export", r"/export", ExportHandler, {}, {"post": ENDPOINT_ACTIONS["export"]}),
        Route("/jobs", r"/jobs", JobsHandler, {}, {"get": READ}),
        Route("/jobs/{job_id}", r"/jobs/(?P<job_id>[A-Za-z0-9_-]+)", JobHandler, {},
              {"get": READ, "delete": WRITE}),
        Route("/sessions", r"/sessions", SessionsHandler, {}, {"get": READ, "post": WRITE}),
        Route("/sessions/{session_id}", r"/sessions/(?P<session_id>[^/]+)", SessionHandler,
              {}, {"get": READ, "patch": WRITE, "delete": WRITE}),
        Route("/transport", r"/transport", TransportHandler, {}, {"get": READ, "post": WRITE}),
        Route("/transport/score", r"/transport/score", TransportScoreHandler, {},
              {"get": READ}),
        Route("/ableton", r"/ableton", AbletonHandler, {}, {"get": READ, "post": WRITE}),
        Route("/openapi.json", r"/openapi\.json", OpenApiHandler, {}, {"get": READ}),
        # the upgrade needs read; each message type then needs its own (ws.MESSAGE_ACTIONS)
        Route("/ws", r"/ws", SessionSocket, {}, {"get": READ}),
    ]
