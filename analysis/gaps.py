"""Uncovered skills of an occupation × region × period, with demand, uncertainty and evidence.

For the ads of occupation R (NLP-predicted ROME code, else the source's), in a region and period:
each skill asked (a linked ROME / ESCO code, an unlinked phrase, or a skill the employer ticked)
gets its share of ads with a 95% Wilson interval, its coverage by the blocks of the
certifications linked to R (``analysis.coverage``), and evidence ads (ids + the line that asks
for it). Uncovered skills come first, ranked by the lower bound of their share (demand and
confidence together). Below ``min_ads`` ads the report is flagged not significant.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analysis.config import get_config
from analysis.coverage import CoverageIndex, build_index, candidate_certifications, cover, thresholds_for
from analysis.reviews import apply_reviews, remap_merges
from analysis.stats import wilson_interval
from crawler import queries as ad_queries
from models.analysis import Coverage, EvidenceAd, GapReport, SkillDemand
from models.queries import AdFilter, GapQuery
from models.review import ReviewSet
from nlp import queries as nlp_queries
from nlp.embed import Encoder
from referentials import queries
from skillgap.errors import InsufficientDataError, NotFoundError

log = logging.getLogger(__name__)

MAX_SKILLS = 200  # most demanded skills assessed per report
_STATUS_ORDER = {"uncovered": 0, "partial": 1, "covered": 2}


@dataclass
class GapContext:
    """What a gap computation needs and may reuse across occupations (the encoder, the block index)."""

    con: duckdb.DuckDBPyConnection
    encoder: Encoder
    index: CoverageIndex | None = None
    similarity_floor: float | None = None  # of the module clustering, computed once per model

    def coverage_index(self) -> CoverageIndex:
        if self.index is None:
            self.index = build_index(self.con, self.encoder)
        return self.index


def ad_skills(con: duckdb.DuckDBPyConnection, f: AdFilter) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ads of the filter [ad_id, created_at], asks [ad_id, skill_key, label], each triple once);
    descriptions are read for the evidence ads only (``_evidence``)."""
    ads = nlp_queries.ads(con, f).select(["ad_id", "created_at"]).to_pandas()
    asks = nlp_queries.asked_skills(con, f).select(["ad_id", "skill_key", "label"]).to_pandas().drop_duplicates()
    return ads, asks


