"""Analysis parameters from ``analysis/config.toml``, validated on load."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skillgap.errors import UserError

CONFIG_PATH = Path(__file__).resolve().parent / "config.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    covered: float = Field(ge=-1, le=1)
    partial: float = Field(ge=-1, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.partial > self.covered:
            raise ValueError("partial threshold must not exceed covered threshold")
        return self


class CoverageConfig(_Strict):
    hub_sample_size: int = Field(gt=0)
    hub_seed: int
    thresholds: dict[str, Thresholds]


class GapsConfig(_Strict):
    min_ads: int = Field(gt=0)
    evidence_per_skill: int = Field(ge=0)


class ModulesConfig(_Strict):
    random_pair_quantile: float = Field(gt=0, lt=1)
    random_pair_sample: int = Field(ge=50)
    max_skills: int = Field(ge=1)
    min_skills: int = Field(ge=1)


class AnalysisConfig(_Strict):
    coverage: CoverageConfig
    gaps: GapsConfig
    modules: ModulesConfig


@lru_cache
def get_config(path: Path = CONFIG_PATH) -> AnalysisConfig:
    try:
        with open(path, "rb") as f:
            return AnalysisConfig.model_validate(tomllib.load(f))
    except (OSError, tomllib.TOMLDecodeError, ValueError) as e:
        raise UserError(f"{path} : configuration de l'analyse invalide : {e}") from e
