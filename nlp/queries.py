"""Reads of what this package owns: its tables (``core_nlp__*``, see ``nlp/schema.py``) and the
views it derives from the ads (``nlp/views.py``: the occupation of an ad, the skills it asks).

The only way other packages read them (``tests/unit/test_table_ownership.py`` checks that no
SQL outside ``nlp/`` names them). Ad sets are chosen with a typed ``AdFilter``; results are
Arrow tables with the columns each function documents.
"""

from __future__ import annotations

from datetime import datetime, time

import duckdb
import pyarrow as pa

from crawler import queries as ad_queries
from models.queries import AdFilter, Period
from nlp.views import asked_skills_sql
from skillgap.errors import InsufficientDataError, UserError
from skillgap.store import first_row, scalar


def _where(f: AdFilter) -> tuple[str, list[object]]:
    where = ["created_at IS NOT NULL", "rome_code IS NOT NULL"]
    params: list[object] = []
    if f.region_code:
        where.append("region_code = ?")
        params.append(f.region_code)
    if f.department_code:
        where.append("department_code = ?")
        params.append(f.department_code)
    if f.contract_type_code:
        where.append("contract_type_code = ?")
        params.append(f.contract_type_code)
    if f.naf_code:
        # a code or its first characters, dots ignored on both sides (62.01Z, 6201Z and 62 all match)
        where.append("starts_with(replace(naf_code, '.', ''), ?)")
        params.append(f.naf_code.replace(".", ""))
    if f.date_from:
        where.append("created_at >= ?")
        params.append(datetime.combine(f.date_from, time()))
    if f.date_to:
        where.append("created_at < ?::TIMESTAMP + INTERVAL 1 DAY")
        params.append(datetime.combine(f.date_to, time()))
    if f.rome_codes is not None and len(f.rome_codes) == 1:
        where.append("rome_code = ?")
        params.append(f.rome_codes[0])
    elif f.rome_codes is not None:
        where.append("list_contains(?, rome_code)")
        params.append(list(f.rome_codes))
    return " AND ".join(where), params


def _ads_cte(f: AdFilter, period: Period | None) -> tuple[str, list[object]]:
    if period not in (None, "week", "month"):
        raise UserError(f"période inconnue : {period!r} (week ou month)")
    where, params = _where(f)
    start = f", CAST(date_trunc('{period}', created_at) AS DATE) AS period_start" if period else ""
    return (f"ads AS (SELECT ad_id, created_at, rome_code, region_code{start} FROM core_nlp__ad_occupations "
            f"WHERE {where})"), params


def ads(con: duckdb.DuckDBPyConnection, f: AdFilter, *, period: Period | None = None) -> pa.Table:
    """Dated ads of the filter with their analysis occupation, oldest first (then id).

    Columns: ``ad_id, created_at, rome_code, region_code`` and, with ``period``, ``period_start``
    (the first day of the ad's week — ISO, Monday — or month).
    """
    cte, params = _ads_cte(f, period)
    return con.sql(f"WITH {cte} SELECT * FROM ads ORDER BY created_at, ad_id", params=params).to_arrow_table()


def count_ads(con: duckdb.DuckDBPyConnection, f: AdFilter) -> int:
    """Number of dated ads of the filter."""
    cte, params = _ads_cte(f, None)
    return int(scalar(con, f"WITH {cte} SELECT count(*) FROM ads", params))


