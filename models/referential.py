"""Typed records of the referential domain: ROME 4.0, ESCO, RNCP/RS and the crosswalks.

Field naming follows STYLE.md: ``_code`` for closed code lists, ``_label`` for human text,
``_at`` for datetimes, ``is_``/``has_`` for booleans.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.base import Record


class Source(StrEnum):
    """Referential sources skillgap knows how to load."""

    ROME = "rome"
    ESCO = "esco"
    RNCP = "rncp"
    ESCO_ROME = "esco_rome"


class SkillKind(StrEnum):
    """Kind of a skill, in the words of ROME 4.0 (ESCO kinds are mapped onto these)."""

    SAVOIR_FAIRE = "savoir-faire"
    SAVOIR_ETRE = "savoir-être"
    SAVOIR = "savoir"


class ReferentialVersion(Record):
    """One load of one source: which files (by hash), which published version, when."""

    version_id: str = Field(description="our key: '<source>:<version_label>:<hash prefix>'")
    source: Source
    version_label: str = Field(description="version as published, e.g. 'ROME 4.0 v60 (25M09)'")
    file_hashes: dict[str, str] = Field(description="file name -> sha256 of its bytes")
    loaded_at: datetime


class Occupation(Record):
    """A ROME 4.0 fiche métier."""

    rome_code: str = Field(pattern=r"^[A-N]\d{4}$")
    label: str
    parent_rome_code: str | None = Field(
        default=None, description="ROME v3-level code the fiche derives from (itself for v3 fiches)"
    )
    domain_code: str | None = None
    domain_label: str | None = None
    appellations: tuple[str, ...] = ()


class Appellation(Record):
    """A ROME job title (appellation) and its fiche."""

    appellation_code: str
    label: str
    short_label: str | None = None
    rome_code: str


class Skill(Record):
    """A referential skill: ROME competence / knowledge item, or ESCO skill."""

    skill_code: str = Field(description="ROME OGR code, or ESCO concept URI")
    label: str
    kind: SkillKind
    source: Source
    macro_competence_code: str | None = None
    macro_competence_label: str | None = None
    category_label: str | None = Field(default=None, description="ROME sub-category or ESCO reuse level")
    alt_labels: tuple[str, ...] = ()
    description: str | None = None
    label_en: str | None = None
    description_en: str | None = Field(default=None, description="ESCO English description")
    alt_labels_en: tuple[str, ...] = ()


class OccupationSkill(Record):
    """A skill of a ROME fiche (bloc 5 of ``unix_liens_rome_referentiels``)."""

    rome_code: str
    skill_code: str
    is_core: bool = Field(description="'coeur de métier' (principal or emerging)")
    is_emerging: bool


class EscoOccupation(Record):
    """An ESCO occupation with its French labels."""

    esco_uri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    isco_code: str | None = None
    label_en: str | None = None


class EscoOccupationSkill(Record):
    """Official ESCO occupation -> skill relation."""

    esco_uri: str
    skill_uri: str
    is_essential: bool


class RomeEscoLink(Record):
    """Official ESCO <-> ROME crosswalk row: ROME appellation -> ESCO occupation."""

    appellation_code: str
    esco_uri: str
    relation: str = Field(description="SKOS relation: exactMatch, closeMatch, narrowMatch, broadMatch")


class Certification(Record):
    """An RNCP or RS certification (fiche)."""

    rncp_code: str = Field(pattern=r"^(RNCP|RS)\d+$")
    title: str | None = None
    level: int | None = Field(default=None, ge=1, le=8, description="European framework level")
    is_active: bool | None = None
    rome_codes: tuple[str, ...] = ()
    successor_codes: tuple[str, ...] = ()
    nsf_codes: tuple[str, ...] = ()
    formacodes: tuple[str, ...] = ()
    certifier_names: tuple[str, ...] = ()
    title_source: str | None = Field(default=None, description="which file gave the title")


class Block(Record):
    """A bloc de compétences of a certification."""

    block_code: str
    rncp_code: str
    label: str
    competences: tuple[str, ...] = Field(
        default=(), description="competence items, HTML removed; empty when unknown"
    )
    assessment: str | None = Field(default=None, description="modalités d'évaluation, when known")
    competences_source: str | None = None

    @property
    def has_competences(self) -> bool:
        return bool(self.competences)


class LoadedVersion(Record):
    """One loaded version of a source as ``skillgap referentials list`` shows it."""

    source: Source
    version_id: str
    version_label: str
    loaded_at: datetime
    is_current: bool


class OccupationMatch(Record):
    """A ROME 4.0 fiche found by the occupation search (``referentials.queries.search_occupations``)."""

    rome_code: str
    label: str
    domain_label: str | None = None
    matched_label: str = Field(description="the fiche label, an appellation or the code that matched the words")
