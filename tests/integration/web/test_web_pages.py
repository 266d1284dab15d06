"""The web application over HTTP (no browser): escaping, exports, sign-in, errors as pages."""

from __future__ import annotations

import csv
import io
import zipfile

import httpx
import pytest


def test_home_search_is_accent_insensitive(server: str) -> None:
    page = httpx.get(f"{server}/app/", params={"q": "manoeuvre"})
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert "Manœuvre" in page.text


def test_occupation_page_exports_csv_and_xlsx(server: str) -> None:
    page = httpx.get(f"{server}/app/metiers/M1805", timeout=120)
    assert page.status_code == 200, page.text[:500]
    assert "Compétences demandées et leur couverture" in page.text
    response = httpx.get(f"{server}/app/metiers/M1805", params={"export": "csv", "table": "competences"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][0] == "compétence" and len(rows) > 1
    assert not [cell for row in rows for cell in row if cell and cell[0] in "=+-@"]
    xlsx = httpx.get(f"{server}/app/metiers/M1805", params={"export": "xlsx", "table": "competences"})
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_ad_text_is_escaped(server: str) -> None:
    page = httpx.get(f"{server}/app/offres/france_travail:APITEST0001")
    assert page.status_code == 200
    assert "Développeur web Python (H/F)" in page.text


@pytest.mark.parametrize("path, status", [
    ("/app/metiers/Z9999", 404), ("/app/metiers/M1805?region=99", 422), ("/app/nulle-part", 404),
    ("/app/certifications/RNCP0", 404)], ids=["unknown-rome", "bad-region", "no-route", "unknown-cert"])
def test_errors_are_french_pages(server: str, path: str, status: int) -> None:
    page = httpx.get(f"{server}{path}")
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html") and '<html lang="fr">' in page.text


def test_api_errors_keep_their_json_shape(server: str) -> None:
    assert "error" in httpx.get(f"{server}/occupations/Z9999").json()


def test_review_needs_a_signed_in_reviewer(server: str, reviewer_key: str) -> None:
    anonymous = httpx.post(f"{server}/app/metiers/M1805/relectures", data={"skill_key": "x", "verdict": "rejected"})
    assert anonymous.status_code == 401
    bad = httpx.post(f"{server}/app/connexion", data={"cle": "sgk_000000000000_" + "a" * 43})
    assert bad.status_code == 401
    with httpx.Client(base_url=server) as client:
        login = client.post("/app/connexion", data={"cle": reviewer_key, "suite": "https://evil.example/"})
        assert login.status_code == 303 and login.headers["location"] == "/app/"
        forged = client.post("/app/metiers/M1805/relectures",
                             data={"skill_key": "x", "skill_label": "x", "verdict": "rejected", "csrf": "0"})
        assert forged.status_code == 403


def test_methodology_and_signals_pages(server: str) -> None:
    assert "Comment la couverture est décidée" in httpx.get(f"{server}/app/methodologie").text
    signals = httpx.get(f"{server}/app/signaux", timeout=120)
    assert signals.status_code == 200
    assert "Signaux faibles" in signals.text


def test_a_review_is_never_served_stale(server: str, reviewer_key: str) -> None:
    """The API's cached gaps and the page change as soon as a reviewer rejects a skill."""
    import re

    before = httpx.get(f"{server}/occupations/M1805/gaps", params={"limit": 500}, timeout=120).json()
    target = before["items"][0]
    with httpx.Client(base_url=server, timeout=120) as client:
        client.post("/app/connexion", data={"cle": reviewer_key})
        page = client.get("/app/metiers/M1805").text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(
            "/app/metiers/M1805/relecture", params={"skill_key": target["skill_key"],
                                                   "skill_label": target["skill_label"]}).text).group(1)
        assert "Relire" in page
        done = client.post("/app/metiers/M1805/relectures", data={
            "csrf": csrf, "skill_key": target["skill_key"], "skill_label": target["skill_label"],
            "verdict": "rejected", "comment": "<script>alert(1)</script>"})
        assert done.status_code == 303
        after = httpx.get(f"{server}/occupations/M1805/gaps", params={"limit": 500}, timeout=120).json()
        assert target["skill_key"] not in [s["skill_key"] for s in after["items"]]
        assert after["total"] == before["total"] - 1
        page = client.get("/app/metiers/M1805").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
        trail = client.get("/app/relectures", params={"export": "csv", "table": "relectures"}).text
        assert target["skill_label"] in trail


