"""``skillgap referentials load | list | stats``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.options import StoreOption
from models.referential import Source
from referentials import queries
from referentials.bundled import default_paths
from referentials.loading import LoadResult, LoadStatus, load_source
from skillgap.settings import get_settings
from skillgap.store import connect, writing

ref_app = typer.Typer(help="Référentiels : ROME 4.0, ESCO, correspondance ESCO-ROME, RNCP/RS.", no_args_is_help=True)


def store_path(store: Path | None) -> Path:
    return store or get_settings().store


def load_referentials(
    store: Path, sources: dict[Source, list[Path]] | None = None
) -> list[LoadResult]:
    """Load the given sources (default: every bundled source) into ``store``; one version each."""
    sources = sources or default_paths()
    with writing(store) as con:  # published for the service at the end
        return [load_source(con, source, paths) for source, paths in sources.items()]


def format_result(r: LoadResult) -> str:
    status = {LoadStatus.LOADED: "chargé", LoadStatus.UNCHANGED: "inchangé (mêmes fichiers)",
              LoadStatus.RESTORED: "version antérieure rétablie"}
    counts = ", ".join(f"{t.split('__')[-1]} {n:,}".replace(",", " ") for t, n in r.row_counts.items())
    line = f"{r.source:9s} {r.version_label} [{r.version_id}] — {status[r.status]} en {r.seconds:.1f} s : {counts}"
    for reason, n in {**r.dropped}.items():
        line += f"\n          {n} ligne(s) écartée(s) — {reason}"
    for what, n in r.notes.items():
        line += f"\n          {n} ligne(s) gardée(s) avec réserve — {what}"
    return line


@ref_app.command("load")
def load_cmd(
    rome: Annotated[
        Path | None, typer.Option(help="Dossier de l'export CSV ROME 4.0 (unix_*_vNNN_utf8.csv).")
    ] = None,
    esco: Annotated[
        Path | None, typer.Option(help="Dossier des CSV ESCO (occupations_fr, skills_fr, relations).")
    ] = None,
    crosswalk: Annotated[
        Path | None, typer.Option(help="Fichier de correspondance ESCO-ROME (FR_*_mapping_esco_rome.csv).")
    ] = None,
    rncp: Annotated[
        list[Path] | None,
        typer.Option(help="Fichiers ou dossiers de l'export France Compétences (CSV et/ou XML) ; répétable."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Charge les référentiels (sans option : les données embarquées). Recharger les mêmes fichiers ne fait rien."""
    given = {Source.ROME: [rome] if rome else None, Source.ESCO: [esco] if esco else None,
             Source.ESCO_ROME: [crosswalk] if crosswalk else None, Source.RNCP: rncp or None}
    chosen = {s: p for s, p in given.items() if p}
    results = load_referentials(store_path(store), chosen or None)
    for r in results:
        typer.echo(format_result(r))


@ref_app.command("list")
def list_cmd(store: StoreOption = None) -> None:
    """Liste les versions chargées (la version courante de chaque source est marquée *)."""
    con = connect(store_path(store), read_only=True)
    versions = queries.loaded_versions(con)
    if not versions:
        typer.echo("aucun référentiel chargé : lancez `skillgap referentials load`")
    for v in versions:
        typer.echo(f"{'*' if v.is_current else ' '} {v.source:9s} {v.version_id:22s} {v.version_label} "
                   f"(chargé le {v.loaded_at:%Y-%m-%d %H:%M})")


@ref_app.command("stats")
def stats_cmd(
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Dernière ligne : un objet JSON.")] = False,
) -> None:
    """Effectifs des versions courantes."""
    con = connect(store_path(store), read_only=True)
    figures = queries.stats(con)
    for key, value in figures.items():
        typer.echo(f"{key:32s} {value:>9,}".replace(",", " "))
    if as_json:
        typer.echo(json.dumps(figures))


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    app.add_typer(ref_app, name="referentials")
