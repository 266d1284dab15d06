"""Settings of the API service: the project's ``Settings`` plus fields of its own (prefix ``SKILLGAP_API_``).

``SKILLGAP_API_READ_OPEN=false`` closes the read endpoints (an API key is then needed on every
route but ``/health``); write endpoints always need a key. Model parameters stay in the
analysis / NLP config files: the API only names the embedding model it loads.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator

from skillgap.settings import Settings


class ApiSettings(Settings):
    """Settings of one API process."""

    api_read_open: bool = Field(default=True, description="read endpoints open without an API key")
    api_model: str = Field(default="default", description="embedding model for gaps and modules (name or folder)")
    api_compute_on_miss: bool = Field(
        default=True, description="compute a gap report absent from the cache (seconds); false: 503 until warmed")
    api_max_page_size: int = Field(default=500, ge=1, le=10_000, description="largest accepted `limit`")

    @field_validator("api_model")
    @classmethod
    def _model_named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("SKILLGAP_API_MODEL must name a model ('default', 'use', or a folder)")
        return value.strip()


@lru_cache
def get_api_settings() -> ApiSettings:
    return ApiSettings()