def test_a_second_filter_of_an_occupation_page(server: str) -> None:
    """The page's reads are memoised per snapshot; a new filter after a first visit is read afresh."""
    first = httpx.get(f"{server}/app/metiers/M1805", timeout=120)
    other = httpx.get(f"{server}/app/metiers/M1805", params={"region": "84"}, timeout=120)
    assert first.status_code == other.status_code == 200, other.text[:500]
    volume = httpx.get(f"{server}/app/metiers/M1805", params={"region": "84", "export": "csv", "table": "volume"})
    whole = httpx.get(f"{server}/app/metiers/M1805", params={"export": "csv", "table": "volume"})
    totals = [sum(int(r[1]) for r in list(csv.reader(io.StringIO(t.text.lstrip("\ufeff"))))[1:])
              for t in (volume, whole)]
    assert totals[0] <= totals[1] and totals[1] > 0
    # the département filter: offered (the ads of the occupation carry it), kept selected, applied
    rhone = httpx.get(f"{server}/app/metiers/M1805", params={"departement": "69"}, timeout=120)
    assert rhone.status_code == 200, rhone.text[:500]
    assert '<select id="f-departement" name="departement">' in rhone.text
    assert '<option value="69" selected>' in rhone.text
    assert 'name="contrat"' in rhone.text and "Secteur (NAF)" in rhone.text
    assert '<option value="69" selected>' not in httpx.get(f"{server}/app/metiers/M1805", timeout=120).text
    in_69 = httpx.get(f"{server}/app/metiers/M1805", params={"departement": "69", "export": "csv",
                                                             "table": "volume"})
    total_69 = sum(int(r[1]) for r in list(csv.reader(io.StringIO(in_69.text.lstrip("\ufeff"))))[1:])
    assert 8 <= total_69 <= totals[1]  # the written offers are in Lyon


def _home_uncovered(client: httpx.Client) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(client.get("/app/", params={"export": "csv", "table": "metiers"})
                                      .text.lstrip("\ufeff")))
    return {r["code ROME"]: r["compétences non couvertes"] for r in rows}


def test_the_home_page_follows_a_review(server: str, reviewer_key: str) -> None:
    """The home page reads the cached reports of many occupations at once, reviews' digests included."""
    import re

    with httpx.Client(base_url=server, timeout=120) as client:
        rome = next(iter(_home_uncovered(client)))  # the most demanded occupation
        client.get(f"/app/metiers/{rome}")  # its report is in the cache
        before = _home_uncovered(client)[rome]
        items = httpx.get(f"{server}/occupations/{rome}/gaps", params={"limit": 500}, timeout=120).json()["items"]
        target = next((s for s in items if s["coverage"]["status"] == "uncovered"), None)
        if target is None:
            pytest.skip(f"aucune compétence non couverte pour {rome} dans le magasin de test")
        client.post("/app/connexion", data={"cle": reviewer_key})
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(
            f"/app/metiers/{rome}/relecture", params={"skill_key": target["skill_key"],
                                                     "skill_label": target["skill_label"]}).text).group(1)
        done = client.post(f"/app/metiers/{rome}/relectures", data={
            "csrf": csrf, "skill_key": target["skill_key"], "skill_label": target["skill_label"],
            "verdict": "rejected"})
        assert done.status_code == 303
        client.get(f"/app/metiers/{rome}")  # the report with the decision applied
        assert int(_home_uncovered(client)[rome]) == int(before) - 1
