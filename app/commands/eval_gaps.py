"""``skillgap eval gaps sample | score``: the judged-sample evaluation of gap lists
(registered by ``app.commands.analysis``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.options import EmbeddingModelOption as ModelOption
from app.options import StoreOption, store_or_default
from skillgap.errors import UserError
from skillgap.store import connect


def _encoder(model: str):
    from nlp.runtime import default_encoder

    return default_encoder(model)


def sample_cmd(
    out: Annotated[Path, typer.Option("--out", help="Feuille de jugement CSV à écrire.")],
    store: StoreOption = None,
    model: ModelOption = "default",
    occupations: Annotated[int, typer.Option("--occupations", help="Nombre de métiers (les plus fournis).")] = 6,
    per_occupation: Annotated[int, typer.Option("--per-occupation", help="Items tirés par métier.")] = 20,
    rome: Annotated[list[str] | None, typer.Option("--rome", help="Métiers imposés (répétable).")] = None,
    seed: Annotated[int, typer.Option(help="Graine du tirage.")] = 0,
    min_ads: Annotated[int, typer.Option("--min-ads", help="Offres minimales d'un métier tiré.")] = 10,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="La même feuille en XLSX (pour un juge).")] = None,
) -> None:
    """Tire un échantillon stratifié (statut × rang de demande) d'items d'écarts et écrit la feuille de jugement."""
    from analysis.eval_gaps import sample_sheet, write_xlsx
    from analysis.gaps import GapContext

    con = connect(store_or_default(store), read_only=True)
    sheet = sample_sheet(GapContext(con, _encoder(model)), n_occupations=occupations, per_occupation=per_occupation,
                         seed=seed, rome_codes=rome or (), min_ads=min_ads,
                         progress=lambda line: print(f"  {line}", file=sys.stderr))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.to_csv(out, index=False)
    if xlsx:
        write_xlsx(sheet, xlsx)
    counts = sheet.groupby("system_status").size().to_dict()
    typer.echo(f"{len(sheet)} items, {sheet.rome_code.nunique()} métiers → {out}" + (f" et {xlsx}" if xlsx else ""))
    typer.echo("statuts : " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    typer.echo(json.dumps({"n_items": len(sheet), "n_occupations": int(sheet.rome_code.nunique()),
                           "by_status": {k: int(v) for k, v in counts.items()}, "out": str(out)}))


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _line(name: str, m: dict) -> str:
    return (f"{name:12s} précision {_fmt(m['precision'])} ({m['n_predicted']} prédits)   "
            f"rappel {_fmt(m['recall'])} ({m['n_actual']} jugés)")


def score_cmd(
    sheets: Annotated[list[Path], typer.Argument(help="Une feuille jugée (juge A), ou deux (A et B) pour le kappa.")],
    recompute: Annotated[bool, typer.Option(
        help="Redécide les items avec le code et le magasin actuels (avant / après un changement).")] = False,
    with_reviews: Annotated[bool, typer.Option(
        "--with-reviews",
        help="Avec --recompute : applique les décisions des relecteurs (application web, fichier de service "
             "à côté du magasin) comme le fait l'application ; compte les items relus, rejetés, corrigés.")] = False,
    store: StoreOption = None,
    model: ModelOption = "default",
) -> None:
    """Précision de l'extraction, précision / rappel de « non couverte » et « couverte », kappa de deux juges."""
    from analysis.eval_gaps import agreement, choose_band, read_sheet, score_sheet

    if len(sheets) > 2:
        raise UserError("une ou deux feuilles jugées, pas plus")
    judged = [read_sheet(p) for p in sheets]
    first = judged[0]
    if recompute:
        from analysis.eval_gaps import recompute as redo
        from analysis.gaps import GapContext

        con = connect(store_or_default(store), read_only=True)
        reviews = None
        if with_reviews:
            from api.reviews import store_review_set
            from models.review import ReviewSet

            def reviews(code: str) -> ReviewSet | None:
                return store_review_set(con, code)
        first = redo(GapContext(con, _encoder(model)), first, reviews)
    elif with_reviews:
        raise UserError("--with-reviews s'utilise avec --recompute (les décisions s'appliquent au calcul)")
    result = score_sheet(first)
    typer.echo(f"{sheets[0]} : {result['n_judged']} items jugés sur {result['n_items']} ; précision de l'extraction "
               f"{_fmt(result['extraction_precision'])} ; couverture jugée sur {result['n_coverage_judged']} items")
    if result["n_not_in_reports"]:
        typer.echo(f"{result['n_not_in_reports']} items jugés ne sont plus dans les rapports actuels "
                   f"(comptés non prédits) ; précision de l'extraction des items encore listés "
                   f"{_fmt(result['extraction_precision_listed'])}")
    typer.echo(_line("non couverte", result["uncovered"]))
    typer.echo(_line("non/en partie", result["uncovered_or_partly"]))
    typer.echo(_line("couverte", result["covered"]))
    if result["to_check_share"] is not None:
        typer.echo(f"à vérifier : {result['to_check_share']:.1%} des items")
    if "reviews" in result:
        r = result["reviews"]
        typer.echo(f"relectures : {r['n_reviewed']} items relus, {r['n_rejected']} rejetés (dont "
                   f"{r['n_rejected_judged_not_demanded']} jugés non demandés), {r['n_coverage_corrected']} "
                   f"couvertures corrigées ; précision de l'extraction de la liste affichée "
                   f"{_fmt(r['extraction_precision_shown'])}")
    result["band"] = choose_band(first)
    result["band_partly_is_gap"] = choose_band(first, partly_is_gap=True)
    for key, what in (("band", "« en partie » contre"), ("band_partly_is_gap", "« en partie » = écart")):
        b = result[key]
        typer.echo(f"bande « à vérifier » la plus étroite à précision ≥ 0.8 de chaque côté ({what}) : "
                   + (f"[{b['low']}, {b['high']}) ({b['n_to_check']} items sur {b['n_items']})" if b else "aucune"))
    if len(judged) == 2:
        result["agreement"] = agreement(judged[0], judged[1])
        for question, a in result["agreement"].items():
            typer.echo(f"accord des juges, {question} : kappa {_fmt(a['kappa'])}, accord brut "
                       f"{_fmt(a['agreement'])} "
                       f"(n = {a['n']})")
    result["recomputed"] = recompute
    result["with_reviews"] = with_reviews
    typer.echo(json.dumps(result))


def register(groups: dict[str, typer.Typer]) -> None:
    gaps = typer.Typer(help="Évaluation jugée des listes d'écarts (dernière ligne : un objet JSON).",
                       no_args_is_help=True)
    gaps.command("sample")(sample_cmd)
    gaps.command("score")(score_cmd)
    groups["eval"].add_typer(gaps, name="gaps")
