"""Typed records of job ads: what spiders parse (``ScrapedAd``) and what the store keeps (``JobAd``).

Recruiter contact data (names, e-mails, phones) is never part of any of them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from models.base import Record


class TickedSkill(Record):
    """A ROME skill the employer ticked on a France Travail offer (``competences[]``)."""

    skill_code: str | None = None
    label: str
    requirement: str | None = Field(default=None, description="'E' exigé / 'S' souhaité")


class AdSource(Record):
    """One place an ad was seen (an ad is typically reposted on 2-5 boards)."""

    source: str = Field(description="spider that found it: france_travail, jobposting (files use the same names)")
    source_ad_id: str | None = None
    url: str | None = None
    raw_hash: str | None = Field(default=None, description="sha1 of the source record as received")
    first_seen_at: datetime
    last_seen_at: datetime
    lastmod_at: datetime | None = Field(default=None, description="sitemap lastmod of the url, if any")

    @property
    def source_key(self) -> str:
        """The key of this source record: its id at the source, else its url."""
        return self.source_ad_id or self.url or ""


class AdDetails(Record):
    """Descriptive fields an ad carries from its source to the store, the same at every stage."""

    valid_through_at: datetime | None = None
    company_name: str | None = None
    naf_code: str | None = None
    sector_label: str | None = None
    rome_code: str | None = Field(default=None, description="ROME code given by the source, if any")
    rome_label: str | None = None
    appellation_label: str | None = None
    contract_type_code: str | None = None
    experience_label: str | None = None
    qualification_label: str | None = None
    salary_label: str | None = None
    location_label: str | None = None
    postal_code: str | None = None


class ScrapedAd(AdDetails):
    """An ad as a spider or file reader parsed it: raw text, nothing checked or cleaned yet."""

    source: str
    source_ad_id: str | None = None
    url: str | None = None
    raw_hash: str = Field(description="sha1 of the source record as received")
    seen_at: datetime
    lastmod_at: datetime | None = None
    origin: str | None = Field(default=None, description="where it came from, for error messages: file:line or url")
    title: str | None = None
    description: str | None = Field(default=None, description="plain text, or HTML when is_html")
    is_html: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    commune_code: str | None = None
    region_label: str | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    ticked_skills: tuple[TickedSkill, ...] = ()


class SeenAgain(Record):
    """A source record found again unchanged, not fetched again: only its last_seen_at moves."""

    source: str
    source_key: str
    seen_at: datetime


class JobAd(AdDetails):
    """A canonical job ad. Recruiter contact data is never part of it."""

    ad_id: str = Field(description="our key: '<source>:<source_ad_id or url hash>' of the first source seen")
    title: str
    description: str = Field(description="clean text; line breaks and '- ' bullets kept")
    created_at: datetime | None = None
    updated_at: datetime | None = None
    commune_code: str | None = Field(default=None, description="INSEE commune code")
    department_code: str | None = None
    region_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    ticked_skills: tuple[TickedSkill, ...] = ()
    language_code: str | None = None
    content_hash: str | None = Field(default=None, description="sha1 of normalised title + description + employer")
    sources: tuple[AdSource, ...] = ()


class StoredAd(Record):
    """One stored canonical ad as the readers of the store see it (``crawler.queries.ad``)."""

    # read back exactly as stored: mention offsets index into ``description``
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    ad_id: str
    title: str
    description: str
    created_at: datetime | None = None
    company_name: str | None = None
    rome_code: str | None = Field(default=None, description="ROME code given by the source, if any")
    rome_label: str | None = None
    region_code: str | None = None
    location_label: str | None = None
    contract_type_code: str | None = None
