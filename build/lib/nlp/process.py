"""``skillgap process``: run the NLP stage over the stored ads, in batches, and store the results."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from models.nlp import ProcessedAd
from nlp.engine import AdText, NlpEngine
from nlp.schema import TABLES
from skillgap.store import registered, transaction


def ads_to_process(con: duckdb.DuckDBPyConnection, *, reprocess: bool, limit: int | None = None) -> list[AdText]:
    """Stored ads without NLP rows (all of them with ``reprocess``), oldest first."""
    where = "" if reprocess else "WHERE ad_id NOT IN (SELECT ad_id FROM core_nlp__processed_ads)"
    sql = f"SELECT ad_id, title, description FROM core_ads__job_ads {where} ORDER BY first_seen_at, ad_id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [AdText(*row) for row in con.execute(sql).fetchall()]


def _run_columns(engine: NlpEngine, at: datetime) -> tuple:
    return (
        engine.model_name, engine.config.version, json.dumps(engine.config.thresholds()),
        engine.ref.version_key, at,
    )


def store_results(con: duckdb.DuckDBPyConnection, engine: NlpEngine, results: Sequence[ProcessedAd]) -> None:
    """Replace the NLP rows of these ads by the new ones, all or nothing.

    Rows go in as Arrow tables (one ``INSERT … SELECT`` per table): ``executemany`` inserted row by
    row and took 80 s of the 84 s that 1,800 ads took to process.
    """
    model, version, thresholds, referential, at = _run_columns(engine, datetime.now(UTC).replace(tzinfo=None))
    linked = {link.mention_id for r in results for link in r.links}
    mentions = [m for r in results for m in r.mentions]
    links = [(r.ad_id, k) for r in results for k in r.links]
    occupations = [o for r in results if (o := r.occupation) is not None]
    rows = {
        "core_nlp__processed_ads": {
            "ad_id": [r.ad_id for r in results],
            "skipped_reason": pa.array([r.skipped_reason for r in results], pa.string()),
            "n_mentions": [len(r.mentions) for r in results],
        },
        "core_nlp__mentions": {
            "ad_id": [m.ad_id for m in mentions], "mention_id": [m.mention_id for m in mentions],
            "text": [m.text for m in mentions], "start_char": [m.start_char for m in mentions],
            "end_char": [m.end_char for m in mentions], "section": [m.section for m in mentions],
            "method": [m.method for m in mentions], "is_linked": [m.mention_id in linked for m in mentions],
        },
        "core_nlp__links": {
            "ad_id": [a for a, _ in links], "mention_id": [k.mention_id for _, k in links],
            "skill_code": [k.skill_code for _, k in links], "source": [k.source for _, k in links],
            "score": pa.array([k.score for _, k in links], pa.float64()), "rank": [k.rank for _, k in links],
            "method": [k.method for _, k in links],
        },
        "core_nlp__occupations": {
            "ad_id": [o.ad_id for o in occupations], "rome_code": [o.rome_code for o in occupations],
            "parent_rome_code": [o.parent_rome_code for o in occupations],
            "score": pa.array([o.score for o in occupations], pa.float64()),
            "top_rome_codes": pa.array([list(o.top_rome_codes) for o in occupations], pa.list_(pa.string())),
            "top_scores": pa.array([list(o.top_scores) for o in occupations], pa.list_(pa.float64())),
        },
    }
    ids = pa.table({"ad_id": pa.array([r.ad_id for r in results], pa.string())})
    with transaction(con):
        with registered(con, "_nlp_ids", ids):
            for table in TABLES:
                con.execute(f"DELETE FROM {table} WHERE ad_id IN (SELECT ad_id FROM _nlp_ids)")
        for table, columns in rows.items():
            n = len(columns["ad_id"])
            if n == 0:
                continue
            run = {"model_name": [model] * n, "config_version": [version] * n, "thresholds": [thresholds] * n,
                   "referential_version": [referential] * n, "processed_at": pa.array([at] * n, pa.timestamp("us"))}
            with registered(con, "_nlp_rows", pa.table({**columns, **run})):
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _nlp_rows")


def process_ads(
    con: duckdb.DuckDBPyConnection,
    engine: NlpEngine,
    *,
    reprocess: bool = False,
    batch_size: int = 256,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Process the stored ads batch by batch; returns counts."""
    ads = ads_to_process(con, reprocess=reprocess, limit=limit)
    counts = {"n_ads": len(ads), "n_skipped": 0, "n_mentions": 0, "n_links": 0}
    for start in range(0, len(ads), batch_size):
        results = engine.process(ads[start : start + batch_size])
        store_results(con, engine, results)
        counts["n_skipped"] += sum(r.skipped_reason is not None for r in results)
        counts["n_mentions"] += sum(len(r.mentions) for r in results)
        counts["n_links"] += sum(len(r.links) for r in results)
        if progress is not None:
            progress(len(results))
    return counts
