"""GET /occupations?q=…: the search folds like ``skillgap.text.fold`` (« œ » included)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("q", ["manoeuvre", "Manœuvre", "MANOEUVRE BATIMENT"])
def test_search_finds_the_oe_ligature(client: TestClient, q: str) -> None:
    body = client.get("/occupations", params={"q": q}).json()
    labels = [o["matched_label"] for o in body["items"]]
    assert body["total"] >= len(body["items"]) >= 1
    assert all("manœuvre" in label.lower() or "manoeuvre" in label.lower() for label in labels)
    assert any(label.startswith("Manœuvre") for label in labels)
