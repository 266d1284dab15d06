"""Scrapy settings of the skillgap crawler: polite by default.

``skillgap crawl`` loads this module and overrides ``JOBADS_STORE`` and whatever ``-s`` gives;
``scrapy crawl`` finds it through ``crawler/scrapy.cfg`` (or ``SCRAPY_SETTINGS_MODULE=crawler.settings``).
"""

BOT_NAME = "skillgap"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

#: who we are; set JOBADS_CONTACT (skillgap crawl --contact) to an e-mail or URL people can reach
JOBADS_CONTACT = "https://github.com/skillgap/skillgap"
USER_AGENT = f"skillgap-crawler/0.1 (+{JOBADS_CONTACT})"

# politeness
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
#: pages over 2 MiB are abandoned (and counted as dropped: "page too large")
DOWNLOAD_MAXSIZE = 2 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
RETRY_ENABLED = True
#: retries of one request (429, 5xx, 408, network errors); the last failure goes to the spider's errback
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: Scrapy's retry, waiting what Retry-After asks first (crawler/middlewares.py)
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
}
#: longest wait before a retry, whatever Retry-After says (seconds)
SKILLGAP_RETRY_MAX_WAIT = 60.0
#: wait before retrying a 429 that has no (readable) Retry-After (seconds)
SKILLGAP_RETRY_DEFAULT_WAIT = 1.0
DEPTH_LIMIT = 50
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# optional HTTP cache (skillgap crawl --cache)
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 24 * 3600
#: answers never cached: a cached 429 or 5xx would be replayed to every retry
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

ITEM_PIPELINES = {
    "crawler.pipelines.validate.ValidatePipeline": 100,
    "crawler.pipelines.clean.CleanPipeline": 200,
    "crawler.pipelines.dedupe.DedupePipeline": 300,
    "crawler.pipelines.store.StorePipeline": 400,
}

#: DuckDB store; empty means skillgap's default (env SKILLGAP_STORE)
JOBADS_STORE = ""
from crawler.dedupe import THRESHOLD as JOBADS_NEAR_DUPLICATE_THRESHOLD  # noqa: E402, F401 - a setting; one source for the value

JOBADS_LANGUAGES = ["fr"]

# France Travail API (credentials from env FT_CLIENT_ID / FT_CLIENT_SECRET, never logged)
FT_TOKEN_URL = "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire"
FT_API_URL = "https://api.francetravail.io/partenaire/offresdemploi/v2"
FT_SCOPE = "api_offresdemploiv2 o2dsoffre"
FT_PAGE_SIZE = 150
#: one search reaches at most this many offers (range START <= 1000, END <= 1149)
FT_MAX_RESULTS = 1150
#: the API allows a few requests per second per application
FT_DOWNLOAD_DELAY = 0.35

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
