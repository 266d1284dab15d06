"""``skillgap eval occupation-normalisation`` on real data: a seeded sample of 200 ROME 4.0
appellations of the bundled referentials, gold from the official crosswalk of ../shared."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

pytestmark = [pytest.mark.shared, pytest.mark.slow]

CROSSWALK = "referentials/crosswalk_esco_rome/FR_20230607_mapping_esco_rome.csv.gz"
#: measured: success@1 0.425 on this sample (--limit 200 --seed 0, static model, no re-ranking;
#: 0.4235 on all 11,113 appellations); the floor sits well below
SUCCESS_AT_1_FLOOR = 0.33


@pytest.fixture
def private_settings(loaded_store_path, tmp_path, monkeypatch):
    from skillgap.settings import get_settings

    monkeypatch.setenv("SKILLGAP_STORE", str(loaded_store_path))
    monkeypatch.setenv("SKILLGAP_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield loaded_store_path
    get_settings.cache_clear()


def test_sample_of_real_appellations_ends_with_one_json_object(shared, private_settings):
    from app.cli import build_app

    crosswalk = shared(CROSSWALK)
    result = CliRunner().invoke(build_app(), [
        "eval", "occupation-normalisation", "--store", str(private_settings), "--rerank", "none",
        "--crosswalk", str(crosswalk), "--limit", "200", "--seed", "0"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert isinstance(figures, dict)
    assert {"n", "success@1", "success@5", "success@10", "mrr", "model", "crosswalk_file", "crosswalk_version",
            "referential_version"} <= set(figures)
    assert figures["n"] == 200 and figures["n_candidates"] > 11_000
    assert 0.0 <= figures["success@1"] <= figures["success@5"] <= figures["success@10"] <= 1.0
    assert figures["success@1"] >= SUCCESS_AT_1_FLOOR
    assert figures["success@1"] <= figures["mrr"] <= figures["success@10"] + 0.1
    assert figures["model"].startswith("skillgap-static-fr@") and "reranker" not in figures
    assert figures["crosswalk_file"] == crosswalk.name
    assert figures["crosswalk_is_store_version"] is True  # the same file as the bundled one, loaded in the store
    assert f"success@1: {figures['success@1']}" in lines  # human lines before the JSON
