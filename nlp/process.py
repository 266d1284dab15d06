"""``skillgap process``: run the NLP stage over the stored ads, in batches, and store the results."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
from pydantic import BaseModel

from crawler import queries as ads
from models.nlp import ProcessedAd
from nlp.engine import AdText, NlpEngine
from nlp.schema import COLUMNS, DATASETS, RUN_COLUMNS, TABLES
from skillgap.store import Columns, registered, transaction


def ads_to_process(con: duckdb.DuckDBPyConnection, *, reprocess: bool, limit: int | None = None) -> list[str]:
    """Ids of the stored ads without NLP rows (all of them with ``reprocess``), oldest first (first seen,
    then id), at most ``limit`` of them."""
    ids = ads.ad_ids_in_arrival_order(con)
    if not reprocess:
        done = {r[0] for r in con.execute("SELECT DISTINCT ad_id FROM core_nlp__processed_ads").fetchall()}
        ids = [i for i in ids if i not in done]
    return ids[:limit] if limit else ids


def _run_columns(engine: NlpEngine, at: datetime) -> tuple:
    return (
        engine.model_name, engine.config.version, json.dumps(engine.config.thresholds()),
        engine.ref.version_key, at,
    )


_SCALARS: dict[object, pa.DataType] = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def _arrow_type(annotation: object) -> pa.DataType:
    """The Arrow type of a model field: its scalar type, ``X | None`` as X, ``tuple[X, ...]`` as a list of X."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        (inner,) = [a for a in args if a is not type(None)]
        return _arrow_type(inner)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return pa.list_(_arrow_type(args[0]))
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"no Arrow type for a model field of type {annotation!r}")


def _field_arrays(columns: Columns, records: Sequence[BaseModel]) -> dict[str, pa.Array]:
    """The stored fields of ``records`` (``columns.fields``), one typed Arrow array each."""
    assert columns.model is not None
    fields = columns.model.model_fields
    return {f: pa.array([getattr(r, f) for r in records], _arrow_type(fields[f].annotation)) for f in columns.fields}


def result_tables(engine: NlpEngine, results: Sequence[ProcessedAd], *,
                  processed_at: datetime | None = None) -> dict[str, pa.Table]:
    """The rows of ``results`` for each NLP table, keyed by dataset name (``nlp.schema.DATASETS``:
    processed_ads, mentions, links, occupations), as Arrow tables with the columns of
    ``nlp.schema.COLUMNS`` in that order (a table without rows is empty, typed).

    The one place the stored rows are built: ``store_results`` (local engine) and the Spark
    executors (``scale.spark``) both call it, so both engines write the same rows.
    """
    at = processed_at or datetime.now(UTC).replace(tzinfo=None)
    run = dict(zip(RUN_COLUMNS, _run_columns(engine, at), strict=True))
    linked = {link.mention_id for r in results for link in r.links}
    mentions = [m for r in results for m in r.mentions]
    links = [(r.ad_id, k) for r in results for k in r.links]
    occupations = [o for r in results if (o := r.occupation) is not None]
    rows: dict[str, tuple[int, dict[str, pa.Array]]] = {
        "core_nlp__processed_ads": (len(results), _field_arrays(COLUMNS["core_nlp__processed_ads"], results) | {
            "n_mentions": pa.array([len(r.mentions) for r in results], pa.int64())}),
        "core_nlp__mentions": (len(mentions), _field_arrays(COLUMNS["core_nlp__mentions"], mentions) | {
            "is_linked": pa.array([m.mention_id in linked for m in mentions], pa.bool_())}),
        "core_nlp__links": (len(links), _field_arrays(COLUMNS["core_nlp__links"], [k for _, k in links]) | {
            "ad_id": pa.array([a for a, _ in links], pa.string())}),
        "core_nlp__occupations": (len(occupations), _field_arrays(COLUMNS["core_nlp__occupations"], occupations)),
    }
    tables = {}
    for table, (n, columns) in rows.items():
        columns |= {
            "model_name": pa.array([run["model_name"]] * n, pa.string()),
            "config_version": pa.array([run["config_version"]] * n, pa.string()),
            "thresholds": pa.array([run["thresholds"]] * n, pa.string()),
            "referential_version": pa.array([run["referential_version"]] * n, pa.string()),
            "processed_at": pa.array([run["processed_at"]] * n, pa.timestamp("us")),
        }
        assert set(columns) == set(COLUMNS[table].names), f"{table}: columns filled ≠ nlp.schema.COLUMNS"
        tables[table] = pa.table({name: columns[name] for name in COLUMNS[table].names})
    return {name: tables[table] for name, table in DATASETS.items()}


def store_tables(con: duckdb.DuckDBPyConnection, ad_ids: Sequence[str], tables: dict[str, pa.Table]) -> None:
    """Replace the NLP rows of ``ad_ids`` by ``tables`` (dataset name of ``nlp.schema.DATASETS`` →
    Arrow rows with at least the columns of ``nlp.schema.COLUMNS``, as ``result_tables`` builds them
    or as read back from the Parquet datasets of ``skillgap export parquet``), all or nothing."""
    if unknown := set(tables) - set(DATASETS):
        raise ValueError(f"not NLP datasets: {sorted(unknown)}")
    ids = pa.table({"ad_id": pa.array(list(ad_ids), pa.string())})
    with transaction(con):
        with registered(con, "_nlp_ids", ids):
            for table in TABLES:
                con.execute(f"DELETE FROM {table} WHERE ad_id IN (SELECT ad_id FROM _nlp_ids)")
        for name, rows in tables.items():
            table = DATASETS[name]
            if rows.num_rows == 0:
                continue
            with registered(con, "_nlp_rows", rows.select(list(COLUMNS[table].names))):
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _nlp_rows")


def store_results(con: duckdb.DuckDBPyConnection, engine: NlpEngine, results: Sequence[ProcessedAd]) -> None:
    """Replace the NLP rows of these ads by the new ones, all or nothing.

    Rows go in as Arrow tables (one ``INSERT … SELECT`` per table): ``executemany`` inserted row by
    row and took 80 s of the 84 s that 1,800 ads took to process. The columns of each table are the
    fields of its model plus the extra ones (``nlp.schema.COLUMNS``), filled by ``result_tables``.
    """
    store_tables(con, [r.ad_id for r in results], result_tables(engine, results))


def process_ads(
    con: duckdb.DuckDBPyConnection,
    engine: NlpEngine,
    *,
    reprocess: bool = False,
    batch_size: int = 256,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Process the stored ads batch by batch (texts read per batch); returns counts."""
    ids = ads_to_process(con, reprocess=reprocess, limit=limit)
    counts = {"n_ads": len(ids), "n_skipped": 0, "n_mentions": 0, "n_links": 0}
    for start in range(0, len(ids), batch_size):
        batch = [AdText(*row) for row in ads.ad_texts(con, ids[start : start + batch_size])]
        results = engine.process(batch)
        store_results(con, engine, results)
        counts["n_skipped"] += sum(r.skipped_reason is not None for r in results)
        counts["n_mentions"] += sum(len(r.mentions) for r in results)
        counts["n_links"] += sum(len(r.links) for r in results)
        if progress is not None:
            progress(len(results))
    return counts
