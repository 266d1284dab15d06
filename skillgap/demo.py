"""``skillgap demo``: the embedded default, end to end, on bundled data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from referentials import queries
from referentials.cli import format_result, load_referentials, store_path
from skillgap.store import connect


def demo(
    store: Annotated[Optional[Path], typer.Option("--store", help="Fichier DuckDB du magasin.")] = None,
) -> None:
    """Démonstration : charge les référentiels embarqués et affiche ce qui a été chargé."""
    path = store_path(store)
    typer.echo(f"== 1. Référentiels embarqués → {path}")
    for result in load_referentials(path):
        typer.echo(format_result(result))
    con = connect(path, read_only=True)
    figures = queries.stats(con)
    con.close()
    typer.echo("== Effectifs des versions courantes")
    for key, value in figures.items():
        typer.echo(f"  {key:32s} {value:>9,}".replace(",", " "))
    typer.echo(json.dumps(figures))
