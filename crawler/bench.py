"""``skillgap bench crawl``: throughput of the jobposting spider against the local site."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from crawler.crawl import project_settings, run_crawl
from crawler.localsite import LocalSite, load_offers, postings_from_offers, written_postings


def bench_crawl(*, pages: int, ads: Path | None, throttle: bool) -> dict[str, Any]:
    """Crawl a local site of ``pages`` job pages (listing pages followed) into a temporary store."""
    postings = postings_from_offers(load_offers(ads, limit=pages)) if ads else written_postings(pages)
    with tempfile.TemporaryDirectory() as tmp, LocalSite(postings, extras=False) as site:
        settings = project_settings(store=Path(tmp) / "bench.duckdb", throttle=throttle,
                                    overrides={"LOG_LEVEL": "WARNING"})
        summary = run_crawl("jobposting", settings=settings, spider_args={"start_urls": f"{site.url}/jobs/?page=1"})
    summary["job_pages"] = len(postings)
    summary["throttle"] = throttle
    return summary
