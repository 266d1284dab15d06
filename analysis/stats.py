"""Small statistics shared by the analyses, delegated to statsmodels.

- ``wilson_interval``: Wilson score interval of a proportion (shares of ads, ``analysis.gaps`` /
  ``analysis.modules`` / ``analysis.watch``);
- ``benjamini_hochberg``: Benjamini-Hochberg q-values of a family of p-values (``analysis.signals``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint


def wilson_interval(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` at two-sided normal quantile ``z``
    (``alpha = 2 * P(Z > z)``); ``n == 0`` gives the uninformative ``(0.0, 1.0)``.

    >>> [round(x, 4) for x in wilson_interval(0, 200)]
    [0.0, 0.0188]
    >>> wilson_interval(0, 0)
    (0.0, 1.0)
    """
    if n == 0:
        return 0.0, 1.0
    low, high = proportion_confint(k, n, alpha=2 * float(stats.norm.sf(z)), method="wilson")
    return max(0.0, float(low)), min(1.0, float(high))


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), NaN kept as NaN (and not counted in the family).

    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    >>> benjamini_hochberg(np.array([np.nan, 0.02, 0.01])).tolist()
    [nan, 0.02, 0.02]
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if not ok.any():
        return q
    q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q