def has_asked_skills(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds any skill asked: a ticked skill or an extracted mention (checked on
    the tables, not on the view: the view's best-link aggregation would run over the whole store)."""
    return ad_queries.has_ticked_skills(con) or bool(scalar(con, "SELECT EXISTS (SELECT 1 FROM core_nlp__mentions)"))


def asked_skills(con: duckdb.DuckDBPyConnection, f: AdFilter, *, period: Period | None = None) -> pa.Table:
    """Skills asked by the dated ads of the filter: one row per occurrence (an ad wording a skill
    twice gives two rows; ``DISTINCT`` them for sets).

    Columns: ``ad_id, rome_code, skill_key, label`` (``rome_code``: the ad's analysis
    occupation) and, with ``period``, ``period_start``.
    Raises ``InsufficientDataError`` when the store holds no skill asked at all (neither ticked
    skills nor extracted mentions: collect, then run the NLP stage).
    """
    if not has_asked_skills(con):
        raise InsufficientDataError("aucune compétence demandée dans la base : ni compétences cochées, "
                                    "ni mentions extraites (lancez la collecte puis le traitement NLP)")
    cte, params = _ads_cte(f, period)
    start = ", a.period_start" if period else ""
    return con.sql(f"""WITH {cte}, asks AS ({asked_skills_sql(within="ads")})
                           SELECT s.ad_id, a.rome_code, s.skill_key, s.label{start}
                           FROM asks s JOIN ads a USING (ad_id)""", params=params).to_arrow_table()


def predicted_occupation(con: duckdb.DuckDBPyConnection, ad_id: str) -> str | None:
    """The ROME code the NLP stage predicted for an ad (None when not processed)."""
    row = first_row(con, "SELECT predicted_rome_code FROM core_nlp__ad_occupations WHERE ad_id = ?", [ad_id])
    return None if row is None else row[0]


def mentions_of_ad(con: duckdb.DuckDBPyConnection, ad_id: str) -> pa.Table:
    """The skill mentions of one ad, in text order: ``mention_id, text, start_char, end_char, section``."""
    return con.sql("""SELECT mention_id, text, start_char, end_char, section FROM core_nlp__mentions
                          WHERE ad_id = ? ORDER BY start_char, end_char""", params=[ad_id]).to_arrow_table()


def links_of_ad(con: duckdb.DuckDBPyConnection, ad_id: str) -> pa.Table:
    """The links of one ad's mentions, best first: ``mention_id, skill_code, score, rank``
    (one row per mention and code: its best-ranked link)."""
    return con.sql("""SELECT l.mention_id, l.skill_code, arg_min(l.score, l.rank) AS score, min(l.rank) AS rank
                          FROM core_nlp__links l JOIN core_nlp__mentions m
                            ON m.mention_id = l.mention_id AND m.ad_id = ?
                          GROUP BY 1, 2 ORDER BY 1, 4 NULLS LAST""", params=[ad_id]).to_arrow_table()


def fingerprint_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    """(table, row count, order-independent hash of the rows) of what the analyses read from the
    NLP stage: mentions, links and occupation predictions, with the model that produced them."""
    rows = con.execute(
        """SELECT 'core_nlp__links' AS t, count(*), coalesce(bit_xor(hash(mention_id, skill_code, rank, score,
                  model_name)), 0) FROM core_nlp__links
           UNION ALL SELECT 'core_nlp__mentions', count(*), coalesce(bit_xor(hash(mention_id, ad_id, text, is_linked,
                  model_name)), 0) FROM core_nlp__mentions
           UNION ALL SELECT 'core_nlp__occupations', count(*), coalesce(bit_xor(hash(ad_id, rome_code, score,
                  model_name)), 0) FROM core_nlp__occupations
           ORDER BY t""").fetchall()
    return [(r[0], int(r[1]), int(r[2])) for r in rows]


def occupations_of_ads(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Distinct analysis occupations of the stored ads (dated or not), sorted."""
    rows = con.execute("SELECT DISTINCT rome_code FROM core_nlp__ad_occupations WHERE rome_code IS NOT NULL "
                       "ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def export_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    """Every NLP row for the Parquet exchange layout (``scale/``), keyed by dataset name
    (``nlp.schema.DATASETS``: processed_ads, mentions, links, occupations), columns as stored
    (``thresholds`` as text)."""
    from nlp.schema import COLUMNS, DATASETS

    out = {}
    for name, table in DATASETS.items():
        columns = ", ".join("thresholds::VARCHAR AS thresholds" if c == "thresholds" else c
                            for c in COLUMNS[table].names)
        out[name] = con.sql(f"SELECT {columns} FROM {table} ORDER BY ad_id").to_arrow_table()
    return out
