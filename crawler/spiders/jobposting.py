"""schema.org ``JobPosting`` spider: any career site or job board publishing JSON-LD.

Starts from URLs (``-a start_urls=URL,URL``: listing pages or job pages) and/or sitemaps
(``-a sitemaps=URL``: a sitemap, a sitemap index, gzipped ``.xml.gz`` ones, or a site's
``robots.txt`` whose ``Sitemap:`` lines are read); follows same-site links of pages that hold no
JobPosting (listing pages), optionally only those matching ``-a follow=REGEX``. Sitemaps are read
by Scrapy's ``SitemapSpider``. Incremental: a job URL already stored is not fetched again — unless
its sitemap ``lastmod`` is newer than the stored one — it is only marked as seen again
(``last_seen_at``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from lxml import etree
from scrapy.http import Request, Response
from scrapy.spiders import SitemapSpider
from w3lib.url import safe_url_string

from crawler.parsers.common import RecordError, now_utc, parse_datetime
from crawler.parsers.jsonld import SOURCE, extract_jsonld, is_job_posting, parse_job_posting
from crawler.pipelines.context import context_for
from crawler.spiders import count_drop, failure_reason
from models.jobad import SeenAgain


def _split(value: str | list[str] | None) -> list[str]:
    if isinstance(value, list):
        return value
    return [v.strip() for v in (value or "").split(",") if v.strip()]


class JobPostingSpider(SitemapSpider):
    name = "jobposting"
    #: every url of a sitemap is a candidate job page; every sub-sitemap of an index is read
    sitemap_rules = [("", "parse_page")]
    sitemap_follow = [""]

    def __init__(
        self, *args: Any, start_urls: str | None = None, sitemaps: str | None = None, follow: str | None = None,
        **kwargs: Any,
    ):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.start_urls = _split(start_urls)
        self.sitemap_urls = _split(sitemaps)
        if not self.start_urls and not self.sitemap_urls:
            raise ValueError("jobposting : donner start_urls=URL[,URL] et/ou sitemaps=URL[,URL]")
        self.follow = re.compile(follow) if follow else None
        self.allowed_domains = sorted({urlparse(u).hostname or "" for u in self.start_urls + self.sitemap_urls})
        self._seen_urls: dict[str, Any] = {}
        self._scheduled: set[str] = set()
        self._lastmod: dict[str, datetime] = {}  # sitemap lastmod of the urls met in sitemaps, until requested

    async def start(self) -> AsyncIterator[Any]:
        seen = context_for(self.crawler).seen
        self._seen_urls = {s.url: (k, s) for (source, k), s in seen.items() if source == SOURCE and s.url}
        for url in self.sitemap_urls:
            yield self._sitemap_request(Request(url))
        for url in self.start_urls:
            yield Request(url, callback=self.parse_page, errback=self.on_error, meta={"is_page": True})

    # -- sitemaps (Scrapy's SitemapSpider reads them: index, .xml.gz, robots.txt) ------------
    def _sitemap_request(self, request: Request) -> Request:
        return request.replace(callback=self.parse_sitemap, errback=self.on_error,
                               meta={**request.meta, "is_page": False})  # fmt: skip

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Keep every entry; remember its ``lastmod`` for the incremental decision of its request."""
        for entry in entries:
            lastmod = parse_datetime(entry.get("lastmod"))
            if lastmod is not None and entry.get("loc"):
                self._lastmod[safe_url_string(entry["loc"])] = lastmod
            yield entry

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Scrapy's sitemap reading, its requests made ours: errbacks, lastmod, already-stored pages skipped."""
        try:
            requests = list(self._parse_sitemap(response))
            invalid = (not requests and not response.url.endswith("/robots.txt")
                       and self._get_sitemap_body(response) is None)  # fmt: skip
        except (etree.XMLSyntaxError, StopIteration):  # an empty or non-XML body
            requests, invalid = [], True
        if invalid:
            self.logger.warning("%s : sitemap illisible", response.url)
            self.crawler.stats.inc_value("jobposting/sitemap_invalid")
        for request in requests:
            lastmod = self._lastmod.pop(request.url, None)
            if request.callback == self._parse_sitemap:  # a sitemap of an index, or of a robots.txt
                yield self._sitemap_request(request)
            else:
                yield from self._job_request(request.url, lastmod)

    def _job_request(self, url: str, lastmod: datetime | None = None) -> Iterator[Any]:
        """Request a page unless it is a stored job page that has not changed (then: seen again)."""
        if url in self._scheduled:
            return
        self._scheduled.add(url)
        stored = self._seen_urls.get(url)
        if stored is not None:
            key, seen = stored
            if lastmod is None or (seen.lastmod_at is not None and lastmod <= seen.lastmod_at):
                self.crawler.stats.inc_value("jobads/skipped_seen")
                yield SeenAgain(source=SOURCE, source_key=key, seen_at=now_utc())
                return
        yield Request(url, callback=self.parse_page, errback=self.on_error, meta={"lastmod": lastmod, "is_page": True})

    # -- pages ------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        if not hasattr(response, "text"):
            count_drop(self.crawler, "not an HTML page")
            return
        objects, bad = extract_jsonld(response.text)
        postings = [obj for obj in objects if is_job_posting(obj)]
        if bad and not postings:
            self.logger.warning("%s : JSON-LD invalide", response.url)
            count_drop(self.crawler, "invalid JSON-LD")
            return
        seen_at = now_utc()
        for obj in postings:
            try:
                item = parse_job_posting(obj, url=response.url, seen_at=seen_at, origin=response.url)
            except RecordError as e:
                count_drop(self.crawler, f"invalid {e.field}")
                continue
            yield item.model_copy(update={"url": response.url, "lastmod_at": response.meta.get("lastmod")})
        if not postings:
            yield from self._follow_links(response)

    def _follow_links(self, response: Response) -> Iterator[Any]:
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href).split("#", 1)[0]
            if urlparse(url).hostname not in self.allowed_domains:
                continue
            if self.follow and not self.follow.search(url):
                continue
            yield from self._job_request(url)

    def on_error(self, failure: Any) -> None:
        reason = failure_reason(failure)
        self.logger.info("%s : %s", failure.request.url, reason)
        if failure.request.meta.get("is_page", True):
            count_drop(self.crawler, reason)
