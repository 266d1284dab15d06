"""The embedded store: one DuckDB file, and the read-only snapshots the API serves.

Tables are named ``{layer}_{source}__{name}`` (layers ``raw``/``core``/``out``).

**Schema.** Each package that owns tables declares them in a ``schema`` module, named by an entry
point of the group ``skillgap.schema`` in ``pyproject.toml`` (this module names no package). A
schema module declares:

- ``OWNER``: its name (the entry point's name), ``AFTER``: the owners whose tables it builds on
  (their migrations are applied first);
- ``MIGRATIONS``: its numbered ``Migration`` s (1, 2, 3 … in order), each a few SQL statements;
- ``COLUMNS``: table → ``Columns``, the columns of each of its tables as derived from the model it
  stores plus the extra columns its writers fill (``tests/unit/test_store_schema.py`` checks that
  the migrated tables have exactly these columns).

A write connection (``connect(path)``) applies, owner by owner in dependency order, the migrations
not yet recorded in ``core_meta__schema_migrations`` (owner, version, name, applied_at), each in
its own transaction with its record. Stores created before the migrations were numbered have the
tables and no record: migration 1 of each owner is its original ``CREATE TABLE IF NOT EXISTS``
and migration 2 its original ``ALTER … ADD COLUMN IF NOT EXISTS``, so both just get recorded. A
read-only connection never migrates: a store (or a published snapshot) that lacks a migration this
code declares is refused with a ``UserError`` telling to run a write command. Snapshots are only
ever published by a write connection, hence after its migrations.

**Snapshots.** DuckDB lets one process open a file for writing and then nobody else may open it,
not even to read. So the service never opens the store the batch writes: every command that writes
the store ends by **publishing** it (``publish``): a byte copy of the checkpointed file, taken
while the writer still holds its lock (so no other write can interleave), into
``<store>.published/``, then an atomic switch of the pointer file ``CURRENT`` there
(``os.replace``). The API opens the current snapshot read-only and moves to a new one when the
pointer changes (``api.live``); snapshots are never written after publication. The two newest
snapshots are kept.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
from pydantic import BaseModel

from skillgap.errors import UserError

log = logging.getLogger(__name__)

#: snapshots kept in ``<store>.published/`` (the current one and the one before it)
KEEP_SNAPSHOTS = 2

#: entry-point group naming the schema module of each owner of tables
SCHEMA_ENTRY_POINTS = "skillgap.schema"

#: one row per migration applied to the store
MIGRATIONS_TABLE = "core_meta__schema_migrations"
_MIGRATIONS_DDL = f"""CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
    owner VARCHAR NOT NULL, version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL,
    PRIMARY KEY (owner, version))"""


@dataclass(frozen=True)
class Migration:
    """One numbered step of an owner's schema: its statements are applied together, once per store."""

    version: int
    name: str
    statements: Sequence[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "statements", tuple(self.statements))
        if not self.statements:
            raise ValueError(f"migration {self.version} ({self.name}) has no statement")


@dataclass(frozen=True)
class Columns:
    """The columns of one table: the stored fields of ``model`` (all but ``leave_out``), then ``extra``
    (the columns its writer fills from elsewhere: keys, dates, run metadata…).

    ``model`` is None for a table that stores no model (its columns are all ``extra``).
    """

    model: type[BaseModel] | None
    extra: tuple[str, ...] = ()
    leave_out: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        known = set(self.model.model_fields) if self.model is not None else set()
        if unknown := set(self.leave_out) - known:
            raise ValueError(f"leave_out names no field of {self.model}: {sorted(unknown)}")
        if clash := set(self.extra) & set(self.fields):
            raise ValueError(f"extra columns already are fields of {self.model}: {sorted(clash)}")
        if len(set(self.extra)) != len(self.extra):
            raise ValueError(f"duplicate extra columns: {self.extra}")

    @property
    def fields(self) -> tuple[str, ...]:
        """The model fields stored as columns, in the model's order."""
        if self.model is None:
            return ()
        return tuple(f for f in self.model.model_fields if f not in self.leave_out)

    @property
    def names(self) -> tuple[str, ...]:
        """Every column of the table: ``fields`` then ``extra``."""
        return (*self.fields, *self.extra)


@dataclass(frozen=True)
class SchemaOwner:
    """What one schema module declares (see the module docstring)."""

    name: str
    after: tuple[str, ...]
    migrations: tuple[Migration, ...]
    columns: Mapping[str, Columns] = field(default_factory=dict)
    module: ModuleType | None = None


