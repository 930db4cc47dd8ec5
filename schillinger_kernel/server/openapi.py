"""``openapi.json``: an OpenAPI 3.1 description built from the route table and the pydantic
models, so it cannot drift from what the handlers accept.

>>> doc = build_openapi("/")
>>> doc["openapi"], "/schillinger/api/rhythm" in doc["paths"]
('3.1.0', True)
>>> body = doc["paths"]["/schillinger/api/rhythm"]["post"]["requestBody"]
>>> body["content"]["application/json"]["schema"]
{'$ref': '#/components/schemas/RhythmRequest'}
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from .. import __version__
from . import models

__all__ = [
    "build_openapi",
]


_REF = "#/components/schemas/{model}"


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=_REF)
    for name, sub in schema.pop("$defs", {}).items():
        components.setdefault(name, sub)
    components[model.__name__] = schema
    return {"$ref": _REF.format(model=model.__name__)}


def _answer(spec: Any, components: dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, type) and issubclass(spec, BaseModel):
        return _schema(spec, components)
    return dict(spec or {"type": "object"})


def build_openapi(base_url: str = "/") -> dict[str, Any]:
    """The OpenAPI document of every route under ``{base_url}schillinger/api``."""
    from .base import API
    from .handlers import routes

    components: dict[str, Any] = {}
    error_ref = _schema(models.ErrorResponse, components)
    paths: dict[str, Any] = {}
    for route in routes():
        path, handler = route.path, route.handler
        full = f"/{API}{path}"
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in re.findall(r"{(\w+)}", path)]
        item: dict[str, Any] = {}
        spec = getattr(handler, "spec", None)
        if spec is None:  # the WebSocket
            item["get"] = {
                "summary": "WebSocket: generate, sessions, transport, heartbeat "
                           "(see schillinger_kernel/server/ws.py)",
                "responses": {"101": {"description": "switching protocols"},
                              "403": {"description": "not authenticated, or not "
                                      f"authorized to {route.auth['get']} {route.resource}"}}}
        else:
            for method, op in spec.items():
                status = str(op["status"])
                entry: dict[str, Any] = {
                    "summary": op["summary"],
                    "operationId": f"{method}_{full.strip('/').replace('/', '_')}".replace(
                        "{", "").replace("}", "").replace(".", "_"),
                    "responses": {
                        status: {"description": "success", "content": {
                            "application/json": {"schema": _answer(op["response"], components)}}},
                        "400": {"description": "bad input; the message names the field",
                                "content": {"application/json": {"schema": error_ref}}},
                        "403": {"description": "not authenticated, or not authorized to "
                                               f"{route.auth[method]} {route.resource}"},
                    },
                }
                if op["request"] is not None:
                    entry["requestBody"] = {"required": True, "content": {"application/json": {
                        "schema": _schema(op["request"], components)}}}
                if params:
                    entry["responses"]["404"] = {"description": "no such resource",
                                                 "content": {"application/json": {
                                                     "schema": error_ref}}}
                item[method] = entry
        if params:
            item["parameters"] = params
        paths[full] = item
    return {
        "openapi": "3.1.0",
        "info": {"title": "Schillinger Workbench server API", "version": __version__,
                 "description": "REST and WebSocket API of the Schillinger Workbench Jupyter "
                                "server extension. Authenticate as for any Jupyter API: an "
                                "'Authorization: token ...' header or the browser's cookie."},
        "servers": [{"url": base_url.rstrip("/") or "/"}],
        "security": [{"jupyterToken": []}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "jupyterToken": {"type": "apiKey", "in": "header", "name": "Authorization"}}},
    }
