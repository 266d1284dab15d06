import doctest
from datetime import datetime

import pytest

import crawler.dedupe
import crawler.parsers.common
import crawler.parsers.jsonld
import crawler.parsers.text
from crawler.dedupe import Deduper, signature_of
from crawler.parsers.france_travail import parse_offer
from crawler.parsers.jsonld import extract_jsonld, parse_job_posting
from crawler.parsers.text import html_to_text

NOW = datetime(2025, 1, 1)


@pytest.mark.parametrize("module",
                         [crawler.parsers.text, crawler.parsers.common, crawler.parsers.jsonld, crawler.dedupe],
                         ids=lambda m: m.__name__)  # fmt: skip
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


def test_france_travail_offer_drops_contact():
    offer = {"id": "1", "intitule": "Cariste", "description": "x" * 60, "contact": {"courriel": "a@b.fr"},
             "lieuTravail": {"libelle": "13 - MARSEILLE", "codePostal": "13001", "latitude": 43.3},
             "competences": [{"code": "1", "libelle": "Conduire", "exigence": "E"}, {"libelle": ""}],
             "salaire": {"libelle": "Mensuel de 1900 Euros"}}  # fmt: skip
    ad = parse_offer(offer, seen_at=NOW)
    assert ad.postal_code == "13001" and ad.salary_label == "Mensuel de 1900 Euros"
    assert [s.skill_code for s in ad.ticked_skills] == ["1"]
    assert "a@b.fr" not in ad.model_dump_json()
    assert parse_offer({**offer, "contact": {"nom": "autre"}}, seen_at=NOW).raw_hash == ad.raw_hash


@pytest.mark.parametrize(
    ("page", "n", "bad"),
    [
        ('<script type="application/ld+json">[{"@type":"JobPosting","title":"a"},{"@type":"Organization"}]</script>',
         2, 0),
        ('<script type="application/ld+json"><!-- {"@type":["JobPosting"],"title":"a"} --></script>', 1, 0),
        ('<script type="application/ld+json">{"@type":"JobPosting",,}</script>', 0, 1),
        ("<html><body><p>rien", 0, 0),
    ],
    ids=["list", "html-comment", "malformed", "no-jsonld"],
)
def test_extract_jsonld(page, n, bad):
    objects, n_bad = extract_jsonld(page)
    assert (len(objects), n_bad) == (n, bad)


def test_parse_job_posting_fields():
    obj = {"@type": "JobPosting", "title": "Plombier", "description": "<p>a</p>", "datePosted": "2025-01-02",
           "hiringOrganization": {"name": "ACME"}, "identifier": {"value": "42"},
           "occupationalCategory": "F1603 plombier",
           "jobLocation": [{"address": {"postalCode": "35000", "addressCountry": {"name": "France"}}}],
           "employmentType": ["FULL_TIME", "CONTRACTOR"],
           "baseSalary": {"currency": "EUR",
                          "value": {"minValue": 2000, "maxValue": 2500, "unitText": "MONTH"}}}  # fmt: skip
    ad = parse_job_posting(obj, url="http://x/1", seen_at=NOW)
    assert (ad.source_ad_id, ad.rome_code, ad.postal_code, ad.country_code) == ("42", "F1603", "35000", "FR")
    assert ad.contract_type_code == "FULL_TIME,CONTRACTOR" and ad.salary_label == "2000-2500 EUR MONTH"
    assert ad.created_at == datetime(2025, 1, 2)


def test_html_to_text_keeps_bullets_and_lines():
    text = html_to_text("<div>Missions<ul><li>Souder</li><li>Lire des <b>plans</b></li></ul>Profil<br/>Bac</div>")
    assert text == "Missions\n- Souder\n- Lire des plans\nProfil\nBac"


def test_deduper_exact_near_and_place():
    base = " ".join(f"mot{i} phrase{i % 7}" for i in range(120))
    d = Deduper(threshold=0.6)
    d.add("a", "h1", signature_of("Soudeur", base), "69")
    assert d.find("h1", signature_of("Soudeur", base), "69").kind == "exact"
    edited = base.replace("mot5 ", "").replace("mot50 ", "motX ")
    near = d.find("h2", signature_of("Soudeur H/F", edited), "69")
    assert near is not None and near.kind == "near" and near.similarity > 0.8
    assert d.find("h2", signature_of("Soudeur H/F", edited), "13") is None  # other département: another vacancy
    other = " ".join(f"autre{i} texte{i % 5}" for i in range(120))
    assert d.find("h3", signature_of("Cariste", other), "69") is None