def _owner_of(entry_name: str, module: ModuleType) -> SchemaOwner:
    where = f"{module.__name__} (entry point {entry_name!r} of {SCHEMA_ENTRY_POINTS})"
    owner = SchemaOwner(name=getattr(module, "OWNER", None) or "", after=tuple(getattr(module, "AFTER", ())),
                        migrations=tuple(getattr(module, "MIGRATIONS", ())), columns=getattr(module, "COLUMNS", {}),
                        module=module)
    if owner.name != entry_name:
        raise RuntimeError(f"{where}: OWNER is {owner.name!r}, not the entry point's name")
    versions = [m.version for m in owner.migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"{where}: migrations must be numbered 1, 2, 3… in order, not {versions}")
    return owner


def in_dependency_order(owners: Sequence[SchemaOwner]) -> tuple[SchemaOwner, ...]:
    """``owners`` with each after those it names in ``AFTER`` (ties: by name), so the order is stable."""
    by_name = {o.name: o for o in owners}
    for o in owners:
        if unknown := set(o.after) - set(by_name):
            raise RuntimeError(f"schema owner {o.name!r}: AFTER names unknown owners {sorted(unknown)}")
    ordered: list[SchemaOwner] = []
    placed: set[str] = set()
    while len(ordered) < len(by_name):
        ready = sorted(n for n, o in by_name.items() if n not in placed and set(o.after) <= placed)
        if not ready:
            raise RuntimeError(f"schema owners depend on each other in a cycle: {sorted(set(by_name) - placed)}")
        ordered.append(by_name[ready[0]])
        placed.add(ready[0])
    return tuple(ordered)


@functools.cache
def schema_owners() -> tuple[SchemaOwner, ...]:
    """Every owner of tables (entry points ``skillgap.schema``), in the order their migrations apply."""
    found = entry_points(group=SCHEMA_ENTRY_POINTS)
    if not found:
        raise UserError(f"aucun schéma de magasin déclaré (points d'entrée « {SCHEMA_ENTRY_POINTS} ») : "
                        "installez le paquet skillgap (pip install -e .)")
    return in_dependency_order([_owner_of(ep.name, ep.load()) for ep in found])


def applied_migrations(con: duckdb.DuckDBPyConnection) -> set[tuple[str, int]] | None:
    """(owner, version) of the migrations recorded in the store; None when it has no record table."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                         [MIGRATIONS_TABLE]).fetchone()
    if not exists or not exists[0]:
        return None
    return {(o, v) for o, v in con.execute(f"SELECT owner, version FROM {MIGRATIONS_TABLE}").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Apply the migrations the store lacks, each in a transaction with its record; returns them.

    Works on any write connection (an in-memory one too); it must not be inside a transaction.
    """
    con.execute(_MIGRATIONS_DDL)
    applied = applied_migrations(con) or set()
    done: list[tuple[str, int]] = []
    for owner in schema_owners():
        for migration in owner.migrations:
            if (owner.name, migration.version) in applied:
                continue
            with transaction(con):
                for statement in migration.statements:
                    con.execute(statement)
                con.execute(f"INSERT INTO {MIGRATIONS_TABLE} VALUES (?, ?, ?, ?)",
                            [owner.name, migration.version, migration.name, datetime.now(UTC).replace(tzinfo=None)])
            log.info("store migration applied: %s %d (%s)", owner.name, migration.version, migration.name)
            done.append((owner.name, migration.version))
    return done


class OutdatedSchemaError(UserError):
    """A store (or a published snapshot) opened read-only lacks migrations this code declares."""


def missing_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The migrations this code declares that the store lacks, as ``owner version (name)``."""
    applied = applied_migrations(con) or set()
    return [f"{o.name} {m.version} ({m.name})" for o in schema_owners() for m in o.migrations
            if (o.name, m.version) not in applied]


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create if needed) the store at ``path``; a write connection migrates it first.

    Raises:
        UserError: the file cannot be opened, or (``read_only``) it lacks migrations this code needs.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise UserError(f"magasin {path} introuvable : chargez d'abord les référentiels (skillgap referentials load)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as e:
        raise UserError(f"impossible d'ouvrir le magasin {path} (un autre processus l'écrit-il ?) : {e}") from e
    try:
        if not read_only:
            migrate(con)
        elif missing := missing_migrations(con):
            raise OutdatedSchemaError(
                f"magasin {path} : schéma antérieur à ce code (migrations absentes : {', '.join(missing)}) ; "
                "lancez d'abord une commande d'écriture sur le magasin (ex. skillgap referentials load) "
                "pour le mettre à jour et le republier")
    except BaseException:
        con.close()
        raise
    return con


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> tuple | None:
    """The first row of ``sql`` (None when there is none), the result read to its end: DuckDB
    refuses the next statement on a connection whose last result is still open."""
    rows = con.execute(sql, list(params or [])).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The first column of the first row of ``sql`` (an aggregate always returns one row); the
    result is read to its end, so the connection is free for the next statement."""
    rows = con.execute(sql, params or []).fetchall()
    if not rows:
        raise LookupError(f"no row for {sql!r}")
    return rows[0][0]


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
