"""Small helpers shared by the CLI modules: option parsing and output formats."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from skillgap.errors import NotFoundError, UserError


class Fmt(StrEnum):
    json = "json"
    csv = "csv"
    text = "text"


def store_or_default(path: Path | None) -> Path:
    from skillgap.settings import get_settings

    return path or get_settings().store


def parse_date(value: str | None, option: str) -> date | None:
    """An ISO date given to ``option``, or a one-line French error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise UserError(f"{option} : date invalide {value!r} (format AAAA-MM-JJ)") from e


def check_region(region_code: str | None) -> None:
    from referentials.geo import REGIONS

    if region_code is not None and region_code not in REGIONS:
        raise NotFoundError(f"code région inconnu : {region_code} (code INSEE à 2 chiffres, ex. 84)")


def json_default(o: Any) -> Any:
    """``json.dumps(default=...)`` for dates."""
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    raise TypeError(type(o).__name__)
