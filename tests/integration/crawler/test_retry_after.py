"""429 Too Many Requests against a real local server: Retry-After is honoured (capped) without
blocking the crawl, and a page still refused after the last retry is counted, not lost."""

import time

from crawler_support import run_cli

from crawler.localsite import LocalSite, written_postings

FAST = ["--no-throttle", "-s", "LOG_LEVEL=WARNING"]


def test_retry_after_then_success_and_giving_up_after_the_last_retry(tmp_path):
    with LocalSite(written_postings(4), extras=False) as site:
        site.rate_limit("/jobs/0.html", times=2, retry_after="1")  # 429, 429, then the page
        site.rate_limit("/jobs/1.html", times=None, retry_after="0")  # always 429
        site.rate_limit("/jobs/2.html", times=1, retry_after="3600")  # an hour: capped by the setting
        site.rate_limit("/jobs/3.html", times=1, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")  # a date, past
        urls = ",".join(f"{site.url}{path}" for path in site.job_paths())
        started = time.monotonic()
        summary, _ = run_cli("crawl", "jobposting", "--store", str(tmp_path / "s.duckdb"), "-a", f"start_urls={urls}",
                             "-s", "RETRY_TIMES=2", "-s", "SKILLGAP_RETRY_MAX_WAIT=1.5", *FAST)  # fmt: skip
        elapsed = time.monotonic() - started
        requests, times = list(site.requests), list(site.request_times)

    assert [requests.count(p) for p in ("/jobs/0.html", "/jobs/1.html", "/jobs/2.html", "/jobs/3.html")] == [3, 3, 2, 2]
    assert summary["stored"] == 3
    assert summary["dropped_by_reason"] == {"http 429": 1}  # given up after 1 + 2 tries: reported
    assert summary["read"] == 4
    assert summary["rate_limited"] == 2 + 3 + 1 + 1 and summary["retries_exhausted"] == 1
    at = {p: [t for q, t in zip(requests, times, strict=True) if q == p] for p in set(requests)}
    first, second, third = at["/jobs/0.html"]
    assert second - first >= 0.9 and third - second >= 0.9  # Retry-After: 1 waited each time
    assert 1.4 <= at["/jobs/2.html"][1] - at["/jobs/2.html"][0] < 10  # an hour asked, 1.5 s waited
    assert max(at["/jobs/1.html"]) < second  # the other pages went on while /jobs/0 waited
    assert elapsed < 60


def test_france_travail_search_always_rate_limited_is_reported(fake_ft, tmp_path):
    api, url = fake_ft
    api.always_rate_limited = True
    env = {"FT_CLIENT_ID": "id-test", "FT_CLIENT_SECRET": "secret-test"}
    summary, _ = run_cli("crawl", "france_travail", "--store", str(tmp_path / "s.duckdb"), "-a", "since=2020-01-01",
                         "-a", "until=2026-01-01", "-s", f"FT_TOKEN_URL={url}/token", "-s", f"FT_API_URL={url}/v2",
                         "-s", "RETRY_TIMES=2", *FAST, env=env)  # fmt: skip
    assert api.searches == 3  # one search, two retries
    assert summary["rate_limited"] == 3 and summary["retries_exhausted"] == 1
    assert summary["dropped_by_reason"] == {"api http 429": 1} and summary["stored"] == 0
