"""Weak signals: emerging and declining skills in the demand series of job ads.

A pure statistical core over a tidy table (no store needed), so it runs as a function over
batches. Input rows (the *demand contract*, see ``analysis/demand.py``)::

    period_start: date, rome_code, skill_key, skill_label, n_ads_with_skill, n_ads

``n_ads`` is the exposure: ads of that occupation in that period. Missing (period, skill) rows are
zeros as long as the occupation had ads in the period; pass ``exposure`` (``period_start, rome_code,
n_ads``) when some periods have ads but no skill row at all.

Tests, for each (occupation, skill) series that has enough support (see SIGNALS.md for why):

- **trend** — quasi-Poisson log-linear GLM ``log E[y_t] = log n_t + a + b·t`` (statsmodels,
  ``t`` in years, exposure offset). Real ad counts are overdispersed (multi-posting, one employer's
  batch of ads), so the Wald standard error is scaled by ``sqrt(phi)`` with
  ``phi = max(floor, Pearson X² / (T − 2))`` and the test uses Student's t with ``T − 2`` df.
  Effect: rate ratio per year ``exp(b)`` with a 95% interval.
- **appearance** — a skill absent from the first periods then present. Under a constant rate and
  given its ``X`` ads, the exposure fraction ``f`` before the first occurrence is the minimum of ``X``
  uniforms: ``P(F ≥ f) = (1 − f)^X``; overdispersion makes occurrences come in clumps, so ``X`` is
  divided by the dispersion of the periods after the first appearance.
- The series p-value is the Bonferroni minimum of the two (when the appearance test applies), then
  **Benjamini-Hochberg** (statsmodels ``fdr_bh``, ``analysis.stats``) across every series tested gives
  the q-value. Reported: q ≤ ``fdr`` and an effect at least ``min_rate_ratio`` per year (or an
  appearance).

Example:
    >>> import pandas as pd, datetime as dt
    >>> rows = pd.DataFrame({"period_start": [dt.date(2023 + m // 12, m % 12 + 1, 1) for m in range(24)],
    ...     "rome_code": "M1805", "skill_key": "phrase:docker", "skill_label": "docker",
    ...     "n_ads_with_skill": [10, 12, 11, 15, 16, 18, 20, 22, 25, 27, 30, 33] * 2, "n_ads": 200})
    >>> rows.loc[12:, "n_ads_with_skill"] += 20
    >>> [(s.kind, s.test, round(s.rate_ratio_per_year, 1)) for s in detect_signals(rows)]
    [('emerging', 'trend', 2.1)]
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from pydantic import Field
from scipy import stats

from analysis.stats import benjamini_hochberg
from models.base import Record
from models.signals import Signal

log = logging.getLogger(__name__)

COLUMNS = ("period_start", "rome_code", "skill_key", "skill_label", "n_ads_with_skill", "n_ads")
Period = Literal["week", "month"]


class SignalSettings(Record):
    """Thresholds of the signal tests (defaults justified in ``analysis/SIGNALS.md``)."""

    fdr: float = Field(default=0.05, gt=0, lt=1, description="Benjamini-Hochberg level on q-values")
    min_ads_with_skill: int = Field(default=30, ge=1, description="support: ads with the skill in the window")
    min_periods_with_skill: int = Field(default=4, ge=1, description="non-empty periods of the skill")
    min_periods: int = Field(default=6, ge=3, description="periods with ads of the occupation")
    min_rate_ratio: float = Field(default=1.25, ge=1, description="smallest reported trend, per year (or 1/x)")
    dispersion_floor: float = Field(default=1.0, ge=1, description="quasi-Poisson dispersion is never below it")
    appearance_min_absent_periods: int = Field(default=3, ge=1, description="periods before the first occurrence")
    appearance_min_absent_share: float = Field(default=0.2, gt=0, lt=1, description="exposure share before it")
    detectable_rate_ratio: float = Field(default=1.5, gt=1, description="trend size the power gate is set for")
    min_detectable_z: float = Field(default=2.5, ge=0, description="power gate: log(ratio)/se0 at least this")


@dataclass(frozen=True)
class TrendFit:
    """Slope of the log rate per year, its scaled standard error, dispersion and p-value."""

    slope: float
    se: float
    dispersion: float
    df: int
    p_value: float

    def rate_ratio(self, q: float = 0.0) -> float:
        """``exp(slope + q·se)``: the point estimate (q=0) or an interval bound."""
        return math.exp(self.slope + q * self.se)


def _pearson_dispersion(y: np.ndarray, mu: np.ndarray, df: int, floor: float) -> float:
    if df <= 0:
        return floor
    pos = mu > 0
    return max(floor, float(np.sum((y[pos] - mu[pos]) ** 2 / mu[pos])) / df)


def fit_trend(t_years: np.ndarray, y: np.ndarray, n: np.ndarray, *, dispersion_floor: float = 1.0) -> TrendFit | None:
    """Quasi-Poisson log-linear trend with exposure offset; None when the fit is undefined.

    Undefined: all counts zero, a non-converged fit, or (quasi-)separation (every count at one end,
    slope running to infinity) — statsmodels warns then; the warning is caught here and logged.
    """
    if y.sum() == 0 or len(y) < 3:
        return None
    x = sm.add_constant(t_years - t_years.mean(), has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(n)).fit()
        except (np.linalg.LinAlgError, ValueError) as e:
            log.debug("trend fit failed: %s", e)
            return None
    if caught:
        log.debug("trend fit discarded: %s", "; ".join(f"{w.category.__name__}: {w.message}" for w in caught))
        return None
    slope, se = float(res.params[1]), float(res.bse[1])
    if not (math.isfinite(slope) and math.isfinite(se)) or se <= 0 or abs(slope) > 20:
        return None
    df = len(y) - 2
    phi = _pearson_dispersion(y, res.fittedvalues, df, dispersion_floor)
    se *= math.sqrt(phi)
    p = float(2 * stats.t.sf(abs(slope) / se, df))
    return TrendFit(slope=slope, se=se, dispersion=phi, df=df, p_value=p)


def appearance_test(y: np.ndarray, n: np.ndarray, *, dispersion_floor: float = 1.0) -> tuple[int, float, float]:
    """(index of the first period with the skill, exposure share before it, one-sided p-value).

    >>> i, f, p = appearance_test(np.array([0, 0, 0, 0, 0, 0, 5, 6, 4, 5, 7, 6]), np.full(12, 100))
    >>> i, round(f, 2), p < 1e-3
    (6, 0.5, True)
    """
    first = int(np.flatnonzero(y > 0)[0])
    share = float(n[:first].sum() / n.sum())
    y_post, n_post = y[first:], n[first:]
    mu = n_post * y_post.sum() / n_post.sum()
    phi = _pearson_dispersion(y_post, mu, len(y_post) - 1, dispersion_floor)
    p = float((1.0 - share) ** (y.sum() / phi))
    return first, share, p


def complete_series(rows: pd.DataFrame, exposure: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dense (rome, skill, period) grid with zeros where the skill was not asked.

    The exposure of (rome, period) is taken from ``exposure`` when given, else from the rows.
    """
    missing = set(COLUMNS) - set(rows.columns)
    if missing:
        raise ValueError(f"demand rows lack column(s) {sorted(missing)}; expected {COLUMNS}")
    rows = rows.assign(rome_code=rows["rome_code"].fillna("*"), period_start=pd.to_datetime(rows["period_start"]))
    if exposure is None:
        exposure = rows.groupby(["rome_code", "period_start"], as_index=False)["n_ads"].max()
    else:
        exposure = exposure.assign(rome_code=exposure["rome_code"].fillna("*"),
                                   period_start=pd.to_datetime(exposure["period_start"]))
    exposure = exposure[exposure["n_ads"] > 0]
    skills = rows.groupby(["rome_code", "skill_key"], as_index=False)["skill_label"].first()
    grid = skills.merge(exposure[["rome_code", "period_start", "n_ads"]], on="rome_code")
    counts = rows.groupby(["rome_code", "skill_key", "period_start"], as_index=False)["n_ads_with_skill"].sum()
    grid = grid.merge(counts, on=["rome_code", "skill_key", "period_start"], how="left")
    grid["n_ads_with_skill"] = grid["n_ads_with_skill"].fillna(0).astype(int)
    bad = grid["n_ads_with_skill"] > grid["n_ads"]
    if bad.any():
        row = grid[bad].iloc[0]
        raise ValueError(f"n_ads_with_skill > n_ads for {row['rome_code']} {row['skill_key']} {row['period_start']}")
    return grid.sort_values(["rome_code", "skill_key", "period_start"], ignore_index=True)


