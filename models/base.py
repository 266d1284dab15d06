"""Base class of every record that crosses a stage boundary: frozen, no unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A frozen, strict pydantic record (``extra="forbid"``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def json_default(o: Any) -> Any:
    """``json.dumps(default=...)`` for dates (records' JSON written by hand: caches, CLI outputs)."""
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    raise TypeError(type(o).__name__)
