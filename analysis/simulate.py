"""Simulated demand series with injected trends, and the ``skillgap eval signals`` measure.

Realistic counts: the occupation mix (share of ads per ROME code) and the base rates of skills
(share of ads ticking each ROME competence, among ads that tick any) are read at run time from the
real dev ads ``../shared/data/eval/fr_job_ads_france_travail.dev.jsonl.gz`` — nothing of the ads
is copied. The file covers a few dense months only, so the monthly *volume* and the time profile
are parameters (``SimulationSettings``); when the file is absent the documented synthetic
fallback below is used and the report says so.

Counts are overdispersed like real ads: each (series, period) rate is multiplied by a gamma
factor of mean 1 and coefficient of variation ``overdispersion_cv``; exposures vary with a yearly
season and Poisson noise. Injected series: rate ×1.5 per year (``up``), ×0.5 per year (``down``),
and a skill absent until ``appear_at_month`` then present at its base rate (``appear``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field

from analysis.signals import SignalSettings, assess_series
from models.base import Record

log = logging.getLogger(__name__)

DEV_ADS = Path(__file__).resolve().parents[2] / "shared" / "data" / "eval" / "fr_job_ads_france_travail.dev.jsonl.gz"
#: synthetic fallback: occupation shares ~ Zipf(1.1) over 40 codes; skill rates log-uniform 0.5%..30%
FALLBACK = {"n_occupations": 40, "zipf_exponent": 1.1, "rate_min": 0.005, "rate_max": 0.30}


class SimulationSettings(Record):
    """Parameters of the simulated world (defaults justified in ``analysis/SIGNALS.md``)."""

    seed: int = 20250301
    n_months: int = Field(default=24, ge=6, description="window length; trends are per 12 months")
    monthly_ads: int = Field(default=20_000, ge=100, description="ads per month over all occupations")
    n_null_per_occupation: int = Field(default=40, ge=1)
    n_injected_per_type: int = Field(default=60, ge=1)
    trend_up: float = Field(default=1.5, description="rate ratio over 12 months of 'up' series")
    trend_down: float = Field(default=0.5, description="rate ratio over 12 months of 'down' series")
    appear_at_month: int = Field(default=14, ge=1, description="first month (0-based) of 'appear' series")
    overdispersion_cv: float = Field(default=0.15, ge=0, description="CV of the per-period gamma rate factor")
    season_amplitude: float = Field(default=0.15, ge=0, lt=1)


def real_parameters(path: Path = DEV_ADS) -> dict | None:
    """Occupation shares and skill base rates read from the real dev ads; None if absent."""
    if not path.exists():
        return None
    romes: Counter[str] = Counter()
    skills: Counter[str] = Counter()
    n_with_skills = 0
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            ad = json.loads(line)
            if ad.get("romeCode"):
                romes[ad["romeCode"]] += 1
            codes = {c.get("code") or c.get("libelle") for c in ad.get("competences") or []}
            if codes:
                n_with_skills += 1
                skills.update(codes)
    total = sum(romes.values())
    return {
        "source": str(path), "n_ads": total, "n_ads_with_skills": n_with_skills,
        "occupation_shares": {k: v / total for k, v in romes.items()},
        "skill_rates": np.array(sorted(v / n_with_skills for v in skills.values())),
    }


def synthetic_parameters() -> dict:
    """The documented fallback when the dev ads are absent."""
    k = np.arange(1, FALLBACK["n_occupations"] + 1)
    shares = k ** -FALLBACK["zipf_exponent"]
    shares /= shares.sum()
    rates = np.geomspace(FALLBACK["rate_min"], FALLBACK["rate_max"], 200)
    return {"source": "synthetic fallback " + json.dumps(FALLBACK), "n_ads": None, "n_ads_with_skills": None,
            "occupation_shares": {f"X{i:04d}": float(s) for i, s in enumerate(shares)}, "skill_rates": rates}


def simulate(params: dict, settings: SimulationSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand rows in the contract of ``analysis.signals``, truth: one row per series)."""
    s = settings
    rng = np.random.default_rng(s.seed)
    months = [dt.date(2023 + (m // 12), m % 12 + 1, 1) for m in range(s.n_months)]
    t = np.arange(s.n_months) / 12.0
    season = 1 + s.season_amplitude * np.sin(2 * np.pi * t)
    romes = sorted(params["occupation_shares"])
    shares = np.array([params["occupation_shares"][r] for r in romes])
    exposure = rng.poisson(np.outer(shares * s.monthly_ads, season)).clip(min=0)
    cells = [(i, "null") for i in range(len(romes)) for _ in range(s.n_null_per_occupation)]
    for kind in ("up", "down", "appear"):
        occ = rng.choice(len(romes), size=s.n_injected_per_type, p=shares / shares.sum())
        cells += [(int(i), kind) for i in occ]
    rates = rng.choice(params["skill_rates"], size=len(cells))
    rows, truth = [], []
    for j, ((i, kind), base) in enumerate(zip(cells, rates, strict=True)):
        profile = {"null": np.ones_like(t), "up": s.trend_up ** (t - t.mean()), "down": s.trend_down ** (t - t.mean()),
                   "appear": (np.arange(s.n_months) >= s.appear_at_month).astype(float)}[kind]
        p = np.clip(base * profile * _gamma(rng, s.overdispersion_cv, s.n_months), 0, 1)
        y = rng.binomial(exposure[i], p)
        key = f"sim:{j:05d}"
        truth.append({"rome_code": romes[i], "skill_key": key, "truth": kind, "base_rate": float(base),
                      "expected_ads_with_skill": float((base * profile * exposure[i]).sum())})
        rows += [(months[m], romes[i], key, f"{kind} {j}", int(y[m]), int(exposure[i][m]))
                 for m in range(s.n_months) if exposure[i][m] > 0]
    cols = ["period_start", "rome_code", "skill_key", "skill_label", "n_ads_with_skill", "n_ads"]
    return pd.DataFrame(rows, columns=cols), pd.DataFrame(truth)


def _gamma(rng: np.random.Generator, cv: float, size: int) -> np.ndarray:
    if cv <= 0:
        return np.ones(size)
    shape = 1 / cv**2
    return rng.gamma(shape, 1 / shape, size)


def score(tested: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Precision, recall, FDR overall and per trend type (see SIGNALS.md for the definitions)."""
    d = tested.merge(truth, on=["rome_code", "skill_key"])
    expected = d["truth"].map({"up": "emerging", "appear": "emerging", "down": "declining", "null": None})
    reported = d["kind"].notna()
    correct = reported & (d["kind"] == expected)
    injected = d["truth"] != "null"
    testable = d["support_reason"].isna()
    n_rep = int(reported.sum())
    out = {
        "precision": _ratio(correct.sum(), n_rep), "recall": _ratio((correct & injected & testable).sum(),
                                                                    (injected & testable).sum()),
        "fdr": _ratio((reported & ~correct).sum(), n_rep),
        "recall_all_injected": _ratio((correct & injected).sum(), injected.sum()),
        "null_false_positive_rate": _ratio((reported & ~injected).sum(), (~injected & testable).sum()),
        "n_reported": n_rep, "n_injected": int(injected.sum()), "n_injected_testable": int((injected & testable).sum()),
        "n_null": int((~injected).sum()), "n_null_testable": int((~injected & testable).sum()),
        "n_null_reported": int((reported & ~injected).sum()),
    }
    for kind in ("up", "down", "appear"):
        k = (d["truth"] == kind)
        out[f"recall_{kind}"] = _ratio((correct & k & testable).sum(), (k & testable).sum())
        out[f"n_{kind}_testable"] = int((k & testable).sum())
    return out


def _ratio(a, b) -> float:
    return round(float(a) / float(b), 4) if b else float("nan")


def evaluate_signals(*, sim: SimulationSettings | None = None, settings: SignalSettings | None = None,
                     path: Path = DEV_ADS) -> dict:
    """Simulate, test at the given (default) settings, score; the figures of ``eval signals``."""
    sim = sim or SimulationSettings()
    params = real_parameters(path)
    if params is None:
        log.warning("offres de développement %s absentes : paramètres synthétiques de repli utilisés", path)
        params = synthetic_parameters()
    rows, truth = simulate(params, sim)
    tested = assess_series(rows, settings=settings)
    result = {"parameters_source": params["source"], "n_occupations": len(params["occupation_shares"]),
              "n_skill_rates": int(len(params["skill_rates"])), "simulation": sim.model_dump(),
              "settings": (settings or SignalSettings()).model_dump()}
    return result | score(tested, truth)
