"""Public (response) and Create (request) records of the API.

Field names are English and carry the project's suffixes (``_code``, ``_label``, ``_at``); the
labels themselves are French. Analysis results reuse the shared records of ``models/``
(``GapReport``, ``SkillDemand``, ``CandidateModule``, ``Signal``, ``WatchReport``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models.analysis import CandidateModule, GapSummary, SkillDemand
from models.signals import Signal, SignalSummary

T = TypeVar("T")


class Public(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Page(Public, Generic[T]):
    """A page of a longer list: ``total`` items match, ``items`` holds ``limit`` of them from ``offset``."""

    total: int = Field(ge=0, examples=[42])
    limit: int = Field(ge=1, examples=[50])
    offset: int = Field(ge=0, examples=[0])
    items: list[T]


class CacheInfo(Public):
    computed_at: datetime = Field(description="when the result was computed (UTC)")
    compute_s: float = Field(description="seconds the computation took")

    @classmethod
    def of(cls, entry: Any) -> CacheInfo:
        """From an ``api.cache.CacheEntry``."""
        return cls(computed_at=entry.computed_at, compute_s=entry.compute_s)


class OccupationSummary(Public):
    rome_code: str = Field(examples=["M1805"])
    label: str = Field(examples=["Développeur / Développeuse informatique"])
    domain_label: str | None = Field(default=None, examples=["Systèmes d'information et de télécommunication"])
    matched_label: str | None = Field(default=None, description="the appellation or label the query matched",
                                      examples=["Développeur / Développeuse web"])


class Occupation(Public):
    rome_code: str = Field(examples=["M1805"])
    label: str = Field(examples=["Développeur / Développeuse informatique"])
    parent_rome_code: str | None = Field(default=None, description="ROME v3-level code", examples=["M1805"])
    domain_code: str | None = Field(default=None, examples=["M18"])
    domain_label: str | None = None
    appellations: list[str] = Field(
        examples=[["Développeur / Développeuse web", "Développeur / Développeuse back-end"]]
    )
    n_ads: int = Field(description="stored ads of the occupation (source code)")
    certifications: list[CertificationSummary] = Field(description="RNCP certifications linked to the occupation")


class OccupationSkill(Public):
    source: str = Field(description="rome | esco", examples=["rome"])
    skill_code: str = Field(examples=["300487"])
    label: str = Field(examples=["Concevoir une application web"])
    kind: str | None = Field(default=None, examples=["savoir-faire"])
    is_core: bool | None = Field(default=None, description="ROME: core skill of the fiche; ESCO: essential")
    is_emerging: bool | None = None
    macro_competence_label: str | None = None


class CertificationSummary(Public):
    rncp_code: str = Field(examples=["RNCP31678"])
    title: str | None = Field(default=None, examples=["Développeur web et web mobile"])
    level: int | None = Field(default=None, examples=[5])
    is_active: bool | None = None
    link: str | None = Field(default=None, description="'direct' (fiche code) or 'parent' (v3 code)")


class Block(Public):
    block_code: str = Field(examples=["RNCP31678BC01"])
    label: str | None = Field(examples=["Développer la partie front-end d'une application web"])
    competences: list[str] = Field(description="competence items (empty when the export lacks them)")
    has_competences: bool


class Certification(Public):
    rncp_code: str = Field(examples=["RNCP31678"])
    title: str | None = None
    level: int | None = None
    is_active: bool | None = None
    certifier_names: list[str] = []
    successor_codes: list[str] = []
    blocks: list[Block]
    occupations: list[OccupationSummary] = Field(description="ROME fiches linked (v3 codes and their 4.0 fiches)")


class GapPage(Page[SkillDemand]):
    """The skills of a gap report (uncovered first), paginated, with the report's context."""

    report: GapSummary = Field(description="the gap report without its skills (occupation, period, model…)")
    cache: CacheInfo


class ModulesResult(Public):
    report: GapSummary = Field(description="the gap report the modules come from, without its skills")
    modules: list[CandidateModule]
    cache: CacheInfo


class SignalPage(Page[Signal]):
    context: SignalSummary = Field(description="what was asked, ads and series tested, periods, tests")
    cache: CacheInfo


class AdSummary(Public):
    ad_id: str
    title: str
    created_at: datetime | None = None
    rome_code: str | None = Field(default=None, description="occupation used by the analysis (NLP, else source)")
    region_code: str | None = None
    location_label: str | None = None
    company_name: str | None = None


class TickedSkill(Public):
    skill_code: str | None
    label: str
    requirement: str | None = Field(default=None, description="'E' exigé / 'S' souhaité")


class LinkedSkill(Public):
    skill_code: str
    label: str | None
    score: float | None = None
    rank: int | None = None


class Mention(Public):
    mention_id: str
    text: str
    start_char: int
    end_char: int
    section: str | None = None
    links: list[LinkedSkill] = []


class Segment(Public):
    """A piece of the description: plain text, or a mention (``mention_id`` set) to highlight."""

    text: str
    mention_id: str | None = None


class Ad(Public):
    ad_id: str
    title: str
    description: str
    created_at: datetime | None = None
    company_name: str | None = None
    rome_code: str | None = Field(default=None, description="source ROME code")
    rome_label: str | None = None
    predicted_rome_code: str | None = Field(default=None, description="NLP prediction, when processed")
    region_code: str | None = None
    location_label: str | None = None
    contract_type_code: str | None = None
    ticked_skills: list[TickedSkill]
    mentions: list[Mention] = Field(description="skill phrases found by the NLP stage, with offsets and links")
    segments: list[Segment] = Field(description="the description cut at the mentions, for highlighting")
    is_processed: bool = Field(description="False when the NLP stage has not run on this ad (no mentions yet)")


class AdsCreate(Public):
    """One or many ads: France Travail API offer objects or schema.org JobPosting objects."""

    ads: list[dict[str, Any]] = Field(min_length=1, max_length=1000, examples=[[{
        "id": "DEMO001", "intitule": "Développeur web (H/F)", "romeCode": "M1805",
        "description": "Missions :\n- Développer des applications web en Python\n- Concevoir des API REST",
        "dateCreation": "2026-01-15T08:00:00.000Z",
        "lieuTravail": {"libelle": "69 - LYON 03", "codePostal": "69003", "commune": "69383"}}]])


class AdOutcome(Public):
    index: int = Field(description="position in the request")
    status: str = Field(description="staged (waiting for the batch) | dropped; after the batch's import: "
                                    "stored | duplicate | updated | unchanged | dropped")
    staging_id: int | None = Field(default=None, description="GET /ads/staged/{staging_id} tells what became of it")
    ad_id: str | None = None
    reason: str | None = None


class AdsStaged(Public):
    read: int
    staged: int
    dropped: int
    outcomes: list[AdOutcome]


class Health(Public):
    status: str = Field(examples=["ok"])
    store: str
    n_ads: int
    referentials_loaded: list[str]


class Version(Public):
    version: str = Field(examples=["0.1.0"])
    model_name: str = Field(examples=["use-multilingual-v3"])
    referential_versions: dict[str, dict[str, Any]]
    coverage_thresholds: dict[str, float] | None = Field(description="covered / partial cosine thresholds of the model")
    analysis_config: dict[str, Any]


Occupation.model_rebuild()
