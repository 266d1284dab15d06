"""One JSON error shape for every error the API returns.

::

    {"error": {"status": 404, "code": "not_found", "message": "code ROME inconnu : X9999", "details": []}}

``code`` is a stable machine word (``not_found``, ``invalid_input``, ``insufficient_data``,
``unauthorized``, ``not_computed``, ``not_implemented``, ``internal_error``…), ``message`` is French
text for a person, ``details`` lists the offending inputs of a 422 (``location``, ``message``).
A ``UserError`` raised by the analysis becomes (``user_error_status``): a 404 ``not_found`` when it is a
``NotFoundError`` (an unknown code), a 422 ``insufficient_data`` when it is an ``InsufficientDataError`` (no ads
for the filters, no certification linked, too few ads for a trend…), and a 422 ``invalid_input`` otherwise (an
``InputFileError`` or any other bad parameter); anything unexpected becomes a logged 500 with the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from skillgap.errors import InsufficientDataError, NotFoundError, UserError

log = logging.getLogger(__name__)

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               406: "not_acceptable", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
               422: "invalid_input", 501: "not_implemented", 503: "not_computed"}


class ErrorDetail(BaseModel):
    location: str = Field(description="where the bad value is, e.g. 'query.limit'", examples=["query.limit"])
    message: str = Field(examples=["doit être inférieur ou égal à 500"])


class ErrorBody(BaseModel):
    status: int = Field(examples=[404])
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["code ROME inconnu : X9999"])
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorBody


class ApiError(Exception):
    """An error to return with the shared shape."""

    def __init__(self, status: int, message: str, *, code: str | None = None,
                 details: list[ErrorDetail] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message = status, message
        self.code = code or _HTTP_CODES.get(status, "error")
        self.details = details or []
        self.headers = headers


def error_response(status: int, code: str, message: str, details: list[ErrorDetail] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(status=status, code=code, message=message, details=details or []))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def user_error_status(error: UserError) -> tuple[int, str]:
    """(HTTP status, code) of a UserError: 404 ``not_found`` for something named that does not exist
    (``NotFoundError``: unknown ROME code, certification, module, region), 422 ``insufficient_data`` when the
    data are too thin for the analysis (``InsufficientDataError``), else 422 ``invalid_input`` (``InputFileError``,
    a bad parameter).

    >>> user_error_status(NotFoundError("code ROME inconnu : X9999"))
    (404, 'not_found')
    >>> user_error_status(InsufficientDataError("aucune offre pour M1805 sur la période demandée"))
    (422, 'insufficient_data')
    >>> user_error_status(UserError("période vide : du 2025-02-01 au 2025-01-01"))
    (422, 'invalid_input')
    >>> from skillgap.errors import InputFileError
    >>> user_error_status(InputFileError("offres.jsonl", "JSON invalide", line=3))
    (422, 'invalid_input')
    """
    if isinstance(error, NotFoundError):
        return 404, "not_found"
    if isinstance(error, InsufficientDataError):
        return 422, "insufficient_data"
    return 422, "invalid_input"


#: French wording of pydantic's validation errors, by error type (``ctx`` fills the braces)
_FRENCH_VALIDATION = {
    "missing": "champ requis",
    "extra_forbidden": "champ non prévu",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être strictement supérieur à {gt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être strictement inférieur à {lt}",
    "string_too_long": "{max_length} caractère(s) au plus",
    "string_too_short": "{min_length} caractère(s) au moins",
    "string_pattern_mismatch": "forme attendue : {pattern}",
    "too_long": "{max_length} élément(s) au plus, {actual_length} reçu(s)",
    "too_short": "{min_length} élément(s) au moins, {actual_length} reçu(s)",
    "literal_error": "valeur attendue : {expected}",
    "enum": "valeur attendue : {expected}",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "string_type": "texte attendu",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "json_invalid": "JSON invalide",
}


def french_message(error: dict) -> str:
    """The French message of one pydantic validation error (its own ``msg`` for a type not listed).

    >>> french_message({"type": "greater_than_equal", "ctx": {"ge": 1}, "msg": "Input should be greater…"})
    'doit être supérieur ou égal à 1'
    >>> french_message({"type": "literal_error", "ctx": {"expected": "'rome', 'esco' or 'all'"}, "msg": "…"})
    "valeur attendue : 'rome', 'esco' ou 'all'"
    >>> french_message({"type": "value_error", "msg": "Value error, période vide"})
    'période vide'
    """
    template = _FRENCH_VALIDATION.get(str(error.get("type", "")))
    ctx = {key: str(value).replace(" or ", " ou ") for key, value in (error.get("ctx") or {}).items()}
    try:
        if template is not None:
            return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        pass
    return str(error.get("msg", "")).removeprefix("Value error, ")


def _location(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _user_error(request: Request, exc: UserError) -> JSONResponse:
    status, code = user_error_status(exc)
    return error_response(status, code, str(exc))


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    details = [ErrorDetail(location=_location(e.get("loc", ())), message=french_message(e)) for e in exc.errors()]
    where = ", ".join(d.location for d in details) or "requête"
    return error_response(422, "invalid_input", f"entrée invalide : {where}", details)


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    messages = {404: f"ressource introuvable : {request.url.path}",
                405: f"méthode {request.method} non permise sur {request.url.path}"}
    message = messages.get(exc.status_code, str(exc.detail))
    return error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), message,
                          headers=getattr(exc, "headers", None))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", f"erreur interne ({type(exc).__name__}) : voir le journal du serveur")


#: a handler takes the exception of the class it is registered for (Starlette types them all as Exception)
Handler = Callable[[Request, Any], Awaitable[JSONResponse]]


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the shared shape."""
    handlers: list[tuple[type[Exception], Handler]] = [
        (ApiError, _api_error), (UserError, _user_error), (RequestValidationError, _validation),
        (StarletteHTTPException, _http), (Exception, _unexpected)]
    for exc_class, handler in handlers:
        app.add_exception_handler(exc_class, handler)


#: the ``responses=`` entry documenting the error shape in OpenAPI
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "code inconnu"},
    422: {"model": ErrorResponse, "description": "entrée invalide ou données insuffisantes"},
}
