"""France Travail "Offres d'emploi v2" offer object → ``ScrapedAd``.

Recruiter contact data (``contact``, ``agence``) is never read. Contract documented in
../shared/design/SOURCES.md; real examples in ../shared/data/eval/fr_job_ads_france_travail*.jsonl.gz.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.parsers.common import RecordError, parse_datetime, raw_hash, text_or_none
from models.jobad import ScrapedAd, TickedSkill

SOURCE = "france_travail"
DETAIL_URL = "https://candidat.francetravail.fr/offres/recherche/detail/{}"
_PRIVATE_FIELDS = ("contact", "agence")


def is_france_travail_offer(obj: Any) -> bool:
    """True for a France Travail API offer object (has ``id`` and ``intitule``)."""
    return isinstance(obj, dict) and "intitule" in obj and "id" in obj


def parse_offer(obj: Any, *, seen_at: datetime, origin: str | None = None) -> ScrapedAd:
    """Read one API offer object.

    Args:
        obj: the decoded JSON object of one offer.
        seen_at: when it was fetched or imported (naive UTC).
        origin: where it came from, for messages (``file:line`` or url).
    Returns:
        the parsed ad, text unchecked (the pipelines validate and clean).
    Raises:
        RecordError: not an object, or no ``id``.
    """
    if not isinstance(obj, dict):
        raise RecordError(f"offre : objet JSON attendu, reçu {type(obj).__name__}")
    offer_id = text_or_none(obj.get("id"))
    if offer_id is None:
        raise RecordError("offre sans identifiant", field="id")
    public = {k: v for k, v in obj.items() if k not in _PRIVATE_FIELDS and not k.startswith("_")}
    place = _dict(obj, "lieuTravail")
    company = _dict(obj, "entreprise")
    salary = _dict(obj, "salaire")
    origin_offer = _dict(obj, "origineOffre")
    return ScrapedAd(
        source=SOURCE,
        source_ad_id=offer_id,
        url=text_or_none(origin_offer.get("urlOrigine")) or DETAIL_URL.format(offer_id),
        raw_hash=raw_hash(public),
        seen_at=seen_at,
        origin=origin,
        title=text_or_none(obj.get("intitule")),
        description=text_or_none(obj.get("description")),
        created_at=parse_datetime(obj.get("dateCreation")),
        updated_at=parse_datetime(obj.get("dateActualisation")),
        company_name=text_or_none(company.get("nom")),
        naf_code=text_or_none(obj.get("codeNAF")),
        sector_label=text_or_none(obj.get("secteurActiviteLibelle")),
        rome_code=text_or_none(obj.get("romeCode")),
        rome_label=text_or_none(obj.get("romeLibelle")),
        appellation_label=text_or_none(obj.get("appellationlibelle")),
        contract_type_code=text_or_none(obj.get("typeContrat")),
        experience_label=text_or_none(obj.get("experienceLibelle")),
        qualification_label=text_or_none(obj.get("qualificationLibelle")),
        salary_label=text_or_none(salary.get("libelle")) or text_or_none(salary.get("commentaire")),
        location_label=text_or_none(place.get("libelle")),
        postal_code=text_or_none(place.get("codePostal")),
        commune_code=text_or_none(place.get("commune")),
        country_code="FR",
        latitude=_float(place.get("latitude")),
        longitude=_float(place.get("longitude")),
        ticked_skills=tuple(_ticked_skills(obj.get("competences"))),
    )


def _dict(obj: dict, key: str) -> dict:
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def _float(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _ticked_skills(value: Any) -> list[TickedSkill]:
    skills = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict) and text_or_none(entry.get("libelle")):
            skills.append(
                TickedSkill(
                    skill_code=text_or_none(entry.get("code")),
                    label=entry["libelle"],
                    requirement=text_or_none(entry.get("exigence")),
                )
            )
    return skills
