"""The embedded store: one DuckDB file.

Tables are named ``{layer}_{source}__{name}`` (layers ``raw``/``core``/``out``). Each package
that owns tables declares its DDL in a ``schema`` module listed in ``SCHEMA_MODULES``;
``connect`` creates what is missing (``CREATE ... IF NOT EXISTS``), so re-running is safe.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from skillgap.errors import UserError

SCHEMA_MODULES = ("referentials.schema", "crawler.schema", "nlp.schema", "analysis.schema", "api.schema")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and index the packages declare (idempotent)."""
    for module_name in SCHEMA_MODULES:
        module = importlib.import_module(module_name)
        for statement in module.DDL:
            con.execute(statement)


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create if needed) the store at ``path``."""
    path = Path(path)
    if read_only and not path.exists():
        raise UserError(f"store {path} does not exist: load the referentials first (skillgap referentials load)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as e:
        raise UserError(f"cannot open store {path}: {e}") from e
    if not read_only:
        ensure_schema(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: on any exception the store is left as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, data: object) -> Iterator[str]:
    """``data`` (an Arrow table or a pandas frame) visible to SQL as the view ``name`` for the block."""
    con.register(name, data)
    try:
        yield name
    finally:
        con.unregister(name)
