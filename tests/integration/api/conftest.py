"""A real store for the API tests (built once per session): bundled referentials, hand-written
ads (always), the France Travail dev ads (when ../shared is there), a few NLP mentions, an API key.

The encoder is a hashed bag of words (64 dimensions, instant): coverage scores are meaningless
but every code path of the analysis runs. It carries the name of the calibrated USE model so the
analysis finds coverage thresholds for it; the store is private to the tests, so its cached
results can never be mistaken for real ones.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import FT_DEV, RUN, WRITTEN, HashEncoder, add_mentions, written_offer  # noqa: F401 - used by the fixtures below
from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def api_store(
    loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The referential store plus ads, mentions and an API key (see module docstring)."""
    from crawler.ingest import ingest

    folder = tmp_path_factory.mktemp("api")
    store = folder / "skillgap.duckdb"
    shutil.copy(loaded_store_path, store)
    written = folder / "written.jsonl"
    written.write_text(
        "\n".join(json.dumps(o, ensure_ascii=False) for o in WRITTEN), encoding="utf-8"
    )
    paths = [written] + ([FT_DEV] if FT_DEV.exists() else [])
    ingest(paths, store=store)
    add_mentions(store, "france_travail:APITEST0000")
    return store


@pytest.fixture(scope="session")
def api_key(api_store: Path) -> str:
    from api.keys import create_key
    from api.state import ApiState

    return create_key(ApiState.for_store(api_store), label="tests")


@pytest.fixture(scope="session")
def app(api_store: Path, api_key: str):
    from api.main import create_app
    from api.settings import ApiSettings

    return create_app(ApiSettings(store=api_store), encoder_factory=HashEncoder)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    """One running app (lifespan entered once) for the session."""
    with TestClient(app) as c:
        yield c
