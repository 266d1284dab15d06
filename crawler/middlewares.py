"""Downloader middlewares of the crawler (``DOWNLOADER_MIDDLEWARES`` in ``crawler.settings``).

``RetryAfterMiddleware`` replaces Scrapy's ``RetryMiddleware``: the same retries (``RETRY_TIMES``,
``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, meta ``dont_retry`` / ``max_retry_times``), and for a
response that says when to come back (429, or ``Retry-After`` on a retried 5xx) it waits that long
first — ``Retry-After`` in seconds or as an HTTP date, at most ``SKILLGAP_RETRY_MAX_WAIT`` seconds,
``SKILLGAP_RETRY_DEFAULT_WAIT`` for a 429 without the header — without blocking the reactor (the
response's middleware chain awaits a timer; other requests go on meanwhile). When the retries are
spent the last response goes on to the spider, whose errback counts it (``http 429`` …): nothing is
lost silently.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future

logger = logging.getLogger(__name__)

DEFAULT_MAX_WAIT_S = 60.0
DEFAULT_WAIT_S = 1.0


def retry_after_seconds(value: bytes | str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header (delta-seconds or HTTP date), else None.

    >>> retry_after_seconds(b"120")
    120.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=datetime(2015, 10, 21, 7, 28, tzinfo=UTC))
    30.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=datetime(2015, 10, 21, 8, 0, tzinfo=UTC))
    0.0
    >>> retry_after_seconds("bientôt") is None
    True
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _status_message(status: int) -> str:
    """``429 Too Many Requests`` (Twisted's table, used by Scrapy, lacks 429)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


async def _sleep(seconds: float) -> None:
    """Wait on the reactor's clock (asyncio or not) without blocking it."""
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting what ``Retry-After`` asks (bounded) before each retry."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.max_wait_s = settings.getfloat("SKILLGAP_RETRY_MAX_WAIT", DEFAULT_MAX_WAIT_S)
        self.default_wait_s = settings.getfloat("SKILLGAP_RETRY_DEFAULT_WAIT", DEFAULT_WAIT_S)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        stats = self.crawler.stats
        assert stats is not None  # set by the crawler before any download
        reason = _status_message(response.status)
        rate_limited = response.status == 429
        if rate_limited:
            stats.inc_value("http/rate_limited")
        max_retry_times = request.meta.get("max_retry_times", self.max_retry_times)
        tries = request.meta.get("retry_times", 0) + 1
        if tries > max_retry_times:
            stats.inc_value("retry/max_reached")
            stats.inc_value(f"retry/max_reached/{response.status}")
            logger.warning("%s : abandon après %d tentatives (%s)", request.url, tries, reason)
            return response  # to the spider's errback (HttpError): counted there
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            wait = self.default_wait_s if rate_limited else 0.0
        wait = min(wait, self.max_wait_s)
        logger.info("%s : %s, nouvelle tentative %d/%d dans %.1f s", request.url, reason, tries, max_retry_times, wait)
        if wait > 0:
            await _sleep(wait)
        assert self.crawler.spider is not None  # a response implies a running spider
        retry = get_retry_request(
            request, spider=self.crawler.spider, reason=reason, max_retry_times=max_retry_times,
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
        )  # fmt: skip
        return retry or response
