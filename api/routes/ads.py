"""``/ads``: stored job ads (list, one ad with its skill mentions highlighted and linked) and ingestion."""

from __future__ import annotations

from typing import Annotated

import duckdb
from fastapi import APIRouter, Path, Query

from api.deps import ConDep, FiltersDep, FormatDep, PageDep, ReadAccess, StateDep, WriteAccess
from api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from api.models import Ad, AdOutcome, AdsCreate, AdsStaged, AdSummary, LinkedSkill, Mention, Page, Segment, TickedSkill
from api.output import CSV_RESPONSE_DOC, csv_response
from crawler import queries as ad_queries
from models.queries import AdFilter
from nlp import queries as nlp_queries
from referentials import queries

router = APIRouter(prefix="/ads", tags=["ads"], responses=ERROR_RESPONSES)
AdId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$", max_length=200,
                           examples=["france_travail:0106463"], description="identifiant skillgap de l'offre")]


@router.get("", response_model=Page[AdSummary], dependencies=[ReadAccess], responses={200: CSV_RESPONSE_DOC})
def list_ads(con: ConDep, filters: FiltersDep, page: PageDep, fmt: FormatDep,
             rome_code: Annotated[str | None, Query(pattern=r"^[A-Za-z][0-9]{4}$", examples=["M1805"])] = None):
    """Offres datées (métier prédit par le NLP, sinon celui de la source ; région, département, contrat,
    secteur NAF ; période), récentes d'abord."""
    f = AdFilter(rome_codes=(rome_code,) if rome_code else None, region_code=filters.region_code,
                 date_from=filters.date_from, date_to=filters.date_to, **filters.ad_attributes())
    ads = nlp_queries.ads(con, f).to_pandas()
    total = len(ads)
    ads = ads.sort_values(["created_at", "ad_id"], ascending=[False, True], kind="stable")
    ads = ads.iloc[page.offset : page.offset + page.limit]
    details = ad_queries.ad_summaries(con, ads["ad_id"].tolist()).set_index("ad_id")
    items = [AdSummary(ad_id=r.ad_id, title=details.at[r.ad_id, "title"], created_at=r.created_at.to_pydatetime(),
                       rome_code=r.rome_code, region_code=_text(r.region_code),
                       location_label=_text(details.at[r.ad_id, "location_label"]),
                       company_name=_text(details.at[r.ad_id, "company_name"]))
             for r in ads.itertuples()]
    if fmt == "csv":
        return csv_response([i.model_dump() for i in items], filename="offres")
    return Page[AdSummary](total=total, limit=page.limit, offset=page.offset, items=items)


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def _mentions(con: duckdb.DuckDBPyConnection, ad_id: str) -> list[Mention]:
    mentions = nlp_queries.mentions_of_ad(con, ad_id).to_pylist()
    links: dict[str, list[LinkedSkill]] = {}
    if mentions:
        rows = nlp_queries.links_of_ad(con, ad_id).to_pylist()
        labels = queries.current_skill_labels(con, [r["skill_code"] for r in rows])
        for r in rows:
            links.setdefault(r["mention_id"], []).append(LinkedSkill(
                skill_code=r["skill_code"], label=labels.get(r["skill_code"]), score=r["score"], rank=r["rank"]))
    return [Mention(**m, links=links.get(m["mention_id"], [])) for m in mentions]


def segments(description: str, mentions: list[Mention]) -> list[Segment]:
    """The description cut at the mentions (overlapping mentions: the first one wins).

    >>> [s.mention_id for s in segments("Savoir coder en Python.", [Mention(mention_id="m1", text="Python",
    ...     start_char=16, end_char=22)])]
    [None, 'm1', None]
    """
    out, pos = [], 0
    for m in sorted(mentions, key=lambda m: (m.start_char, m.end_char)):
        if m.start_char < pos or m.end_char > len(description) or m.end_char <= m.start_char:
            continue
        if m.start_char > pos:
            out.append(Segment(text=description[pos : m.start_char]))
        out.append(Segment(text=description[m.start_char : m.end_char], mention_id=m.mention_id))
        pos = m.end_char
    if pos < len(description):
        out.append(Segment(text=description[pos:]))
    return out


@router.get("/{ad_id}", response_model=Ad, dependencies=[ReadAccess])
def get_ad(con: ConDep, ad_id: AdId) -> Ad:
    """Une offre avec ses compétences : cochées par l'employeur, et mentions trouvées par le NLP (positions, liens)."""
    ad = ad_queries.ad(con, ad_id)
    if ad is None:
        raise ApiError(404, f"offre inconnue : {ad_id}")
    ticked = [TickedSkill(**t.model_dump()) for t in ad_queries.ticked_skills(con, ad_id)]
    mentions = _mentions(con, ad_id)
    predicted = nlp_queries.predicted_occupation(con, ad_id)
    is_processed = bool(mentions) or predicted is not None
    return Ad(**ad.model_dump(), predicted_rome_code=predicted, ticked_skills=ticked, mentions=mentions,
              segments=segments(ad.description, mentions), is_processed=is_processed)


@router.post("", response_model=AdsStaged, status_code=202,
             responses={401: {"model": ErrorResponse, "description": "clé d'API absente ou invalide"}})
def create_ads(body: AdsCreate, state: StateDep, key_id: WriteAccess) -> AdsStaged:
    """Reçoit une ou plusieurs offres (objets de l'API France Travail ou JobPosting schema.org) pour le prochain lot.

    Chaque offre lisible est mise en attente (``staged`` + ``staging_id``), les autres sont écartées avec
    leur raison (``dropped``). Le service n'écrit jamais le magasin pendant que le lot tourne : le lot
    (``skillgap ingest --staged``, lancé en tête de ``skillgap weekly``) les fait passer par les étapes de
    la collecte (validation, nettoyage, dédoublonnage, stockage) et publie le magasin ;
    ``GET /ads/staged/{staging_id}`` dit alors ce qu'est devenue l'offre (stored, duplicate, updated,
    unchanged, dropped + raison, avec son ``ad_id``). Le NLP suit avec ``skillgap process``.
    """
    from api.ingest import stage_records

    return stage_records(body.ads, state=state, key_id=key_id)


@router.get("/staged/{staging_id}", response_model=AdOutcome, dependencies=[ReadAccess])
def staged_ad(state: StateDep, staging_id: Annotated[int, Path(ge=1, le=2**62)]) -> AdOutcome:
    """Ce qu'est devenue une offre reçue par POST /ads (``staged`` tant que le lot ne l'a pas importée)."""
    from api.ingest import staged_outcome

    outcome = staged_outcome(state, staging_id)
    if outcome is None:
        raise ApiError(404, f"offre en attente inconnue : {staging_id}")
    return outcome
