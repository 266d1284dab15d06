"""Item pipelines, one class per file, ordered in ``crawler.settings.ITEM_PIPELINES``:
validate (100) → clean (200) → dedupe (300) → store (400).

They are plain classes: Scrapy builds them with ``from_crawler``; ``skillgap ingest`` builds them
with a shared ``RunContext`` and calls ``process_item`` itself.
"""
