"""API keys: ``sgk_<key_id>_<secret>``, stored as (key_id, salt, sha256(salt + secret)).

The secret is 256 random bits, so a fast salted hash is enough (no password-style KDF: a slow
hash would cost every authenticated request tens of milliseconds). The clear key is returned
once by ``create_key`` and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

import duckdb

from skillgap.errors import UserError

PREFIX = "sgk"
_KEY = re.compile(rf"^{PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def create_key(con: duckdb.DuckDBPyConnection, *, label: str) -> str:
    """Store a new key for ``label`` and return it in clear (the only time it is available).

    Args:
        con: a write connection to the store.
        label: who or what uses the key (shown by nothing but the table; for revocation).
    Returns:
        the key, ``sgk_<12 hex>_<43 url-safe chars>``.
    """
    if not label.strip():
        raise UserError("apikey create : --label vide (nommez l'utilisateur ou le service)")
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    con.execute("INSERT INTO core_api__keys VALUES (?, ?, ?, ?, ?, NULL)",
                [key_id, label.strip(), salt, _hash(salt, secret), datetime.now(UTC).replace(tzinfo=None)])
    return f"{PREFIX}_{key_id}_{secret}"


def verify_key(con: duckdb.DuckDBPyConnection, key: str | None) -> str | None:
    """The key_id of a valid, unrevoked key, else None (constant-time hash comparison)."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    key_id, secret = match.groups()
    row = con.execute("SELECT salt, key_hash FROM core_api__keys WHERE key_id = ? AND revoked_at IS NULL",
                      [key_id]).fetchone()
    if row is None:
        return None
    return key_id if hmac.compare_digest(_hash(row[0], secret), row[1]) else None
