"""Reads and flattenings the pages share (no analysis here: results come from ``api.compute``).

What a page reads from the store (fiche, certifications and their blocks, volume series, block
labels…) is memoised per published snapshot (``SNAPSHOT_MEMO``): a snapshot never changes (the
API's fingerprint memo relies on the same), and those reads are most of an occupation page's time
at 100k ads. Reviewers' decisions are not in the store: what depends on them (gap reports) comes
from the result cache, under a key that includes their digest.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import pyarrow.compute as pc

from api.compute import Computer, cached_results
from api.models import Certification
from api.routes.certifications import get_certification
from api.routes.occupations import certification_summaries
from crawler import queries as ad_queries
from models.analysis import GapReport, SkillDemand
from models.queries import AdFilter, GapQuery
from nlp import queries as nlp_queries
from referentials import queries
from web.render import BASIS_LABELS, STATUS_LABELS
from web.tables import Table

T = TypeVar("T")


class SnapshotMemo:
    """Values read from a published snapshot, by (snapshot, name, arguments); the ``size`` most
    recently used are kept (entries of an older snapshot age out). Values are shared between
    requests: callers never change them. Two requests missing together both read (no lock held
    while reading the store).

    A read runs on its own cursor of the request's connection: whatever the request ran before
    (a ``fetchone`` leaves its result open, which DuckDB 2 refuses under a following ``con.sql``)
    no longer depends on which reads were memoised."""

    def __init__(self, size: int = 512) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._values: OrderedDict[tuple[str, str, Hashable], Any] = OrderedDict()

    def get(self, con: duckdb.DuckDBPyConnection, snapshot: Path | str, name: str, args: Hashable,
            read: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        key = (str(snapshot), name, args)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        cur = con.cursor()
        try:
            value = read(cur)
        finally:
            cur.close()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


SNAPSHOT_MEMO = SnapshotMemo()


def ads_per_occupation(con: duckdb.DuckDBPyConnection, snapshot: Path | str) -> list[tuple[str, int]]:
    """(rome_code, dated ads) of every occupation, most ads first; once per published snapshot."""
    def read(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
        codes = nlp_queries.ads(cur, AdFilter()).column("rome_code")
        counts = Counter({row["values"]: row["counts"] for row in pc.value_counts(codes).to_pylist()})
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return SNAPSHOT_MEMO.get(con, snapshot, "ads_per_occupation", None, read)


def rome_labels(con: duckdb.DuckDBPyConnection, snapshot: Path | str) -> dict[str, str]:
    """rome_code → label of every fiche of the current ROME version; once per snapshot."""
    return SNAPSHOT_MEMO.get(con, snapshot, "rome_labels", None, lambda cur: dict(
        queries.rome_occupations(cur)[["rome_code", "label"]].itertuples(index=False)))


def volume_series(con: duckdb.DuckDBPyConnection, snapshot: Path | str, f: AdFilter) -> list[tuple[str, int]]:
    """(month start, dated ads) of the filter, oldest first (months without an ad included); once per
    snapshot and filter."""
    def read(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
        periods = nlp_queries.ads(cur, f, period="month").column("period_start")
        if len(periods) == 0:
            return []
        counts = {row["values"]: row["counts"] for row in pc.value_counts(periods).to_pylist()}
        months = pd.date_range(min(counts), max(counts), freq="MS").date
        return [(m.isoformat(), int(counts.get(m, 0))) for m in months]
    return SNAPSHOT_MEMO.get(con, snapshot, "volume_series", f.model_dump_json(), read)


def filter_values(con: duckdb.DuckDBPyConnection, snapshot: Path | str,
                  rome_code: str | None = None) -> dict[str, list[tuple[str, str | None]]]:
    """Département, contract type and NAF codes (with sector label) the dated ads of an occupation
    carry (every stored ad when ``rome_code`` is None): the choices of the page's filters
    (``crawler.queries.filter_values``); once per snapshot."""
    def read(cur: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str | None]]]:
        if rome_code is None:
            return ad_queries.filter_values(cur)
        ids = nlp_queries.ads(cur, AdFilter(rome_codes=(rome_code,))).column("ad_id").to_pylist()
        return ad_queries.filter_values(cur, ids)
    return SNAPSHOT_MEMO.get(con, snapshot, "filter_values", rome_code, read)


def occupation_fiche(con: duckdb.DuckDBPyConnection, snapshot: Path | str, rome_code: str) -> dict | None:
    """The ROME fiche (``referentials.queries.occupation``); once per snapshot."""
    return SNAPSHOT_MEMO.get(con, snapshot, "fiche", rome_code, lambda cur: queries.occupation(cur, rome_code))


def occupation_certifications(con: duckdb.DuckDBPyConnection, snapshot: Path | str,
                              rome_code: str) -> tuple[list[Any], dict[str, list[dict]]]:
    """(certifications linked to the fiche, the first 40 blocks of each of the first 20 by RNCP code);
    once per snapshot."""
    def read(cur: duckdb.DuckDBPyConnection) -> tuple[list[Any], dict[str, list[dict]]]:
        certs = certification_summaries(cur, rome_code)
        blocks = {c.rncp_code: queries.blocks_of_certification(cur, c.rncp_code).to_dict("records")[:40]
                  for c in certs[:20]}
        return certs, blocks
    return SNAPSHOT_MEMO.get(con, snapshot, "certifications", rome_code, read)


def block_labels(con: duckdb.DuckDBPyConnection, snapshot: Path | str, block_codes: list[str]) -> dict[str, str]:
    """block_code → title (``referentials.queries.block_labels``); once per snapshot and set of codes."""
    codes = tuple(sorted(set(block_codes)))
    return SNAPSHOT_MEMO.get(con, snapshot, "block_labels", codes, lambda cur: queries.block_labels(cur, list(codes)))


def certification(con: duckdb.DuckDBPyConnection, snapshot: Path | str, rncp_code: str) -> Certification:
    """A certification, its blocks and linked occupations (the API's ``GET /certifications/{code}``);
    once per snapshot."""
    return SNAPSHOT_MEMO.get(con, snapshot, "certification", rncp_code,
                             lambda cur: get_certification(cur, rncp_code))


def cached_gaps_many(con: duckdb.DuckDBPyConnection, snapshot: Any, computer: Computer,
                     gap_queries: list[GapQuery]) -> list[GapReport | None]:
    """The gap report of each query if the cache has it, else None; never computes, one read of the
    cache for them all (lists of occupations)."""
    return cached_results(con, snapshot, computer, "gaps", list(gap_queries))


def _review_text(skill: SkillDemand) -> str:
    return " ; ".join(f"{r.verdict} par {r.key_label or r.key_id} le {r.decided_at:%Y-%m-%d}"
                      + (f" ({r.comment})" if r.comment else "") for r in skill.reviews)


def skills_table(report: GapReport, blocks: dict[str, str], *, rejected: bool = False) -> Table:
    """The skills of a gap report as a table (what the page shows and exports)."""
    skills = report.rejected_skills if rejected else report.skills
    rows = []
    for s in skills:
        c = s.coverage
        rows.append({
            "skill_label": s.skill_label, "skill_key": s.skill_key, "is_linked": s.is_linked, "n_ads": s.n_ads,
            "share": s.share, "share_low": s.share_low, "share_high": s.share_high,
            "status": STATUS_LABELS[c.status.value], "score": round(c.score, 3), "block_code": c.block_code,
            "block_label": blocks.get(c.block_code or "", ""), "certification": c.rncp_code,
            "certification_title": c.certification_title, "matched_text": c.matched_text,
            "basis": BASIS_LABELS.get(c.matched_kind or "", ""),
            "evidence_ad_ids": [e.ad_id for e in s.evidence],
            "evidence_excerpt": s.evidence[0].excerpt if s.evidence else None, "reviews": _review_text(s)})
    columns = [("skill_label", "compétence"), ("skill_key", "identifiant"), ("is_linked", "liée au référentiel"),
               ("n_ads", "offres"), ("share", "part des offres"), ("share_low", "intervalle bas (95 %)"),
               ("share_high", "intervalle haut (95 %)"), ("status", "couverture"), ("score", "similarité"),
               ("block_code", "bloc le plus proche"), ("block_label", "intitulé du bloc"),
               ("certification", "certification"), ("certification_title", "intitulé de la certification"),
               ("matched_text", "texte rapproché"), ("basis", "jugée"), ("evidence_ad_ids", "offres témoins"),
               ("evidence_excerpt", "extrait"), ("reviews", "relectures")]
    name, title = ("rejetees", "Compétences rejetées") if rejected else ("competences", "Compétences demandées")
    return Table(name, title, columns, rows)
