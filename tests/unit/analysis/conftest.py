"""A store with the bundled referentials and 40 ads written for the tests (occupation M1805)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crawler.ingest import ingest

WRITTEN_ADS = Path(__file__).resolve().parents[2] / "data" / "analysis" / "written_ads_m1805.jsonl"


@pytest.fixture(scope="session")
def analysis_store_path(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analysis") / "skillgap.duckdb"
    shutil.copy(loaded_store_path, path)
    summary = ingest([WRITTEN_ADS], store=path)
    assert summary["stored"] == 40
    return path


@pytest.fixture(scope="session")
def encoder(tmp_path_factory: pytest.TempPathFactory):
    """The default model (loaded once), with a phrase cache private to the test session."""
    from nlp.embed import CachedEncoder, get_encoder

    return CachedEncoder(get_encoder("default"), tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def gap_context(analysis_store_path: Path, encoder):
    """Read-only context shared by the tests (the block index is built once)."""
    from analysis.gaps import GapContext
    from skillgap.store import connect

    return GapContext(connect(analysis_store_path, read_only=True), encoder)
