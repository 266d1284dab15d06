"""``/occupations``: search ROME 4.0 fiches, a fiche, its skills, its gaps and candidate modules."""

from __future__ import annotations

import json
import unicodedata
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.compute import cached_result, gap_params
from api.deps import (
    ComputerDep,
    ConDep,
    FiltersDep,
    FormatDep,
    PageDep,
    ReadAccess,
    RomeCodeDep,
    SettingsDep,
    SnapshotDep,
)
from api.errors import ERROR_RESPONSES
from api.models import (
    CertificationSummary,
    GapPage,
    ModulesResult,
    Occupation,
    OccupationSkill,
    OccupationSummary,
    Page,
)
from api.output import CSV_RESPONSE_DOC, csv_response
from referentials import queries

router = APIRouter(prefix="/occupations", tags=["occupations"], dependencies=[ReadAccess], responses=ERROR_RESPONSES)
AllActive = Annotated[bool, Query(description="toutes les certifications actives, pas seulement celles liées")]


def normalise(text: str) -> str:
    """Lower case without accents (the search is accent-insensitive).

    >>> normalise("Développeur  Électronique")
    'developpeur  electronique'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _terms(q: str | None) -> list[str]:
    return [t for t in "".join(c if c.isalnum() else " " for c in normalise(q or "")).split() if t]


@router.get("", response_model=Page[OccupationSummary], responses={200: CSV_RESPONSE_DOC})
def search_occupations(con: ConDep, page: PageDep, fmt: FormatDep,
                       q: Annotated[str | None, Query(max_length=200, description="mots du libellé ou d'une "
                                                      "appellation, ou code ROME (sans accents possible)",
                                                      examples=["developpeur web"])] = None):
    """Fiches ROME dont le libellé ou une appellation contient tous les mots de ``q`` \
(sans tenir compte des accents)."""
    terms = _terms(q)
    rome = queries.current("rome")
    where = " AND ".join(["contains(norm, ?)"] * len(terms)) or "true"
    sql = f"""
        WITH names AS (
            SELECT rome_code, label AS matched, 0 AS is_appellation, strip_accents(lower(label)) AS norm
            FROM core_rome__occupations WHERE version_id = {rome}
            UNION ALL
            SELECT rome_code, label, 1, strip_accents(lower(label))
            FROM core_rome__appellations WHERE version_id = {rome}
            UNION ALL
            SELECT rome_code, rome_code, 0, lower(rome_code) FROM core_rome__occupations WHERE version_id = {rome}),
        hits AS (SELECT rome_code, arg_min(matched, is_appellation * 1000 + length(matched)) AS matched_label,
                        min(is_appellation) AS rank_kind, count(*) AS n_hits
                 FROM names WHERE {where} GROUP BY rome_code)
        SELECT o.rome_code, o.label, o.domain_label, h.matched_label, count(*) OVER () AS total
        FROM hits h JOIN core_rome__occupations o ON o.rome_code = h.rome_code AND o.version_id = {rome}
        ORDER BY h.rank_kind, h.n_hits DESC, o.rome_code"""
    rows = con.execute(f"{sql} LIMIT ? OFFSET ?", [*terms, page.limit, page.offset]).fetchall()
    if rows:
        total = rows[0][4]
    else:
        counted = con.execute(f"SELECT count(*) FROM ({sql})", terms).fetchone()
        assert counted is not None  # count(*) always returns one row
        total = counted[0]
    items = [OccupationSummary(rome_code=r[0], label=r[1], domain_label=r[2], matched_label=r[3]) for r in rows]
    if fmt == "csv":
        return csv_response([i.model_dump() for i in items], filename="occupations")
    return Page[OccupationSummary](total=total, limit=page.limit, offset=page.offset, items=items)


def certification_summaries(con, rome_code: str) -> list[CertificationSummary]:
    certs = queries.certifications_for_rome(con, rome_code)
    return [CertificationSummary(rncp_code=r.rncp_code, title=_none(r.title), level=_none(r.level, int),
                                 is_active=_none(r.is_active, bool), link=r.link) for r in certs.itertuples()]


def _none(value, cast=None):
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    return cast(value) if cast else value


@router.get("/{rome_code}", response_model=Occupation)
def get_occupation(con: ConDep, rome_code: RomeCodeDep) -> Occupation:
    """Une fiche ROME 4.0 : libellé, appellations, certifications RNCP liées, nombre d'offres stockées."""
    fiche = queries.occupation(con, rome_code)
    assert fiche is not None  # ``RomeCodeDep`` answers 404 for an unknown code
    counted = con.execute("SELECT count(*) FROM core_ads__job_ads WHERE rome_code = ?", [rome_code]).fetchone()
    assert counted is not None  # count(*) always returns one row
    return Occupation(**fiche, n_ads=counted[0], certifications=certification_summaries(con, rome_code))