def excerpt(description: str, label: str, *, width: int = 220) -> str | None:
    """The line of ``description`` that contains ``label`` (case-insensitive), shortened around it.

    >>> excerpt("Missions :\\n- Gérer les stocks et les commandes\\nProfil : Bac+2", "gérer les stocks")
    '- Gérer les stocks et les commandes'
    """
    match = re.search(re.escape(label.strip()), description, flags=re.IGNORECASE)
    if match is None:
        return None
    start = description.rfind("\n", 0, match.start()) + 1
    end = description.find("\n", match.end())
    line = description[start : end if end >= 0 else len(description)].strip()
    if len(line) <= width:
        return line
    centre = match.start() - start
    lo = max(0, centre - width // 2)
    return ("…" if lo else "") + line[lo : lo + width].strip() + "…"


def _skill_table(asks: pd.DataFrame, n_ads: int, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    counts = asks.groupby("skill_key").agg(n_ads=("ad_id", "nunique"))
    # the most frequent wording of each skill, the first in alphabetical order among equals (``Series.mode``)
    wordings = asks.groupby(["skill_key", "label"]).size().rename("n").reset_index()
    wordings = wordings.sort_values(["skill_key", "n", "label"], ascending=[True, False, True], kind="stable")
    counts["label"] = wordings.drop_duplicates("skill_key").set_index("skill_key").label
    ref_labels = queries.skill_labels(con)
    counts["skill_label"] = [ref_labels.get(k, lbl) for k, lbl in zip(counts.index, counts.label, strict=True)]
    counts["is_linked"] = ~counts.index.str.startswith("phrase:")
    counts = counts.sort_values(["n_ads", "skill_label"], ascending=[False, True]).head(MAX_SKILLS)
    bounds = [wilson_interval(int(k), n_ads) for k in counts.n_ads]
    counts["share"] = counts.n_ads / n_ads
    counts["share_low"] = [b[0] for b in bounds]
    counts["share_high"] = [b[1] for b in bounds]
    return counts.reset_index()


def _evidence(con: duckdb.DuckDBPyConnection, ads: pd.DataFrame, asks: pd.DataFrame, skill_keys: list[str],
              limit: int) -> dict[str, tuple[EvidenceAd, ...]]:
    """Up to ``limit`` ads of each skill, most recent first (ties: smallest ad id), one excerpt per
    ad even when it words the skill twice (its first wording in alphabetical order: the asks come
    unordered from SQL); one join and one sort for all the skills of a report, and only the chosen
    ads' descriptions are read."""
    rows = asks[asks.skill_key.isin(skill_keys)].merge(ads[["ad_id", "created_at"]], on="ad_id")
    rows = (rows.sort_values(["skill_key", "created_at", "ad_id", "label"], ascending=[True, False, True, True])
            .drop_duplicates(["skill_key", "ad_id"]).groupby("skill_key", sort=False).head(limit))
    chosen = list(dict.fromkeys(rows.ad_id))
    descriptions = ad_queries.descriptions(con, chosen)
    out: dict[str, list[EvidenceAd]] = {key: [] for key in skill_keys}
    for row in rows.itertuples():
        text = (excerpt(descriptions.get(row.ad_id) or "", row.label)
                or f"compétence cochée par l'employeur : {row.label}")
        created = None if pd.isna(row.created_at) else pd.Timestamp(row.created_at).date()
        out[row.skill_key].append(EvidenceAd(ad_id=row.ad_id, created_at=created, excerpt=text))
    return {key: tuple(found) for key, found in out.items()}


def compute_gaps(ctx: GapContext, query: GapQuery, *, reviews: ReviewSet | None = None) -> GapReport:
    """The gap report of one occupation (see module docstring): the one function the CLI, the API
    and the weekly report call; ``reviews``: reviewers' decisions to apply (``analysis.reviews``)."""
    con, cfg, rome_code = ctx.con, get_config().gaps, query.rome_code
    fiche = queries.occupation(con, rome_code)
    if fiche is None:
        raise NotFoundError(f"code ROME inconnu : {rome_code}")
    candidates = candidate_certifications(con, rome_code, all_active=query.all_active)
    if not candidates:
        raise InsufficientDataError(f"aucune certification liée à l'occupation {rome_code} ({fiche['label']}) : "
                                    "la couverture ne peut pas être évaluée (essayez --all-active pour toutes "
                                    "les certifications actives)")
    ads, asks = ad_skills(con, query.ads())
    asks = remap_merges(asks, reviews)
    if ads.empty:
        where = f" en région {query.region_code}" if query.region_code else ""
        raise InsufficientDataError(f"aucune offre pour {rome_code}{where} sur la période demandée : "
                                    "pas de résultat (ce n'est pas une absence d'écart)")
    index = ctx.coverage_index()
    thresholds = thresholds_for(index.model_name)
    table = _skill_table(asks, len(ads), con) if not asks.empty else pd.DataFrame()
    coverages: list[Coverage] = []
    if not table.empty:
        vectors = ctx.encoder.encode(table.skill_label.tolist())
        coverages = cover(index, rome_code=rome_code, skill_keys=table.skill_key.tolist(),
                          skill_labels=table.skill_label.tolist(), vectors=vectors, candidates=candidates,
                          thresholds=thresholds)
    evidence = _evidence(con, ads, asks, table.skill_key.tolist(), cfg.evidence_per_skill) if not table.empty else {}
    skills = [
        SkillDemand(skill_key=row.skill_key, skill_label=row.skill_label, is_linked=bool(row.is_linked),
                    n_ads=int(row.n_ads), share=round(float(row.share), 4), share_low=round(float(row.share_low), 4),
                    share_high=round(float(row.share_high), 4), coverage=coverage,
                    evidence=evidence[row.skill_key])
        for row, coverage in zip(table.itertuples(), coverages, strict=True)
    ]
    skills.sort(key=lambda s: (_STATUS_ORDER[s.coverage.status.value], -s.share_low, s.skill_label))
    blocks = index.blocks.items[index.blocks.items.rncp_code.isin(candidates)]
    with_items = blocks[blocks.item_kind == "competence"].block_code.nunique()
    basis = (f"{with_items} bloc(s) avec liste de compétences, "
             f"{blocks.block_code.nunique() - with_items} bloc(s) évalué(s) sur leur seul intitulé")
    versions = {k: v["version_id"] for k, v in queries.current_versions(con).items()}
    return apply_reviews(GapReport(
        rome_code=rome_code, rome_label=fiche["label"], region_code=query.region_code, **query.ad_attributes(),
        date_from=query.date_from, date_to=query.date_to, n_ads=len(ads), is_significant=len(ads) >= cfg.min_ads,
        min_ads=cfg.min_ads,
        n_candidate_certifications=len(set(blocks.rncp_code)), coverage_basis=basis, skills=tuple(skills),
        model_name=index.model_name, referential_versions=versions), reviews)


def gaps_rows(report: GapReport) -> pd.DataFrame:
    """One flat row per skill (the CSV format)."""
    rows = []
    for s in report.skills:
        c = s.coverage
        rows.append({
            "rome_code": report.rome_code, "region_code": report.region_code, "date_from": report.date_from,
            "date_to": report.date_to, "n_ads_occupation": report.n_ads, "is_significant": report.is_significant,
            "skill_key": s.skill_key, "skill_label": s.skill_label, "is_linked": s.is_linked, "n_ads": s.n_ads,
            "share": s.share, "share_low": s.share_low, "share_high": s.share_high, "status": c.status.value,
            "score": c.score, "block_code": c.block_code, "rncp_code": c.rncp_code,
            "certification_title": c.certification_title, "matched_text": c.matched_text,
            "matched_kind": c.matched_kind, "evidence_ad_ids": " ".join(e.ad_id for e in s.evidence),
            "evidence_excerpt": s.evidence[0].excerpt if s.evidence else None, "model_name": c.model_name,
            "rncp_version": c.rncp_version, "covered_threshold": c.covered_threshold,
            "partial_threshold": c.partial_threshold})
    return pd.DataFrame(rows)


def skill_vectors(encoder: Encoder, skills: list[SkillDemand]) -> np.ndarray:
    return encoder.encode([s.skill_label for s in skills])
