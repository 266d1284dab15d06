"""``skillgap crawl``: run one spider with the project settings, return the summary."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.summary import summarise
from skillgap.errors import UserError


def project_settings(*, store: Path, overrides: dict[str, str] | None = None, throttle: bool = True,
                     jobdir: Path | None = None, cache: bool = False,
                     contact: str | None = None) -> Settings:  # fmt: skip
    """The Scrapy settings of a crawl: ``crawler.settings`` plus the run's options."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("JOBADS_STORE", str(store), priority="cmdline")
    if contact:
        settings.set("JOBADS_CONTACT", contact, priority="cmdline")
        settings.set("USER_AGENT", f"skillgap-crawler/0.1 (+{contact})", priority="cmdline")
    if not throttle:
        for key, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0), ("FT_DOWNLOAD_DELAY", 0),
                           ("CONCURRENT_REQUESTS", 32), ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):  # fmt: skip
            settings.set(key, value, priority="cmdline")
    if jobdir:
        settings.set("JOBDIR", str(jobdir), priority="cmdline")
    if cache:
        settings.set("HTTPCACHE_ENABLED", True, priority="cmdline")
    for key, text in (overrides or {}).items():
        settings.set(key, text, priority="cmdline")
    return settings


def run_crawl(spider: str, *, settings: Settings, spider_args: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``spider`` to the end in this process (once per process: Twisted's reactor does not restart)."""
    names = SpiderLoader.from_settings(settings).list()
    if spider not in names:
        raise UserError(f"araignée inconnue '{spider}' : choisir parmi {', '.join(sorted(names))}")
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(spider)
    started = time.perf_counter()
    process.crawl(crawler, **(spider_args or {}))
    process.start()
    stats = crawler.stats.get_stats()
    summary = summarise(stats, elapsed_s=time.perf_counter() - started)
    summary["finish_reason"] = stats.get("finish_reason")
    for key, name in (("france_travail/window_split", "window_split"),
                      ("france_travail/token_refreshed", "token_refreshed"), ("france_travail/capped", "capped"),
                      ("http/rate_limited", "rate_limited"), ("retry/max_reached", "retries_exhausted")):  # fmt: skip
        if key in stats:
            summary[name] = stats[key]
    if stats.get("finish_reason") not in ("finished", "shutdown") and not stats.get("downloader/response_count"):
        summary["error"] = stats.get("finish_reason") or "spider failed to start"
    return summary
