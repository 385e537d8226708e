"""The OpenAPI 3.1 document of the HTTP API, made from the routes the application is made from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from paritrana_rules.studio.endpoints import Endpoint

_PARAMETER = re.compile(r"\{(\w+)(:\w+)?\}")

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["kind", "message", "exit_code"],
        "properties": {
            "kind": {"enum": ["usage", "unauthorized", "forbidden", "not_found", "conflict", "too_large", "timeout",
                              "busy", "rubric", "input", "internal"]},
            "message": {"type": "string"},
            "exit_code": {"type": "integer", "description": "what `paritrana-rules` exits with for the same request"},
            "diagnostics": {"type": "array", "items": {"type": "object"},
                            "description": "a rubric's problems, each with its code (see docs/errors.md)"},
            "problems": {"type": "array", "items": {"type": "object"},
                         "description": "candidate data's problems: candidate, field, message, hint"},
        },
    }},
}
_ERRORS = {"400": "a request that cannot be carried out as asked", "401": "the token is missing or wrong",
           "403": "without a token: a request to a name other than localhost, from another site's page or a proxy",
           "404": "no such rubric or route", "409": "the rubric changed on disk since it was opened",
           "413": "the body is larger than the server takes", "428": "a save that names no version (If-Match)",
           "422": "the rubric or the candidate data has problems",
           "503": "as many requests as the server takes at once are being worked on", "504": "no answer in time"}


def document(routes: Iterable[Endpoint], version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(_PARAMETER.sub(r"{\1}", route.path), {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": "paritrana-rules", "version": version,
                 "description": "Check Paritrana Award rubrics and score candidates with explained, exact, "
                                "auditable results. Answers are what the `paritrana-rules` command gives."},
        "paths": paths,
        "components": {"schemas": {"Error": ERROR},
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                     "description": "needed when the server is bound to an "
                                                                    "address other than loopback"}}},
        "security": [{}, {"token": []}],
    }


def _operation(route: Endpoint) -> dict[str, Any]:
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"},
                   "description": "the rubric's path inside the rubrics folder"}
                  for name, _ in _PARAMETER.findall(route.path)]
    parameters += [{"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                    "description": what} for name, what in route.query]
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": route.run.__name__,
        "parameters": parameters,
        "responses": {"200": {"description": "done", "content": {route.answer: {}}},
                      **{status: {"description": what,
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                         for status, what in _ERRORS.items()}},
    }
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {route.body: {}}}
    return operation
