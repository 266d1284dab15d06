"""Demand series read from the store: the tidy input of ``analysis.signals``.

One row per (period, occupation, skill)::

    period_start: date, rome_code, skill_key, skill_label, n_ads_with_skill, n_ads

- ``n_ads`` is the exposure: distinct ads of the occupation created in the period (ads without a
  creation date are left out and counted in the log).
- An ad's occupation is the NLP prediction (rank 1 / best score) when there is one, else the
  source's ``rome_code`` (``core_ads__job_ads``).
- An ad asks for a skill when the employer ticked it (``core_ads__ticked_skills``, France Travail)
  or when a mention extracted by the NLP stage is linked to it. ``skill_key`` is the linked code
  (ROME OGR code or ESCO URI) or ``phrase:<normalised text>`` for an unlinked mention or a ticked
  label without code. Each ad counts once per skill.

The NLP tables are found by name and columns at run time (``NLP_TABLES``): they are optional, so
a store holding only crawled ads still gives series from the ticked skills.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Literal, TypedDict

import duckdb
import pandas as pd

from skillgap.errors import InsufficientDataError, UserError
from skillgap.store import registered

log = logging.getLogger(__name__)

ADS = "core_ads__job_ads"
TICKED = "core_ads__ticked_skills"
#: expected NLP tables → the columns used (first existing candidate wins)
NLP_TABLES = {
    "mentions": ("core_nlp__mentions", {"mention_id": ["mention_id"], "ad_id": ["ad_id"], "text": ["text"],
                                        "is_linked": ["is_linked"]}),
    "links": ("core_nlp__links", {"mention_id": ["mention_id"], "code": ["skill_code", "skill_uri", "code"],
                                  "rank": ["rank", "link_rank"], "source": ["source"], "score": ["score"]}),
    "occupations": ("core_nlp__occupations", {"ad_id": ["ad_id"], "rome_code": ["rome_code"],
                                              "rank": ["rank", "prediction_rank"],
                                              "score": ["score", "probability"]}),
}

_NORMALISE = "trim(regexp_replace(lower({}), '[\\s]+', ' ', 'g'))"


class SeriesFilters(TypedDict):
    """The filters ``demand_series`` and ``exposure_series`` share (pass the same to both)."""

    period: Literal["week", "month"]
    rome_code: str | list[str] | None
    region_code: str | None
    date_from: date | None
    date_to: date | None


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()
    return {r[0] for r in rows}


def _resolve(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, str] | None:
    """Column names of an NLP table, or None when the table (or a needed column) is absent."""
    table, wanted = NLP_TABLES[kind]
    have = _columns(con, table)
    if not have:
        return None
    out = {"table": table}
    for name, candidates in wanted.items():
        found = next((c for c in candidates if c in have), None)
        if found is None and name not in ("rank", "score", "source", "is_linked"):
            log.warning("table %s sans aucune des colonnes %s : non utilisée", table, candidates)
            return None
        if found:
            out[name] = found
    return out


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None  # count(*) always returns one row
    return row[0]


def _occupation_sql(con: duckdb.DuckDBPyConnection) -> str:
    occ = _resolve(con, "occupations")
    if occ is None:
        return (f"SELECT ad_id, rome_code AS source_rome_code, NULL AS predicted_rome_code, created_at, region_code "
                f"FROM {ADS}")
    order = f"{occ['rank']} ASC" if "rank" in occ else (f"{occ['score']} DESC" if "score" in occ else "1")
    return f"""SELECT a.ad_id, a.rome_code AS source_rome_code, p.predicted_rome_code, a.created_at, a.region_code
               FROM {ADS} a LEFT JOIN (
                 SELECT {occ['ad_id']} AS ad_id, {occ['rome_code']} AS predicted_rome_code,
                        row_number() OVER (PARTITION BY {occ['ad_id']} ORDER BY {order}) AS r
                 FROM {occ['table']}) p ON p.ad_id = a.ad_id AND p.r = 1"""


def asks_sql(con: duckdb.DuckDBPyConnection, *, within: str | None = None) -> str:
    """(ad_id, skill_key, label) for every skill an ad asks for; ``within``: the name of a CTE with an
    ``ad_id`` column, to read only those ads' rows (the best link of each mention is then computed for
    them only, not for the whole store: a gap report on 100k ads spent 0.4 s per occupation on it)."""
    ads_of = f"IN (SELECT ad_id FROM {within})" if within else None
    parts = []
    if _columns(con, TICKED) and _count(con, f"SELECT count(*) FROM {TICKED}"):
        parts.append(f"""SELECT ad_id, coalesce(skill_code, 'phrase:' || {_NORMALISE.format('label')}) AS skill_key,
                                label FROM {TICKED} {f'WHERE ad_id {ads_of}' if ads_of else ''}""")
    m, lk = _resolve(con, "mentions"), _resolve(con, "links")
    if m is not None and _count(con, f"SELECT count(*) FROM {m['table']}"):
        mentions_of = f"{m['ad_id']} {ads_of}" if ads_of else None
        if lk is not None:
            # one skill per mention: its best link, ROME before ESCO (ROME codes are what fiches and
            # certifications speak), only for mentions the NLP stage judged linked (above threshold)
            where = [f"{lk['rank']} = 1"] * ("rank" in lk)
            if mentions_of:
                where.append(f"{lk['mention_id']} IN (SELECT {m['mention_id']} FROM {m['table']} WHERE {mentions_of})")
            prefer = ", ".join([f"{lk['source']} = 'rome'"] * ("source" in lk) + [lk["score"]] * ("score" in lk)) or "1"
            link = f"""LEFT JOIN (SELECT {lk['mention_id']} AS mention_id, arg_max({lk['code']}, row({prefer})) AS code
                       FROM {lk['table']} {'WHERE ' + ' AND '.join(where) if where else ''} GROUP BY 1) l
                       ON l.mention_id = m.{m['mention_id']}"""
            code = f"CASE WHEN m.{m['is_linked']} THEN l.code END" if "is_linked" in m else "l.code"
        else:
            link, code = "", "NULL"
        parts.append(f"""SELECT m.{m['ad_id']} AS ad_id,
                                coalesce({code}, 'phrase:' || {_NORMALISE.format('m.' + m['text'])}) AS skill_key,
                                m.{m['text']} AS label FROM {m['table']} m {link}
                                {f'WHERE m.{mentions_of}' if mentions_of else ''}""")
    if not parts:
        raise InsufficientDataError("aucune compétence demandée dans la base : ni compétences cochées, "
                                    "ni mentions extraites (lancez la collecte puis le traitement NLP)")
    return " UNION ALL ".join(parts)


def ads_cte(con: duckdb.DuckDBPyConnection, period: str, rome_code: str | list[str] | None,
             region_code: str | None, date_from: date | None, date_to: date | None) -> tuple[str, list]:
    if not _columns(con, ADS):
        raise InsufficientDataError("la base ne contient aucune offre (table core_ads__job_ads absente) : "
                                    "lancez la collecte")
    if period not in ("week", "month"):
        raise UserError(f"période inconnue : {period!r} (week ou month)")
    where = ["created_at IS NOT NULL", "rome_code IS NOT NULL"]
    params: list[object] = []
    if region_code:
        where.append("region_code = ?")
        params.append(region_code)
    if date_from:
        where.append("created_at >= ?")
        params.append(pd.Timestamp(date_from).to_pydatetime())
    if date_to:
        where.append("created_at < ?::TIMESTAMP + INTERVAL 1 DAY")
        params.append(pd.Timestamp(date_to).to_pydatetime())
    if isinstance(rome_code, str):
        where.append("rome_code = ?")
        params.append(rome_code)
    elif rome_code is not None:
        where.append("list_contains(?, rome_code)")
        params.append(list(rome_code))
    sql = f"""ads AS (SELECT ad_id, CAST(date_trunc('{period}', created_at) AS DATE) AS period_start, rome_code
                      FROM (SELECT ad_id, coalesce(predicted_rome_code, source_rome_code) AS rome_code, created_at,
                                   region_code FROM ({_occupation_sql(con)}))
                      WHERE {' AND '.join(where)})"""
    return sql, params


def exposure_series(con: duckdb.DuckDBPyConnection, *, period: Literal["week", "month"] = "month",
                    rome_code: str | list[str] | None = None, region_code: str | None = None,
                    date_from: date | None = None, date_to: date | None = None) -> pd.DataFrame:
    """(period_start, rome_code, n_ads): ads per occupation and period."""
    cte, params = ads_cte(con, period, rome_code, region_code, date_from, date_to)
    df = con.execute(f"""WITH {cte} SELECT period_start, rome_code, count(DISTINCT ad_id) AS n_ads
                         FROM ads GROUP BY ALL ORDER BY rome_code, period_start""", params).df()
    df["period_start"] = pd.to_datetime(df["period_start"]).dt.date
    return df


def demand_series(con: duckdb.DuckDBPyConnection, *, period: Literal["week", "month"] = "month",
                  rome_code: str | list[str] | None = None, region_code: str | None = None,
                  date_from: date | None = None, date_to: date | None = None) -> pd.DataFrame:
    """Demand rows (the contract above), sparse: a skill not asked in a period has no row.

    Use ``exposure_series`` with the same filters for the periods where an occupation had ads.
    """
    cte, params = ads_cte(con, period, rome_code, region_code, date_from, date_to)
    n_undated = _count(con, f"SELECT count(*) FROM {ADS} WHERE created_at IS NULL")
    if n_undated:
        log.info("%d ads without creation date left out of the demand series", n_undated)
    labels = ("LEFT JOIN (SELECT skill_code, any_value(label) AS ref_label FROM core_ref__skills GROUP BY 1) r "
              "ON r.skill_code = k.skill_key") if _columns(con, "core_ref__skills") else ""
    ref_label = "r.ref_label" if labels else "NULL"
    df = con.execute(f"""
        WITH {cte},
        exposure AS (SELECT period_start, rome_code, count(DISTINCT ad_id) AS n_ads FROM ads GROUP BY ALL),
        asks AS ({asks_sql(con, within="ads")}),
        k AS (SELECT a.period_start, a.rome_code, s.skill_key, count(DISTINCT a.ad_id) AS n_ads_with_skill,
                     mode(s.label) AS label
              FROM ads a JOIN asks s ON s.ad_id = a.ad_id GROUP BY ALL)
        SELECT k.period_start, k.rome_code, k.skill_key, coalesce({ref_label}, k.label) AS skill_label,
               k.n_ads_with_skill, e.n_ads
        FROM k JOIN exposure e USING (period_start, rome_code) {labels}
        ORDER BY k.rome_code, k.skill_key, k.period_start""", params).df()
    df["period_start"] = pd.to_datetime(df["period_start"]).dt.date
    return df


def item_series(con: duckdb.DuckDBPyConnection, mapping: pd.DataFrame, *, rome_codes: list[str],
                period: Literal["week", "month"] = "month", region_code: str | None = None,
                date_from: date | None = None, date_to: date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Demand for groups of skills (``mapping``: item_key, skill_key) pooled over ``rome_codes``.

    An ad counts once for an item when it asks for any of the item's skills. Returns (rows in the
    demand contract with ``rome_code`` None and ``skill_key`` = item_key, pooled exposure).
    """
    cte, params = ads_cte(con, period, rome_codes, region_code, date_from, date_to)
    exposure = con.execute(f"""WITH {cte} SELECT period_start, NULL AS rome_code, count(DISTINCT ad_id) AS n_ads
                               FROM ads GROUP BY ALL ORDER BY period_start""", params).df()
    with registered(con, "_item_mapping", mapping[["item_key", "skill_key"]]):
        rows = con.execute(f"""
            WITH {cte}, asks AS ({asks_sql(con, within="ads")})
            SELECT a.period_start, NULL AS rome_code, m.item_key AS skill_key, m.item_key AS skill_label,
                   count(DISTINCT a.ad_id) AS n_ads_with_skill
            FROM ads a JOIN asks s ON s.ad_id = a.ad_id JOIN _item_mapping m ON m.skill_key = s.skill_key
            GROUP BY ALL""", params).df()
    for df in (rows, exposure):
        df["period_start"] = pd.to_datetime(df["period_start"]).dt.date
    rows = rows.merge(exposure[["period_start", "n_ads"]], on="period_start")
    return rows, exposure
