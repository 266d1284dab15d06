"""``export parquet`` → ``import parquet``: the Parquet layout read back by DuckDB gives the same
store (ads, NLP rows, demand) — no Spark needed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from scale_support import frame_digest, processed_locally
from typer.testing import CliRunner

from analysis.demand import demand_series
from app.cli import build_app
from crawler import queries as ad_queries
from nlp import queries as nlp_queries
from scale import datasets
from scale.exchange import export_parquet, import_parquet
from skillgap.errors import UserError
from skillgap.store import connect


def test_round_trip_gives_the_same_store(demo_ads_store: Path, loaded_store_path: Path, engines,
                                         tmp_path: Path) -> None:
    local = processed_locally(demo_ads_store, engines(demo_ads_store, "local"))
    con = connect(local, read_only=True)
    try:
        summary = export_parquet(con, tmp_path / "ds")
        expected = (ad_queries.fingerprint_rows(con), nlp_queries.fingerprint_rows(con),
                    frame_digest(demand_series(con)), frame_digest(demand_series(con, period="week")))
    finally:
        con.close()
    assert summary["n_ads"] == summary["n_processed_ads"] > 100
    layout = datasets.layout(tmp_path / "ds")
    assert layout["datasets"]["ads"]["partitions"] == ["month", "source"]
    months = {p.name for p in (tmp_path / "ds" / "mentions").iterdir()}
    assert months and all(m.startswith("month=20") for m in months)
    assert (tmp_path / "ds" / "ads" / next(iter(months)) / "source=jobposting").is_dir()

    fresh = tmp_path / "imported.duckdb"  # referentials only, then the layout
    shutil.copy(loaded_store_path, fresh)
    result = CliRunner().invoke(build_app(),
                                ["import", "parquet", "--from", str(tmp_path / "ds"), "--store", str(fresh)])
    assert result.exit_code == 0, result.output
    con = connect(fresh, read_only=True)
    try:
        got = (ad_queries.fingerprint_rows(con), nlp_queries.fingerprint_rows(con),
               frame_digest(demand_series(con)), frame_digest(demand_series(con, period="week")))
    finally:
        con.close()
    assert got == expected


def test_import_refuses_a_folder_without_layout(tmp_path: Path, loaded_store: Path) -> None:
    con = connect(loaded_store)
    try:
        with pytest.raises(UserError, match="pas de jeux de données Parquet ici"):
            import_parquet(con, tmp_path)
    finally:
        con.close()
