"""Base class of every record that crosses a stage boundary: frozen, no unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A frozen, strict pydantic record (``extra="forbid"``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
