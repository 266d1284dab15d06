"""Coverage of demanded skills by the blocs de compétences of RNCP certifications.

For a skill asked for in ads of occupation R, the candidate certifications are those linked to R
(RNCP ↔ ROME links, through the ROME 4.0 → v3 parent mapping; optionally all active ones). The
skill is matched against every item of their blocks — the block's competence list when the
referential has it, else the block title (``matched_kind`` says which) — by cosine similarity of
the project's embeddings. The best item decides the status against per-model thresholds
(``analysis/config.toml``): *covered*, *partial* (grey zone) or *uncovered*.

Thresholds are calibrated (``calibrate``) against certifications *not* linked to the occupation:
``covered`` is the best-match similarity that only 5% of an occupation's skills reach against as
many unrelated certifications (5% false coverage), ``partial`` the same at 20%.

Certification ranking (``certification_scores``): the mean over an occupation's skills of the
best similarity to each certification's items, minus that certification's *hub score* (its mean
best similarity to a fixed random sample of ROME skills). Without that correction, certifications
with many generic blocks ("communiquer", "gérer un projet") look close to every occupation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analysis.blocks import BlockItems, load_block_items
from analysis.config import Thresholds, get_config
from models.analysis import Coverage, CoverageStatus
from nlp.embed import Encoder
from referentials import queries
from skillgap.errors import InsufficientDataError, UserError

log = logging.getLogger(__name__)


@dataclass
class CoverageIndex:
    """Block items of the current RNCP version, grouped by certification, with hub scores."""

    blocks: BlockItems
    rncp_codes: np.ndarray  # one per certification, sorted
    starts: np.ndarray  # first item row of each certification
    hub: np.ndarray  # per certification

    @property
    def model_name(self) -> str:
        return self.blocks.model_name

    def best_per_certification(self, vectors: np.ndarray, *, chunk: int = 256) -> np.ndarray:
        """(n_skills, n_certifications) best similarity of each skill to each certification's items."""
        out = np.empty((len(vectors), len(self.rncp_codes)), dtype=np.float32)
        for i in range(0, len(vectors), chunk):
            sims = vectors[i : i + chunk] @ self.blocks.vectors.T
            out[i : i + chunk] = np.maximum.reduceat(sims, self.starts, axis=1)
        return out

    def certification_scores(self, vectors: np.ndarray) -> pd.Series:
        """Hub-corrected mean best similarity of a set of skills to every certification."""
        if len(vectors) == 0:
            return pd.Series(dtype=float)
        return pd.Series(self.best_per_certification(vectors).mean(axis=0) - self.hub, index=self.rncp_codes)


def build_index(con: duckdb.DuckDBPyConnection, encoder: Encoder) -> CoverageIndex:
    """Embed every block item of the current RNCP version and compute the hub scores."""
    blocks = load_block_items(con, encoder)
    if blocks.items.empty:
        raise InsufficientDataError("aucun bloc RNCP chargé : lancez `skillgap referentials load`")
    codes = blocks.items.rncp_code.to_numpy()
    rncp_codes, starts = np.unique(codes, return_index=True)
    if not np.all(np.diff(starts) > 0):
        raise ValueError("block items must be sorted by certification")
    cfg = get_config().coverage
    sample = queries.skills(con, "rome").label.sample(
        min(cfg.hub_sample_size, len(queries.skills(con, "rome"))), random_state=cfg.hub_seed).tolist()
    index = CoverageIndex(blocks, rncp_codes, starts, np.zeros(len(rncp_codes), dtype=np.float32))
    index.hub = index.best_per_certification(encoder.encode(sample)).mean(axis=0)
    return index


def thresholds_for(model_name: str) -> Thresholds:
    thresholds = get_config().coverage.thresholds.get(model_name)
    if thresholds is None:
        raise UserError(
            f"aucun seuil de couverture calibré pour le modèle {model_name!r} : lancez "
            f"`skillgap eval coverage --model ... --calibrate` et ajoutez-les à analysis/config.toml")
    return thresholds


def candidate_certifications(con: duckdb.DuckDBPyConnection, rome_code: str, *, all_active: bool = False) -> list[str]:
    """RNCP codes whose blocks may cover the skills of ``rome_code`` (linked ones, or all active);
    the caller has checked that the code is a fiche of the loaded ROME."""
    if all_active:
        return queries.active_certification_codes(con)
    return queries.certifications_for_rome(con, rome_code).rncp_code.tolist()


def cover(
    index: CoverageIndex,
    *,
    rome_code: str,
    skill_keys: list[str],
    skill_labels: list[str],
    vectors: np.ndarray,
    candidates: list[str],
    thresholds: Thresholds,
) -> list[Coverage]:
    """Coverage of each skill by the blocks of the ``candidates`` certifications."""
    items, item_vectors = index.blocks.for_certifications(set(candidates))
    if items.empty:
        raise InsufficientDataError(f"aucune certification (avec blocs) liée à l'occupation {rome_code}")
    sims = vectors @ item_vectors.T
    best = sims.argmax(axis=1)
    n_certs = items.rncp_code.nunique()
    result = []
    for i, (key, label) in enumerate(zip(skill_keys, skill_labels, strict=True)):
        row = items.iloc[int(best[i])]
        score = float(sims[i, best[i]])
        status = (CoverageStatus.COVERED if score >= thresholds.covered
                  else CoverageStatus.PARTIAL if score >= thresholds.partial else CoverageStatus.UNCOVERED)
        result.append(Coverage(
            skill_key=key, skill_label=label, rome_code=rome_code, status=status, score=round(score, 4),
            block_code=row.block_code, rncp_code=row.rncp_code,
            certification_title=None if pd.isna(row.cert_title) else row.cert_title,
            matched_text=row.item_text, matched_kind=row.item_kind, n_candidate_certifications=n_certs,
            model_name=index.model_name, rncp_version=index.blocks.rncp_version,
            covered_threshold=thresholds.covered, partial_threshold=thresholds.partial))
    return result


def match_block_items(encoder: Encoder, block_items: list[str], skills: pd.DataFrame) -> pd.DataFrame:
    """The matcher of ``analysis.watch``: every (block item, demanded skill) pair whose cosine
    similarity with ``encoder`` (the model of the whole report) reaches that model's *partial*
    coverage threshold.

    ``skills`` has columns ``skill_key`` and ``skill_label``; returns ``block_item, skill_key, score``.
    """
    columns = ["block_item", "skill_key", "score"]
    if not block_items or skills.empty:
        return pd.DataFrame(columns=columns)
    threshold = thresholds_for(encoder.name).partial
    sims = encoder.encode(list(block_items)) @ encoder.encode(skills.skill_label.fillna("").tolist()).T
    rows, cols = np.nonzero(sims >= threshold)
    keys = skills.skill_key.to_numpy()
    return pd.DataFrame({"block_item": [block_items[i] for i in rows], "skill_key": keys[cols],
                         "score": sims[rows, cols].astype(float)}, columns=columns)
