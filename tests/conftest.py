"""Shared fixtures: paths to ../shared, a store with the bundled referentials loaded once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"


def shared_file(relative: str) -> Path:
    """A file of ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"needs ../shared/data/{relative} (real evaluation data, not bundled): absent here")
    return path


@pytest.fixture(scope="session")
def loaded_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with every bundled referential loaded (built once per test session)."""
    from app.commands.referentials import load_referentials

    path = tmp_path_factory.mktemp("store") / "skillgap.duckdb"
    load_referentials(path)
    return path


@pytest.fixture
def loaded_store(loaded_store_path: Path, tmp_path: Path) -> Path:
    """A private copy of the loaded store that a test may modify."""
    copy = tmp_path / "skillgap.duckdb"
    shutil.copy(loaded_store_path, copy)
    return copy


@pytest.fixture
def shared():
    """``shared(relative)``: a file of ../shared/data, or skip the test with the reason."""
    return shared_file
