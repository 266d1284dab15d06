"""DDL of the tables this package owns (see skillgap.store).

- ``core_ads__job_ads``: one row per canonical ad (typed fields, clean text, exact-dupe hash).
- ``core_ads__ad_sources``: one row per (source, id or url) where the ad was seen, with
  first/last seen dates (how long an ad stays online) and the raw record hash (change detection).
- ``core_ads__ticked_skills``: ROME skills the employer ticked, one row per skill.
- ``core_ads__minhashes``: near-duplicate fingerprint of each canonical ad (MinHash values and
  sorted shingle hashes, with the scheme that computed them), so detection continues across runs;
  rows of an older scheme are recomputed from the ad text when a run starts.

A schema change is a new ``Migration`` appended to ``MIGRATIONS`` (next number, never edit an
applied one), with the matching change of ``COLUMNS`` (and of the model the table stores).
"""

from models.jobad import AdSource, JobAd, TickedSkill
from skillgap.store import Columns, Migration

OWNER = "crawler"
AFTER: tuple[str, ...] = ()

_TABLES: list[str] = [
    """CREATE TABLE IF NOT EXISTS core_ads__job_ads (
        ad_id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        created_at TIMESTAMP,
        updated_at TIMESTAMP,
        valid_through_at TIMESTAMP,
        company_name VARCHAR,
        naf_code VARCHAR,
        sector_label VARCHAR,
        rome_code VARCHAR,
        rome_label VARCHAR,
        appellation_label VARCHAR,
        contract_type_code VARCHAR,
        experience_label VARCHAR,
        qualification_label VARCHAR,
        salary_label VARCHAR,
        location_label VARCHAR,
        postal_code VARCHAR,
        commune_code VARCHAR,
        department_code VARCHAR,
        region_code VARCHAR,
        latitude DOUBLE,
        longitude DOUBLE,
        language_code VARCHAR,
        content_hash VARCHAR NOT NULL,
        first_seen_at TIMESTAMP NOT NULL,
        last_seen_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS core_ads__ad_sources (
        source VARCHAR NOT NULL,
        source_key VARCHAR NOT NULL,
        source_ad_id VARCHAR,
        url VARCHAR,
        ad_id VARCHAR NOT NULL,
        raw_hash VARCHAR,
        content_hash VARCHAR,
        duplicate_kind VARCHAR NOT NULL,
        similarity DOUBLE,
        first_seen_at TIMESTAMP NOT NULL,
        last_seen_at TIMESTAMP NOT NULL,
        lastmod_at TIMESTAMP,
        PRIMARY KEY (source, source_key)
    )""",
    """CREATE TABLE IF NOT EXISTS core_ads__ticked_skills (
        ad_id VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        skill_code VARCHAR,
        label VARCHAR NOT NULL,
        requirement VARCHAR,
        PRIMARY KEY (ad_id, position)
    )""",
    """CREATE TABLE IF NOT EXISTS core_ads__minhashes (
        ad_id VARCHAR PRIMARY KEY,
        num_perm INTEGER NOT NULL,
        signature BLOB NOT NULL
    )""",
]

MIGRATIONS: list[Migration] = [
    Migration(1, "tables", _TABLES),
    # added with the exact-Jaccard fingerprints (stores created before keep working: their rows
    # have no scheme and are recomputed)
    Migration(2, "minhash_scheme_shingles", [
        "ALTER TABLE core_ads__minhashes ADD COLUMN IF NOT EXISTS scheme VARCHAR",
        "ALTER TABLE core_ads__minhashes ADD COLUMN IF NOT EXISTS shingles BLOB",
    ]),
]

COLUMNS: dict[str, Columns] = {
    # first/last_seen_at: when any source showed the ad
    "core_ads__job_ads": Columns(
        JobAd, leave_out=("ticked_skills", "sources"), extra=("first_seen_at", "last_seen_at")),
    "core_ads__ad_sources": Columns(
        AdSource, extra=("source_key", "ad_id", "content_hash", "duplicate_kind", "similarity")),
    "core_ads__ticked_skills": Columns(TickedSkill, extra=("ad_id", "position")),
    # no model: the near-duplicate fingerprint (crawler.storage.AdStore._fingerprint_row)
    "core_ads__minhashes": Columns(None, extra=("ad_id", "num_perm", "signature", "scheme", "shingles")),
}

#: dataset name → table, for the Parquet exchange layout (``scale/``, ``crawler.queries.export_tables``)
DATASETS = {"ads": "core_ads__job_ads", "ad_sources": "core_ads__ad_sources",
            "ticked_skills": "core_ads__ticked_skills"}
