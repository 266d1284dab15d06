"""The web application at ``/app/``, in the API's process: ``mount(app)`` (called by ``api.main``).

Pages are server-rendered (Jinja2) over the API's dependencies and its cached analysis results;
htmx (review forms in place) and uPlot (charts) are vendored under ``static/vendor`` with their
licences, so the application works offline and without JavaScript (charts fall back to tables).
Errors on ``/app`` pages are pages too (French message, same status as the API would answer).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import ApiError
from skillgap.errors import UserError
from web import analysis_pages, pages, review
from web.render import HERE, render

log = logging.getLogger(__name__)
PREFIX = "/app"


class DropEmptyParams:
    """Removes empty query parameters of ``/app`` requests: an empty form field (« toutes les
    régions ») means « not set », not an invalid value."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX) and scope.get("query_string"):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if v.strip()]
            if len(kept) != len(pairs):
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
        await self.app(scope, receive, send)


def _html_errors(app: FastAPI) -> None:
    """Wrap the API's error handlers: on ``/app`` paths, an HTML page with the same status and message."""
    for exc_class in (ApiError, UserError, RequestValidationError, StarletteHTTPException, Exception):
        original = app.exception_handlers.get(exc_class)
        if original is None:
            continue

        async def wrapped(request: Request, exc: Any, _original: Any = original) -> Response:
            if not request.url.path.startswith(PREFIX) or request.url.path.startswith(f"{PREFIX}/static"):
                return await _original(request, exc)
            return await _page(request, exc, _original)

        app.exception_handlers[exc_class] = wrapped


async def _page(request: Request, exc: Any, original: Callable[..., Awaitable[Response]]) -> Response:
    import json

    response = await original(request, exc)
    payload = json.loads(bytes(response.body))["error"]
    details = [f"{d['location']} : {d['message']}" for d in payload.get("details") or []]
    return render(request, "error.html", status=response.status_code, code=response.status_code,
                  message=payload["message"], details=details)


def mount(app: FastAPI) -> None:
    """Add the web application to the API ``app`` (routes, static files, error pages)."""
    for module in (pages, analysis_pages, review):
        app.include_router(module.router, prefix=PREFIX, include_in_schema=False)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="web_static")

    @app.get(PREFIX, include_in_schema=False)
    def _root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    app.add_middleware(DropEmptyParams)
    _html_errors(app)
