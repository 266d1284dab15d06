"""``skillgap gaps | modules`` and ``skillgap eval coverage``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from skillgap.settings import get_settings
from skillgap.store import connect

StoreOption = Annotated[Optional[Path], typer.Option("--store", help="Fichier DuckDB du magasin.")]
ModelOption = Annotated[str, typer.Option("--model", help="Modèle d'embedding : default, use, ou un dossier.")]


def _encoder(model: str):
    from nlp.embed import CachedEncoder, get_encoder

    return CachedEncoder(get_encoder(model), get_settings().resolved_cache_dir())


def _progress(done: int, total: int) -> None:
    if done == total or done % 10 == 0:
        print(f"\r  {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


def eval_coverage_cmd(
    store: StoreOption = None,
    model: ModelOption = "default",
    n_fiches: Annotated[int, typer.Option("--n-fiches", help="Fiches tirées au hasard (0 = toutes).")] = 150,
    seed: Annotated[int, typer.Option(help="Graine du tirage.")] = 0,
    calibrate: Annotated[bool, typer.Option(help="Calcule aussi les seuils couvert / partiel du modèle.")] = False,
) -> None:
    """Classe les certifications par couverture des compétences de chaque fiche ROME et compare aux liens RNCP réels."""
    from analysis.evaluate import evaluate_coverage

    con = connect(store or get_settings().store, read_only=True)
    result = evaluate_coverage(con, _encoder(model), n_fiches=n_fiches or None, seed=seed,
                               calibrate=calibrate, progress=_progress)
    typer.echo(f"fiches évaluées : {result['n_fiches']} ; certifications classées : {result['n_certifications']}")
    typer.echo(f"recall@10 = {result['recall@10']:.3f}   MAP = {result['map']:.3f}   (modèle {result['model']})")
    if calibrate:
        typer.echo(f"seuils : couvert ≥ {result['covered_threshold']:.3f}, partiel ≥ {result['partial_threshold']:.3f} ; "
                   f"compétences couvertes par les certifications liées {result['covered_rate_linked']:.1%} "
                   f"contre {result['covered_rate_unrelated']:.1%} par des certifications sans lien")
    typer.echo(json.dumps(result))


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    groups["eval"].command("coverage")(eval_coverage_cmd)
