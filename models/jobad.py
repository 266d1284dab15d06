"""Typed records of job ads, as stored after the crawler's pipelines."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.base import Record


class TickedSkill(Record):
    """A ROME skill the employer ticked on a France Travail offer (``competences[]``)."""

    skill_code: str | None = None
    label: str
    requirement: str | None = Field(default=None, description="'E' exigé / 'S' souhaité")


class AdSource(Record):
    """One place an ad was seen (an ad is typically reposted on 2-5 boards)."""

    source: str = Field(description="spider or import name: france_travail, jobposting, file")
    source_ad_id: str | None = None
    url: str | None = None
    first_seen_at: datetime
    last_seen_at: datetime


class JobAd(Record):
    """A canonical job ad. Recruiter contact data is never part of it."""

    ad_id: str = Field(description="our key: '<source>:<source_ad_id>' of the first source seen")
    title: str
    description: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
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
    location_label: str | None = None
    postal_code: str | None = None
    commune_code: str | None = Field(default=None, description="INSEE commune code")
    department_code: str | None = None
    region_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    ticked_skills: tuple[TickedSkill, ...] = ()
    language_code: str | None = None
    sources: tuple[AdSource, ...] = ()
