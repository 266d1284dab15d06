"""What the pages memoise: reads per snapshot (``web.data.SnapshotMemo``), parsed cache entries
(``api.compute.ParsedResults``) and the batch read of cached results (``api.compute.cached_results``),
whose keys must be the ones ``cached_result`` uses, reviewers' decisions included."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from api import cache
from api.compute import ParsedResults, cached_result, cached_results, query_reviews
from api.errors import ApiError
from api.keys import create_key
from api.reviews import add_review
from api.state import ApiState
from models.analysis import GapReport
from models.queries import GapQuery
from models.review import ReviewCreate
from web.data import SnapshotMemo

FP = "fingerprint-of-the-snapshot"


class _Con:
    """A connection whose cursors are counted (each read runs on its own)."""

    def __init__(self) -> None:
        self.opened = self.closed = 0

    def cursor(self) -> _Con:
        self.opened += 1
        return self

    def close(self) -> None:
        self.closed += 1


def test_snapshot_memo_reads_once_per_snapshot_and_arguments() -> None:
    memo, calls, con = SnapshotMemo(size=3), [], _Con()

    def read(value: int) -> Any:
        def run(cur: Any) -> int:
            assert cur is con
            calls.append(value)
            return value * 10
        return run

    assert memo.get(con, "a.duckdb", "x", 1, read(1)) == 10
    assert memo.get(con, Path("a.duckdb"), "x", 1, read(1)) == 10
    assert calls == [1]
    assert memo.get(con, "b.duckdb", "x", 1, read(2)) == 20  # another snapshot: read again
    assert memo.get(con, "a.duckdb", "x", 2, read(3)) == 30  # other arguments too
    assert memo.get(con, "a.duckdb", "y", 1, read(4)) == 40  # and another name
    assert calls == [1, 2, 3, 4]
    memo.get(con, "a.duckdb", "x", 1, read(5))  # the oldest went out (size 3)
    assert calls == [1, 2, 3, 4, 5]
    assert con.opened == con.closed == 5


def _report(rome_code: str, n_ads: int) -> GapReport:
    return GapReport(rome_code=rome_code, rome_label="Métier", n_ads=n_ads, is_significant=True, min_ads=30,
                     n_candidate_certifications=0, coverage_basis="—", model_name="test", referential_versions={})


class _Fingerprints:
    def get(self, con: Any, *, model_name: str, snapshot: str) -> str:
        return FP


@pytest.fixture
def state(tmp_path: Path) -> ApiState:
    return ApiState(tmp_path / "s.api.sqlite")


@pytest.fixture
def computer(state: ApiState) -> Any:
    """What ``cached_result`` uses of an ``api.compute.Computer`` (no worker, no encoder)."""
    def run(kind: str, query: Any) -> None:
        raise AssertionError("cached_results never computes")
    return SimpleNamespace(fingerprints=_Fingerprints(), model_name="test", state=state, results=ParsedResults(),
                           run=run)


def _save(state: ApiState, query: GapQuery, payload: dict[str, Any]) -> None:
    _, fp = query_reviews(state, query, FP)
    cache.save(state, kind="gaps", params=query.model_dump(mode="json"), fp=fp, model_name="test",
               payload=json.dumps(payload, ensure_ascii=False), compute_s=0.1)


def test_cached_results_find_what_cached_result_finds(state: ApiState, computer: Any) -> None:
    key_id = create_key(state, label="relectrice").split("_")[1]
    add_review(state, "M1805", ReviewCreate(skill_key="python", skill_label="Python", verdict="rejected"),
               key_id=key_id)
    reviewed, plain = GapQuery(rome_code="M1805"), GapQuery(rome_code="M1801")
    _save(state, reviewed, {"ok": _report("M1805", 40).model_dump(mode="json")})
    _save(state, plain, {"ok": _report("M1801", 50).model_dump(mode="json")})
    _save(state, GapQuery(rome_code="K2111"), {"error": {"status": 404, "code": "no_ads", "message": "aucune offre"}})
    queries = [reviewed, GapQuery(rome_code="A1101"), plain, GapQuery(rome_code="K2111")]
    found = cached_results(None, Path("snap.duckdb"), computer, "gaps", queries)
    assert [r.n_ads if r else None for r in found] == [40, None, 50, None]
    one, _ = cached_result(None, Path("snap.duckdb"), computer, "gaps", reviewed,
                           compute_on_miss=False)
    assert one is found[0]  # parsed once, then shared
    with pytest.raises(ApiError) as missing:
        cached_result(None, Path("snap.duckdb"), computer, "gaps", GapQuery(rome_code="A1101"),
                      compute_on_miss=False)
    assert missing.value.status == 503
    for _ in range(2):  # a cached error is raised again, from the parsed entry the second time
        with pytest.raises(ApiError) as error:
            cached_result(None, Path("snap.duckdb"), computer, "gaps", GapQuery(rome_code="K2111"),
                          compute_on_miss=False)
        assert error.value.status == 404


def test_a_new_decision_is_a_new_key_for_the_batch_too(state: ApiState, computer: Any) -> None:
    query = GapQuery(rome_code="M1805")
    _save(state, query, {"ok": _report("M1805", 40).model_dump(mode="json")})
    assert cached_results(None, "snap", computer, "gaps", [query])[0] is not None
    key_id = create_key(state, label="relecteur").split("_")[1]
    add_review(state, "M1805", ReviewCreate(skill_key="sql", skill_label="SQL", verdict="rejected"), key_id=key_id)
    assert cached_results(None, "snap", computer, "gaps", [query]) == [None]
    assert query_reviews(state, query, FP)[1] != FP


def test_parsed_results_keep_the_most_recent() -> None:
    from api.compute import KINDS

    parsed = ParsedResults(size=2)
    entry = cache.CacheEntry(payload=json.dumps({"ok": _report("M1805", 1).model_dump(mode="json")}),
                             computed_at=None, compute_s=0.0)
    for key in ("a", "b", "c"):
        parsed.parse(KINDS["gaps"], key, entry)
    assert parsed.get("a") is None and parsed.get("b") is not None and parsed.get("c") is not None
    parsed.parse(KINDS["gaps"], None, entry)  # not kept
    assert parsed.get("b") is not None
