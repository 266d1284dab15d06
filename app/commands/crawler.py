"""Commands of this package (registered on the skillgap CLI): ingest, crawl, eval dedupe, bench crawl."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from app.options import StoreOption
from crawler.dedupe import THRESHOLD
from skillgap.errors import UserError


def _store(store: Path | None) -> Path:
    from skillgap.settings import get_settings

    return store or get_settings().store


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise UserError(f"{option} {value!r} : forme attendue CLE=VALEUR")
        pairs[key] = val
    return pairs


def _print_summary(summary: dict) -> None:
    for key in ("read", "stored", "duplicates", "dropped", "unchanged", "updated"):
        typer.echo(f"{key:>10} : {summary.get(key)}")
    typer.echo(json.dumps(summary, ensure_ascii=False))


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this package's commands to the CLI."""

    @app.command("ingest")
    def ingest_cli(
        paths: list[Path] = typer.Argument(..., help="Fichiers JSON / JSON lines / CSV (gzip accepté)."),
        store: StoreOption = None,
        threshold: float = typer.Option(
            THRESHOLD, help="Seuil de similarité (Jaccard exact des bigrammes de mots) des quasi-doublons."
        ),
    ) -> None:
        """Importe des offres France Travail ou JobPosting depuis des fichiers, dédoublonnées."""
        from crawler.ingest import ingest

        _print_summary(ingest(paths, store=_store(store), threshold=threshold))

    @app.command("crawl")
    def crawl_cli(
        spider: str = typer.Argument(..., help="france_travail ou jobposting."),
        store: StoreOption = None,
        arg: list[str] = typer.Option([], "--arg", "-a", help="Argument de l'araignée CLE=VALEUR."),
        setting: list[str] = typer.Option([], "--set", "-s", help="Réglage Scrapy CLE=VALEUR."),
        throttle: bool = typer.Option(True, "--throttle/--no-throttle", help="Délais polis (défaut) ou aucun."),
        jobdir: Path | None = typer.Option(None, "--jobdir", help="Dossier de reprise après interruption (JOBDIR)."),
        cache: bool = typer.Option(False, "--cache", help="Cache HTTP (httpcache/)."),
        contact: str | None = typer.Option(None, "--contact", envvar="SKILLGAP_CRAWL_CONTACT",
                                           help="Contact mis dans le User-Agent."),  # fmt: skip
    ) -> None:
        """Collecte des offres avec une araignée Scrapy, puis valide, nettoie, dédoublonne et stocke."""
        from crawler.crawl import project_settings, run_crawl

        overrides = _pairs(setting, "--set")
        if spider == "france_travail" and not (
            (overrides.get("FT_CLIENT_ID") or os.environ.get("FT_CLIENT_ID"))
            and (overrides.get("FT_CLIENT_SECRET") or os.environ.get("FT_CLIENT_SECRET"))
        ):
            raise UserError("france_travail : définir FT_CLIENT_ID et FT_CLIENT_SECRET (identifiants francetravail.io)")
        settings = project_settings(
            store=_store(store), overrides=overrides, throttle=throttle, jobdir=jobdir, cache=cache, contact=contact
        )
        _print_summary(run_crawl(spider, settings=settings, spider_args=_pairs(arg, "--arg")))

    @groups["eval"].command("dedupe")
    def eval_dedupe_cli(
        ads: Path = typer.Option(..., "--ads", help="Offres réelles (JSON lines France Travail, gzip accepté)."),
        repost_rate: float = typer.Option(0.3, help="Part des offres reprises avec modifications."),
        edit_rate: float = typer.Option(0.05, help="Part des mots supprimés ou remplacés dans une reprise."),
        threshold: float = typer.Option(
            THRESHOLD, help="Seuil de similarité (Jaccard exact des bigrammes de mots) des quasi-doublons."
        ),
        seed: int = typer.Option(0),
    ) -> None:
        """Précision / rappel du dédoublonnage sur des offres réelles + reprises modifiées injectées."""
        from crawler.evaluate import evaluate_dedupe

        if not ads.is_file():
            raise UserError(f"{ads} : fichier introuvable")
        result = evaluate_dedupe(ads, repost_rate=repost_rate, edit_rate=edit_rate, threshold=threshold, seed=seed)
        typer.echo(json.dumps(result, ensure_ascii=False))

    @groups["bench"].command("crawl")
    def bench_crawl_cli(
        pages: int = typer.Option(300, help="Nombre de pages d'offres du site local."),
        ads: Path | None = typer.Option(
            None, "--ads", help="Offres réelles pour remplir le site (sinon textes écrits)."
        ),
        throttle: bool = typer.Option(False, "--throttle/--no-throttle", help="Mesurer avec les délais polis."),
    ) -> None:
        """Débit de l'araignée jobposting contre un site local (pages/s), base temporaire."""
        from crawler.bench import bench_crawl

        typer.echo(json.dumps(bench_crawl(pages=pages, ads=ads, throttle=throttle), ensure_ascii=False))
