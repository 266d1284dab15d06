"""The NLP stage's model parameters: ``nlp/config.toml``, validated on load."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import Field, ValidationError

from models.base import Record
from skillgap.errors import UserError

CONFIG_PATH = Path(__file__).resolve().parent / "config.toml"


class ModelConfig(Record):
    name: str = "default"
    english_name: str = Field(default="default", description="model for English sentences (eval esco-linking)")


class ExtractionConfig(Record):
    max_chars: int = Field(default=100_000, gt=0)
    max_candidates: int = Field(default=80, gt=0)
    max_words: int = Field(default=24, gt=2)
    exact_max_tokens: int = Field(default=5, ge=1)


class OccupationConfig(Record):
    search_k: int = Field(default=60, gt=0)
    top_k: int = Field(default=3, gt=0)
    description_weight: float = Field(
        default=0.0, ge=0, description="weight of the description's fit to a fiche's skills (0 = title alone)")
    description_candidates: int = Field(default=10, gt=0, description="title candidates re-scored by the fit")
    description_top_skills: int = Field(default=10, gt=0, description="best-matched fiche skills averaged")


class LinkingConfig(Record):
    search_k: int = Field(default=20, gt=0)
    top_k: int = Field(default=3, gt=0)
    threshold: float = Field(default=0.62, ge=-1, le=1)
    fiche_bonus: tuple[float, ...] = (0.12, 0.05, 0.03)
    core_bonus: float = 0.03
    kind_bonus: dict[str, float] = Field(default_factory=dict)
    rank_prior: float = 0.04
    with_parent: bool = True
    link_fiche_bonus: float = Field(default=0.05, ge=0)


class RerankSection(Record):
    """Optional second encoder re-scoring the fast model's top candidates (``nlp.rerank``)."""

    model: str = Field(default="", description="'' = off; use | path to a sentence-transformers folder")
    occupation_top_n: int = Field(default=10, gt=0)
    occupation_weight: float = Field(default=0.3, ge=0, le=1)
    esco_top_n: int = Field(default=100, gt=0)
    esco_weight: float = Field(default=0.7, ge=0, le=1)

    def model_for(self, main_model: str) -> str | None:
        """The re-ranker to use behind ``main_model``: None when off or when it is that model itself."""
        return self.model if self.model and self.model != main_model else None


class NlpConfig(Record):
    """All parameters; ``version`` is recorded with every output row."""

    version: str
    model: ModelConfig = ModelConfig()
    extraction: ExtractionConfig = ExtractionConfig()
    occupation: OccupationConfig = OccupationConfig()
    linking: LinkingConfig = LinkingConfig()
    rerank: RerankSection = RerankSection()

    def thresholds(self) -> dict[str, float]:
        """The thresholds recorded on output rows."""
        return {"link_threshold": self.linking.threshold}


def load_config(path: Path | None = None, *, model: str | None = None, rerank: str | None = None) -> NlpConfig:
    """Read and validate the config; ``model`` overrides ``[model].name``, ``rerank`` ``[rerank].model``
    (``none`` turns re-ranking off)."""
    path = path or CONFIG_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise UserError(f"{path} : configuration NLP illisible : {e}") from e
    if model:
        data.setdefault("model", {})["name"] = model
    if rerank:
        data.setdefault("rerank", {})["model"] = "" if rerank == "none" else rerank
    try:
        return NlpConfig.model_validate(data)
    except ValidationError as e:
        raise UserError(f"{path} : configuration NLP invalide : {e.errors()[0]['loc']} {e.errors()[0]['msg']}") from e
