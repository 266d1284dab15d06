"""Reads and writes of the crawler's tables (DDL in ``crawler.schema``).

One ``AdStore`` per run: it loads what dedupe needs to be incremental (content hashes, near-duplicate
fingerprints, the source records already seen), then buffers the writes and commits them in batches
(one transaction each, every ``flush_every`` records and at close), so a crash loses at most the
current batch and never what was stored before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from crawler.dedupe import (
    SCHEME,
    Deduper,
    Fingerprint,
    signature_from_bytes,
    signature_of,
    signature_to_bytes,
)
from crawler.schema import COLUMNS
from models.jobad import AdSource, JobAd
from skillgap.store import connect, publish, registered, transaction

log = logging.getLogger(__name__)

#: columns of each table, from its model plus the extra columns (``crawler.schema.COLUMNS``)
_ADS = COLUMNS["core_ads__job_ads"]
_SOURCES = COLUMNS["core_ads__ad_sources"]
_SKILLS = COLUMNS["core_ads__ticked_skills"]
_MINHASHES = COLUMNS["core_ads__minhashes"]


@dataclass(frozen=True)
class SeenSource:
    """A source record already stored."""

    ad_id: str
    raw_hash: str | None
    lastmod_at: datetime | None
    url: str | None = None


class AdStore:
    """The crawler's view of the DuckDB store."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, flush_every: int = 500, path: Path | None = None):
        self.con = con
        self.path = path
        self.flush_every = flush_every
        self._ads: dict[str, dict] = {}
        self._skills: dict[str, list[dict]] = {}
        self._minhashes: dict[str, dict] = {}
        self._sources: dict[tuple[str, str], dict] = {}
        self._touches: dict[tuple[str, str], datetime] = {}

    @classmethod
    def open(cls, path: Path | str) -> AdStore:
        return cls(connect(path), path=Path(path))

    def close(self) -> None:
        """Write what is buffered, publish the store for the service (``skillgap.store.publish``), close."""
        try:
            self.flush()
            if self.path is not None:
                publish(self.con, self.path)
        finally:
            self.con.close()

    # -- what a run starts from -------------------------------------------------------------
    def seen_sources(self, source: str | None = None) -> dict[tuple[str, str], SeenSource]:
        """(source, source_key) → stored source record; all sources when ``source`` is None."""
        sql = "SELECT source, source_key, ad_id, raw_hash, lastmod_at, url FROM core_ads__ad_sources"
        rows = self.con.execute(sql + (" WHERE source = ?" if source else ""), [source] if source else []).fetchall()
        return {(s, k): SeenSource(a, h, m, u) for s, k, a, h, m, u in rows}

    def load_deduper(self, deduper: Deduper) -> Deduper:
        """Fill ``deduper`` with every stored canonical ad.

        Canonical ads whose stored fingerprint is missing or of another scheme (a store written by
        an older version) get theirs recomputed from the stored text and written back.
        """
        current = "m.ad_id = a.ad_id AND m.num_perm = ? AND m.scheme = ?"
        params = [deduper.num_perm, SCHEME]
        for ad_id, content_hash, department_code, signature, hashes in self.con.execute(
            "SELECT a.ad_id, a.content_hash, a.department_code, m.signature, m.shingles FROM core_ads__job_ads a "
            f"JOIN core_ads__minhashes m ON {current} WHERE m.shingles IS NOT NULL ORDER BY a.ad_id", params,
        ).fetchall():
            fingerprint = signature_from_bytes(signature, hashes, num_perm=deduper.num_perm)
            deduper.add(ad_id, content_hash, fingerprint, department_code)
        # the text is read only for ads without a current fingerprint
        stale = self.con.execute(
            "SELECT a.ad_id, a.content_hash, a.department_code, a.title, a.description FROM core_ads__job_ads a "
            f"LEFT JOIN core_ads__minhashes m ON {current} WHERE m.shingles IS NULL ORDER BY a.ad_id", params,
        ).fetchall()
        for ad_id, content_hash, department_code, title, description in stale:
            fingerprint = signature_of(title, description, num_perm=deduper.num_perm)
            self._minhashes[ad_id] = self._fingerprint_row(ad_id, fingerprint)
            deduper.add(ad_id, content_hash, fingerprint, department_code)
        for content_hash, ad_id in self.con.execute(
            "SELECT content_hash, ad_id FROM core_ads__ad_sources WHERE content_hash IS NOT NULL"
        ).fetchall():
            deduper.add_hash(content_hash, ad_id)
        if stale:
            log.info("near-duplicate fingerprints recomputed for %d stored ads (scheme %s)", len(stale), SCHEME)
            self.flush()
        return deduper

    @staticmethod
    def _fingerprint_row(ad_id: str, fingerprint: Fingerprint) -> dict:
        minhash, hashes = signature_to_bytes(fingerprint)
        return {
            "ad_id": ad_id, "num_perm": len(fingerprint.minhash.hashvalues), "signature": minhash,
            "scheme": SCHEME, "shingles": hashes,
        }  # fmt: skip

    # -- writes (buffered; ``flush`` commits them in one transaction) -------------------------
    def upsert_ad(self, ad: JobAd, *, signature: Fingerprint, seen_at: datetime) -> None:
        """A new canonical ad, or new fields for an existing one (first_seen_at is kept)."""
        row = {c: getattr(ad, c) for c in _ADS.fields} | {"first_seen_at": seen_at, "last_seen_at": seen_at}
        self._ads[ad.ad_id] = row
        self._skills[ad.ad_id] = [
            {c: getattr(s, c) for c in _SKILLS.fields} | {"ad_id": ad.ad_id, "position": i}
            for i, s in enumerate(ad.ticked_skills)
        ]
        self._minhashes[ad.ad_id] = self._fingerprint_row(ad.ad_id, signature)
        for src in ad.sources:
            self.add_source(ad.ad_id, src, content_hash=ad.content_hash, kind="canonical", similarity=1.0)
        self._maybe_flush()

    def add_source(
        self, ad_id: str, source: AdSource, *, content_hash: str | None, kind: str, similarity: float
    ) -> None:
        """Record one more place where canonical ad ``ad_id`` was seen."""
        key = (source.source, source.source_key)
        previous = self._sources.get(key)
        row = {c: getattr(source, c) for c in _SOURCES.fields} | {
            "source_key": source.source_key, "ad_id": ad_id, "content_hash": content_hash,
            "duplicate_kind": previous["duplicate_kind"] if previous else kind, "similarity": similarity,
        }  # fmt: skip
        if previous:
            row["first_seen_at"] = previous["first_seen_at"]
        self._sources[key] = row
        self._maybe_flush()

    def touch(self, source: str, source_key: str, seen_at: datetime) -> None:
        """Move last_seen_at of a stored source record (and of its ad)."""
        pending = self._sources.get((source, source_key))
        if pending is not None:
            pending["last_seen_at"] = max(pending["last_seen_at"], seen_at)
        else:
            self._touches[(source, source_key)] = seen_at
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._sources) + len(self._touches) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Write everything buffered, all or nothing."""
        if not (self._ads or self._sources or self._touches):
            return
        # every model field but the key; first_seen_at is kept, last_seen_at only moves forward
        updates = ", ".join(f"{c} = excluded.{c}" for c in _ADS.fields if c != "ad_id")
        with transaction(self.con):
            if self._ads:
                self._insert(
                    "core_ads__job_ads", _ADS.names, list(self._ads.values()),
                    f"ON CONFLICT (ad_id) DO UPDATE SET {updates}, "
                    "last_seen_at = greatest(core_ads__job_ads.last_seen_at, excluded.last_seen_at)",
                )  # fmt: skip
                self.con.execute(
                    "DELETE FROM core_ads__ticked_skills WHERE ad_id IN (SELECT unnest(?))", [list(self._ads)]
                )
                skills = [row for rows in self._skills.values() for row in rows]
                if skills:
                    self._insert("core_ads__ticked_skills", _SKILLS.names, skills, "")
            if self._minhashes:
                self._insert("core_ads__minhashes", _MINHASHES.names, list(self._minhashes.values()), "",
                             replace=True)
            if self._sources:
                self._insert(
                    "core_ads__ad_sources", _SOURCES.names, list(self._sources.values()),
                    "ON CONFLICT (source, source_key) DO UPDATE SET ad_id = excluded.ad_id, "
                    "raw_hash = excluded.raw_hash, content_hash = excluded.content_hash, url = excluded.url, "
                    "lastmod_at = excluded.lastmod_at, "
                    "last_seen_at = greatest(core_ads__ad_sources.last_seen_at, excluded.last_seen_at)",
                )  # fmt: skip
            touches = [{"source": s, "source_key": k, "seen_at": t} for (s, k), t in self._touches.items()]
            touches += [
                {"source": r["source"], "source_key": r["source_key"], "seen_at": r["last_seen_at"]}
                for r in self._sources.values()
            ]
            if touches:
                with registered(self.con, "_touches", pa.Table.from_pylist(touches)):
                    self.con.execute(
                        "UPDATE core_ads__ad_sources s SET last_seen_at = greatest(s.last_seen_at, t.seen_at) "
                        "FROM _touches t WHERE s.source = t.source AND s.source_key = t.source_key"
                    )
                    self.con.execute(
                        "UPDATE core_ads__job_ads a SET last_seen_at = greatest(a.last_seen_at, m.seen_at) FROM "
                        "(SELECT s.ad_id, max(t.seen_at) AS seen_at FROM _touches t JOIN core_ads__ad_sources s "
                        "USING (source, source_key) GROUP BY s.ad_id) m WHERE a.ad_id = m.ad_id"
                    )
        self._ads.clear()
        self._skills.clear()
        self._minhashes.clear()
        self._sources.clear()
        self._touches.clear()

    def _insert(
        self, table: str, columns: Sequence[str], rows: list[dict], conflict: str, *, replace: bool = False
    ) -> None:
        verb = "INSERT OR REPLACE INTO" if replace else "INSERT INTO"
        names = ", ".join(columns)
        with registered(self.con, "_batch", pa.Table.from_pylist(rows)):
            self.con.execute(f"{verb} {table} ({names}) SELECT {names} FROM _batch {conflict}")

    def counts(self) -> dict[str, int]:
        """Rows per table (for summaries and tests)."""
        tables = ("job_ads", "ad_sources", "ticked_skills", "minhashes")
        counts: dict[str, int] = {}
        for t in tables:
            row = self.con.execute(f"SELECT count(*) FROM core_ads__{t}").fetchone()
            assert row is not None  # count(*) always returns one row
            counts[t] = row[0]
        return counts


def replace_ads(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> dict[str, int]:
    """Store the ads of the Parquet exchange layout (``scale/``: dataset name of
    ``crawler.schema.DATASETS`` → Arrow rows with at least that table's columns), replacing the
    stored rows of the same ads, all or nothing; returns the rows written per dataset.

    Imported ads carry no near-duplicate fingerprint (``core_ads__minhashes``): a later crawl
    detects exact duplicates of them (content hash), not edited reposts.
    """
    from crawler.schema import DATASETS

    if unknown := set(tables) - set(DATASETS):
        raise ValueError(f"not crawler datasets: {sorted(unknown)}")
    ad_ids = pa.concat_arrays([t.column("ad_id").combine_chunks() for t in tables.values()] or
                              [pa.array([], pa.string())]).unique()
    written = {}
    with transaction(con), registered(con, "_crawler_ids", pa.table({"ad_id": ad_ids})):
        for table in DATASETS.values():
            con.execute(f"DELETE FROM {table} WHERE ad_id IN (SELECT ad_id FROM _crawler_ids)")
        for name, rows in tables.items():
            table = DATASETS[name]
            with registered(con, "_crawler_rows", rows.select(list(COLUMNS[table].names))):
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _crawler_rows")
            written[name] = rows.num_rows
    return written
