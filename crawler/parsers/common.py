"""Small shared helpers of the parsers: errors, dates, raw hashes."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any


class RecordError(ValueError):
    """A source record that cannot become an ad: names the field and why (becomes a drop reason)."""

    def __init__(self, reason: str, *, field: str | None = None):
        self.reason = reason
        self.field = field
        super().__init__(f"champ « {field} » : {reason}" if field else reason)


def parse_datetime(value: Any) -> datetime | None:
    """ISO-8601 date or datetime → naive UTC datetime; None when absent or unreadable.

    >>> parse_datetime("2024-12-29T04:38:37.000Z"), parse_datetime("2024-05-02"), parse_datetime("hier")
    (datetime.datetime(2024, 12, 29, 4, 38, 37), datetime.datetime(2024, 5, 2, 0, 0), None)
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def raw_hash(obj: Any) -> str:
    """sha1 of a JSON value in canonical form (sorted keys): changes iff the record changes."""
    return hashlib.sha1(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def text_or_none(value: Any) -> str | None:
    """A non-empty stripped string, or None (numbers are turned into text)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
