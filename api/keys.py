"""API keys: ``sgk_<key_id>_<secret>``, stored as (key_id, salt, sha256(salt + secret)).

The secret is 256 random bits, so a fast salted hash is enough (no password-style KDF: a slow
hash would cost every authenticated request tens of milliseconds). The clear key is returned
once by ``create_key`` and never stored. Keys live in the service file (``api.state``), so
``skillgap apikey create`` works while the service runs; keys of the store's former
``core_api__keys`` table are carried over by ``import_store_keys``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

import duckdb

from api.state import ApiState
from skillgap.errors import UserError

PREFIX = "sgk"
_KEY = re.compile(rf"^{PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def create_key(state: ApiState, *, label: str) -> str:
    """Store a new key for ``label`` and return it in clear (the only time it is available).

    Args:
        state: the service file of the store.
        label: who or what uses the key (shown by nothing but the table; for revocation).
    Returns:
        the key, ``sgk_<12 hex>_<43 url-safe chars>``.
    """
    if not label.strip():
        raise UserError("apikey create : --label vide (nommez l'utilisateur ou le service)")
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    with state.connect() as con:
        con.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, NULL)",
                    [key_id, label.strip(), salt, _hash(salt, secret), datetime.now(UTC).isoformat()])
    return f"{PREFIX}_{key_id}_{secret}"


def revoke_key(state: ApiState, key_id: str) -> bool:
    """Revoke the key ``key_id``; False when no such unrevoked key exists."""
    with state.connect() as con:
        cur = con.execute("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                          [datetime.now(UTC).isoformat(), key_id])
        return cur.rowcount > 0


def import_store_keys(state: ApiState, con: duckdb.DuckDBPyConnection) -> int:
    """Copy the keys of a store's former ``core_api__keys`` table (before the service file); returns how many."""
    has_table = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'core_api__keys'").fetchone()
    if not has_table or not has_table[0]:
        return 0
    rows = con.execute("SELECT key_id, label, salt, key_hash, CAST(created_at AS VARCHAR), "
                       "CAST(revoked_at AS VARCHAR) FROM core_api__keys").fetchall()
    with state.connect() as sq:
        before = sq.total_changes
        sq.executemany("INSERT OR IGNORE INTO api_keys VALUES (?, ?, ?, ?, ?, ?)", rows)
        return sq.total_changes - before


def verify_key(state: ApiState, key: str | None) -> str | None:
    """The key_id of a valid, unrevoked key, else None (constant-time hash comparison)."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    key_id, secret = match.groups()
    row = state.one("SELECT salt, key_hash FROM api_keys WHERE key_id = ? AND revoked_at IS NULL", [key_id])
    if row is None:
        return None
    return key_id if hmac.compare_digest(_hash(row[0], secret), row[1]) else None
