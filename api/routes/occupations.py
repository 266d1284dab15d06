"""``/occupations``: search ROME 4.0 fiches, a fiche, its skills, its gaps and candidate modules."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.compute import cached_result
from api.deps import (
    ComputerDep,
    ConDep,
    FormatDep,
    GapQueryDep,
    PageDep,
    ReadAccess,
    RomeCodeDep,
    SettingsDep,
    SnapshotDep,
)
from api.errors import ERROR_RESPONSES
from api.models import (
    CacheInfo,
    CertificationSummary,
    GapPage,
    ModulesResult,
    Occupation,
    OccupationSkill,
    OccupationSummary,
    Page,
)
from api.output import CSV_RESPONSE_DOC, csv_response
from crawler.queries import count_ads
from referentials import queries
from skillgap.text import fold

router = APIRouter(prefix="/occupations", tags=["occupations"], dependencies=[ReadAccess], responses=ERROR_RESPONSES)


def _terms(q: str | None) -> list[str]:
    """The words of a search, folded (``skillgap.text.fold``: the search ignores case, accents and
    ligatures).

    >>> _terms("Manœuvre  BÂTIMENT (H/F)")
    ['manoeuvre', 'batiment', 'h', 'f']
    """
    return "".join(c if c.isalnum() else " " for c in fold(q or "")).split()


@router.get("", response_model=Page[OccupationSummary], responses={200: CSV_RESPONSE_DOC})
def search_occupations(con: ConDep, page: PageDep, fmt: FormatDep,
                       q: Annotated[str | None, Query(max_length=200, description="mots du libellé ou d'une "
                                                      "appellation, ou code ROME (sans accents possible)",
                                                      examples=["developpeur web"])] = None):
    """Fiches ROME dont le libellé ou une appellation contient tous les mots de ``q`` \
(sans tenir compte des accents)."""
    matches, total = queries.search_occupations(con, _terms(q), page.limit, page.offset)
    items = [OccupationSummary(rome_code=m.rome_code, label=m.label, domain_label=m.domain_label,
                               matched_label=m.matched_label) for m in matches]
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
    return Occupation(**fiche, n_ads=count_ads(con, rome_code=rome_code),
                      certifications=certification_summaries(con, rome_code))


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
                    query: GapQueryDep, page: PageDep, fmt: FormatDep):
    """Compétences demandées par les offres du métier, non couvertes par les blocs RNCP d'abord.

    Servi depuis le cache (calculé au premier appel, quelques secondes, puis à chaque changement des
    offres, des référentiels ou du modèle). ``items`` : compétences avec part des offres, intervalle
    de Wilson à 95 %, couverture (bloc, score) et offres témoins.
    """
    report, entry = cached_result(con, snapshot, computer, "gaps", query, compute_on_miss=settings.api_compute_on_miss)
    window = report.skills[page.offset : page.offset + page.limit]
    if fmt == "csv":
        from analysis.gaps import gaps_rows

        return csv_response(gaps_rows(report.model_copy(update={"skills": window})),
                            filename=f"ecarts-{query.rome_code}")
    return GapPage(total=len(report.skills), limit=page.limit, offset=page.offset, items=list(window),
                   report=report.summary(), cache=CacheInfo.of(entry))


@router.get("/{rome_code}/modules", response_model=ModulesResult, responses={200: CSV_RESPONSE_DOC})
def occupation_modules(con: ConDep, snapshot: SnapshotDep, computer: ComputerDep, settings: SettingsDep,
                       query: GapQueryDep, fmt: FormatDep):
    """Modules complémentaires candidats : regroupements des compétences non couvertes \
(enregistrés, id stable)."""
    result, entry = cached_result(con, snapshot, computer, "modules", query,
                                  compute_on_miss=settings.api_compute_on_miss)
    if fmt == "csv":
        rows = [{"module_id": m.module_id, "rome_code": m.rome_code, "title": m.title,
                 "n_skills": len(m.skills), "skills": [s.skill_label for s in m.skills],
                 "n_ads": m.n_ads, "share": m.share, "share_low": m.share_low, "share_high": m.share_high,
                 "complemented_blocks": list(m.complemented_blocks), "model_name": m.model_name}
                for m in result.modules]
        return csv_response(rows, filename=f"modules-{query.rome_code}")
    return ModulesResult(report=result.report.summary(), modules=list(result.modules), cache=CacheInfo.of(entry))
