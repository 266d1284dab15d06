import duckdb
import pytest
from crawler_support import FT_DEV, no_contact_data, run_cli

from crawler.localsite import LocalSite, load_offers, postings_from_offers, written_postings

FAST = ["--no-throttle", "-s", "LOG_LEVEL=WARNING"]


@pytest.fixture
def site():
    if FT_DEV.exists():
        postings = postings_from_offers(load_offers(FT_DEV, limit=30))
    else:
        postings = written_postings(30)
    with LocalSite(postings) as s:
        yield s


def test_jobposting_crawl_twice(site, tmp_path):
    store = tmp_path / "s.duckdb"
    first, _ = run_cli("crawl", "jobposting", "--store", str(store), "-a", f"start_urls={site.url}/jobs/?page=1", *FAST)
    reasons = first["dropped_by_reason"]
    assert reasons.get("invalid JSON-LD") == 1 and reasons.get("no description") == 1
    assert reasons.get("language en") == 1 and reasons.get("page too large") == 1
    assert reasons.get("robots.txt") == 1 and "/private/hidden.html" not in site.requests
    assert first["duplicates_by_kind"].get("near", 0) + first["duplicates_by_kind"].get("exact", 0) >= 1
    assert first["stored"] >= 25  # 30 job pages + latin-1 page, minus what the real file itself duplicates
    assert first["read"] == first["stored"] + first["duplicates"] + first["dropped"]
    con = duckdb.connect(str(store), read_only=True)
    (latin1,) = con.execute("SELECT title FROM core_ads__job_ads WHERE ad_id = 'jobposting:site-latin1'").fetchone()
    assert latin1 == "Électricien bâtiment (H/F)"
    con.close()

    detail_fetches = [p for p in site.requests if p.startswith("/jobs/") and p.endswith(".html")]
    site.requests.clear()
    second, _ = run_cli("crawl", "jobposting", "--store", str(store), "-a", f"start_urls={site.url}/jobs/?page=1",
                        *FAST)
    assert second["stored"] == 0 and second["duplicates"] == 0
    stored_pages = {p for p in detail_fetches if p[6:-5].isdigit() or "repost" in p or "latin1" in p}
    refetched = stored_pages & set(site.requests)
    assert not refetched, f"stored detail pages fetched again: {sorted(refetched)[:5]}"
    assert second["skipped_seen"] >= len(stored_pages)


def test_sitemap_lastmod_refetches_changed_pages_only(site, tmp_path):
    store = tmp_path / "s.duckdb"
    run_cli("crawl", "jobposting", "--store", str(store), "-a", f"sitemaps={site.url}/sitemap.xml", *FAST)
    site.requests.clear()
    site.lastmod[3] = "2025-02-01"
    second, _ = run_cli("crawl", "jobposting", "--store", str(store), "-a", f"sitemaps={site.url}/sitemap.xml", *FAST)
    fetched = [p for p in site.requests if p.startswith("/jobs/")]
    assert fetched == ["/jobs/3.html"]
    assert second["stored"] == 0 and second["unchanged"] >= 29


def test_france_travail_against_fake_api(fake_ft, tmp_path):
    api, url = fake_ft
    store = tmp_path / "s.duckdb"
    env = {"FT_CLIENT_ID": "id-test", "FT_CLIENT_SECRET": "secret-test"}
    args = ["crawl", "france_travail", "--store", str(store), "-a", "since=2020-01-01", "-a", "until=2026-01-01",
            "-s", f"FT_TOKEN_URL={url}/token", "-s", f"FT_API_URL={url}/v2",
            "-s", f"FT_PAGE_SIZE={api.page_cap}", "-s", f"FT_MAX_RESULTS={api.max_results}", *FAST]  # fmt: skip
    first, proc = run_cli(*args, env=env)
    assert "secret-test" not in proc.stderr + proc.stdout
    assert first["rate_limited"] == 1 and first["token_refreshed"] >= 1
    assert first["window_split"] >= 1  # more offers than one search can reach
    assert first["read"] == len(api.offers) + first.get("unchanged", 0)  # overlapping windows may repeat some
    assert first["stored"] + first["duplicates"] + first["dropped"] == len(api.offers)
    statuses = {status for status, _ in api.log}
    assert {200, 206, 429, 401} <= statuses
    no_contact_data(store)
    second, _ = run_cli(*args, env=env)
    assert second["stored"] == 0 and second["duplicates"] == 0


def test_france_travail_needs_credentials(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("FT_CLIENT")}
    proc = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "crawl", "france_travail",
                           "--store", str(tmp_path / "s.duckdb")], capture_output=True, text=True, env=env)  # fmt: skip
    assert proc.returncode == 2 and "FT_CLIENT_ID" in proc.stderr
