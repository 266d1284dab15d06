"""Pages: home (search), occupation, ad, methodology."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from analysis.config import get_config
from api.compute import cached_result
from api.deps import ComputerDep, ConDep, GapQueryDep, SettingsDep, SnapshotDep
from api.errors import ApiError
from api.routes.occupations import _terms
from crawler import queries as ad_queries
from models.queries import GapQuery
from referentials import queries
from web.data import (
    ads_per_occupation,
    block_labels,
    cached_gaps_many,
    filter_values,
    occupation_certifications,
    occupation_fiche,
    rome_labels,
    skills_table,
    volume_series,
)
from web.render import preset_dates, render, with_params
from web.tables import ExportFormat, Table, export_response

router = APIRouter()
ExportDep = Annotated[ExportFormat | None, Query(description="exporter un tableau : csv ou xlsx")]
TableDep = Annotated[str | None, Query(max_length=40, description="nom du tableau exporté")]
PresetDep = Annotated[Literal["tout", "trimestre", "mois", "perso"] | None, Query(description="période")]


def export_or(tables: dict[str, Table], export: ExportFormat | None, table: str | None, *,
              filename: str) -> Response | None:
    """The export asked by ``?export=&table=``, or None to render the page."""
    if export is None:
        return None
    if table not in tables:
        raise ApiError(404, f"tableau inconnu : {table} (tableaux de la page : {', '.join(tables)})")
    return export_response(tables[table], export, filename=filename)


@router.get("/", name="web_home")
def home(request: Request, con: ConDep, snapshot: SnapshotDep, computer: ComputerDep,
         q: Annotated[str | None, Query(max_length=200, description="code ROME, appellation ou texte")] = None,
         export: ExportDep = None, table: TableDep = None) -> Response:
    results, total = queries.search_occupations(con, _terms(q), 30, 0) if q and q.strip() else ([], 0)
    labels = rome_labels(con, snapshot)
    top: list[dict[str, Any]] = []
    ranked = ads_per_occupation(con, snapshot)[:15]
    known = [code for code, _ in ranked if code in labels]
    reports = dict(zip(known, cached_gaps_many(con, snapshot, computer, [GapQuery(rome_code=c) for c in known]),
                       strict=True))
    for code, n in ranked:
        report = reports.get(code)
        uncovered = [s for s in report.skills if s.coverage.status.value == "uncovered"] if report else []
        top.append({"rome_code": code, "label": labels.get(code, ""), "n_ads": n,
                    "n_uncovered": len(uncovered) if report else None,
                    "uncovered_share": max((s.share for s in uncovered), default=0.0) if report else None})
    tables = {
        "recherche": Table("recherche", "Résultats de recherche",
                           [("rome_code", "code ROME"), ("label", "fiche"), ("matched_label", "nom trouvé")],
                           [{"rome_code": m.rome_code, "label": m.label, "matched_label": m.matched_label}
                            for m in results]),
        "metiers": Table("metiers", "Métiers les plus demandés",
                         [("rome_code", "code ROME"), ("label", "fiche"), ("n_ads", "offres"),
                          ("n_uncovered", "compétences non couvertes"),
                          ("uncovered_share", "part de la première non couverte")], top)}
    if (response := export_or(tables, export, table, filename="accueil")) is not None:
        return response
    uncovered_top = sorted([t for t in top if t["n_uncovered"]], key=lambda t: -(t["uncovered_share"] or 0))[:5]
    return render(request, "home.html", q=q or "", results=results, total=total, top=top,
                  uncovered_top=uncovered_top, tables=tables)


@router.get("/metiers/{rome_code}", name="web_occupation")
def occupation_page(request: Request, con: ConDep, snapshot: SnapshotDep, computer: ComputerDep,
                    settings: SettingsDep, query: GapQueryDep, periode: PresetDep = None,
                    export: ExportDep = None, table: TableDep = None) -> Response:
    if periode in ("trimestre", "mois"):
        start, end = preset_dates(periode, ad_queries.newest_created_at(con))
        if start is not None and end is not None and (start, end) != (query.date_from, query.date_to):
            return RedirectResponse(with_params(request, **{"from": start.isoformat(), "to": end.isoformat()}),
                                    status_code=303)
    elif query.date_from or query.date_to:
        periode = "perso"
    fiche = occupation_fiche(con, snapshot, query.rome_code)
    assert fiche is not None  # RomeCodeDep answers 404 for an unknown code
    certs, cert_blocks = occupation_certifications(con, snapshot, query.rome_code)
    volume = volume_series(con, snapshot, query.ads())
    choices = filter_values(con, snapshot, query.rome_code)
    report, problem = None, None
    try:
        report, _ = cached_result(con, snapshot, computer, "gaps", query, compute_on_miss=settings.api_compute_on_miss)
    except ApiError as e:
        problem = e.message
    blocks = block_labels(con, snapshot, [s.coverage.block_code for s in (*report.skills, *report.rejected_skills)
                                          if s.coverage.block_code] if report else [])
    tables = {
        "volume": Table("volume", "Offres par mois", [("month", "mois"), ("n_ads", "offres")],
                        [{"month": m, "n_ads": n} for m, n in volume]),
        "certifications": Table("certifications", "Certifications liées",
                                [("rncp_code", "code"), ("title", "intitulé"), ("level", "niveau"),
                                 ("link", "lien ROME"), ("blocks", "blocs")],
                                [{**c.model_dump(), "blocks": [f"{b['block_code']} {b['label'] or ''}"
                                                               for b in cert_blocks.get(c.rncp_code, [])]}
                                 for c in certs])}
    if report is not None:
        tables["competences"] = skills_table(report, blocks)
        tables["rejetees"] = skills_table(report, blocks, rejected=True)
    if (response := export_or(tables, export, table, filename=f"metier-{query.rome_code}")) is not None:
        return response
    return render(request, "occupation.html", fiche=fiche, query=query, periode=periode or "tout", certs=certs,
                  cert_blocks=cert_blocks, report=report, problem=problem, volume=volume, blocks=blocks,
                  tables=tables, min_ads=get_config().gaps.min_ads, choices=choices)


AdIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$", max_length=200)]


@router.get("/offres/{ad_id}", name="web_ad")
def ad_page(request: Request, con: ConDep, ad_id: AdIdPath) -> Response:
    ad = ad_queries.ad(con, ad_id)
    if ad is None:
        raise ApiError(404, f"offre inconnue : {ad_id}")
    return render(request, "ad.html", ad=ad, ticked=ad_queries.ticked_skills(con, ad_id))


@router.get("/methodologie", name="web_methodology")
def methodology(request: Request, con: ConDep) -> Response:
    versions = queries.current_versions(con)
    model = request.app.state.computer.model_name
    thresholds = get_config().coverage.thresholds.get(model)
    return render(request, "methodology.html", versions=versions, model=model, thresholds=thresholds,
                  config=get_config(), n_ads=ad_queries.count_ads(con), n_undated=ad_queries.count_undated(con))
