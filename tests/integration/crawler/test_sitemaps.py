"""The jobposting spider reads sitemaps with Scrapy's SitemapSpider: a sitemap index of gzipped
parts, a gzipped urlset, a robots.txt's ``Sitemap:`` line; lastmod keeps re-crawls incremental."""

import pytest
from crawler_support import run_cli

from crawler.localsite import PER_SITEMAP, LocalSite, written_postings

FAST = ["--no-throttle", "-s", "LOG_LEVEL=WARNING"]
N_ADS = 30


@pytest.fixture
def site():
    with LocalSite(written_postings(N_ADS), extras=False) as s:
        yield s


def _crawl(site: LocalSite, store, sitemap: str) -> dict:
    summary, _ = run_cli("crawl", "jobposting", "--store", str(store), "-a", f"sitemaps={site.url}/{sitemap}", *FAST)
    return summary


def _job_fetches(site: LocalSite) -> list[str]:
    return sorted(p for p in site.requests if p.startswith("/jobs/"))


def test_sitemap_index_of_gzipped_parts_collects_every_ad_then_only_what_changed(site, tmp_path):
    store = tmp_path / "s.duckdb"
    first = _crawl(site, store, "sitemap_index.xml")
    parts = sorted(p for p in site.requests if p.startswith("/sitemaps/"))
    assert parts == [f"/sitemaps/jobs-{n}.xml.gz" for n in range(-(-N_ADS // PER_SITEMAP))]
    assert _job_fetches(site) == sorted(site.job_paths())
    assert (first["read"], first["stored"], first["dropped"]) == (N_ADS, N_ADS, 0)

    site.requests.clear()
    site.lastmod[PER_SITEMAP + 3] = "2025-02-01"  # an ad of the second gzipped part changed
    second = _crawl(site, store, "sitemap_index.xml")
    assert _job_fetches(site) == [f"/jobs/{PER_SITEMAP + 3}.html"]
    assert second["stored"] == 0 and second["skipped_seen"] == N_ADS - 1
    assert second["unchanged"] == N_ADS


def test_gzipped_urlset_beside_an_unreadable_sitemap(site, tmp_path):
    sitemaps = f"sitemaps={site.url}/sitemap-broken.xml,{site.url}/sitemap.xml.gz"
    summary, proc = run_cli("crawl", "jobposting", "--store", str(tmp_path / "s.duckdb"), "-a", sitemaps, *FAST)
    assert _job_fetches(site) == sorted(site.job_paths())
    assert summary["stored"] == N_ADS and summary["finish_reason"] == "finished"
    assert "sitemap-broken.xml : sitemap illisible" in proc.stderr


def test_robots_txt_names_the_sitemaps(site, tmp_path):
    summary = _crawl(site, tmp_path / "s.duckdb", "robots.txt")
    assert "/sitemap_index.xml" in site.requests
    assert _job_fetches(site) == sorted(site.job_paths())
    assert summary["stored"] == N_ADS
