"""Demand series on Spark SQL over the Parquet datasets: the rows of ``analysis.demand.demand_series``.

The same rules, in Spark's dialect, as the DuckDB definitions they mirror (the equality tests of
``tests/integration/scale`` compare the two on real and demo ads, row for row):

- an ad's occupation: its NLP prediction (best score), else the source's ``rome_code``
  (``nlp/views.py``: ``core_nlp__ad_occupations``);
- the skills an ad asks: the ticked ones (``skill_code``, else ``phrase:<normalised label>``) and
  each mention's best rank-1 link, ROME before ESCO then score, when it is linked, else
  ``phrase:<normalised text>`` (``core_nlp__asked_skills``);
- per (period, occupation, skill): distinct ads asking it, the occupation's distinct ads in the
  period, the referential label else the most frequent wording (ties: the smallest), with the
  period the ISO week (Monday) or the month of ``created_at`` (``analysis/demand.py``).

Filters are those of ``models.queries.AdFilter`` (region, dates, occupations).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from models.queries import AdFilter, Period
from scale import datasets
from skillgap.errors import UserError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: the datasets the demand reads and the columns it needs (an absent dataset is read as empty)
NEEDED = {
    "ads": "ad_id STRING, created_at TIMESTAMP_NTZ, region_code STRING, rome_code STRING",
    "ticked_skills": "ad_id STRING, skill_code STRING, label STRING",
    "mentions": "ad_id STRING, mention_id STRING, text STRING, is_linked BOOLEAN",
    "links": "mention_id STRING, skill_code STRING, source STRING, score DOUBLE, rank BIGINT",
    "occupations": "ad_id STRING, rome_code STRING, score DOUBLE",
}
#: DuckDB's NORMALISE (``nlp/views.py``): RE2's ``\s`` is these five characters, Java's has one more
_NORMALISE = "trim(regexp_replace(lower({}), '[\\\\t\\\\n\\\\f\\\\r ]+', ' '))"


def register(spark: SparkSession, root: str | Path, skill_labels: dict[str, str]) -> None:
    """Temporary views ``ads``, ``ticked_skills``, ``mentions``, ``links``, ``occupations`` over the
    datasets of ``root`` (a local folder or an ``s3a://`` URL) and ``skill_labels`` (code → label)."""
    for name, columns in NEEDED.items():
        path = f"{str(root).rstrip('/')}/{name}"
        local = not str(root).startswith(("s3a://", "hdfs://", "gs://", "abfs://"))
        if local and not datasets.files(Path(root), name):
            frame = spark.createDataFrame([], columns)
        else:
            typed = [column.split(" ", 1) for column in columns.split(", ")]
            frame = spark.read.option("basePath", path).parquet(path).selectExpr(
                *[f"CAST({c} AS {t}) AS {c}" for c, t in typed])
        frame.createOrReplaceTempView(name)
    labels = spark.createDataFrame(list(skill_labels.items()) or [("", "")], "skill_code STRING, ref_label STRING")
    labels.createOrReplaceTempView("skill_labels")


def _where(f: AdFilter) -> tuple[str, dict[str, object]]:
    if f.department_code or f.contract_type_code or f.naf_code:
        raise UserError("filtres département, contrat et NAF non pris en charge par le calcul Spark "
                        "(le jeu « ads » exporté ne porte pas ces colonnes)")
    where = ["created_at IS NOT NULL", "rome_code IS NOT NULL"]
    args: dict[str, object] = {}
    if f.region_code:
        where.append("region_code = :region_code")
        args["region_code"] = f.region_code
    if f.date_from:
        where.append("created_at >= CAST(:date_from AS TIMESTAMP_NTZ)")
        args["date_from"] = f.date_from.isoformat()
    if f.date_to:
        where.append("created_at < CAST(:date_to AS TIMESTAMP_NTZ)")
        args["date_to"] = (f.date_to + timedelta(days=1)).isoformat()
    if f.rome_codes is not None:
        codes = ", ".join(f":rome_{i}" for i in range(len(f.rome_codes)))
        where.append(f"rome_code IN ({codes})")
        args |= {f"rome_{i}": c for i, c in enumerate(f.rome_codes)}
    return " AND ".join(where), args


def demand_sql(f: AdFilter, period: Period) -> tuple[str, dict[str, object]]:
    """The Spark SQL text of the demand series and its named arguments."""
    if period not in ("week", "month"):
        raise UserError(f"période inconnue : {period!r} (week ou month)")
    where, args = _where(f)
    sql = f"""
    WITH p AS (SELECT ad_id, rome_code AS predicted_rome_code,
                      row_number() OVER (PARTITION BY ad_id ORDER BY score DESC) AS r FROM occupations),
    ad_occupations AS (SELECT a.ad_id, a.created_at, a.region_code, coalesce(p.predicted_rome_code, a.rome_code)
                              AS rome_code FROM ads a LEFT JOIN p ON p.ad_id = a.ad_id AND p.r = 1),
    sel AS (SELECT ad_id, rome_code, CAST(date_trunc('{period}', created_at) AS DATE) AS period_start
            FROM ad_occupations WHERE {where}),
    best AS (SELECT mention_id, max_by(skill_code, struct(source = 'rome', score)) AS code
             FROM links WHERE rank = 1 GROUP BY mention_id),
    asks AS (SELECT ad_id, coalesce(skill_code, concat('phrase:', {_NORMALISE.format('label')})) AS skill_key, label
             FROM ticked_skills
             UNION ALL
             SELECT m.ad_id, coalesce(CASE WHEN m.is_linked THEN b.code END,
                                      concat('phrase:', {_NORMALISE.format('m.text')})) AS skill_key, m.text AS label
             FROM mentions m LEFT JOIN best b ON b.mention_id = m.mention_id),
    exposure AS (SELECT period_start, rome_code, count(DISTINCT ad_id) AS n_ads FROM sel GROUP BY 1, 2),
    k AS (SELECT a.period_start, a.rome_code, s.skill_key, count(DISTINCT s.ad_id) AS n_ads_with_skill,
                 mode(s.label, true) AS label
          FROM asks s JOIN sel a ON a.ad_id = s.ad_id GROUP BY 1, 2, 3)
    SELECT k.period_start, k.rome_code, k.skill_key, coalesce(r.ref_label, k.label) AS skill_label,
           k.n_ads_with_skill, e.n_ads
    FROM k JOIN exposure e ON e.period_start = k.period_start AND e.rome_code = k.rome_code
    LEFT JOIN skill_labels r ON r.skill_code = k.skill_key
    ORDER BY k.rome_code, k.skill_key, k.period_start"""
    return sql, args


def demand_frame(spark: SparkSession, f: AdFilter | None = None, *, period: Period = "month") -> DataFrame:
    """The demand series as a Spark DataFrame (over the views of ``register``)."""
    sql, args = demand_sql(f or AdFilter(), period)
    return spark.sql(sql, args=args)


def demand_series(spark: SparkSession, f: AdFilter | None = None, *, period: Period = "month") -> pd.DataFrame:
    """The demand series collected to the driver, with the columns and types of
    ``analysis.demand.demand_series`` (``period_start`` as ``datetime.date``)."""
    rows = demand_frame(spark, f, period=period).collect()
    df = pd.DataFrame([r.asDict() for r in rows], columns=["period_start", "rome_code", "skill_key", "skill_label",
                                                           "n_ads_with_skill", "n_ads"])
    df["period_start"] = [d if isinstance(d, date) else pd.Timestamp(d).date() for d in df["period_start"]]
    return df
