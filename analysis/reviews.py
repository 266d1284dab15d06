"""Reviewers' decisions applied to a gap report (``models.review``; stored by ``api.reviews``).

- **merged** into another skill: before counting, the ads asking for the merged skill are
  counted for the target (``remap_merges``: the share and its interval are those of the union);
  the target records the merge.
- **rejected**: the skill leaves ``skills`` (so it is no longer uncovered, nor part of a candidate
  module) and goes to ``rejected_skills``, with who rejected it and why.
- **accepted**: the skill stays, with the decision recorded.
- **coverage_wrong**: the reviewer's status (and block) replace the model's; ``matched_kind``
  becomes ``review``, and the model's status stays in the decision (``model_status``).

Skills are then ranked as ``analysis.gaps`` ranks them (uncovered first, by the lower bound of
their share). Pure functions: no store, no clock.
"""

from __future__ import annotations

import re

import pandas as pd

from models.analysis import CoverageStatus, GapReport, SkillDemand
from models.review import ReviewDecision, ReviewSet, SkillReview

_STATUS_ORDER = {"uncovered": 0, "partial": 1, "covered": 2}
_CERT = re.compile(r"^((?:RNCP|RS)[0-9]+)BC[0-9]+$")


def resolve_merges(merges: dict[str, str]) -> dict[str, str]:
    """Follow chains of merges to their end (a cycle stops where it would loop).

    >>> resolve_merges({"a": "b", "b": "c", "x": "y", "y": "x"})
    {'a': 'c', 'b': 'c', 'x': 'y', 'y': 'x'}
    """
    out = {}
    for start, target in merges.items():
        seen = {start}
        while target in merges and merges[target] not in seen and target not in seen:
            seen.add(target)
            target = merges[target]
        out[start] = target
    return out


def remap_merges(asks: pd.DataFrame, reviews: ReviewSet | None) -> pd.DataFrame:
    """The asks ``[ad_id, skill_key, label]`` with merged skills counted as their target (each
    (ad, skill, label) once)."""
    if reviews is None or not reviews.merges() or asks.empty:
        return asks
    targets = resolve_merges(reviews.merges())
    out = asks.copy()
    out["skill_key"] = out.skill_key.map(lambda key: targets.get(key, key))
    return out.drop_duplicates()


def _with_coverage(skill: SkillDemand, d: ReviewDecision) -> SkillDemand:
    cov = skill.coverage
    block = d.corrected_block_code
    match = _CERT.match(block) if block else None
    update: dict[str, object] = {"status": CoverageStatus(d.corrected_status or cov.status.value),
                                  "matched_kind": "review"}
    if d.corrected_status == "uncovered":
        update.update(block_code=None, rncp_code=None, certification_title=None, matched_text=None)
    elif block and block != cov.block_code:
        update.update(block_code=block, rncp_code=match.group(1) if match else None, certification_title=None,
                      matched_text=None)
    review = SkillReview.of(d, model_status=cov.status.value)
    return skill.model_copy(update={"coverage": cov.model_copy(update=update),
                                    "reviews": (*skill.reviews, review)})


def apply_reviews(report: GapReport, reviews: ReviewSet | None) -> GapReport:
    """The report with the decisions in force applied (see module docstring)."""
    if reviews is None or not reviews.decisions:
        return report
    by_key: dict[str, list[ReviewDecision]] = {}
    for d in reviews.decisions:
        by_key.setdefault(d.skill_key, []).append(d)
    targets = resolve_merges(reviews.merges())
    merged_into: dict[str, list[ReviewDecision]] = {}
    for d in reviews.decisions:
        if d.verdict == "merged":
            merged_into.setdefault(targets[d.skill_key], []).append(d)
    kept: list[SkillDemand] = []
    rejected: list[SkillDemand] = list(report.rejected_skills)
    for skill in report.skills:
        for d in merged_into.get(skill.skill_key, []):
            skill = skill.model_copy(update={"reviews": (*skill.reviews,
                                                         SkillReview.of(d, merged_from_label=d.skill_label))})
        is_rejected = False
        for d in sorted(by_key.get(skill.skill_key, []), key=lambda d: d.review_id):
            if d.verdict == "coverage_wrong":
                skill = _with_coverage(skill, d)
            elif d.verdict in ("accepted", "rejected"):
                skill = skill.model_copy(update={"reviews": (*skill.reviews, SkillReview.of(d))})
                is_rejected = d.verdict == "rejected"
        (rejected if is_rejected else kept).append(skill)
    kept.sort(key=lambda s: (_STATUS_ORDER[s.coverage.status.value], -s.share_low, s.skill_label))
    return report.model_copy(update={"skills": tuple(kept), "rejected_skills": tuple(rejected)})
