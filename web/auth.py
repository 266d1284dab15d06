"""Reviewers' sessions: sign in with an API key (``api.keys``), get a signed cookie.

The cookie is ``<key_id>.<expiry>.<signature>``: an HMAC-SHA256 of the id and expiry keyed by
the key's stored hash (a server-side secret: only its salted hash of the key is stored, and it
never leaves the service file). Revoking the key ends its sessions at once; nothing else is
stored. The cookie is ``HttpOnly``, ``SameSite=Strict`` and limited to ``/app``; every form that
writes also carries a token derived the same way (``csrf_token``), checked on submission.
Anonymous visitors only read.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from fastapi import Request

from api.state import ApiState

COOKIE = "skillgap_session"
SESSION_S = 8 * 3600


@dataclass(frozen=True)
class Reviewer:
    key_id: str
    label: str
    csrf: str


def _secret(state: ApiState, key_id: str) -> tuple[str, str] | None:
    row = state.one("SELECT key_hash, label FROM api_keys WHERE key_id = ? AND revoked_at IS NULL", [key_id])
    return None if row is None else (row[0], row[1])


def _sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def session_cookie(state: ApiState, key_id: str, *, now: float | None = None) -> str:
    """The cookie value of a session of ``key_id`` (an unrevoked key)."""
    found = _secret(state, key_id)
    if found is None:
        raise ValueError(f"clé inconnue ou révoquée : {key_id}")
    expires = int((now or time.time()) + SESSION_S)
    return f"{key_id}.{expires}.{_sign(found[0], f'{key_id}.{expires}')}"


def reviewer_of(state: ApiState, cookie: str | None, *, now: float | None = None) -> Reviewer | None:
    """The reviewer of a valid, unexpired session cookie, else None."""
    parts = (cookie or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    key_id, expires, signature = parts
    if int(expires) < (now or time.time()):
        return None
    found = _secret(state, key_id)
    if found is None or not hmac.compare_digest(_sign(found[0], f"{key_id}.{expires}"), signature):
        return None
    return Reviewer(key_id=key_id, label=found[1], csrf=_sign(found[0], f"csrf.{key_id}.{expires}")[:32])


def request_reviewer(request: Request) -> Reviewer | None:
    """The signed-in reviewer of a request (a dependency of the pages)."""
    return reviewer_of(request.app.state.api_state, request.cookies.get(COOKIE))
