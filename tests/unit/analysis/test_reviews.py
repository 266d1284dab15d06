"""Reviewers' decisions applied to a gap report (``analysis.reviews``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from analysis.reviews import apply_reviews, remap_merges
from api.reviews import in_force
from models.analysis import Coverage, CoverageStatus, GapReport, SkillDemand
from models.review import ReviewCreate, ReviewDecision, ReviewSet

WHEN = datetime(2026, 1, 5, tzinfo=UTC)


def _skill(key: str, status: str, share_low: float) -> SkillDemand:
    coverage = Coverage(skill_key=key, skill_label=key, rome_code="M1805", status=CoverageStatus(status), score=0.5,
                        block_code="RNCP1BC01", rncp_code="RNCP1", n_candidate_certifications=1, model_name="m",
                        rncp_version="v", covered_threshold=0.8, partial_threshold=0.6, matched_kind="title")
    return SkillDemand(skill_key=key, skill_label=key, is_linked=False, n_ads=5, share=share_low + 0.1,
                       share_low=share_low, share_high=share_low + 0.2, coverage=coverage)


def _report() -> GapReport:
    return GapReport(rome_code="M1805", rome_label="x", n_ads=50, is_significant=True, min_ads=30,
                     n_candidate_certifications=1, coverage_basis="b", model_name="m", referential_versions={},
                     skills=(_skill("a", "uncovered", 0.3), _skill("b", "uncovered", 0.2), _skill("c", "covered", 0.4)))


def _decision(i: int, key: str, verdict: str, **extra) -> ReviewDecision:
    return ReviewDecision(review_id=i, rome_code="M1805", key_id="k1", key_label="Relectrice", decided_at=WHEN,
                          skill_key=key, skill_label=key, verdict=verdict, **extra)


def test_rejected_skill_leaves_the_list_and_is_kept_aside() -> None:
    out = apply_reviews(_report(), ReviewSet(rome_code="M1805", decisions=(_decision(1, "a", "rejected"),)))
    assert [s.skill_key for s in out.skills] == ["b", "c"]
    assert [s.skill_key for s in out.rejected_skills] == ["a"]
    assert out.rejected_skills[0].reviews[0].key_id == "k1"


def test_coverage_override_replaces_the_status_and_keeps_the_model_s() -> None:
    d = _decision(1, "c", "coverage_wrong", corrected_status="uncovered", comment="bloc hors sujet")
    out = apply_reviews(_report(), ReviewSet(rome_code="M1805", decisions=(d,)))
    c = next(s for s in out.skills if s.skill_key == "c")
    assert c.coverage.status is CoverageStatus.UNCOVERED and c.coverage.block_code is None
    assert c.coverage.matched_kind == "review" and c.reviews[0].model_status == "covered"
    assert [s.skill_key for s in out.skills] == ["c", "a", "b"]  # uncovered now, ranked by share_low


def test_latest_decision_wins_per_aspect() -> None:
    decisions = [_decision(1, "a", "rejected"), _decision(2, "a", "accepted"),
                 _decision(3, "a", "coverage_wrong", corrected_status="covered", corrected_block_code="RNCP9BC02")]
    kept = in_force(decisions)
    assert [d.review_id for d in kept] == [2, 3]
    out = apply_reviews(_report(), ReviewSet(rome_code="M1805", decisions=tuple(kept)))
    a = next(s for s in out.skills if s.skill_key == "a")
    assert a.coverage.status is CoverageStatus.COVERED and a.coverage.rncp_code == "RNCP9"


def test_merge_counts_the_union_of_ads() -> None:
    asks = pd.DataFrame({"ad_id": ["1", "2", "2"], "skill_key": ["x", "y", "x"], "label": ["x", "y", "x"]})
    reviews = ReviewSet(rome_code="M1805", decisions=(_decision(1, "y", "merged", merged_into_key="x"),))
    out = remap_merges(asks, reviews)
    assert out.groupby("skill_key").ad_id.nunique().to_dict() == {"x": 2}


def test_digest_changes_with_the_decisions() -> None:
    one = ReviewSet(rome_code="M1805", decisions=(_decision(1, "a", "rejected"),))
    two = ReviewSet(rome_code="M1805", decisions=(_decision(2, "a", "accepted"),))
    assert one.digest() != two.digest()


@pytest.mark.parametrize("fields", [{"verdict": "merged"}, {"verdict": "merged", "merged_into_key": "a"},
                                    {"verdict": "coverage_wrong"}], ids=["merge-no-target", "merge-self", "no-status"])
def test_incomplete_decisions_are_refused(fields) -> None:
    with pytest.raises(ValueError):
        ReviewCreate(skill_key="a", skill_label="a", **fields)
