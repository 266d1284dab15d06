"""Typed records of the analysis stage: coverage of demanded skills by RNCP blocks, gaps, modules."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from models.base import Record
from models.review import SkillReview


class CoverageStatus(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    UNCOVERED = "uncovered"


class Coverage(Record):
    """How well the blocks of the candidate certifications cover one demanded skill."""

    skill_key: str = Field(description="ROME OGR code, ESCO URI, or 'phrase:<text>' for an unlinked phrase")
    skill_label: str
    rome_code: str
    status: CoverageStatus
    score: float = Field(description="cosine similarity of the best block item")
    block_code: str | None = None
    rncp_code: str | None = None
    certification_title: str | None = None
    matched_text: str | None = Field(default=None, description="the block competence (or title) matched")
    matched_kind: str | None = Field(default=None, description="what the decision rests on: 'competence' (an item "
                                     "of the block's competence list), 'title' (the block title), 'title_part' "
                                     "(one verb-object unit of a title-only block), 'review' (a reviewer)")
    n_candidate_certifications: int
    model_name: str
    rncp_version: str
    covered_threshold: float
    partial_threshold: float


class EvidenceAd(Record):
    """An ad that asks for a skill, with the sentence that asks for it."""

    ad_id: str
    created_at: date | None = None
    excerpt: str


class SkillDemand(Record):
    """One demanded skill of an occupation over a region and period, with its coverage."""

    skill_key: str
    skill_label: str
    is_linked: bool = Field(description="False for an unlinked phrase (candidate new skill)")
    n_ads: int = Field(description="ads of the occupation that ask for the skill")
    share: float
    share_low: float = Field(description="95% Wilson interval, lower bound")
    share_high: float
    coverage: Coverage
    evidence: tuple[EvidenceAd, ...] = ()
    reviews: tuple[SkillReview, ...] = Field(default=(), description="reviewers' decisions applied (analysis.reviews)")


class GapSummary(Record):
    """The context of a gap report: occupation, region, period, ads, certifications, model."""

    rome_code: str
    rome_label: str
    region_code: str | None = None
    department_code: str | None = None
    contract_type_code: str | None = None
    naf_code: str | None = Field(default=None, description="NAF code or prefix the ads were filtered on")
    date_from: date | None = None
    date_to: date | None = None
    n_ads: int
    is_significant: bool = Field(description="n_ads ≥ min_ads; below it, shares are too uncertain to act on")
    min_ads: int
    n_candidate_certifications: int
    coverage_basis: str = Field(description="how many candidate blocks have competence lists vs titles only")
    model_name: str
    referential_versions: dict[str, str]


class GapReport(GapSummary):
    """Demanded skills of one occupation × region × period, uncovered ones first."""

    skills: tuple[SkillDemand, ...] = ()
    rejected_skills: tuple[SkillDemand, ...] = Field(default=(), description="skills a reviewer rejected")

    def summary(self) -> GapSummary:
        return GapSummary(**{name: getattr(self, name) for name in GapSummary.model_fields})


class CandidateModule(Record):
    """A cluster of uncovered skills of an occupation: the seed of an add-on module."""

    module_id: str = Field(description="stable: derived from the occupation and the sorted skill keys")
    rome_code: str
    title: str
    skills: tuple[SkillDemand, ...]
    n_ads: int = Field(description="ads asking for at least one skill of the module")
    share: float
    share_low: float
    share_high: float
    complemented_blocks: tuple[str, ...] = Field(description="closest blocks of the candidate certifications")
    complemented_certifications: tuple[str, ...]
    region_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    model_name: str
    clustering: str = Field(description="method and criterion used")


class ModulesReport(Record):
    """``skillgap modules``: the candidate modules of one occupation and the gap report they come from."""

    report: GapReport
    modules: tuple[CandidateModule, ...] = ()
