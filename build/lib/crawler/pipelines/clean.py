"""Clean: ``ScrapedAd`` → ``JobAd``: plain text keeping lines and bullets, codes checked,
département and région derived from the location, language checked, exact-duplicate hash."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from crawler.parsers.text import clean_text, content_hash, guess_language, html_to_text
from crawler.pipelines.context import RunContext, context_for
from models.jobad import AdDetails, AdSource, JobAd, ScrapedAd, SeenAgain
from referentials import geo

MIN_DESCRIPTION_CHARS = 50
_ROME_RE = re.compile(r"^[A-N]\d{4}$")


class CleanPipeline:
    def __init__(self, context: RunContext):
        self.context = context

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        return cls(context_for(crawler))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SeenAgain):
            return item
        ctx = self.context
        description = html_to_text(item.description) if item.is_html else clean_text(item.description)
        title = " ".join(html_to_text(item.title).split())
        if not title:
            raise ctx.drop("no title")
        if len(description) < MIN_DESCRIPTION_CHARS:
            raise ctx.drop("description too short")
        language = guess_language(description)
        if language is not None and ctx.languages and language not in ctx.languages:
            raise ctx.drop(f"language {language}")
        return to_job_ad(item, title=title, description=description, language=language)


def _department(item: ScrapedAd) -> str | None:
    return (
        geo.department_from_commune_code(item.commune_code)
        or geo.department_from_postal_code(item.postal_code)
        or geo.department_from_label(item.location_label)
    )


def ad_id_of(item: ScrapedAd) -> str:
    """Our key of an ad first seen as ``item``: its id at the source, else a hash of its url."""
    if item.source_ad_id:
        return f"{item.source}:{item.source_ad_id}"
    key = item.url or item.raw_hash
    return f"{item.source}:{hashlib.sha1(key.encode()).hexdigest()[:16]}"


def to_job_ad(item: ScrapedAd, *, title: str, description: str, language: str | None) -> JobAd:
    department = _department(item)
    region = geo.region_of_department(department) or geo.region_from_label(item.region_label or item.location_label)
    rome_code = item.rome_code if item.rome_code and _ROME_RE.match(item.rome_code) else None
    source = AdSource(
        source=item.source,
        source_ad_id=item.source_ad_id,
        url=item.url,
        raw_hash=item.raw_hash,
        first_seen_at=item.seen_at,
        last_seen_at=item.seen_at,
        lastmod_at=item.lastmod_at,
    )
    details = {name: getattr(item, name) for name in AdDetails.model_fields}  # carried over as the source gave them
    return JobAd(
        **details | {
            "rome_code": rome_code,
            "postal_code": item.postal_code if geo.department_from_postal_code(item.postal_code) else None,
        },
        ad_id=ad_id_of(item),
        title=title,
        description=description,
        created_at=item.created_at,
        updated_at=item.updated_at,
        commune_code=item.commune_code if geo.department_from_commune_code(item.commune_code) else None,
        department_code=department,
        region_code=region,
        latitude=item.latitude,
        longitude=item.longitude,
        ticked_skills=item.ticked_skills,
        language_code=language,
        content_hash=content_hash(title, description, item.company_name),
        sources=(source,),
    )
