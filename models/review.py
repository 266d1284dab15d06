"""Typed records of the review loop: a reviewer's decision on a demanded skill of an occupation.

A reviewer (an API key) marks a candidate skill *accepted*, *rejected* or *merged into* another
skill, or marks the model's coverage decision *wrong* and gives the right status (and block).
Every decision is kept (audit trail, ``ReviewDecision``); for one occupation, skill and aspect
(the skill itself, or its coverage) the latest decision wins (``ReviewSet``). The analysis applies
a ``ReviewSet`` to a gap report (``analysis.reviews``) and records on each skill who decided what
(``SkillReview``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from models.base import Record
from models.queries import ROME_PATTERN

Verdict = Literal["accepted", "rejected", "merged", "coverage_wrong"]
Aspect = Literal["skill", "coverage"]
#: ``models.analysis.CoverageStatus`` values (models.analysis imports this module)
Status = Literal["covered", "partial", "uncovered"]

VERDICT_LABELS: dict[str, str] = {
    "accepted": "acceptée", "rejected": "rejetée", "merged": "fusionnée", "coverage_wrong": "couverture corrigée"}


def aspect_of(verdict: Verdict) -> Aspect:
    """What a verdict decides: the skill itself, or its coverage.

    >>> aspect_of("merged"), aspect_of("coverage_wrong")
    ('skill', 'coverage')
    """
    return "coverage" if verdict == "coverage_wrong" else "skill"


class ReviewCreate(Record):
    """What a reviewer submits about one skill of one occupation."""

    skill_key: str = Field(min_length=1, max_length=500)
    skill_label: str = Field(min_length=1, max_length=500)
    verdict: Verdict
    merged_into_key: str | None = Field(default=None, max_length=500, description="the skill it is merged into")
    corrected_status: Status | None = Field(default=None, description="the right coverage status")
    corrected_block_code: str | None = Field(default=None, max_length=40, pattern=r"^(RNCP|RS)[0-9]+BC[0-9]+$",
                                             description="the block that covers it (covered / partial)")
    comment: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.verdict == "merged" and (not self.merged_into_key or self.merged_into_key == self.skill_key):
            raise ValueError("une fusion demande une autre compétence cible")
        if self.verdict == "coverage_wrong" and self.corrected_status is None:
            raise ValueError("une correction de couverture demande le bon statut")
        return self


class ReviewDecision(ReviewCreate):
    """A stored decision: who (API key id) and when."""

    review_id: int
    rome_code: str = Field(pattern=ROME_PATTERN)
    key_id: str
    key_label: str | None = None
    decided_at: datetime

    @property
    def aspect(self) -> Aspect:
        return aspect_of(self.verdict)


class ReviewSet(Record):
    """The decisions in force for one occupation: the latest per skill and aspect."""

    rome_code: str = Field(pattern=ROME_PATTERN)
    decisions: tuple[ReviewDecision, ...] = ()

    def digest(self) -> str:
        """Hash of the decisions in force (part of the API cache key: a new decision is a new result)."""
        text = "|".join(d.model_dump_json() for d in sorted(self.decisions, key=lambda d: d.review_id))
        return hashlib.sha256(f"{self.rome_code}|{text}".encode()).hexdigest()[:16]

    def merges(self) -> dict[str, str]:
        """skill_key → the skill it is merged into."""
        return {d.skill_key: d.merged_into_key for d in self.decisions
                if d.verdict == "merged" and d.merged_into_key}


class SkillReview(Record):
    """A decision as applied to a skill of a gap report (``SkillDemand.reviews``)."""

    verdict: Verdict
    key_id: str
    key_label: str | None = None
    decided_at: datetime
    comment: str = ""
    merged_from_label: str | None = Field(default=None, description="for a merge: the skill merged into this one")
    merged_into_key: str | None = None
    model_status: Status | None = Field(default=None, description="for a correction: the model's status")
    corrected_status: Status | None = None
    corrected_block_code: str | None = None

    @classmethod
    def of(cls, d: ReviewDecision, *, merged_from_label: str | None = None,
           model_status: Status | None = None) -> SkillReview:
        return cls(verdict=d.verdict, key_id=d.key_id, key_label=d.key_label, decided_at=d.decided_at,
                   comment=d.comment, merged_into_key=d.merged_into_key, corrected_status=d.corrected_status,
                   corrected_block_code=d.corrected_block_code, merged_from_label=merged_from_label,
                   model_status=model_status)
