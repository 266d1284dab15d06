"""``skillgap bench crawl``: throughput of the jobposting spider against the local site."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb

from skillgap.errors import InsufficientDataError
from skillgap.store import scalar

#: id of the ``i``-th synthetic copy of an ad: ``bench:<i>:<ad_id>`` (``nlp.bench`` copies its rows by it)
BENCH_PREFIX = "bench:"


def inflate_ads(con: duckdb.DuckDBPyConnection, n_ads: int, *, store: object = "") -> int:
    """Add synthetic copies of the stored ads (and their ticked skills) until ``n_ads`` (benchmarks
    only: run on a copy of a store); returns the count. A copy's id is ``bench:<i>:<ad_id>`` and its
    content hash is made unique, so the copies are distinct ads."""
    have = int(scalar(con, "SELECT count(*) FROM core_ads__job_ads"))
    if have == 0:
        raise InsufficientDataError(f"{store} : aucune offre à copier (importez des offres d'abord : skillgap ingest)")
    missing = n_ads - have
    if missing > 0:
        copies = -(-missing // have)
        con.execute(f"""
            CREATE TEMP TABLE bench_ids AS
            SELECT ad_id, i, '{BENCH_PREFIX}' || i || ':' || ad_id AS new_id
            FROM (SELECT ad_id FROM core_ads__job_ads WHERE ad_id NOT LIKE '{BENCH_PREFIX}%')
                 CROSS JOIN range(1, {copies + 1}) t(i)
            ORDER BY i, ad_id LIMIT {missing}""")
        con.execute("""INSERT INTO core_ads__job_ads SELECT j.* REPLACE (b.new_id AS ad_id,
                              j.content_hash || '-' || b.i AS content_hash)
                       FROM core_ads__job_ads j JOIN bench_ids b USING (ad_id)""")
        con.execute("""INSERT INTO core_ads__ticked_skills SELECT s.* REPLACE (b.new_id AS ad_id)
                       FROM core_ads__ticked_skills s JOIN bench_ids b USING (ad_id)""")
        con.execute("DROP TABLE bench_ids")
    return int(scalar(con, "SELECT count(*) FROM core_ads__job_ads"))


def bench_ad_copies(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(copy id, original id) of every synthetic copy made by ``inflate_ads``."""
    rows = con.execute(f"SELECT ad_id FROM core_ads__job_ads WHERE ad_id LIKE '{BENCH_PREFIX}%'").fetchall()
    return [(r[0], r[0].split(":", 2)[2]) for r in rows]


def bench_crawl(*, pages: int, ads: Path | None, throttle: bool) -> dict[str, Any]:
    """Crawl a local site of ``pages`` job pages (listing pages followed) into a temporary store."""
    from crawler.crawl import project_settings, run_crawl
    from crawler.localsite import LocalSite, load_offers, postings_from_offers, written_postings

    postings = postings_from_offers(load_offers(ads, limit=pages)) if ads else written_postings(pages)
    with tempfile.TemporaryDirectory() as tmp, LocalSite(postings, extras=False) as site:
        settings = project_settings(store=Path(tmp) / "bench.duckdb", throttle=throttle,
                                    overrides={"LOG_LEVEL": "WARNING"})
        summary = run_crawl("jobposting", settings=settings, spider_args={"start_urls": f"{site.url}/jobs/?page=1"})
    summary["job_pages"] = len(postings)
    summary["throttle"] = throttle
    return summary
