"""``skillgap module draft MODULE_ID --format md|docx``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.options import StoreOption, store_or_default
from skillgap.store import connect

module_app = typer.Typer(help="Modules complémentaires : fiches de spécification.", no_args_is_help=True)


class DraftFormat(StrEnum):
    md = "md"
    docx = "docx"


@module_app.command("draft")
def draft_cmd(
    module_id: Annotated[str, typer.Argument(help="Identifiant du module (ex. MOD-M1805-60c7ae25).")],
    fmt: Annotated[DraftFormat, typer.Option("--format", help="md ou docx.")] = DraftFormat.md,
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier de sortie (défaut : sortie standard pour md).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Écrit la « fiche module complémentaire » d'un module candidat (champs de l'acheteur marqués À COMPLÉTER)."""
    from reports.module_draft import render_draft

    con = connect(store_or_default(store), read_only=True)
    content, _ = render_draft(con, module_id, fmt.value)
    if out is None and fmt is DraftFormat.docx:
        out = Path(f"{module_id}.docx")
    if out is None:
        typer.echo(content.decode("utf-8"))
        return
    out.write_bytes(content)
    typer.echo(f"fiche écrite : {out}")


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    app.add_typer(module_app, name="module")
