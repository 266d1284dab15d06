"""Typed records of embedding-model training (``skillgap model train``)."""

from __future__ import annotations

from pydantic import Field

from models.base import Record


class TrainingPair(Record):
    """Two texts that must embed close together (contrastive loss), and where they come from."""

    anchor: str = Field(min_length=1)
    positive: str = Field(min_length=1)
    kind: str = Field(description="which referential relation, e.g. 'rome_appellation_fiche'")
    group: str = Field(description="the concept the pair comes from ('<source>:<code>'); splits keep groups whole")


class TrainConfig(Record):
    """Everything that decides a trained model besides the data (written into the model card)."""

    seed: int = 42
    dim: int = Field(default=256, ge=8, le=512, description="embedding size (PCA of the teacher's space)")
    epochs: int = Field(default=3, ge=1, description="cosine schedule length; the best epoch on validation is kept")
    vocab_size: int = Field(default=32_000, ge=100)
    batch_size: int = Field(default=256, ge=2)
    learning_rate: float = Field(default=0.01, gt=0, description="peak of the cosine schedule (lazy Adam)")
    mnrl_scale: float = Field(default=20.0, gt=0, description="cosine scale of MultipleNegativesRankingLoss")
    augment_ratio: float = Field(default=0.15, ge=0, description="random spans + ad-style prefixes, × label count")
    max_phrases: int | None = Field(default=None, ge=1, description="cap on label phrases (seeded sample)")
    max_alts_per_concept: int = Field(default=4, ge=0, description="alternative labels per concept, corpus and pairs")
    validation_fraction: float = Field(default=0.05, gt=0, lt=0.5)
    ad_phrases: int = Field(default=0, ge=0, description="candidate phrases of stored ads added to the corpus "
                                                         "(their text only, never their labels; seeded sample)")
    teacher: str = "use-multilingual-v3"