def _years(period_start: pd.Series) -> np.ndarray:
    days = pd.to_datetime(period_start).to_numpy(dtype="datetime64[D]").astype(np.int64)
    return (days - days.min()) / 365.25


def expected_trend_z(t_years: np.ndarray, y: np.ndarray, n: np.ndarray, rate_ratio: float) -> float:
    """Information in a series about a trend: ``log(rate_ratio) / se0``.

    ``se0`` is the Poisson standard error of the slope at a constant rate (the pooled one); it
    depends only on the series' total and its exposures, which carry no information about a trend
    under the null, so gating on it keeps the Benjamini-Hochberg family valid (independent
    filtering).

    >>> round(expected_trend_z(np.arange(24) / 12, np.full(24, 10.0), np.full(24, 100.0), 1.5), 1)
    3.6
    """
    mu = n * y.sum() / n.sum()
    if mu.sum() == 0:
        return 0.0
    tbar = float((mu * t_years).sum() / mu.sum())
    info = float((mu * (t_years - tbar) ** 2).sum())
    return math.log(rate_ratio) * math.sqrt(info)


def _support_reason(y: np.ndarray, n_periods: int, s: SignalSettings) -> str | None:
    if n_periods < s.min_periods:
        return f"periods<{s.min_periods}"
    if y.sum() < s.min_ads_with_skill:
        return f"ads_with_skill<{s.min_ads_with_skill}"
    if int((y > 0).sum()) < s.min_periods_with_skill:
        return f"periods_with_skill<{s.min_periods_with_skill}"
    return None


