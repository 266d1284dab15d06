"""Pages over the analysis results: candidate modules (and their drafts), signals, certification."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from api.compute import cached_result
from api.deps import ComputerDep, ConDep, GapQueryDep, SettingsDep, SignalQueryDep, SnapshotDep, StateDep, WatchQueryDep
from api.errors import ApiError
from api.routes.modules import draft_response
from models.queries import AdFilter, GapQuery, SignalQuery
from models.signals import Signal
from nlp import queries as nlp_queries
from web.data import cached_gaps_many, certification, filter_values
from web.pages import ExportDep, TableDep, export_or
from web.render import STATUS_LABELS, render
from web.tables import Table

router = APIRouter()
ModuleId = Annotated[str, Path(pattern=r"^MOD-[A-Za-z][0-9]{4}-[0-9a-f]{8}$")]
MAX_CHARTS = 12


@router.get("/metiers/{rome_code}/modules", name="web_modules")
def modules_page(request: Request, con: ConDep, snapshot: SnapshotDep, computer: ComputerDep,
                 settings: SettingsDep, query: GapQueryDep, export: ExportDep = None,
                 table: TableDep = None) -> Response:
    result, problem = None, None
    try:
        result, _ = cached_result(con, snapshot, computer, "modules", query,
                                  compute_on_miss=settings.api_compute_on_miss)
    except ApiError as e:
        problem = e.message
    rows = [{"module_id": m.module_id, "title": m.title, "skills": [s.skill_label for s in m.skills],
             "n_ads": m.n_ads, "share": m.share, "share_low": m.share_low, "share_high": m.share_high,
             "blocks": list(m.complemented_blocks), "certifications": list(m.complemented_certifications)}
            for m in (result.modules if result else ())]
    tables = {"modules": Table("modules", "Modules candidats",
                               [("module_id", "identifiant"), ("title", "titre"), ("skills", "compétences"),
                                ("n_ads", "offres"), ("share", "part des offres"), ("share_low", "intervalle bas"),
                                ("share_high", "intervalle haut"), ("blocks", "blocs complétés"),
                                ("certifications", "certifications complétées")], rows)}
    if (response := export_or(tables, export, table, filename=f"modules-{query.rome_code}")) is not None:
        return response
    return render(request, "modules.html", query=query, result=result, problem=problem, tables=tables)


@router.get("/modules/{module_id}/fiche.{fmt}", name="web_module_draft")
def module_draft(con: ConDep, state: StateDep, module_id: ModuleId, fmt: Literal["md", "docx"]) -> Response:
    """The « fiche module complémentaire » draft (``skillgap module draft``'s renderer)."""
    return draft_response(con, state, module_id, fmt, missing="ouvrez d'abord la page des modules du métier")


def signal_series(con, query: SignalQuery, signals: list[Signal]) -> dict[str, list[tuple[str, float]]]:
    """Per shown signal, its rate by period (ads asking for the skill / ads of the occupation)."""
    if not signals:
        return {}
    codes = tuple(sorted({s.rome_code for s in signals if s.rome_code}))
    f = AdFilter(rome_codes=codes or None, region_code=query.region_code, date_from=query.date_from,
                 date_to=query.date_to, **query.ad_attributes())
    ads = nlp_queries.ads(con, f, period=query.period).to_pandas()
    keys = {s.skill_key for s in signals}
    asks = nlp_queries.asked_skills(con, f, period=query.period).to_pandas()
    asks = asks[asks.skill_key.isin(keys)].drop_duplicates(["ad_id", "skill_key"])
    exposure = ads.groupby(["rome_code", "period_start"]).size()
    hits = asks.groupby(["rome_code", "skill_key", "period_start"]).size()
    out = {}
    for s in signals:
        series = []
        for (rome, start), n in exposure.items():
            if s.rome_code is None or rome == s.rome_code:
                series.append((start, int(hits.get((rome, s.skill_key, start), 0)), int(n)))
        by_period: dict[str, list[int]] = {}
        for start, k, n in series:
            acc = by_period.setdefault(start.isoformat(), [0, 0])
            acc[0] += k
            acc[1] += n
        out[f"{s.rome_code}|{s.skill_key}"] = [(p, round(k / n, 4)) for p, (k, n) in sorted(by_period.items())]
    return out


@router.get("/signaux", name="web_signals")
def signals_page(request: Request, con: ConDep, snapshot: SnapshotDep, computer: ComputerDep,
                 settings: SettingsDep, query: SignalQueryDep, export: ExportDep = None,
                 table: TableDep = None) -> Response:
    report, problem = None, None
    try:
        report, _ = cached_result(con, snapshot, computer, "signals", query,
                                  compute_on_miss=settings.api_compute_on_miss)
    except ApiError as e:
        problem = e.message
    signals = list(report.signals) if report else []
    rows = [s.model_dump(mode="json") for s in signals]
    columns = [("kind", "type"), ("test", "test"), ("rome_code", "métier"), ("skill_label", "compétence"),
               ("rate_ratio_per_year", "rapport de taux par an"), ("rate_ratio_ci_low", "IC bas"),
               ("rate_ratio_ci_high", "IC haut"), ("p_value", "p"), ("q_value", "q (BH)"),
               ("n_ads_with_skill", "offres avec la compétence"), ("n_ads", "offres"),
               ("first_rate", "taux début"), ("last_rate", "taux fin")]
    tables = {"signaux": Table("signaux", "Signaux", columns, rows)}
    if (response := export_or(tables, export, table, filename="signaux")) is not None:
        return response
    shown = sorted(signals, key=lambda s: s.q_value)[:MAX_CHARTS]
    series = signal_series(con, query, shown) if shown else {}
    return render(request, "signals.html", query=query, report=report, problem=problem, signals=signals,
                  shown=shown, series=series, tables=tables, choices=filter_values(con, snapshot))


@router.get("/certifications/{rncp_code}", name="web_certification")
def certification_page(request: Request, con: ConDep, snapshot: SnapshotDep, computer: ComputerDep,
                       settings: SettingsDep, query: WatchQueryDep, export: ExportDep = None,
                       table: TableDep = None) -> Response:
    cert = certification(con, snapshot, query.rncp_code)
    watch, problem = None, None
    try:
        watch, _ = cached_result(con, snapshot, computer, "watch", query, compute_on_miss=settings.api_compute_on_miss)
    except ApiError as e:
        problem = e.message
    block_codes = {b.block_code for b in cert.blocks}
    items_by_block: dict[str, list] = {}
    for item in (watch.items if watch else []):
        items_by_block.setdefault(item.block_code, []).append(item)
    nearby: dict[str, list[dict]] = {}
    missing_reports = []
    reports = cached_gaps_many(con, snapshot, computer, [
        GapQuery(rome_code=occ.rome_code, region_code=query.region_code, date_from=query.date_from,
                 date_to=query.date_to, **query.ad_attributes()) for occ in cert.occupations])
    for occ, report in zip(cert.occupations, reports, strict=True):
        if report is None:
            missing_reports.append(occ)
            continue
        for s in report.skills:
            if s.coverage.block_code in block_codes and s.coverage.status.value != "covered":
                nearby.setdefault(s.coverage.block_code or "", []).append(
                    {"rome_code": occ.rome_code, "skill_label": s.skill_label, "share": s.share,
                     "share_low": s.share_low, "share_high": s.share_high, "status": s.coverage.status.value,
                     "score": s.coverage.score})
    item_rows = [{"block_code": i.block_code, "item_label": i.item_label, "item_source": i.item_source,
                  "share": i.share, "share_ci_low": i.share_ci_low, "share_ci_high": i.share_ci_high,
                  "status": i.status, "matched": i.matched_skill_labels} for i in (watch.items if watch else [])]
    near_rows = [{"block_code": code, **row} for code, rows in sorted(nearby.items()) for row in rows]
    for row in near_rows:
        row["status"] = STATUS_LABELS.get(row["status"], row["status"])
    tables = {
        "demande": Table("demande", "Demande par compétence de bloc",
                         [("block_code", "bloc"), ("item_label", "compétence du bloc"), ("item_source", "source"),
                          ("share", "part des offres"), ("share_ci_low", "IC bas"), ("share_ci_high", "IC haut"),
                          ("status", "statut"), ("matched", "compétences demandées rapprochées")], item_rows),
        "proche": Table("proche", "Demande proche non couverte",
                        [("block_code", "bloc le plus proche"), ("rome_code", "métier"), ("skill_label", "compétence"),
                         ("share", "part des offres"), ("status", "couverture"), ("score", "similarité")], near_rows)}
    if (response := export_or(tables, export, table, filename=f"certification-{query.rncp_code}")) is not None:
        return response
    return render(request, "certification.html", cert=cert, query=query, watch=watch, problem=problem,
                  items_by_block=items_by_block, nearby=nearby, missing_reports=missing_reports, tables=tables)
