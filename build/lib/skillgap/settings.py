"""Service settings (paths, secrets), read from the environment (prefix ``SKILLGAP_``).

Model parameters (names, thresholds, top-k) live in versioned config files, not here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_store_path() -> Path:
    """``./data/skillgap.duckdb`` inside a source checkout, else the user's data dir."""
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / "data" / "skillgap.duckdb"
    return Path(user_data_dir("skillgap")) / "skillgap.duckdb"


class Settings(BaseSettings):
    """Settings of one skillgap installation."""

    model_config = SettingsConfigDict(env_prefix="SKILLGAP_", extra="ignore")

    store: Path = Field(default_factory=default_store_path, description="DuckDB store file")
    cache_dir: Path | None = Field(default=None, description="embedding cache / indexes; default beside the store")

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or self.store.parent / "cache"


@lru_cache
def get_settings() -> Settings:
    return Settings()