def _test_one(t: np.ndarray, y: np.ndarray, n: np.ndarray, s: SignalSettings) -> dict:
    out: dict = {"support_reason": _support_reason(y, len(y), s)}
    if out["support_reason"] is not None:
        return out
    z0 = expected_trend_z(t, y, n, s.detectable_rate_ratio)
    out["expected_trend_z"] = z0
    fit = fit_trend(t, y, n, dispersion_floor=s.dispersion_floor) if z0 >= s.min_detectable_z else None
    if fit is not None:
        tq = float(stats.t.ppf(0.975, fit.df))
        out |= {"slope": fit.slope, "dispersion": fit.dispersion, "p_trend": fit.p_value,
                "rate_ratio_per_year": fit.rate_ratio(), "rate_ratio_ci_low": fit.rate_ratio(-tq),
                "rate_ratio_ci_high": fit.rate_ratio(tq)}
    first, share, p_app = appearance_test(y, n, dispersion_floor=s.dispersion_floor)
    out["first_seen_index"] = first
    applies = first >= s.appearance_min_absent_periods and share >= s.appearance_min_absent_share
    if applies:
        out |= {"absent_share": share, "p_appearance": p_app}
    p_trend = out.get("p_trend", np.nan)
    if applies:
        best = np.nanmin([p_trend, p_app])
        out["p_value"] = min(1.0, 2 * best)
        out["test"] = "appearance" if not p_trend <= p_app else "trend"
    elif fit is not None:
        out["p_value"], out["test"] = p_trend, "trend"
    else:
        out["support_reason"] = f"trend_power<{s.min_detectable_z:g}" if z0 < s.min_detectable_z else "trend_fit"
    out.setdefault("dispersion", s.dispersion_floor)
    return out


