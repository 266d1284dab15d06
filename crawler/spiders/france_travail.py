"""France Travail "Offres d'emploi v2" API spider.

OAuth2 client credentials (env ``FT_CLIENT_ID`` / ``FT_CLIENT_SECRET``, never logged), token
refresh on 401, search filtered by ROME code / département / région / commune / keywords over a
creation-date window, ``range`` paging (206 Partial Content while more remain, 204 when nothing
matches), the 1,150-offer cap of one search handled by halving the date window. A 429 is retried
by ``crawler.middlewares.RetryAfterMiddleware`` after its ``Retry-After`` (bounded, ``RETRY_TIMES``
tries; then counted as dropped ``api http 429``). Base URLs come from settings ``FT_TOKEN_URL`` /
``FT_API_URL``.

Arguments (``-a``): rome, departement, region, commune, mots_cles, since, until (ISO dates;
default: the last 31 days).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import FormRequest, Request, Response

from crawler.parsers.common import RecordError, now_utc, parse_datetime
from crawler.parsers.france_travail import parse_offer
from crawler.spiders import count_drop, failure_reason

_RANGE_RE = re.compile(r"(\d+)-(\d+)/(\d+)")
_FILTERS = {"rome": "codeROME", "departement": "departement", "region": "region", "commune": "commune",
            "mots_cles": "motsCles", "appellation": "appellation"}  # fmt: skip
_MIN_WINDOW = timedelta(minutes=1)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FranceTravailSpider(scrapy.Spider):
    name = "france_travail"
    custom_settings = {"ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}  # an API, not a site
    download_delay: float  # set by from_crawler; read by Scrapy's downloader

    def __init__(self, *args: Any, since: str | None = None, until: str | None = None, **kwargs: Any):
        filters = {api: kwargs.pop(arg) for arg, api in _FILTERS.items() if kwargs.get(arg)}
        super().__init__(*args, **kwargs)
        self.filters = filters
        until_at = parse_datetime(until) if until else now_utc()
        since_at: datetime | None
        if since:
            since_at = parse_datetime(since)
        else:  # an unreadable --until leaves no window to count back from
            since_at = until_at - timedelta(days=31) if until_at is not None else None
        if since_at is None or until_at is None or since_at >= until_at:
            raise ValueError(f"fenêtre de dates invalide : since={since!r} until={until!r}")
        self.until: datetime = until_at
        self.since: datetime = since_at
        self._token: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> FranceTravailSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.download_delay = crawler.settings.getfloat("FT_DOWNLOAD_DELAY", 0.35)
        return spider

    # -- credentials ------------------------------------------------------------------------
    def _credentials(self) -> tuple[str, str]:
        settings = self.crawler.settings
        client_id = settings.get("FT_CLIENT_ID") or os.environ.get("FT_CLIENT_ID")
        secret = settings.get("FT_CLIENT_SECRET") or os.environ.get("FT_CLIENT_SECRET")
        if not client_id or not secret:
            raise ValueError("identifiants France Travail absents : définir FT_CLIENT_ID et FT_CLIENT_SECRET")
        return client_id, secret

    def token_request(self, then: Request) -> FormRequest:
        client_id, secret = self._credentials()
        return FormRequest(
            self.crawler.settings.get("FT_TOKEN_URL"),
            formdata={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
                      "scope": self.crawler.settings.get("FT_SCOPE")},  # fmt: skip
            callback=self.parse_token,
            errback=self.on_error,
            dont_filter=True,
            meta={"then": then, "ft_kind": "token"},
        )

    def parse_token(self, response: Response) -> Any:
        try:
            token = json.loads(response.text)["access_token"]
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise scrapy.exceptions.CloseSpider(f"réponse du jeton France Travail illisible ({e})") from e
        self._token = token
        self.logger.info("jeton France Travail obtenu")
        then: Request = response.meta["then"]
        yield then.replace(headers={**then.headers.to_unicode_dict(), "Authorization": f"Bearer {token}"})

    # -- search -----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        yield self.token_request(self.search_request(self.since, self.until, 0))

    def search_request(self, since: datetime, until: datetime, start: int) -> Request:
        page = self.crawler.settings.getint("FT_PAGE_SIZE", 150)
        params = {**self.filters, "minCreationDate": _iso(since), "maxCreationDate": _iso(until),
                  "range": f"{start}-{start + page - 1}", "sort": "1"}  # fmt: skip
        headers = {"Accept": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return Request(
            f"{self.crawler.settings.get('FT_API_URL')}/offres/search?{urlencode(params)}",
            headers=headers,
            callback=self.parse_search,
            errback=self.on_error,
            dont_filter=True,
            meta={"window": (since, until), "start": start, "handle_httpstatus_list": [204, 206, 401]},
        )

    def parse_search(self, response: Response) -> Iterator[Any]:
        since, until = response.meta["window"]
        start = response.meta["start"]
        if response.status == 401:
            self.crawler.stats.inc_value("france_travail/token_refreshed")
            yield self.token_request(self.search_request(since, until, start))
            return
        if response.status == 204:
            return
        total = self._total(response)
        cap = self.crawler.settings.getint("FT_MAX_RESULTS", 1150)
        if start == 0 and total > cap and until - since > _MIN_WINDOW:
            middle = since + (until - since) / 2
            self.crawler.stats.inc_value("france_travail/window_split")
            yield self.search_request(since, middle, 0)
            yield self.search_request(middle, until, 0)
            return
        if start == 0 and total > cap:
            self.crawler.stats.inc_value("france_travail/capped", total - cap)
        yield from self._offers(response)
        page = self.crawler.settings.getint("FT_PAGE_SIZE", 150)
        if response.status == 206 and start + page < min(total, cap):
            yield self.search_request(since, until, start + page)

    def _total(self, response: Response) -> int:
        match = _RANGE_RE.search((response.headers.get("Content-Range") or b"").decode())
        return int(match.group(3)) if match else 0

    def _offers(self, response: Response) -> list[Any]:
        try:
            offers = json.loads(response.text).get("resultats") or []
        except (json.JSONDecodeError, AttributeError):
            count_drop(self.crawler, "invalid API response")
            return []
        seen_at, items = now_utc(), []
        for n, offer in enumerate(offers):
            try:
                items.append(parse_offer(offer, seen_at=seen_at, origin=f"{response.url} #{n}"))
            except RecordError as e:
                count_drop(self.crawler, f"invalid {e.field}" if e.field else "invalid offer")
        return items

    def on_error(self, failure: Any) -> None:
        reason = failure_reason(failure)
        self.logger.warning("requête France Travail en échec : %s", reason)
        count_drop(self.crawler, f"api {reason}")
