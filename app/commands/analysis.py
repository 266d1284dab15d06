"""``skillgap gaps | modules`` and ``skillgap eval coverage``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from app.options import EmbeddingModelOption as ModelOption
from app.options import Fmt, StoreOption, build_query, check_region, parse_date, store_or_default
from models.base import json_default
from models.queries import GapQuery
from skillgap.settings import get_settings
from skillgap.store import connect, writing


def _encoder(model: str):
    from nlp.runtime import default_encoder

    return default_encoder(model)


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
        typer.echo(f"seuils : couvert ≥ {result['covered_threshold']:.3f}, "
                   f"partiel ≥ {result['partial_threshold']:.3f} ; "
                   f"compétences couvertes par les certifications liées {result['covered_rate_linked']:.1%} "
                   f"contre {result['covered_rate_unrelated']:.1%} par des certifications sans lien")
    typer.echo(json.dumps(result))


RomeOption = Annotated[str, typer.Option("--rome", help="Code ROME du métier (ex. M1805).")]
RegionOption = Annotated[str | None, typer.Option("--region", help="Code région INSEE (ex. 84).")]
FromOption = Annotated[str | None, typer.Option("--from", help="Début de période AAAA-MM-JJ.")]
ToOption = Annotated[str | None, typer.Option("--to", help="Fin de période AAAA-MM-JJ (incluse).")]
FormatOption = Annotated[Fmt, typer.Option("--format", help="text, json ou csv.")]
DepartmentOption = Annotated[str | None, typer.Option("--departement", help="Code département des offres "
                                                      "(ex. 69, 2A, 971).")]
ContractOption = Annotated[str | None, typer.Option("--contrat", help="Type de contrat des offres "
                                                    "(ex. CDI, CDD, MIS, SAI).")]
NafOption = Annotated[str | None, typer.Option("--naf", help="Code NAF du secteur ou son début, comparé en "
                                               "préfixe (ex. 62 ou 62.01Z).")]
AllActiveOption = Annotated[bool, typer.Option(
    "--all-active", help="Toutes les certifications actives, pas seulement celles liées au métier.")]


def _query(rome: str, region: str | None, date_from: str | None, date_to: str | None,
           all_active: bool, department: str | None = None, contract: str | None = None,
           naf: str | None = None) -> GapQuery:
    check_region(region)
    return build_query(GapQuery, {"--rome": ("rome_code", rome), "--region": ("region_code", region),
                                  "--from": ("date_from", parse_date(date_from, "--from")),
                                  "--to": ("date_to", parse_date(date_to, "--to")),
                                  "--all-active": ("all_active", all_active),
                                  "--departement": ("department_code", department),
                                  "--contrat": ("contract_type_code", contract), "--naf": ("naf_code", naf)})


def _context(report) -> str:
    period = f"{report.date_from or '…'} → {report.date_to or '…'}"
    flag = "" if report.is_significant else f"  ⚠ NON SIGNIFICATIF (moins de {report.min_ads} offres)"
    narrowed = "".join(f" — {name} {value}" for name, value in (
        ("département", report.department_code), ("contrat", report.contract_type_code), ("NAF", report.naf_code))
        if value)
    return (f"{report.rome_code} {report.rome_label} — région {report.region_code or 'toutes'}{narrowed} — "
            f"période {period}\n"
            f"{report.n_ads} offres ; {report.n_candidate_certifications} certification(s) candidate(s) "
            f"({report.coverage_basis}) ; modèle {report.model_name}{flag}")


def gaps_cmd(rome: RomeOption, region: RegionOption = None, date_from: FromOption = None, date_to: ToOption = None,
             fmt: FormatOption = Fmt.text, all_active: AllActiveOption = False, store: StoreOption = None,
             model: ModelOption = "default",
             limit: Annotated[int, typer.Option(help="Lignes affichées en mode texte.")] = 25,
             department: DepartmentOption = None, contract: ContractOption = None, naf: NafOption = None) -> None:
    """Compétences demandées par les offres d'un métier et leur couverture par les blocs RNCP \
(non couvertes d'abord)."""
    from analysis.gaps import GapContext, compute_gaps, gaps_rows

    con = connect(store_or_default(store), read_only=True)
    report = compute_gaps(GapContext(con, _encoder(model)), _query(rome, region, date_from, date_to, all_active,
                                                                   department, contract, naf))
    if fmt is Fmt.json:
        typer.echo(report.model_dump_json(indent=1))
    elif fmt is Fmt.csv:
        typer.echo(gaps_rows(report).to_csv(index=False).rstrip("\n"))
    else:
        typer.echo(_context(report))
        for s in report.skills[:limit]:
            c = s.coverage
            typer.echo(f"{c.status.value:9s} {s.share:6.1%} [{s.share_low:.1%}–{s.share_high:.1%}] "
                       f"{s.skill_label[:60]!r}"
                       f"  ↔ {c.block_code} « {(c.matched_text or '')[:50]} » ({c.matched_kind}, {c.score:.2f})")
            if s.evidence:
                typer.echo(f"          ex. {s.evidence[0].ad_id} : {s.evidence[0].excerpt[:100]}")


def modules_cmd(rome: RomeOption, region: RegionOption = None, date_from: FromOption = None, date_to: ToOption = None,
                fmt: FormatOption = Fmt.text, all_active: AllActiveOption = False, store: StoreOption = None,
                model: ModelOption = "default") -> None:
    """Modules complémentaires candidats : regroupements des compétences non couvertes d'un métier (enregistrés)."""
    from analysis.gaps import GapContext
    from analysis.modules import compute_modules, save_modules

    with writing(store_or_default(store)) as con:  # published for the service at the end
        result = compute_modules(GapContext(con, _encoder(model)), _query(rome, region, date_from, date_to, all_active))
        save_modules(con, list(result.modules))
    report, modules = result.report, result.modules
    if fmt is Fmt.json:
        typer.echo(json.dumps([m.model_dump() for m in modules], ensure_ascii=False, default=json_default, indent=1))
    elif fmt is Fmt.csv:
        import pandas as pd

        rows = [{"module_id": m.module_id, "rome_code": m.rome_code, "title": m.title, "n_skills": len(m.skills),
                 "skills": " | ".join(s.skill_label for s in m.skills), "n_ads": m.n_ads, "share": m.share,
                 "share_low": m.share_low, "share_high": m.share_high,
                 "complemented_blocks": " ".join(m.complemented_blocks), "model_name": m.model_name} for m in modules]
        typer.echo(pd.DataFrame(rows).to_csv(index=False).rstrip("\n"))
    else:
        typer.echo(_context(report))
        if not modules:
            typer.echo("aucune compétence non couverte : pas de module candidat")
        for m in modules:
            typer.echo(f"{m.module_id}  {m.title[:60]!r}  {len(m.skills)} compétence(s), {m.share:.1%} des offres "
                       f"[{m.share_low:.1%}–{m.share_high:.1%}] ; complète {', '.join(m.complemented_blocks) or '—'}")
            for s in m.skills[:6]:
                typer.echo(f"    - {s.skill_label[:70]} ({s.n_ads} offres)")


def bench_gaps_cmd(store: StoreOption = None, model: ModelOption = "default",
                   n_ads: Annotated[int, typer.Option(
                       "--ads", help="Gonfler une copie du magasin jusqu'à N offres (0 = telles quelles).")] = 100_000,
                   ) -> None:
    """Temps de calcul des écarts de tous les métiers d'un magasin (copie gonflée à N offres)."""
    from analysis.bench import bench_gaps

    result = bench_gaps(store_or_default(store), _encoder(model), n_ads=n_ads or None)
    typer.echo(f"{result['reports']} rapports d'écarts ({result['refused']} refusés : pas de certification liée, etc.) "
               f"sur {result['n_occupations']} métiers et {result['n_ads']} offres en {result['seconds']} s "
               f"(dont index des blocs {result['index_s']} s)")
    typer.echo(json.dumps(result))


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    groups["bench"].command("gaps")(bench_gaps_cmd)
    app.command("gaps")(gaps_cmd)
    app.command("modules")(modules_cmd)
    groups["eval"].command("coverage")(eval_coverage_cmd)
    from app.commands import eval_gaps

    eval_gaps.register(groups)
