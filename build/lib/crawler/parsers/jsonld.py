"""The one schema.org ``JobPosting`` reader: JSON-LD blocks of a page → ``ScrapedAd``.

Used by the ``jobposting`` spider and by ``skillgap ingest`` for files of JobPosting objects.
Handles ``@graph``, top-level lists, ``@type`` lists, HTML comments / CDATA around the JSON.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import lxml.html
from lxml import etree

from crawler.parsers.common import RecordError, parse_datetime, raw_hash, text_or_none
from models.jobad import ScrapedAd

SOURCE = "jobposting"
_ROME_RE = re.compile(r"\b([A-N]\d{4})\b")
_WRAPPERS_RE = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


def extract_jsonld(page: str) -> tuple[list[dict], int]:
    """All JSON-LD objects of an HTML page, flattened (``@graph`` and lists opened).

    Returns:
        (objects, number of ``ld+json`` blocks that were not valid JSON).

    >>> objs, bad = extract_jsonld('<script type="application/ld+json">{"@graph": [{"@type": "JobPosting"}]}</script>'
    ...                            '<script type="application/ld+json">{oops</script>')
    >>> objs, bad
    ([{'@type': 'JobPosting'}], 1)
    """
    try:
        root = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return [], 0
    objects: list[dict] = []
    bad = 0
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = _WRAPPERS_RE.sub("", script.text or "").strip()
        try:
            data = json.loads(text, strict=False)
        except json.JSONDecodeError:
            bad += 1
            continue
        objects.extend(_flatten(data))
    return objects, bad


def _flatten(data: Any) -> list[dict]:
    if isinstance(data, list):
        return [obj for item in data for obj in _flatten(item)]
    if not isinstance(data, dict):
        return []
    if "@graph" in data:
        return _flatten(data["@graph"])
    return [data]


def is_job_posting(obj: Any) -> bool:
    """True for a schema.org JobPosting object (``@type`` may be a list or a full IRI)."""
    if not isinstance(obj, dict):
        return False
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1] == "JobPosting" for t in types)


def parse_job_posting(obj: Any, *, url: str | None, seen_at: datetime, origin: str | None = None) -> ScrapedAd:
    """Read one JobPosting object (``description`` is HTML; the clean pipeline turns it into text).

    Raises:
        RecordError: not a JobPosting object.
    """
    if not is_job_posting(obj):
        raise RecordError("objet JSON-LD qui n'est pas un JobPosting", field="@type")
    org = obj.get("hiringOrganization")
    address = _first_address(obj.get("jobLocation"))
    page_url = text_or_none(obj.get("url")) or url
    return ScrapedAd(
        source=SOURCE,
        source_ad_id=_identifier(obj.get("identifier")),
        url=page_url,
        raw_hash=raw_hash(obj),
        seen_at=seen_at,
        origin=origin or url,
        title=_text(obj.get("title")),
        description=_text(obj.get("description")),
        is_html=True,
        created_at=parse_datetime(obj.get("datePosted")),
        valid_through_at=parse_datetime(obj.get("validThrough")),
        company_name=_name(org),
        sector_label=_text(obj.get("industry")),
        rome_code=_rome_code(obj.get("occupationalCategory")),
        contract_type_code=_joined(obj.get("employmentType")),
        experience_label=_experience(obj.get("experienceRequirements")),
        qualification_label=_text(obj.get("qualifications")) if isinstance(obj.get("qualifications"), str) else None,
        salary_label=_salary(obj.get("baseSalary")),
        location_label=text_or_none(address.get("addressLocality")),
        postal_code=text_or_none(address.get("postalCode")),
        region_label=text_or_none(address.get("addressRegion")),
        country_code=_country(address.get("addressCountry")),
    )


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = " ".join(v for v in value if isinstance(v, str))
    return text_or_none(value)


def _joined(value: Any) -> str | None:
    if isinstance(value, list):
        return text_or_none(",".join(str(v) for v in value if isinstance(v, str)))
    return text_or_none(value)


def _name(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return text_or_none(value.get("name")) or text_or_none(value.get("legalName"))
    return text_or_none(value)


def _identifier(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return text_or_none(value.get("value")) or text_or_none(value.get("@id"))
    return text_or_none(value)


def _first_address(value: Any) -> dict:
    places = value if isinstance(value, list) else [value]
    for place in places:
        if isinstance(place, dict):
            address = place.get("address", place)
            if isinstance(address, list) and address:
                address = address[0]
            if isinstance(address, dict):
                return address
            if isinstance(address, str):
                return {"addressLocality": address}
    return {}


def _country(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("identifier")
    text = text_or_none(value)
    if text and text.casefold() in ("france", "fr", "fra"):
        return "FR"
    return text.upper() if text and len(text) == 2 else text


def _rome_code(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("codeValue") or value.get("name")
    text = _text(value)
    m = _ROME_RE.search(text) if text else None
    return m.group(1) if m else None


def _experience(value: Any) -> str | None:
    if isinstance(value, dict):
        months = value.get("monthsOfExperience")
        if isinstance(months, int | float) and not isinstance(months, bool):
            return f"{months:g} mois"
        return text_or_none(value.get("description"))
    return text_or_none(value)


def _salary(value: Any) -> str | None:
    if not isinstance(value, dict):
        return text_or_none(value)
    inner = value.get("value")
    currency = text_or_none(value.get("currency")) or ""
    if isinstance(inner, dict):
        low, high, unit = inner.get("minValue"), inner.get("maxValue"), text_or_none(inner.get("unitText")) or ""
        amount = inner.get("value")
        if low is not None or high is not None:
            return " ".join(p for p in (f"{low}-{high}" if high is not None else f"{low}", currency, unit) if p)
        return " ".join(p for p in (text_or_none(amount), currency, unit) if p) or None
    return " ".join(p for p in (text_or_none(inner), currency) if p) or None
