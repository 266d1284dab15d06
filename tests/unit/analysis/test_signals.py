"""Statistical behaviour of the weak-signal tests (analysis.signals) and the simulation eval."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from analysis.signals import assess_series, benjamini_hochberg, complete_series, detect_signals, fit_trend
from analysis.simulate import SimulationSettings, evaluate_signals

MONTHS = [dt.date(2023 + m // 12, m % 12 + 1, 1) for m in range(24)]


def series(key: str, counts, n_ads=400, rome="M1805") -> pd.DataFrame:
    n = np.broadcast_to(n_ads, (len(counts),))
    return pd.DataFrame({"period_start": MONTHS[: len(counts)], "rome_code": rome, "skill_key": key,
                         "skill_label": key, "n_ads_with_skill": list(counts), "n_ads": list(n)})


def poisson_counts(rate_profile, n_ads=400, seed=0):
    return np.random.default_rng(seed).poisson(np.asarray(rate_profile) * n_ads)


T = np.arange(24) / 12


@pytest.mark.parametrize(("profile", "expected"), [
    (0.10 * 1.5 ** (T - T.mean()), "emerging"),
    (0.10 * 0.5 ** (T - T.mean()), "declining"),
], ids=["up_x1.5_per_year", "down_x0.5_per_year"])
def test_strong_trend_is_found(profile, expected):
    rows = series("s", poisson_counts(profile))
    found = detect_signals(rows)
    assert [(s.kind, s.test) for s in found] == [(expected, "trend")]
    s = found[0]
    assert s.rate_ratio_ci_low < (1.5 if expected == "emerging" else 0.5) < s.rate_ratio_ci_high
    assert s.n_ads == 24 * 400 and s.first_period_start == MONTHS[0] and s.last_period_start == MONTHS[-1]


def test_flat_series_are_not_reported():
    rows = pd.concat([series(f"flat{i}", poisson_counts(np.full(24, 0.08), seed=i)) for i in range(60)])
    tested = assess_series(rows)
    assert tested["support_reason"].isna().all()
    assert tested["kind"].isna().all()


def test_recent_appearance_is_its_own_test():
    counts = np.r_[np.zeros(16, int), poisson_counts(np.full(8, 0.02), seed=3)]
    found = detect_signals(series("new", counts))
    assert [(s.kind, s.test) for s in found] == [("emerging", "appearance")]
    assert found[0].first_seen_period_start == MONTHS[int(np.flatnonzero(counts)[0])]


def test_minimum_support_reports_nothing_from_a_handful_of_ads():
    counts = [0] * 18 + [2, 3, 3, 4, 4, 5]  # 21 ads, strongly "rising"
    tested = assess_series(series("few", counts))
    assert tested.loc[0, "support_reason"] == "ads_with_skill<30"
    assert np.isnan(tested.loc[0, "p_value"]) and tested["kind"].isna().all()
    assert detect_signals(series("few", counts)) == []


def test_too_few_periods_are_not_tested():
    tested = assess_series(series("short", [50, 60, 70, 80, 90]))
    assert tested.loc[0, "support_reason"] == "periods<6"


def test_bh_matches_statsmodels_and_is_applied_across_series():
    p = np.random.default_rng(1).uniform(size=50) ** 3
    assert np.allclose(benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])
    rows = pd.concat([series(f"flat{i}", poisson_counts(np.full(24, 0.08), seed=i)) for i in range(20)]
                     + [series("up", poisson_counts(0.1 * 1.5 ** (T - T.mean()), seed=99))])
    tested = assess_series(rows)
    assert np.allclose(tested["q_value"], multipletests(tested["p_value"], method="fdr_bh")[1])


def test_separation_is_handled_without_warning():
    y = np.r_[np.zeros(23), 40.0]
    assert fit_trend(T, y, np.full(24, 400.0)) is None  # statsmodels would warn; caught, logged, undefined


def test_missing_periods_are_zeros_when_exposure_is_given():
    rows = series("s", [5] * 12)
    exposure = pd.DataFrame({"period_start": MONTHS[:14], "rome_code": "M1805", "n_ads": 400})
    grid = complete_series(rows, exposure)
    assert len(grid) == 14 and grid["n_ads_with_skill"].tolist()[-2:] == [0, 0]


def test_overdispersion_inflates_the_standard_error():
    rng = np.random.default_rng(5)
    flat = rng.poisson(40 * rng.gamma(4, 1 / 4, 24))  # CV 0.5 on the rate
    fit = fit_trend(T, flat.astype(float), np.full(24, 400.0))
    assert fit is not None and fit.dispersion > 3


def test_eval_signals_meets_the_targets():
    r = evaluate_signals()
    assert r["precision"] >= 0.90 and r["recall"] >= 0.80
    assert r["n_injected_testable"] > 80 and r["n_null_testable"] > 150


def test_eval_is_deterministic():
    small = SimulationSettings(n_null_per_occupation=2, n_injected_per_type=5)
    assert evaluate_signals(sim=small) == evaluate_signals(sim=small)


def test_eval_falls_back_to_synthetic_parameters(tmp_path):
    r = evaluate_signals(sim=SimulationSettings(n_null_per_occupation=3, n_injected_per_type=10),
                         path=tmp_path / "absent.jsonl.gz")
    assert r["parameters_source"].startswith("synthetic fallback")
