"""Pure parsing helpers: source records → ``ScrapedAd``, HTML → text. No I/O, no Scrapy."""
