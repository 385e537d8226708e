"""A route of the HTTP API as both the application and its OpenAPI document know it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs


@attrs.frozen
class Endpoint:
    """One route: how it is reached, what runs it, and what the OpenAPI document says of it."""

    method: str
    path: str
    run: Callable[..., Any]  # (studio, request) -> awaitable response
    summary: str
    body: str | None = None  # the media type of the request's body
    answer: str = "application/json"
    query: tuple[tuple[str, str], ...] = ()  # (name, what it is)
