"""Reviewers' decisions, in the service file (``api.state``, table ``reviews``).

Every decision is inserted, never updated (the audit trail); ``review_set`` gives the decisions in
force for an occupation (the latest per skill and aspect, ``models.review``), which the analysis
applies (``analysis.reviews``) and whose digest is part of the cache key of gaps and modules
(``api.compute``). The weekly batch reads them beside its store (``store_review_set``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from api.state import ApiState, state_path
from models.review import ReviewCreate, ReviewDecision, ReviewSet

_COLUMNS = ("review_id, rome_code, skill_key, skill_label, verdict, merged_into_key, corrected_status, "
            "corrected_block_code, comment, r.key_id, decided_at, k.label")


def add_review(state: ApiState, rome_code: str, review: ReviewCreate, *, key_id: str) -> ReviewDecision:
    """Store a decision of the reviewer ``key_id`` (an API key id) and return it."""
    now = datetime.now(UTC)
    with state.connect() as con:
        cur = con.execute(
            "INSERT INTO reviews (rome_code, skill_key, skill_label, verdict, merged_into_key, corrected_status, "
            "corrected_block_code, comment, key_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [rome_code, review.skill_key, review.skill_label, review.verdict, review.merged_into_key,
             review.corrected_status, review.corrected_block_code, review.comment.strip(), key_id, now.isoformat()])
        review_id = int(cur.lastrowid or 0)
    return ReviewDecision(review_id=review_id, rome_code=rome_code, key_id=key_id, decided_at=now,
                          **review.model_dump())


def _decision(row: tuple) -> ReviewDecision:
    names = ("review_id", "rome_code", "skill_key", "skill_label", "verdict", "merged_into_key",
             "corrected_status", "corrected_block_code", "comment", "key_id", "decided_at", "key_label")
    return ReviewDecision(**dict(zip(names, row, strict=True)))


def audit_trail(state: ApiState, rome_code: str | None = None) -> list[ReviewDecision]:
    """Every decision (of one occupation when given), newest first."""
    where, params = ("WHERE rome_code = ?", [rome_code]) if rome_code else ("", [])
    with state.connect() as con:
        rows = con.execute(f"SELECT {_COLUMNS} FROM reviews r LEFT JOIN api_keys k ON k.key_id = r.key_id "
                           f"{where} ORDER BY review_id DESC", params).fetchall()
    return [_decision(r) for r in rows]


def in_force(decisions: list[ReviewDecision]) -> list[ReviewDecision]:
    """The latest decision per (skill, aspect), oldest first."""
    latest: dict[tuple[str, str], ReviewDecision] = {}
    for d in sorted(decisions, key=lambda d: d.review_id):
        latest[(d.skill_key, d.aspect)] = d
    return sorted(latest.values(), key=lambda d: d.review_id)


def review_set(state: ApiState, rome_code: str) -> ReviewSet | None:
    """The decisions in force for ``rome_code``; None when there is none."""
    decisions = in_force(audit_trail(state, rome_code))
    return ReviewSet(rome_code=rome_code, decisions=tuple(decisions)) if decisions else None


def store_review_set(con: duckdb.DuckDBPyConnection, rome_code: str) -> ReviewSet | None:
    """The decisions for ``rome_code`` in the service file beside the store ``con`` is connected to
    (the weekly batch); None when the store has no service file or no decision."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if row is None or not row[0]:
        return None
    path = state_path(Path(row[0]))
    return review_set(ApiState(path), rome_code) if path.is_file() else None
