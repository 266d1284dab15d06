"""Commands of this package: ``skillgap report weekly`` (one report) and ``skillgap weekly`` (the batch)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.options import EmbeddingModelOption as ModelOption
from app.options import StoreOption, check_region, store_or_default
from models.base import json_default
from skillgap.errors import UserError

OutOption = Annotated[Path, typer.Option("--out", help="Dossier des rapports (un sous-dossier par semaine).")]
WeekOption = Annotated[str | None, typer.Option(
    "--week", help="Semaine ISO AAAA-Wss (ex. 2026-W48) ; défaut : la dernière semaine terminée.")]
BranchOption = Annotated[str | None, typer.Option("--branch", help="Branche définie dans reports/branches.toml.")]
RomeOption = Annotated[list[str] | None, typer.Option("--rome", help="Code ROME à inclure (option répétable).")]
TopOption = Annotated[int, typer.Option("--top", min=1, max=30, help="Nombre de métiers principaux analysés.")]
PdfOption = Annotated[bool | None, typer.Option(
    "--pdf/--no-pdf", help="PDF via Chromium : exigé (--pdf), jamais (--no-pdf) ; défaut : si Chromium est présent.")]


def _period(week: str | None):
    from reports.batch import today
    from reports.period import check_not_future, last_complete_week, parse_week

    period = parse_week(week) if week else last_complete_week(today())
    check_not_future(period, today())
    return period


def _scope_kwargs(branch: str | None, rome: list[str] | None, top: int) -> dict:
    from reports.period import resolve_scope

    name, label, codes = resolve_scope(branch, rome)
    return {"branch": name, "branch_label": label, "rome_codes": tuple(codes) if codes else None,
            "top_occupations": top}


def _command() -> str:
    return "skillgap " + shlex.join(sys.argv[1:])


def report_weekly_cmd(out: OutOption, week: WeekOption = None,
                      region: Annotated[str | None, typer.Option(
                          "--region", help="Code région INSEE (ex. 84).")] = None,
                      branch: BranchOption = None, rome: RomeOption = None, top: TopOption = 5,
                      pdf: PdfOption = None, store: StoreOption = None, model: ModelOption = "default") -> None:
    """Rapport hebdomadaire HTML (et PDF) avec graphiques, à partir des offres déjà en base."""
    from nlp.runtime import default_encoder
    from reports.batch import weekly_report
    from reports.weekly import Scope

    check_region(region)
    period = _period(week)
    scope = Scope(period=period, region_code=region, **_scope_kwargs(branch, rome, top))
    folder, summary = weekly_report(store_or_default(store), scope, out, encoder=default_encoder(model), pdf=pdf,
                                    command=_command())
    if summary["n_ads_week"] == 0:
        typer.echo(f"attention : aucune offre créée pendant la semaine {period.week_label} "
                   f"({period.week_start} → {period.week_end}) dans ce périmètre", err=True)
    if summary["n_ads_window"] == 0:
        typer.echo("attention : aucune offre sur les 12 mois précédents : le rapport ne contient aucun résultat",
                   err=True)
    typer.echo(f"rapport : {folder / 'index.html'}")
    typer.echo(json.dumps(summary, ensure_ascii=False, default=json_default))


def weekly_cmd(out: OutOption, week: WeekOption = None,
               region: Annotated[list[str] | None, typer.Option(
                   "--region",
                   help="Code région INSEE (répétable : un rapport par région ; défaut : France entière).")] = None,
               branch: BranchOption = None, rome: RomeOption = None, top: TopOption = 5,
               ingest: Annotated[list[Path] | None, typer.Option(
                   "--ingest",
                   help="Fichier d'offres à importer (répétable ; JSON lines France Travail, JobPosting, CSV)."
               )] = None,
               crawl: Annotated[str | None, typer.Option(
                   "--crawl", help="Araignée à lancer : france_travail ou jobposting.")] = None,
               crawl_arg: Annotated[list[str] | None, typer.Option(
                   "--crawl-arg", help="Argument de l'araignée CLE=VALEUR.")] = None,
               process: Annotated[bool, typer.Option(
                   "--process/--no-process", help="Traitement NLP des nouvelles offres.")] = True,
               warm_cache: Annotated[bool, typer.Option(
                   "--warm-cache/--no-warm-cache", help="Pré-calcule le cache de l'API.")] = True,
               pdf: PdfOption = None, store: StoreOption = None, model: ModelOption = "default") -> None:
    """Lot hebdomadaire : collecte → traitement → analyse → rapport (idempotent pour une semaine ; \
pour cron / systemd)."""
    from reports.batch import run_weekly

    for code in region or []:
        check_region(code)
    args = {}
    for value in crawl_arg or []:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise UserError(f"--crawl-arg {value!r} : forme attendue CLE=VALEUR")
        args[key] = val
    summary = run_weekly(
        store_or_default(store), out, period=_period(week), regions=list(region) if region else [None],
        scope_kwargs=_scope_kwargs(branch, rome, top), ingest_paths=list(ingest or []), crawl=crawl,
        crawl_args=args, do_process=process, model=model, pdf=pdf, warm_cache=warm_cache, command=_command(),
        echo=typer.echo)
    typer.echo(json.dumps(summary, ensure_ascii=False, default=json_default))


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this package's commands to the CLI: ``report weekly`` and ``weekly``."""
    if "report" not in groups:
        groups["report"] = typer.Typer(help="Rapports (HTML / PDF).", no_args_is_help=True)
        app.add_typer(groups["report"], name="report")
    groups["report"].command("weekly")(report_weekly_cmd)
    app.command("weekly")(weekly_cmd)
