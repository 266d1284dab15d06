"""Demand series read from the store: the tidy input of ``analysis.signals``.

One row per (period, occupation, skill)::

    period_start: date, rome_code, skill_key, skill_label, n_ads_with_skill, n_ads

- ``n_ads`` is the exposure: distinct ads of the occupation created in the period (ads without a
  creation date are left out and counted in the log).
- An ad's occupation and the skills it asks come from ``nlp.queries`` (the views
  ``core_nlp__ad_occupations`` and ``core_nlp__asked_skills``: the NLP prediction, else the
  source's code; ticked skills and linked mentions, ``phrase:<text>`` for the unlinked ones).
  Each ad counts once per skill.

The counting runs in DuckDB over the Arrow tables those reads return: no SQL here names a table
of another package.
"""

from __future__ import annotations

import logging

import duckdb
import pandas as pd
import pyarrow as pa

from crawler import queries as ad_queries
from models.queries import AdFilter, Period
from nlp import queries as nlp_queries
from referentials import queries as ref_queries
from skillgap.store import registered

log = logging.getLogger(__name__)


def _dates(df: pd.DataFrame) -> pd.DataFrame:
    df["period_start"] = pd.to_datetime(df["period_start"]).dt.date
    return df


def exposure_series(con: duckdb.DuckDBPyConnection, f: AdFilter | None = None, *,
                    period: Period = "month") -> pd.DataFrame:
    """(period_start, rome_code, n_ads): ads per occupation and period."""
    ads = nlp_queries.ads(con, f or AdFilter(), period=period)
    with registered(con, "_demand_ads", ads):
        df = con.execute("""SELECT period_start, rome_code, count(DISTINCT ad_id) AS n_ads FROM _demand_ads
                            GROUP BY ALL ORDER BY rome_code, period_start""").df()
    return _dates(df)


def _labels(con: duckdb.DuckDBPyConnection) -> pa.Table:
    labels = ref_queries.skill_labels(con)
    return pa.table({"skill_code": pa.array(list(labels), pa.string()),
                     "ref_label": pa.array(list(labels.values()), pa.string())})


def demand_series(con: duckdb.DuckDBPyConnection, f: AdFilter | None = None, *,
                  period: Period = "month") -> pd.DataFrame:
    """Demand rows (the contract above), sparse: a skill not asked in a period has no row.

    Use ``exposure_series`` with the same filter for the periods where an occupation had ads.
    """
    f = f or AdFilter()
    asks = nlp_queries.asked_skills(con, f, period=period)
    ads = nlp_queries.ads(con, f, period=period)
    n_undated = ad_queries.count_undated(con)
    if n_undated:
        log.info("%d ads without creation date left out of the demand series", n_undated)
    with registered(con, "_demand_ads", ads), registered(con, "_demand_asks", asks), \
            registered(con, "_demand_labels", _labels(con)):
        df = con.execute("""
            WITH exposure AS (SELECT period_start, rome_code, count(DISTINCT ad_id) AS n_ads FROM _demand_ads
                              GROUP BY ALL),
            k AS (SELECT period_start, rome_code, skill_key, count(DISTINCT ad_id) AS n_ads_with_skill,
                         mode(label ORDER BY label) AS label  -- ties: the smallest (plain mode: any of them)
                  FROM _demand_asks GROUP BY ALL)
            SELECT k.period_start, k.rome_code, k.skill_key, coalesce(r.ref_label, k.label) AS skill_label,
                   k.n_ads_with_skill, e.n_ads
            FROM k JOIN exposure e USING (period_start, rome_code)
            LEFT JOIN _demand_labels r ON r.skill_code = k.skill_key
            ORDER BY k.rome_code, k.skill_key, k.period_start""").df()
    return _dates(df)


def item_series(con: duckdb.DuckDBPyConnection, mapping: pd.DataFrame, f: AdFilter, *,
                period: Period = "month") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Demand for groups of skills (``mapping``: item_key, skill_key) pooled over the filter's occupations.

    An ad counts once for an item when it asks for any of the item's skills. Returns (rows in the
    demand contract with ``rome_code`` None and ``skill_key`` = item_key, pooled exposure).
    """
    ads = nlp_queries.ads(con, f, period=period)
    asks = nlp_queries.asked_skills(con, f, period=period)
    with registered(con, "_demand_ads", ads), registered(con, "_demand_asks", asks), \
            registered(con, "_item_mapping", mapping[["item_key", "skill_key"]]):
        exposure = con.execute("""SELECT period_start, NULL AS rome_code, count(DISTINCT ad_id) AS n_ads
                                  FROM _demand_ads GROUP BY ALL ORDER BY period_start""").df()
        rows = con.execute("""
            SELECT s.period_start, NULL AS rome_code, m.item_key AS skill_key, m.item_key AS skill_label,
                   count(DISTINCT s.ad_id) AS n_ads_with_skill
            FROM _demand_asks s JOIN _item_mapping m ON m.skill_key = s.skill_key
            GROUP BY ALL""").df()
    for df in (rows, exposure):
        _dates(df)
    rows = rows.merge(exposure[["period_start", "n_ads"]], on="period_start")
    return rows, exposure
