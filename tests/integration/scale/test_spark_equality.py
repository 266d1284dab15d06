"""Spark (``local[2]``) and the local engine give identical rows: mentions, links, occupations,
processed ads and the demand table (month and week), on the demo ads and on dev ads of ../shared.

Each side has its own encoder / index cache: neither reads a vector the other computed. Skipped
with the reason when pyspark or Java is absent (``make setup-spark`` installs the extra).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scale_support import frame_digest, processed_locally, table_digest

from analysis.demand import demand_series
from nlp import queries as nlp_queries
from referentials import queries as ref_queries
from scale import datasets
from skillgap.store import connect

pytestmark = [
    pytest.mark.slow,
    pytest.mark.issue(16),
    # pyspark 4.3 warns on import that it does not fully support pandas 3 (we use its Arrow path only)
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


@pytest.fixture(scope="module")
def spark(spark_available):
    from scale.spark import session

    spark = session("local[2]", app_name="skillgap-tests")
    yield spark
    spark.stop()


@pytest.fixture(params=["demo", "dev"], ids=["demo-ads", "dev-ads"])
def ads_store(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue("demo_ads_store" if request.param == "demo" else "dev_ads_store")


def test_spark_and_local_give_identical_rows(ads_store: Path, spark, engines, nlp_cache, tmp_path: Path) -> None:
    from scale.exchange import export_parquet
    from scale.spark import run_nlp
    from scale.spark_demand import demand_series as spark_demand
    from scale.spark_demand import register

    local = processed_locally(ads_store, engines(ads_store, "local"))
    root = tmp_path / "datasets"
    con = connect(ads_store, read_only=True)  # the ads only: Spark computes the NLP rows
    try:
        export_parquet(con, root, nlp=False)
        labels = ref_queries.skill_labels(con)
    finally:
        con.close()
    result = run_nlp(spark, str(root / "ads"), str(root), engines(ads_store, "spark"),
                     cache_dir=nlp_cache("spark"), partitions=3)
    assert result["rows"]["processed_ads"] > 100 and len(result["worker_peak_rss_kb"]) >= 1

    con = connect(local, read_only=True)
    try:
        expected = nlp_queries.export_tables(con)
        demand = {p: frame_digest(demand_series(con, period=p)) for p in ("month", "week")}
    finally:
        con.close()
    reader = connect(ads_store, read_only=True)
    try:
        for name in datasets.NLP_DATASETS:
            got = datasets.read(reader, root, name)
            assert got is not None, name
            assert table_digest(got.drop_columns(["month"])) == table_digest(expected[name]), name
    finally:
        reader.close()

    register(spark, root, labels)
    for period, digest in demand.items():
        assert digest[0] > 100
        assert frame_digest(spark_demand(spark, period=period)) == digest, period
