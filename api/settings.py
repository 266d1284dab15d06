"""Settings of the API service: the project's ``Settings`` plus fields of its own (prefix ``SKILLGAP_API_``).

``SKILLGAP_API_READ_OPEN=false`` closes the read endpoints (an API key is then needed on every
route but ``/health``); write endpoints always need a key. Model parameters stay in the
analysis / NLP config files: the API only names the embedding model it loads.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from api.state import ApiState, state_path
from skillgap.settings import Settings


class ApiSettings(Settings):
    """Settings of one API process."""

    api_read_open: bool = Field(default=True, description="read endpoints open without an API key")
    api_model: str = Field(default="default", description="embedding model for gaps and modules (name or folder)")
    api_compute_on_miss: bool = Field(
        default=True, description="compute a gap report absent from the cache (seconds); false: 503 until warmed")
    api_max_page_size: int = Field(default=500, ge=1, le=10_000, description="largest accepted `limit`")
    api_state: Path | None = Field(
        default=None, description="the service's own SQLite file (keys, cache, staged ads); default beside the store")

    def api_state_file(self) -> ApiState:
        """The service file: ``SKILLGAP_API_STATE``, else ``<store stem>.api.sqlite`` beside the store."""
        return ApiState(self.api_state or state_path(self.store))

    @field_validator("api_model")
    @classmethod
    def _model_named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("SKILLGAP_API_MODEL doit nommer un modèle ('default', 'use' ou un dossier)")
        return value.strip()


@lru_cache
def get_api_settings() -> ApiSettings:
    return ApiSettings()
