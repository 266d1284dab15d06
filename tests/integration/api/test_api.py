"""The API against a real store (bundled referentials, ingested ads): contract of every endpoint."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from api_support import FT_DEV, written_offer
from fastapi.testclient import TestClient

from api.ingest import import_staged
from api.state import ApiState

ERROR_KEYS = {"status", "code", "message", "details"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_error_shape_is_pinned(client: TestClient) -> None:
    assert client.get("/occupations/X9999").json() == {
        "error": {"status": 404, "code": "not_found", "message": "code ROME inconnu : X9999", "details": []}}
    detail = assert_error(client.get("/occupations?limit=0"), 422, "invalid_input")["details"]
    assert detail == [{"location": "query.limit", "message": "doit être supérieur ou égal à 1"}]


@pytest.mark.parametrize(("method", "url", "status", "code"), [
    ("get", "/occupations/Z0000", 404, "not_found"),
    ("get", "/occupations/not-a-code", 422, "invalid_input"),
    ("get", "/certifications/RNCP999999", 404, "not_found"),
    ("get", "/certifications/RNCP999999/watch", 404, "not_found"),
    ("get", "/ads/france_travail:NOPE", 404, "not_found"),
    ("get", "/modules/MOD-M1805-00000000", 404, "not_found"),
    ("post", "/modules/MOD-M1805-00000000/draft", 404, "not_found"),
    ("get", "/signals?rome_code=Z0000", 404, "not_found"),
    ("get", "/nowhere", 404, "not_found"),
    ("delete", "/health", 405, "method_not_allowed"),
    ("get", "/ads?region=99", 422, "invalid_input"),
    ("get", "/ads?from=2025-02-01&to=2025-01-01", 422, "invalid_input"),
    ("get", "/ads?from=yesterday", 422, "invalid_input"),
    ("get", "/occupations?limit=100000", 422, "invalid_input"),
    ("get", "/occupations?limit=501", 422, "invalid_input"),
    ("get", "/occupations/M1805/skills?source=other", 422, "invalid_input"),
    ("post", "/ads", 401, "unauthorized"),
], ids=lambda v: str(v) if not isinstance(v, str) or "/" not in v else v)
def test_errors_share_the_shape(client: TestClient, method: str, url: str, status: int, code: str) -> None:
    assert_error(getattr(client, method)(url), status, code)


def test_health_and_version(client: TestClient, api_store) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["n_ads"] >= 8
    assert {"rome", "rncp", "esco"} <= set(health["referentials_loaded"])
    version = client.get("/version").json()
    assert version["model_name"] == "use-multilingual-v3"
    assert set(version["coverage_thresholds"]) == {"covered", "partial"}
    assert version["referential_versions"]["rome"]["version_id"].startswith("rome:")
    assert "gaps" in version["analysis_config"]


@pytest.mark.parametrize("q", ["developpeur informatique", "Développeur Informatique", "DÉVELOPPEUSE  informatique",
                               "m1805"])
def test_search_is_accent_and_case_insensitive(client: TestClient, q: str) -> None:
    body = client.get("/occupations", params={"q": q}).json()
    assert "M1805" in [o["rome_code"] for o in body["items"]]
    assert body["total"] >= len(body["items"]) >= 1


def test_search_by_appellation_and_pagination(client: TestClient) -> None:
    everything = client.get("/occupations", params={"limit": 500}).json()
    assert everything["total"] > 500 and len(everything["items"]) == 500
    page = client.get("/occupations", params={"q": "analyste", "limit": 2, "offset": 1}).json()
    assert page["limit"] == 2 and page["offset"] == 1 and len(page["items"]) <= 2
    assert all("analyste" in (o["matched_label"] or "").lower() for o in page["items"])
    beyond = client.get("/occupations", params={"q": "analyste", "offset": 10_000}).json()
    assert beyond["items"] == [] and beyond["total"] == page["total"]


def test_csv_on_request(client: TestClient) -> None:
    by_param = client.get("/occupations", params={"q": "boulanger", "format": "csv"})
    by_header = client.get("/occupations", params={"q": "boulanger"}, headers={"Accept": "text/csv"})
    assert by_param.headers["content-type"].startswith("text/csv") and by_param.text == by_header.text
    rows = list(csv.DictReader(io.StringIO(by_param.text)))
    assert rows and set(rows[0]) == {"rome_code", "label", "domain_label", "matched_label"}


def test_occupation_and_skills(client: TestClient) -> None:
    fiche = client.get("/occupations/m1805").json()
    assert fiche["rome_code"] == "M1805" and fiche["label"].startswith("Développeur")
    assert fiche["appellations"] and fiche["certifications"] and fiche["n_ads"] >= 8
    rome = client.get("/occupations/M1805/skills", params={"limit": 5}).json()
    assert rome["total"] > 5 and len(rome["items"]) == 5 and rome["items"][0]["source"] == "rome"
    esco = client.get("/occupations/M1805/skills", params={"source": "esco"}).json()
    assert esco["items"] and {s["source"] for s in esco["items"]} == {"esco"}


def test_certification(client: TestClient) -> None:
    cert = client.get("/certifications/rncp31678").json()
    assert cert["rncp_code"] == "RNCP31678" and cert["blocks"]
    assert all(b["block_code"].startswith("RNCP31678") for b in cert["blocks"])
    assert "M1805" in {o["rome_code"] for o in cert["occupations"]}


def test_gaps_served_from_cache_and_never_stale(client: TestClient, api_key: str, api_store: Path) -> None:
    url = "/occupations/M1805/gaps"
    first = client.get(url, params={"limit": 3})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["report"]["rome_code"] == "M1805" and body["total"] >= 3 and len(body["items"]) == 3
    assert {"coverage", "share_low", "share_high", "evidence"} <= set(body["items"][0])
    again = client.get(url, params={"limit": 3}).json()
    assert again["cache"] == body["cache"]
    # a new ad of the occupation, imported and published by the batch, changes the fingerprint:
    # the service moves to the new snapshot and the report is recomputed
    new = client.post("/ads", json={"ads": [written_offer(900, day=28, skills=("Rédiger une documentation",))]},
                      headers={"X-API-Key": api_key})
    assert new.status_code == 202 and new.json()["staged"] == 1
    assert client.get(url, params={"limit": 3}).json()["cache"] == body["cache"]  # not imported yet
    assert import_staged(api_store, ApiState.for_store(api_store))["stored"] == 1
    after = client.get(url, params={"limit": 3}).json()
    assert after["cache"]["computed_at"] > body["cache"]["computed_at"]
    assert after["report"]["n_ads"] == body["report"]["n_ads"] + 1


def test_gaps_filters_csv_and_errors(client: TestClient) -> None:
    region = client.get("/occupations/M1805/gaps", params={"region": "84", "from": "2025-01-01", "to": "2025-01-31"})
    assert region.status_code == 200, region.text
    assert region.json()["report"]["region_code"] == "84"
    as_csv = client.get("/occupations/M1805/gaps", params={"format": "csv", "limit": 5})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    total = client.get("/occupations/M1805/gaps").json()["total"]
    assert len(rows) == min(5, total) and {"skill_label", "status", "share_low", "block_code"} <= set(rows[0])
    # no ads in that region: a 422 with the shape, cached like a result
    for _ in range(2):
        assert_error(client.get("/occupations/M1805/gaps", params={"region": "03"}), 422, "insufficient_data")


def test_modules_and_draft(client: TestClient) -> None:
    result = client.get("/occupations/M1805/modules")
    assert result.status_code == 200, result.text
    modules = result.json()["modules"]
    if not modules:
        pytest.skip("no uncovered skill cluster with these ads")
    module_id = modules[0]["module_id"]
    assert client.get(f"/modules/{module_id}").json()["module_id"] == module_id
    draft = client.post(f"/modules/{module_id}/draft")
    assert draft.status_code in (200, 501), draft.text
    if draft.status_code == 200:
        assert draft.headers["content-type"].startswith("text/markdown")
        assert "À COMPLÉTER" in draft.text


def test_ads_list_and_detail_with_mentions(client: TestClient) -> None:
    listing = client.get("/ads", params={"rome_code": "M1805", "region": "84", "limit": 3}).json()
    assert listing["total"] >= 8 and len(listing["items"]) == 3
    assert all(a["rome_code"] == "M1805" and a["region_code"] == "84" for a in listing["items"])
    dates = [a["created_at"] for a in listing["items"]]
    assert dates == sorted(dates, reverse=True)
    ad = client.get("/ads/france_travail:APITEST0000").json()
    assert ad["is_processed"] and [m["text"] for m in ad["mentions"]] == ["Python", "Kubernetes"]
    python = ad["mentions"][0]
    assert ad["description"][python["start_char"]:python["end_char"]] == "Python"
    assert python["links"][0]["skill_code"] == "300487" and python["links"][0]["rank"] == 1
    assert "".join(s["text"] for s in ad["segments"]) == ad["description"]
    assert [s["text"] for s in ad["segments"] if s["mention_id"]] == ["Python", "Kubernetes"]
    assert [t["label"] for t in ad["ticked_skills"]][:1] == ["Développer une application web"]
    plain = client.get("/ads/france_travail:APITEST0001").json()
    assert not plain["is_processed"] and plain["mentions"] == [] and len(plain["segments"]) == 1


def test_post_ads(client: TestClient, api_key: str, api_store: Path) -> None:
    headers = {"X-API-Key": api_key}
    assert_error(client.post("/ads", json={"ads": [written_offer(1)]}, headers={"X-API-Key": "sgk_bad"}),
                 401, "unauthorized")
    assert_error(client.post("/ads", json={"ads": []}, headers=headers), 422, "invalid_input")
    assert_error(client.post("/ads", json=[1, 2], headers=headers), 422, "invalid_input")
    response = client.post("/ads", headers=headers, json={"ads": [
        written_offer(500), written_offer(500), {"hello": "world"}, {"id": "X", "intitule": ["not", "a", "title"]},
    ]})
    assert response.status_code == 202, response.text
    body = response.json()
    statuses = [o["status"] for o in body["outcomes"]]
    assert statuses == ["staged", "staged", "dropped", "dropped"]
    assert body["staged"] == 2 and body["dropped"] == 2 and body["outcomes"][2]["reason"]
    first, second = (o["staging_id"] for o in body["outcomes"][:2])
    assert client.get(f"/ads/staged/{first}").json()["status"] == "staged"
    assert client.get("/ads/france_travail:APITEST0500").status_code == 404  # the batch has not run
    counts = import_staged(api_store, ApiState.for_store(api_store))
    assert counts["stored"] == 1 and counts["unchanged"] == 1
    assert client.get(f"/ads/staged/{first}").json() | {"index": 0} == {
        "index": 0, "status": "stored", "staging_id": first, "ad_id": "france_travail:APITEST0500", "reason": None}
    assert client.get(f"/ads/staged/{second}").json()["status"] == "unchanged"
    assert client.get("/ads/france_travail:APITEST0500").status_code == 200  # the new snapshot is served
    assert_error(client.get("/ads/staged/999999"), 404, "not_found")


def test_signals_and_watch_answer_with_the_shape(client: TestClient) -> None:
    for url in ("/signals?kind=emerging", "/certifications/RNCP31678/watch"):
        response = client.get(url)
        if response.status_code != 200:
            assert_error(response, 422, "insufficient_data")


def test_reads_can_be_closed(api_store, api_key: str) -> None:
    from api_support import HashEncoder

    from api.main import create_app
    from api.settings import ApiSettings

    closed = create_app(ApiSettings(store=api_store, api_read_open=False), encoder_factory=HashEncoder)
    with TestClient(closed) as c:
        assert_error(c.get("/occupations/M1805"), 401, "unauthorized")
        assert c.get("/occupations/M1805", headers={"X-API-Key": api_key}).status_code == 200
        assert c.get("/health").status_code == 200


@pytest.mark.shared
def test_gaps_on_the_real_ads(client: TestClient) -> None:
    if not FT_DEV.exists():
        pytest.skip("needs ../shared/data/eval/fr_job_ads_france_travail.dev.jsonl.gz (real ads, not bundled)")
    body = client.get("/occupations/M1801/gaps", params={"limit": 5}).json()
    assert body["report"]["n_ads"] >= 500 and body["report"]["is_significant"]
    assert body["items"][0]["evidence"][0]["ad_id"].startswith("france_travail:")


@pytest.mark.parametrize(("rome_code", "status", "code"), [
    ("Z9999", 404, "not_found"),  # well-formed, absent from the ROME loaded
    ("ZZ999", 422, "invalid_input"),  # not a ROME code at all
], ids=["unknown-code", "malformed-code"])
def test_gaps_of_an_unknown_or_malformed_rome_code(client: TestClient, rome_code: str, status: int,
                                                   code: str) -> None:
    error = assert_error(client.get(f"/occupations/{rome_code}/gaps"), status, code)
    if status == 404:
        assert error["message"] == f"code ROME inconnu : {rome_code}" and error["details"] == []
    else:
        assert [d["location"] for d in error["details"]] == ["path.rome_code"]
        assert error["message"] == "entrée invalide : path.rome_code"


def test_refusal_for_lack_of_data_vs_other_user_error(api_store) -> None:
    """InsufficientDataError → 422 insufficient_data; any other UserError of the analysis (here: a model
    without calibrated coverage thresholds) → 422 invalid_input; both cached with their code."""
    from api_support import HashEncoder

    from api.main import create_app
    from api.settings import ApiSettings

    class UncalibratedEncoder(HashEncoder):
        name = "hash-sans-seuils"

    app = create_app(ApiSettings(store=api_store), encoder_factory=UncalibratedEncoder)
    with TestClient(app) as c:
        for _ in range(2):  # computed, then served from the cache
            thin = assert_error(c.get("/occupations/M1805/gaps", params={"region": "03"}), 422, "insufficient_data")
            assert thin["message"].startswith("aucune offre pour M1805 en région 03 sur la période demandée")
            other = assert_error(c.get("/occupations/M1805/gaps"), 422, "invalid_input")
            assert other["message"].startswith("aucun seuil de couverture calibré pour le modèle 'hash-sans-seuils'")
