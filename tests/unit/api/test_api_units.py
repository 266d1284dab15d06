"""Pure parts of the API: doctests, API keys, the cache fingerprint, settings, documentation."""

from __future__ import annotations

import doctest
import importlib
import re
from datetime import datetime
from pathlib import Path

import pytest

from api import cache, keys
from api.state import ApiState
from skillgap.store import connect

API_DIR = Path(__file__).resolve().parents[3] / "api"


@pytest.mark.parametrize("module", ["api.errors", "api.output", "api.routes.occupations", "api.routes.ads"])
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


@pytest.fixture
def store(tmp_path: Path):
    con = connect(tmp_path / "s.duckdb")
    yield con
    con.close()


@pytest.fixture
def state(tmp_path: Path) -> ApiState:
    return ApiState(tmp_path / "s.api.sqlite")


def test_api_keys(state: ApiState) -> None:
    key = keys.create_key(state, label="observatoire")
    assert re.fullmatch(r"sgk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", key)
    key_id = keys.verify_key(state, key)
    assert key_id == key.split("_")[1]
    with state.connect() as con:
        stored = con.execute("SELECT salt, key_hash FROM api_keys").fetchone()
    assert key.split("_", 2)[2] not in stored[1]  # only the salted hash is stored
    assert keys.verify_key(state, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert keys.verify_key(state, "sgk_nothing") is None and keys.verify_key(state, None) is None
    assert keys.revoke_key(state, key_id) and not keys.revoke_key(state, key_id)
    assert keys.verify_key(state, key) is None


def test_keys_of_an_older_store_are_carried_over(store, state: ApiState) -> None:
    """Stores written before the service file kept their keys in core_api__keys."""
    other = ApiState(state.path.with_name("other.sqlite"))
    key = keys.create_key(other, label="ancienne clé")
    with other.connect() as sq:
        row = sq.execute("SELECT key_id, label, salt, key_hash FROM api_keys").fetchone()
    store.execute("CREATE TABLE core_api__keys (key_id VARCHAR PRIMARY KEY, label VARCHAR, salt VARCHAR, "
                  "key_hash VARCHAR, created_at TIMESTAMP, revoked_at TIMESTAMP)")
    store.execute("INSERT INTO core_api__keys VALUES (?, ?, ?, ?, now(), NULL)", list(row))
    assert keys.import_store_keys(state, store) == 1
    assert keys.import_store_keys(state, store) == 0  # idempotent
    assert keys.verify_key(state, key) == row[0]


def test_api_key_needs_a_label(state: ApiState) -> None:
    from skillgap.errors import UserError

    with pytest.raises(UserError, match="label"):
        keys.create_key(state, label="  ")


def _add_ad(con, ad_id: str, content_hash: str = "h") -> None:
    now = datetime(2026, 1, 5)
    con.execute("INSERT INTO core_ads__job_ads (ad_id, title, description, content_hash, first_seen_at, "
                "last_seen_at, rome_code, created_at) VALUES (?, 't', 'd', ?, ?, ?, 'M1805', ?)",
                [ad_id, content_hash, now, now, now])


def test_fingerprint_follows_every_change_of_the_ads(store) -> None:
    _add_ad(store, "a:1")
    first = cache.fingerprint(store, model_name="m")
    assert cache.fingerprint(store, model_name="m") == first
    assert cache.fingerprint(store, model_name="other") != first
    _add_ad(store, "a:2")
    added = cache.fingerprint(store, model_name="m")
    store.execute("UPDATE core_ads__job_ads SET content_hash = 'h2' WHERE ad_id = 'a:2'")
    edited = cache.fingerprint(store, model_name="m")
    store.execute("DELETE FROM core_ads__job_ads WHERE ad_id = 'a:2'")
    assert len({first, added, edited}) == 3
    assert cache.fingerprint(store, model_name="m") == first  # same rows, same state
    store.execute("INSERT INTO core_ads__ticked_skills VALUES ('a:1', 0, NULL, 'Python', 'E')")
    assert cache.fingerprint(store, model_name="m") != first


def test_fingerprint_changes_with_the_package_and_the_result_schema(store, monkeypatch) -> None:
    """An upgrade never serves a cached payload of the old shape."""
    first = cache.fingerprint(store, model_name="m")
    monkeypatch.setattr(cache, "package_version", lambda: "99.0.0")
    upgraded = cache.fingerprint(store, model_name="m")
    monkeypatch.setattr(cache, "RESULT_SCHEMA_VERSION", cache.RESULT_SCHEMA_VERSION + 1)
    reshaped = cache.fingerprint(store, model_name="m")
    assert len({first, upgraded, reshaped}) == 3


def test_cache_keeps_one_entry_per_request(state: ApiState) -> None:
    params = {"rome_code": "M1805", "region_code": None}
    cache.save(state, kind="gaps", params=params, fp="fp1", model_name="m", payload='{"ok": 1}', compute_s=1.0)
    assert cache.lookup(state, cache.cache_key("gaps", params, "fp1")).payload == '{"ok": 1}'
    cache.save(state, kind="gaps", params=params, fp="fp2", model_name="m", payload='{"ok": 2}', compute_s=1.0)
    assert cache.lookup(state, cache.cache_key("gaps", params, "fp1")) is None
    assert cache.lookup(state, cache.cache_key("modules", params, "fp2")) is None
    with state.connect() as con:
        assert con.execute("SELECT count(*) FROM result_cache").fetchone()[0] == 1


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from api.settings import ApiSettings

    monkeypatch.setenv("SKILLGAP_API_READ_OPEN", "false")
    monkeypatch.setenv("SKILLGAP_API_MAX_PAGE_SIZE", "100")
    settings = ApiSettings()
    assert settings.api_read_open is False and settings.api_max_page_size == 100
    monkeypatch.setenv("SKILLGAP_API_MODEL", " ")
    with pytest.raises(ValidationError, match="SKILLGAP_API_MODEL"):
        ApiSettings()


def test_readme_documents_every_endpoint_and_setting() -> None:
    from api.main import create_app
    from api.settings import ApiSettings
    from skillgap.settings import Settings

    readme = (API_DIR / "README.md").read_text(encoding="utf-8")
    for path, methods in create_app().openapi()["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in readme, f"{method.upper()} {path} missing from api/README.md"
    for name in set(ApiSettings.model_fields) - set(Settings.model_fields):
        assert f"SKILLGAP_{name.upper()}" in readme, f"setting {name} missing from api/README.md"


def test_fingerprint_memo_is_per_snapshot(store) -> None:
    """A published snapshot never changes: its fingerprint is computed once, a new snapshot gets its own."""
    memo = cache.FingerprintMemo()
    _add_ad(store, "a:1")
    first = memo.get(store, model_name="m", snapshot="s1")
    _add_ad(store, "a:2")
    assert memo.get(store, model_name="m", snapshot="s1") == first  # memoised
    second = memo.get(store, model_name="m", snapshot="s2")
    assert second != first and second == cache.fingerprint(store, model_name="m")
    assert memo.get(store, model_name="other", snapshot="s2") != second
