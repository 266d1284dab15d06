"""``skillgap process``: run the NLP stage over the stored ads, in batches, and store the results."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import duckdb

from models.nlp import ProcessedAd
from nlp.engine import AdText, NlpEngine
from nlp.schema import TABLES
from skillgap.store import transaction


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
    """Replace the NLP rows of these ads by the new ones, all or nothing."""
    run = _run_columns(engine, datetime.now(UTC).replace(tzinfo=None))
    ids = [(r.ad_id,) for r in results]
    with transaction(con):
        for table in TABLES:
            con.executemany(f"DELETE FROM {table} WHERE ad_id = ?", ids)
        con.executemany(
            "INSERT INTO core_nlp__processed_ads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.ad_id, r.skipped_reason, len(r.mentions), *run) for r in results],
        )
        linked = {link.mention_id for r in results for link in r.links}
        con.executemany(
            "INSERT INTO core_nlp__mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (m.ad_id, m.mention_id, m.text, m.start_char, m.end_char, m.section, m.method,
                 m.mention_id in linked, *run)
                for r in results for m in r.mentions
            ],
        )
        con.executemany(
            "INSERT INTO core_nlp__links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r.ad_id, k.mention_id, k.skill_code, k.source, k.score, k.rank, k.method, *run)
                for r in results for k in r.links
            ],
        )
        con.executemany(
            "INSERT INTO core_nlp__occupations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (o.ad_id, o.rome_code, o.parent_rome_code, o.score, list(o.top_rome_codes), list(o.top_scores), *run)
                for r in results if (o := r.occupation) is not None
            ],
        )


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
