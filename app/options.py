"""Options shared by the commands (defined once), option parsing and output formats."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from skillgap.errors import NotFoundError, UserError

Q = TypeVar("Q", bound=BaseModel)

#: ``--store`` of every command that reads or writes the store
StoreOption = Annotated[Path | None, typer.Option(
    "--store", help="Fichier DuckDB du magasin (défaut : $SKILLGAP_STORE, sinon ./data/skillgap.duckdb).")]
#: ``--model`` of the analyses (gaps, modules, watch, reports): the embedding model of coverage and matching
EmbeddingModelOption = Annotated[str, typer.Option(
    "--model", help="Modèle d'embedding : default, use, ou un dossier.")]


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


_MESSAGES = {
    "string_pattern_mismatch": "format invalide (motif attendu {pattern})",
    "greater_than": "doit être supérieur à {gt}",
    "less_than": "doit être inférieur à {lt}",
    "literal_error": "valeur inconnue (attendu : {expected})",
}


def validation_message(error: Any) -> str:
    """A French reading of one pydantic error (our own validators already speak French)."""
    template = _MESSAGES.get(error["type"])
    if template is not None:
        try:
            return template.format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            pass
    return str(error["msg"]).removeprefix("Value error, ")


def build_query(cls: type[Q], options: dict[str, tuple[str, Any]]) -> Q:
    """A typed request from command-line options: ``options`` maps each option (``--rome``) to
    (field, value). A value the record refuses is a one-line French error naming the option."""
    fields = {field: value for field, value in options.values()}
    try:
        return cls(**fields)
    except ValidationError as e:
        by_field = {field: option for option, (field, _) in options.items()}
        problems = []
        for error in e.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            if field in by_field:
                problems.append(f"{by_field[field]} {fields.get(field)!r} : {validation_message(error)}")
            else:
                problems.append(validation_message(error))
        raise UserError(" ; ".join(problems)) from e
