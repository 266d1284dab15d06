"""``/ads``: stored job ads (list, one ad with its skill mentions highlighted and linked) and ingestion."""

from __future__ import annotations

from typing import Annotated

import duckdb
from fastapi import APIRouter, Path, Query

from analysis.demand import ads_cte
from api.deps import ConDep, FiltersDep, FormatDep, PageDep, ReadAccess, StateDep, WriteAccess
from api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from api.models import Ad, AdOutcome, AdsCreate, AdsStaged, AdSummary, LinkedSkill, Mention, Page, Segment, TickedSkill
from api.output import CSV_RESPONSE_DOC, csv_response
from referentials import queries
from skillgap.store import scalar

router = APIRouter(prefix="/ads", tags=["ads"], responses=ERROR_RESPONSES)
AdId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$", max_length=200,
                           examples=["france_travail:0106463"], description="identifiant skillgap de l'offre")]
NLP_MENTIONS, NLP_LINKS, NLP_OCCUPATIONS = ("core_nlp__mentions", "core_nlp__links", "core_nlp__occupations")


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN (?, ?, ?)",
                       [NLP_MENTIONS, NLP_LINKS, NLP_OCCUPATIONS]).fetchall()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


@router.get("", response_model=Page[AdSummary], dependencies=[ReadAccess], responses={200: CSV_RESPONSE_DOC})
def list_ads(con: ConDep, filters: FiltersDep, page: PageDep, fmt: FormatDep,
             rome_code: Annotated[str | None, Query(pattern=r"^[A-Za-z][0-9]{4}$", examples=["M1805"])] = None):
    """Offres datées (métier prédit par le NLP, sinon celui de la source ; région ; période), récentes d'abord."""
    code = rome_code.upper() if rome_code else None
    cte, params = ads_cte(con, "month", code, filters.region_code, filters.date_from, filters.date_to)
    rows = con.execute(
        f"""WITH {cte} SELECT j.ad_id, j.title, j.created_at, a.rome_code, j.region_code, j.location_label,
                              j.company_name, count(*) OVER () AS total
            FROM ads a JOIN core_ads__job_ads j USING (ad_id)
            ORDER BY j.created_at DESC, j.ad_id LIMIT ? OFFSET ?""", [*params, page.limit, page.offset]).fetchall()
    if rows:
        total = rows[0][-1]
    else:
        total = scalar(con, f"WITH {cte} SELECT count(*) FROM ads", params)
    keys = ("ad_id", "title", "created_at", "rome_code", "region_code", "location_label", "company_name")
    items = [AdSummary(**dict(zip(keys, r[:-1], strict=True))) for r in rows]
    if fmt == "csv":
        return csv_response([i.model_dump() for i in items], filename="offres")
    return Page[AdSummary](total=total, limit=page.limit, offset=page.offset, items=items)


def _mentions(con: duckdb.DuckDBPyConnection, ad_id: str, tables: dict[str, set[str]]) -> list[Mention]:
    if NLP_MENTIONS not in tables:
        return []
    section = "section" if "section" in tables[NLP_MENTIONS] else "NULL"
    mentions = con.execute(f"""SELECT mention_id, text, start_char, end_char, {section} FROM {NLP_MENTIONS}
                               WHERE ad_id = ? ORDER BY start_char, end_char""", [ad_id]).fetchall()
    links: dict[str, list[LinkedSkill]] = {}
    if NLP_LINKS in tables and mentions:
        have = tables[NLP_LINKS]
        score = "l.score" if "score" in have else "NULL"
        rank = "l.rank" if "rank" in have else "NULL"
        versions = f"({queries.current('rome')}, {queries.current('esco')})"
        for mention_id, code, label, s, r in con.execute(
                f"""SELECT l.mention_id, l.skill_code, any_value(k.label), any_value({score}), any_value({rank})
                    FROM {NLP_LINKS} l JOIN {NLP_MENTIONS} m ON m.mention_id = l.mention_id AND m.ad_id = ?
                    LEFT JOIN core_ref__skills k ON k.skill_code = l.skill_code AND k.version_id IN {versions}
                    GROUP BY 1, 2 ORDER BY 1, 5 NULLS LAST""", [ad_id]).fetchall():
            links.setdefault(mention_id, []).append(LinkedSkill(skill_code=code, label=label, score=s, rank=r))
    return [Mention(mention_id=m[0], text=m[1], start_char=m[2], end_char=m[3], section=m[4],
                    links=links.get(m[0], [])) for m in mentions]


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
    row = con.execute("""SELECT ad_id, title, description, created_at, company_name, rome_code, rome_label,
                                region_code, location_label, contract_type_code
                         FROM core_ads__job_ads WHERE ad_id = ?""", [ad_id]).fetchone()
    if row is None:
        raise ApiError(404, f"offre inconnue : {ad_id}")
    ad = dict(zip(("ad_id", "title", "description", "created_at", "company_name", "rome_code", "rome_label",
                   "region_code", "location_label", "contract_type_code"), row, strict=True))
    ticked = [TickedSkill(skill_code=r[0], label=r[1], requirement=r[2]) for r in con.execute(
        "SELECT skill_code, label, requirement FROM core_ads__ticked_skills WHERE ad_id = ? ORDER BY position",
        [ad_id]).fetchall()]
    tables = _tables(con)
    mentions = _mentions(con, ad_id, tables)
    predicted = None
    if NLP_OCCUPATIONS in tables:
        order = "ORDER BY rank" if "rank" in tables[NLP_OCCUPATIONS] else "ORDER BY score DESC"
        hit = con.execute(f"SELECT rome_code FROM {NLP_OCCUPATIONS} WHERE ad_id = ? {order} LIMIT 1",
                          [ad_id]).fetchone()
        predicted = hit[0] if hit else None
    is_processed = bool(mentions) or predicted is not None
    return Ad(**ad, predicted_rome_code=predicted, ticked_skills=ticked, mentions=mentions,
              segments=segments(ad["description"], mentions), is_processed=is_processed)


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
