"""``analysis.stats`` (statsmodels) against the hand-written formulas it replaced (issue 14)."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import analysis.stats
from analysis.signals import benjamini_hochberg as signals_bh
from analysis.stats import benjamini_hochberg, wilson_interval


def old_wilson_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The former ``analysis.watch.wilson_interval``, verbatim."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def old_benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """The former ``analysis.signals.benjamini_hochberg``, verbatim."""
    p = np.asarray(p_values, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    order = np.argsort(p[ok], kind="stable")
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    out = np.empty(m)
    out[order] = ranked
    q[ok] = out
    return q


def test_doctests() -> None:
    assert doctest.testmod(analysis.stats).failed == 0


@pytest.mark.parametrize("z", [1.0, 1.644854, 1.959964, 2.575829])
def test_wilson_matches_the_old_formula_on_a_grid(z: float) -> None:
    for n in [1, 2, 3, 5, 10, 30, 100, 200, 1000, 12345, 10**6]:
        for k in sorted({0, 1, 2, n // 3, n // 2, n - 1, n} & set(range(n + 1))):
            new, old = wilson_interval(k, n, z), old_wilson_interval(k, n, z)
            assert all(isinstance(x, float) for x in new)
            assert new == pytest.approx(old, abs=1e-12, rel=0), (k, n, z)
            assert 0.0 <= new[0] <= k / n + 1e-12 and k / n - 1e-12 <= new[1] <= 1.0


def test_wilson_edge_cases() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 0, z=3.0) == (0.0, 1.0)
    assert wilson_interval(0, 50)[0] == 0.0
    assert wilson_interval(50, 50)[1] == pytest.approx(1.0, abs=1e-12)  # 1 - 1 ulp, as before
    assert wilson_interval(np.int64(3), 40) == pytest.approx(old_wilson_interval(3, 40), abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_bh_matches_the_old_formula_on_random_vectors(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 300))
    p = rng.uniform(size=size) ** rng.uniform(0.3, 4)
    p[rng.uniform(size=size) < 0.1] = np.nan  # untested series
    p[rng.uniform(size=size) < 0.1] = 1.0
    if size > 3:
        p[1] = p[2] = p[3]  # ties
    new, old = benjamini_hochberg(p), old_benjamini_hochberg(p)
    assert np.array_equal(np.isnan(new), np.isnan(old))
    np.testing.assert_allclose(new, old, rtol=0, atol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(signals_bh(p), new, strict=True)


def test_bh_edge_cases() -> None:
    for p in ([], [np.nan], [np.nan, np.nan], [0.3], [0.0, 0.0], [1.0, 1.0, np.nan]):
        arr = np.array(p, dtype=float)
        np.testing.assert_allclose(benjamini_hochberg(arr), old_benjamini_hochberg(arr), atol=1e-12, equal_nan=True)
    assert benjamini_hochberg(np.array([], dtype=float)).shape == (0,)