def assess_series(rows: pd.DataFrame, *, exposure: pd.DataFrame | None = None,
                settings: SignalSettings | None = None) -> pd.DataFrame:
    """One row per (rome_code, skill_key) series: support, both tests, p- and q-values, verdict.

    ``support_reason`` names the first support rule a series fails (it is then not tested and does
    not count in the Benjamini-Hochberg family); ``kind`` is set on reported signals only.
    """
    s = settings or SignalSettings()
    grid = complete_series(rows, exposure)
    results = []
    for (rome, key), g in grid.groupby(["rome_code", "skill_key"], sort=True):
        y = g["n_ads_with_skill"].to_numpy(dtype=float)
        n = g["n_ads"].to_numpy(dtype=float)
        periods = g["period_start"].to_numpy()
        res = _test_one(_years(g["period_start"]), y, n, s)
        third = max(1, len(y) // 3)
        first_seen = res.pop("first_seen_index", None)
        if first_seen is None and y.sum() > 0:
            first_seen = int(np.flatnonzero(y > 0)[0])
        results.append({
            "rome_code": None if rome == "*" else rome, "skill_key": key, "skill_label": g["skill_label"].iloc[0],
            "n_periods": len(y), "n_periods_with_skill": int((y > 0).sum()),
            "n_ads_with_skill": int(y.sum()), "n_ads": int(n.sum()),
            "first_period_start": periods[0], "last_period_start": periods[-1],
            "first_seen_period_start": periods[first_seen] if first_seen is not None else None,
            "first_rate": float(y[:third].sum() / n[:third].sum()),
            "last_rate": float(y[-third:].sum() / n[-third:].sum()),
        } | res)
    cols = ["expected_trend_z", "slope", "dispersion", "p_trend", "rate_ratio_per_year", "rate_ratio_ci_low",
            "rate_ratio_ci_high", "absent_share", "p_appearance", "p_value", "test", "support_reason"]
    out = pd.DataFrame(results)
    for c in cols:
        if c not in out:
            out[c] = np.nan
    out["q_value"] = benjamini_hochberg(out["p_value"].to_numpy(dtype=float)) if len(out) else []
    out["kind"] = _verdict(out, s)
    return out


def _verdict(out: pd.DataFrame, s: SignalSettings) -> pd.Series:
    if out.empty:
        return pd.Series([], dtype=object)
    significant = out["q_value"] <= s.fdr
    big = np.abs(out["slope"].fillna(0.0)) >= math.log(s.min_rate_ratio)
    by_appearance = significant & (out["test"] == "appearance")
    up = significant & big & (out["slope"] > 0)
    down = significant & big & (out["slope"] < 0) & ~by_appearance
    kind = pd.Series(None, index=out.index, dtype=object)
    kind[up | by_appearance] = "emerging"
    kind[down] = "declining"
    return kind


def detect_signals(rows: pd.DataFrame, *, exposure: pd.DataFrame | None = None,
                   settings: SignalSettings | None = None, kind: str | None = None,
                   period: Period = "month") -> list[Signal]:
    """The reported signals (emerging first, by q-value), as typed records."""
    tested = assess_series(rows, exposure=exposure, settings=settings)
    return signals_from_tests(tested, kind=kind, period=period)


def signals_from_tests(tested: pd.DataFrame, *, kind: str | None = None, period: Period = "month") -> list[Signal]:
    """Turn the reported rows of ``assess_series`` into ``Signal`` records."""
    rep = tested[tested["kind"].notna()]
    if kind is not None:
        rep = rep[rep["kind"] == kind]
    rep = rep.sort_values(["kind", "q_value", "skill_key"], ascending=[False, True, True])

    def num(v) -> float | None:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    return [Signal(
        kind=r.kind, test=r.test, rome_code=r.rome_code, skill_key=r.skill_key, skill_label=r.skill_label,
        rate_ratio_per_year=num(r.rate_ratio_per_year), rate_ratio_ci_low=num(r.rate_ratio_ci_low),
        rate_ratio_ci_high=num(r.rate_ratio_ci_high), p_value=r.p_value, q_value=r.q_value,
        dispersion=r.dispersion, n_ads_with_skill=r.n_ads_with_skill, n_ads=r.n_ads, n_periods=r.n_periods,
        n_periods_with_skill=r.n_periods_with_skill, first_rate=r.first_rate, last_rate=r.last_rate,
        first_period_start=pd.Timestamp(r.first_period_start).date(),
        last_period_start=pd.Timestamp(r.last_period_start).date(),
        first_seen_period_start=(pd.Timestamp(r.first_seen_period_start).date()
                                 if r.first_seen_period_start is not None else None),
        period=period) for r in rep.itertuples(index=False)]
