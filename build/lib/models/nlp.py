"""Typed records of the NLP stage: skill mentions, their links to referential skills, occupations."""

from __future__ import annotations

from pydantic import Field

from models.base import Record


class SkillMention(Record):
    """A candidate skill phrase found in an ad (offsets into the ad's cleaned description)."""

    ad_id: str
    mention_id: str = Field(description="'<ad_id>:<start_char>-<end_char>'")
    text: str
    start_char: int = Field(ge=0)
    end_char: int = Field(ge=0)
    section: str = Field(description="poste | missions | profil | competences | savoir_etre")
    method: str = Field(description="how it was found: clause | item | object | exact")


class SkillLink(Record):
    """One ranked referential skill for a mention."""

    mention_id: str
    skill_code: str = Field(description="ROME OGR code or ESCO skill URI")
    source: str = Field(description="rome | esco")
    score: float
    rank: int = Field(ge=1)
    method: str = Field(description="embedding | exact, with '+fiche' when the occupation re-ranked it")
    model_name: str
    referential_version: str


class OccupationPrediction(Record):
    """The ROME 4.0 fiche predicted for an ad, with its v3-level parent and the runners-up."""

    ad_id: str
    rome_code: str
    parent_rome_code: str = Field(description="ROME v3-level code (France Travail romeCode before ROME 4.0)")
    score: float
    top_rome_codes: tuple[str, ...]
    top_scores: tuple[float, ...]
    model_name: str
    referential_version: str


class ProcessedAd(Record):
    """Everything the NLP stage produced for one ad (or why it was skipped)."""

    ad_id: str
    mentions: tuple[SkillMention, ...] = ()
    links: tuple[SkillLink, ...] = ()
    occupation: OccupationPrediction | None = None
    skipped_reason: str | None = None
