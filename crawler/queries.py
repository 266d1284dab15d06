"""Reads of the tables this package owns (``core_ads__*``, see ``crawler/schema.py``).

The only module outside ``crawler/`` code may call to read stored ads: every other package goes
through these functions (typed results, typed filters), never through SQL of its own against
``core_ads__*`` (``tests/unit/test_table_ownership.py`` checks it). Renaming a column here is a
change of this module, visible to mypy at every call site.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from models.jobad import StoredAd, TickedSkill
from skillgap.store import first_row, registered, scalar

#: the columns of ``core_ads__job_ads`` that ``ad`` returns (a ``StoredAd``)
_AD_COLUMNS = tuple(StoredAd.model_fields)


def count_ads(con: duckdb.DuckDBPyConnection, *, rome_code: str | None = None) -> int:
    """Stored canonical ads (of the source's ROME code ``rome_code`` when given)."""
    if rome_code is None:
        return int(scalar(con, "SELECT count(*) FROM core_ads__job_ads"))
    return int(scalar(con, "SELECT count(*) FROM core_ads__job_ads WHERE rome_code = ?", [rome_code]))


def count_undated(con: duckdb.DuckDBPyConnection) -> int:
    """Stored ads without a creation date (left out of every dated analysis)."""
    return int(scalar(con, "SELECT count(*) FROM core_ads__job_ads WHERE created_at IS NULL"))


def has_ticked_skills(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any stored ad carries skills ticked by its employer."""
    return bool(scalar(con, "SELECT EXISTS (SELECT 1 FROM core_ads__ticked_skills)"))


def source_rome_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Distinct ROME codes the sources gave to the stored ads, sorted."""
    rows = con.execute("SELECT DISTINCT rome_code FROM core_ads__job_ads WHERE rome_code IS NOT NULL ORDER BY 1")
    return [r[0] for r in rows.fetchall()]


def newest_created_at(con: duckdb.DuckDBPyConnection) -> date | None:
    """Creation date of the most recent stored ad (None when no ad is dated)."""
    newest = scalar(con, "SELECT max(created_at) FROM core_ads__job_ads")
    return None if newest is None else pd.Timestamp(newest).date()


def ad_ids_in_arrival_order(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every stored ad id, oldest first (first seen, then id): the order of ``skillgap process``."""
    return [r[0] for r in con.execute("SELECT ad_id FROM core_ads__job_ads ORDER BY first_seen_at, ad_id").fetchall()]


def ad_texts(con: duckdb.DuckDBPyConnection, ad_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """(ad_id, title, description) of ``ad_ids``, in the order given (unknown ids are left out)."""
    if not ad_ids:
        return []
    ids = pa.table({"ad_id": pa.array(list(ad_ids), pa.string()), "_pos": pa.array(range(len(ad_ids)), pa.int64())})
    with registered(con, "_crawler_ids", ids):
        rows = con.execute("""SELECT j.ad_id, j.title, j.description FROM _crawler_ids i
                              JOIN core_ads__job_ads j USING (ad_id) ORDER BY i._pos""").fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def descriptions(con: duckdb.DuckDBPyConnection, ad_ids: Sequence[str]) -> dict[str, str]:
    """ad_id → description for ``ad_ids`` (unknown ids are absent)."""
    if not ad_ids:
        return {}
    with registered(con, "_crawler_ids", pa.table({"ad_id": pa.array(list(ad_ids), pa.string())})):
        rows = con.execute("""SELECT ad_id, description FROM core_ads__job_ads
                              WHERE ad_id IN (SELECT ad_id FROM _crawler_ids)""").fetchall()
    return {r[0]: r[1] for r in rows}


def iter_descriptions(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """Every stored description, in ad id order (a deterministic corpus)."""
    cursor = con.execute("SELECT description FROM core_ads__job_ads ORDER BY ad_id")
    while batch := cursor.fetchmany(1024):
        for (description,) in batch:
            yield description


def ad(con: duckdb.DuckDBPyConnection, ad_id: str) -> StoredAd | None:
    """One stored ad (None when unknown)."""
    row = first_row(con, f"SELECT {', '.join(_AD_COLUMNS)} FROM core_ads__job_ads WHERE ad_id = ?", [ad_id])
    return None if row is None else StoredAd(**dict(zip(_AD_COLUMNS, row, strict=True)))


def ad_summaries(con: duckdb.DuckDBPyConnection, ad_ids: Sequence[str]) -> pd.DataFrame:
    """(ad_id, title, location_label, company_name) of ``ad_ids``, in the order given."""
    if not ad_ids:
        return pd.DataFrame(columns=["ad_id", "title", "location_label", "company_name"])
    ids = pa.table({"ad_id": pa.array(list(ad_ids), pa.string()), "_pos": pa.array(range(len(ad_ids)), pa.int64())})
    with registered(con, "_crawler_ids", ids):
        return con.execute("""SELECT j.ad_id, j.title, j.location_label, j.company_name FROM _crawler_ids i
                              JOIN core_ads__job_ads j USING (ad_id) ORDER BY i._pos""").df()


#: the ad attributes an analysis can filter on (``models.queries.AdFilter``)
FILTER_ATTRIBUTES = ("department_code", "contract_type_code", "naf_code")


def filter_values(con: duckdb.DuckDBPyConnection,
                  ad_ids: Sequence[str] | None = None) -> dict[str, list[tuple[str, str | None]]]:
    """Distinct département, contract type and NAF codes of ``ad_ids`` (every stored ad when None),
    each sorted by code with a label where the ad carries one (the NAF code's ``sector_label``,
    the most frequent one; None for the others). An attribute no ad carries has an empty list.
    """
    if ad_ids is not None and not ad_ids:
        return {name: [] for name in FILTER_ATTRIBUTES}
    select = """SELECT 'department_code' AS attr, department_code AS code, NULL::VARCHAR AS label FROM {src}
                  WHERE department_code IS NOT NULL GROUP BY 2
                UNION ALL SELECT 'contract_type_code', contract_type_code, NULL FROM {src}
                  WHERE contract_type_code IS NOT NULL GROUP BY 2
                UNION ALL SELECT 'naf_code', naf_code, mode(sector_label) FROM {src}
                  WHERE naf_code IS NOT NULL GROUP BY 2
                ORDER BY 1, 2"""
    if ad_ids is None:
        rows = con.execute(select.format(src="core_ads__job_ads")).fetchall()
    else:
        ids = pa.table({"ad_id": pa.array(list(ad_ids), pa.string())})
        with registered(con, "_crawler_ids", ids):
            src = "(SELECT * FROM core_ads__job_ads WHERE ad_id IN (SELECT ad_id FROM _crawler_ids))"
            rows = con.execute(select.format(src=src)).fetchall()
    out: dict[str, list[tuple[str, str | None]]] = {name: [] for name in FILTER_ATTRIBUTES}
    for attr, code, label in rows:
        out[attr].append((code, label))
    return out


def ticked_skills(con: duckdb.DuckDBPyConnection, ad_id: str) -> list[TickedSkill]:
    """The skills the employer ticked on one ad, in the order of the ad."""
    rows = con.execute("SELECT skill_code, label, requirement FROM core_ads__ticked_skills WHERE ad_id = ? "
                       "ORDER BY position", [ad_id]).fetchall()
    return [TickedSkill(skill_code=r[0], label=r[1], requirement=r[2]) for r in rows]


def first_sources(con: duckdb.DuckDBPyConnection, ad_ids: Sequence[str]) -> dict[str, str]:
    """ad_id → the first (alphabetical) source that published it, for ``ad_ids``."""
    if not ad_ids:
        return {}
    with registered(con, "_crawler_ids", pa.table({"ad_id": pa.array(list(ad_ids), pa.string())})):
        rows = con.execute("""SELECT s.ad_id, min(s.source) FROM core_ads__ad_sources s
                              WHERE s.ad_id IN (SELECT ad_id FROM _crawler_ids) GROUP BY 1""").fetchall()
    return {r[0]: r[1] for r in rows}


def fingerprint_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    """(table, row count, order-independent hash of the rows) of what the analyses read from the ads:
    id, content hash, source occupation, region and date of each ad, and the ticked skills."""
    rows = con.execute(
        """SELECT 'core_ads__job_ads' AS t, count(*) AS n,
                  coalesce(bit_xor(hash(ad_id, content_hash, rome_code, region_code, created_at)), 0) AS h
           FROM core_ads__job_ads
           UNION ALL
           SELECT 'core_ads__ticked_skills', count(*), coalesce(bit_xor(hash(ad_id, position, skill_code, label)), 0)
           FROM core_ads__ticked_skills
           ORDER BY t""").fetchall()
    return [(r[0], int(r[1]), int(r[2])) for r in rows]


def export_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    """Every stored ad for the Parquet exchange layout (``scale/``), keyed by dataset name
    (``crawler.schema.DATASETS``): ``ads`` (the columns of ``core_ads__job_ads`` plus ``source``, the
    first source, alphabetical, that published the ad), ``ad_sources`` and ``ticked_skills`` (their
    columns as stored). The near-duplicate fingerprints stay in the store."""
    ads = con.sql("""SELECT j.*, s.source FROM core_ads__job_ads j LEFT JOIN (
                         SELECT ad_id, min(source) AS source FROM core_ads__ad_sources GROUP BY 1) s USING (ad_id)
                     ORDER BY j.ad_id""").to_arrow_table()
    return {
        "ads": ads,
        "ad_sources": con.sql("SELECT * FROM core_ads__ad_sources ORDER BY source, source_key").to_arrow_table(),
        "ticked_skills": con.sql("SELECT * FROM core_ads__ticked_skills ORDER BY ad_id, position").to_arrow_table(),
    }