@router.get("/{rome_code}/skills", response_model=Page[OccupationSkill], responses={200: CSV_RESPONSE_DOC})
def occupation_skills(con: ConDep, rome_code: RomeCodeDep, page: PageDep, fmt: FormatDep,
                      source: Annotated[Literal["rome", "esco", "all"], Query(description="référentiel")] = "rome"):
    """Compétences de la fiche (ROME : cœur de métier / émergentes ; ESCO : essentielles d'abord)."""
    items: list[OccupationSkill] = []
    if source in ("rome", "all"):
        items += [OccupationSkill(source="rome", skill_code=r.skill_code, label=r.label, kind=_none(r.kind),
                                  is_core=_none(r.is_core, bool), is_emerging=_none(r.is_emerging, bool),
                                  macro_competence_label=_none(r.macro_competence_label))
                  for r in queries.skills_of_occupation(con, rome_code).itertuples()]
    if source in ("esco", "all") and "esco" in queries.current_versions(con):
        items += [OccupationSkill(source="esco", skill_code=r.skill_uri, label=r.label, kind=_none(r.kind),
                                  is_core=_none(r.is_essential, bool))
                  for r in queries.esco_skills_of_occupation(con, rome_code).itertuples()]
    window = items[page.offset : page.offset + page.limit]
    if fmt == "csv":
        return csv_response([i.model_dump() for i in window], filename=f"competences-{rome_code}")
    return Page[OccupationSkill](total=len(items), limit=page.limit, offset=page.offset, items=window)


@router.get("/{rome_code}/gaps", response_model=GapPage, responses={200: CSV_RESPONSE_DOC})
def occupation_gaps(con: ConDep, snapshot: SnapshotDep, computer: ComputerDep, settings: SettingsDep,
                    rome_code: RomeCodeDep, filters: FiltersDep, page: PageDep, fmt: FormatDep,
                    all_active: AllActive = False):
    """Compétences demandées par les offres du métier, non couvertes par les blocs RNCP d'abord.

    Servi depuis le cache (calculé au premier appel, quelques secondes, puis à chaque changement des
    offres, des référentiels ou du modèle). ``items`` : compétences avec part des offres, intervalle
    de Wilson à 95 %, couverture (bloc, score) et offres témoins.
    """
    params = gap_params(rome_code=rome_code, region_code=filters.region_code, date_from=filters.date_from,
                        date_to=filters.date_to, all_active=all_active)
    report, entry = cached_result(con, snapshot, computer, "gaps", params,
                                  compute_on_miss=settings.api_compute_on_miss)
    skills = report.pop("skills")
    window = skills[page.offset : page.offset + page.limit]
    if fmt == "csv":
        from analysis.gaps import gaps_rows
        from models.analysis import GapReport

        return csv_response(gaps_rows(GapReport.model_validate({**report, "skills": window})),
                            filename=f"ecarts-{rome_code}")
    body = {"total": len(skills), "limit": page.limit, "offset": page.offset, "items": window, "report": report,
            "cache": {"computed_at": entry.computed_at.isoformat(), "compute_s": entry.compute_s}}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")


@router.get("/{rome_code}/modules", response_model=ModulesResult, responses={200: CSV_RESPONSE_DOC})
def occupation_modules(con: ConDep, snapshot: SnapshotDep, computer: ComputerDep, settings: SettingsDep,
                       rome_code: RomeCodeDep, filters: FiltersDep, fmt: FormatDep, all_active: AllActive = False):
    """Modules complémentaires candidats : regroupements des compétences non couvertes \
(enregistrés, id stable)."""
    params = gap_params(rome_code=rome_code, region_code=filters.region_code, date_from=filters.date_from,
                        date_to=filters.date_to, all_active=all_active)
    result, entry = cached_result(con, snapshot, computer, "modules", params,
                                  compute_on_miss=settings.api_compute_on_miss)
    if fmt == "csv":
        rows = [{"module_id": m["module_id"], "rome_code": m["rome_code"], "title": m["title"],
                 "n_skills": len(m["skills"]), "skills": [s["skill_label"] for s in m["skills"]],
                 "n_ads": m["n_ads"], "share": m["share"], "share_low": m["share_low"], "share_high": m["share_high"],
                 "complemented_blocks": m["complemented_blocks"], "model_name": m["model_name"]}
                for m in result["modules"]]
        return csv_response(rows, filename=f"modules-{rome_code}")
    body = {**result, "cache": {"computed_at": entry.computed_at.isoformat(), "compute_s": entry.compute_s}}
    return JSONResponse(body)
