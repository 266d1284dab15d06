"""Candidate add-on modules: clusters of an occupation's uncovered skills.

Criterion (documented, configurable in ``analysis/config.toml`` ``[modules]``): agglomerative
clustering of the uncovered and partially covered skills' embeddings, average linkage on cosine
distance, cut where the average similarity inside a cluster would fall below the similarity that
only 1% of random pairs of ROME skills reach with the model in use (``similarity_floor``);
clusters larger than ``max_skills`` keep their most demanded skills. Each module's title is its
*medoid* skill (the one closest on average to the others); its id is derived from the occupation
and the medoid's key, so the same module keeps its id from week to week while its skills evolve.
Modules are ranked by the lower bound of the share of ads asking for at least one of their skills.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import duckdb
import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from analysis.config import get_config
from analysis.gaps import GapContext, ad_skills, compute_gaps
from analysis.stats import wilson_interval
from models.analysis import CandidateModule, GapReport, ModulesReport, SkillDemand
from models.queries import AdFilter, GapQuery
from models.review import ReviewSet
from referentials import queries

CLUSTERING = ("agglomératif, lien moyen, distance cosinus, similarité moyenne ≥ {:.3f} "
              "(quantile {} des similarités entre compétences ROME prises au hasard)")

def module_id(rome_code: str, medoid_key: str) -> str:
    """Stable id of a module.

    >>> module_id("M1805", "phrase:kubernetes")
    'MOD-M1805-60c7ae25'
    """
    return f"MOD-{rome_code}-{hashlib.sha1(medoid_key.encode()).hexdigest()[:8]}"


def similarity_floor(ctx: GapContext) -> float:
    """The ``random_pair_quantile`` quantile of cosine similarities between random ROME skills (per model)."""
    cfg = get_config().modules
    if ctx.similarity_floor is None:
        labels = queries.skills(ctx.con, "rome").label
        sample = labels.sample(min(cfg.random_pair_sample, len(labels)), random_state=0).tolist()
        vectors = ctx.encoder.encode(sample)
        sims = (vectors @ vectors.T)[np.triu_indices(len(sample), k=1)]
        ctx.similarity_floor = float(np.quantile(sims, cfg.random_pair_quantile))
    return ctx.similarity_floor


def _clusters(vectors: np.ndarray, min_similarity: float) -> np.ndarray:
    if len(vectors) == 1:
        return np.array([1])
    distances = np.clip(1 - vectors @ vectors.T, 0, 2)
    condensed = distances[np.triu_indices(len(vectors), k=1)]
    return fcluster(linkage(condensed, method="average"), t=1 - min_similarity, criterion="distance")


def _title(label: str) -> str:
    return label[:1].upper() + label[1:]


def candidate_modules(ctx: GapContext, report: GapReport) -> list[CandidateModule]:
    """Modules built from the uncovered / partial skills of a gap report."""
    cfg = get_config().modules
    gaps = [s for s in report.skills if s.coverage.status.value != "covered"]
    if not gaps:
        return []
    vectors = ctx.encoder.encode([s.skill_label for s in gaps])
    floor = similarity_floor(ctx)
    labels = _clusters(vectors, floor)
    _, asks = ad_skills(ctx.con, AdFilter(rome_codes=(report.rome_code,), region_code=report.region_code,
                                          department_code=report.department_code,
                                          contract_type_code=report.contract_type_code, naf_code=report.naf_code,
                                          date_from=report.date_from, date_to=report.date_to))
    ads_by_skill = asks.groupby("skill_key").ad_id.apply(set).to_dict()
    modules = []
    for cluster in np.unique(labels):
        members = [i for i in np.flatnonzero(labels == cluster)]
        if len(members) < cfg.min_skills:
            continue
        members.sort(key=lambda i: -gaps[i].n_ads)
        members = members[: cfg.max_skills]
        sims = vectors[members] @ vectors[members].T
        medoid = members[int(sims.mean(axis=1).argmax())]
        skills: list[SkillDemand] = [gaps[i] for i in members]
        ads = set().union(*(ads_by_skill.get(s.skill_key, set()) for s in skills))
        low, high = wilson_interval(len(ads), report.n_ads)
        blocks = Counter(s.coverage.block_code for s in skills if s.coverage.block_code)
        certs = Counter(s.coverage.rncp_code for s in skills if s.coverage.rncp_code)
        modules.append(CandidateModule(
            module_id=module_id(report.rome_code, gaps[medoid].skill_key), rome_code=report.rome_code,
            title=_title(gaps[medoid].skill_label), skills=tuple(skills), n_ads=len(ads),
            share=round(len(ads) / report.n_ads, 4), share_low=round(low, 4), share_high=round(high, 4),
            complemented_blocks=tuple(b for b, _ in blocks.most_common(3)),
            complemented_certifications=tuple(c for c, _ in certs.most_common(3)),
            region_code=report.region_code, date_from=report.date_from, date_to=report.date_to,
            model_name=report.model_name, clustering=CLUSTERING.format(floor, cfg.random_pair_quantile)))
    modules.sort(key=lambda m: (-m.share_low, m.title))
    return modules


def compute_modules(ctx: GapContext, query: GapQuery, *, reviews: ReviewSet | None = None) -> ModulesReport:
    """The candidate modules of one occupation, with the gap report they come from (reviews applied)."""
    report = compute_gaps(ctx, query, reviews=reviews)
    return ModulesReport(report=report, modules=tuple(candidate_modules(ctx, report)))


def save_modules(con: duckdb.DuckDBPyConnection, modules: list[CandidateModule]) -> None:
    """Keep the latest content of each module (by stable id), with when it was first and last computed."""
    for m in modules:
        con.execute(
            """INSERT INTO out_analysis__modules VALUES (?, ?, ?, now(), now(), ?)
               ON CONFLICT (module_id) DO UPDATE SET title = excluded.title,
                 last_computed_at = excluded.last_computed_at, module = excluded.module""",
            [m.module_id, m.rome_code, m.title, m.model_dump_json()])


def load_module(con: duckdb.DuckDBPyConnection, module_id_: str) -> CandidateModule | None:
    row = con.execute("SELECT module FROM out_analysis__modules WHERE module_id = ?", [module_id_]).fetchone()
    return None if row is None else CandidateModule.model_validate_json(row[0])
