"""Spiders: one per source (STYLE.md rule 4). They parse; pipelines do the rest."""

from __future__ import annotations

from typing import Any


def count_drop(crawler: Any, reason: str) -> None:
    """Count an ad lost before it became an item (bad page, API error): read and dropped by reason."""
    crawler.stats.inc_value("jobads/read")
    crawler.stats.inc_value(f"jobads/dropped/{reason}")


def failure_reason(failure: Any) -> str:
    """Short drop reason of a failed request."""
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.defer import CancelledError

    if failure.check(HttpError):
        return f"http {failure.value.response.status}"
    if failure.check(CancelledError) or failure.type.__name__ == "DownloadCancelledError":
        return "page too large"
    if failure.check(IgnoreRequest):
        return "robots.txt" if "robots" in str(failure.value).lower() or not str(failure.value) else "ignored"
    return f"fetch failed ({failure.type.__name__})"
