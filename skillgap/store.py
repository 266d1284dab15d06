"""The embedded store: one DuckDB file, and the read-only snapshots the API serves.

Tables are named ``{layer}_{source}__{name}`` (layers ``raw``/``core``/``out``). Each package
that owns tables declares its DDL in a ``schema`` module listed in ``SCHEMA_MODULES``;
``connect`` creates what is missing (``CREATE ... IF NOT EXISTS``), so re-running is safe.

DuckDB lets one process open a file for writing and then nobody else may open it, not even to
read. So the service never opens the store the batch writes: every command that writes the
store ends by **publishing** it (``publish``): a byte copy of the checkpointed file, taken while
the writer still holds its lock (so no other write can interleave), into ``<store>.published/``,
then an atomic switch of the pointer file ``CURRENT`` there (``os.replace``). The API opens the
current snapshot read-only and moves to a new one when the pointer changes (``api.live``);
snapshots are never written after publication. The two newest snapshots are kept.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from skillgap.errors import UserError

log = logging.getLogger(__name__)

#: snapshots kept in ``<store>.published/`` (the current one and the one before it)
KEEP_SNAPSHOTS = 2

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
        raise UserError(f"magasin {path} introuvable : chargez d'abord les référentiels (skillgap referentials load)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as e:
        raise UserError(f"impossible d'ouvrir le magasin {path} (un autre processus l'écrit-il ?) : {e}") from e
    if not read_only:
        ensure_schema(con)
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The first column of the first row of ``sql`` (an aggregate always returns one row)."""
    row = con.execute(sql, params or []).fetchone()
    if row is None:
        raise LookupError(f"no row for {sql!r}")
    return row[0]


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


def snapshot_dir(path: Path | str) -> Path:
    """Where the published snapshots of the store ``path`` live: ``<store>.published/``."""
    path = Path(path)
    return path.with_name(path.name + ".published")


def pointer_file(path: Path | str) -> Path:
    """The file naming the current snapshot of the store ``path`` (replaced atomically by ``publish``)."""
    return snapshot_dir(path) / "CURRENT"


def published(path: Path | str) -> Path | None:
    """The current published snapshot of the store ``path``, or None if it was never published."""
    pointer = pointer_file(path)
    try:
        name = json.loads(pointer.read_text(encoding="utf-8"))["snapshot"]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError) as e:
        raise UserError(f"{pointer} : pointeur de publication illisible ({e}) ; "
                        "relancez une commande d'écriture (ex. skillgap referentials load)") from e
    snapshot = snapshot_dir(path) / name
    return snapshot if snapshot.is_file() else None


def publish(con: duckdb.DuckDBPyConnection, path: Path | str) -> Path:
    """Publish the state of the store ``path`` (open for writing as ``con``) for the API.

    Args:
        con: the writing connection of this process (its lock keeps every other writer out).
        path: the store file.
    Returns:
        the new snapshot file; ``published(path)`` returns it from now on.
    """
    path = Path(path)
    folder = snapshot_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    con.execute("CHECKPOINT")  # everything in the main file, nothing left in the WAL
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    name = f"{path.stem}-{stamp}-{os.getpid()}.duckdb"
    tmp = folder / f".{name}.part"
    shutil.copyfile(path, tmp)
    os.replace(tmp, folder / name)
    pointer_tmp = folder / f".CURRENT.{os.getpid()}"
    pointer_tmp.write_text(json.dumps({"snapshot": name, "published_at": stamp}), encoding="utf-8")
    os.replace(pointer_tmp, pointer_file(path))
    _prune(folder, keep=name)
    log.info("store published: %s", folder / name)
    return folder / name


def _prune(folder: Path, *, keep: str) -> None:
    """Delete all but the newest snapshots (an API still reading an old one keeps its open file)."""
    snapshots = sorted(folder.glob("*.duckdb"), key=lambda p: p.name)
    for old in snapshots[:-KEEP_SNAPSHOTS]:
        if old.name != keep:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".wal").unlink(missing_ok=True)


@contextmanager
def writing(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection to the store, published for the API when the block ends without error."""
    con = connect(path)
    try:
        yield con
        publish(con, path)
    finally:
        con.close()
