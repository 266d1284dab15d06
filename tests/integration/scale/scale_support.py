"""Helpers of the scale tests (a module with a unique name: test files import it, never `conftest`)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

#: run metadata: when a row was produced, not what it says
RUN_TIME = ("processed_at",)


def table_digest(table: pa.Table, *, leave_out: Iterable[str] = RUN_TIME) -> tuple[int, str]:
    """(rows, sha256 of the sorted rows as text) of an Arrow table, columns in name order."""
    columns = sorted(c for c in table.column_names if c not in set(leave_out))
    con = duckdb.connect()
    try:
        con.register("t", table.select(columns))
        text = " || chr(31) || ".join(f"coalesce(CAST({c} AS VARCHAR), chr(0))" for c in columns)
        rows = [r[0] for r in con.execute(f"SELECT {text} FROM t ORDER BY 1").fetchall()]
    finally:
        con.close()
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def frame_digest(df: pd.DataFrame) -> tuple[int, str]:
    """(rows, sha256 of the sorted rows as text) of a demand frame."""
    rows = sorted("\x1f".join(str(v) for v in row) for row in df.itertuples(index=False))
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def copy_store(source: Path, target: Path) -> Path:
    shutil.copy(source, target)
    return target


def processed_locally(store: Path, engine) -> Path:
    """A copy of ``store`` with its NLP rows from the local engine (``nlp.process.process_ads``)."""
    from nlp.process import process_ads
    from skillgap.store import connect

    copy = store.with_name("local-" + store.name)
    if not copy.exists():
        shutil.copy(store, copy)
        con = connect(copy)
        try:
            process_ads(con, engine)
        finally:
            con.close()
    return copy
