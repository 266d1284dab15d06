"""The département / contract / NAF filters of the API (``departement``, ``contrat``, ``naf``):
accepted on the gap report and the ads list, applied to the ads read, refused when malformed."""

from __future__ import annotations

from api_support import FT_DEV
from fastapi.testclient import TestClient


def _total(client: TestClient, **params: str) -> int:
    response = client.get("/ads", params={"rome_code": "M1805", "limit": 1, **params})
    assert response.status_code == 200, response.text
    return response.json()["total"]


def test_gaps_by_department_change_the_ads_read(client: TestClient) -> None:
    everywhere, in_69 = _total(client), _total(client, departement="69")
    assert 8 <= in_69 <= everywhere  # the written offers are in Lyon (69)
    if FT_DEV.exists():  # the real ads of the occupation are not all in the Rhône
        assert in_69 < everywhere
    full = client.get("/occupations/M1805/gaps", params={"limit": 1})
    assert full.status_code == 200, full.text
    assert full.json()["report"]["n_ads"] == everywhere
    narrowed = client.get("/occupations/M1805/gaps", params={"departement": "69", "limit": 1})
    assert narrowed.status_code == 200, narrowed.text
    report = narrowed.json()["report"]
    assert report["department_code"] == "69" and report["n_ads"] == in_69
    assert narrowed.json()["cache"] != full.json()["cache"]  # its own cache entry


def test_contract_and_naf_filters_are_accepted(client: TestClient) -> None:
    assert _total(client, departement="69", contrat="cdi") >= 8
    assert _total(client, naf="62") <= _total(client)
    assert _total(client, naf="99.99Z") == 0


def test_malformed_filters_are_refused(client: TestClient) -> None:
    for params in ({"departement": "6"}, {"departement": "2C"}, {"contrat": "X" * 11}, {"naf": "J62"}):
        response = client.get("/occupations/M1805/gaps", params=params)
        assert response.status_code == 422, (params, response.text)
