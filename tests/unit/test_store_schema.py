"""The store's schema (issue 14): numbered migrations per owner, found through entry points, and
table columns derived from the models.

- every owner of tables is an entry point of ``skillgap.schema`` and migrates after those it builds on;
- the tables each owner's migrations create have exactly the columns its ``COLUMNS`` derive from
  the models plus the extras (a model field added without a migration, or the reverse, fails);
- a new store records every migration, and a second connection applies none;
- a store created before the migrations were numbered (tables, no record) upgrades in place, with
  its rows, to the same columns as a new store;
- a read-only connection never migrates and refuses, in French, a store or snapshot that lacks migrations;
- a failing migration leaves the store as it was.
"""

from __future__ import annotations

import duckdb
import pytest
from pydantic import BaseModel

import skillgap.store as store
from referentials.loading import LoadResult, LoadStatus
from skillgap.errors import UserError
from skillgap.store import Columns, Migration, SchemaOwner, connect, in_dependency_order, migrate, schema_owners

OWNERS = {"referentials", "crawler", "nlp", "analysis", "api"}


class Pair(BaseModel):
    a: int
    b: int


def _base_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'")
    return {r[0] for r in rows.fetchall()}


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """table → [(column, type)] in table order, for every table but the migration record."""
    rows = con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_name <> ? ORDER BY table_name, ordinal_position", [store.MIGRATIONS_TABLE])
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows.fetchall():
        out.setdefault(table, []).append((column, kind))
    return out


def _legacy_store(path, *, with_alters: bool = True) -> None:
    """A store as written before numbered migrations: the tables (and, if ``with_alters``, the added
    columns) and no record of any migration."""
    con = duckdb.connect(str(path))
    for owner in schema_owners():
        for migration in owner.migrations[: None if with_alters else 1]:
            for statement in migration.statements:
                con.execute(statement)
    con.close()


@pytest.fixture
def fake_owners(monkeypatch):
    """Replace the owners found through the entry points by the ones a test gives."""
    def use(*owners: SchemaOwner) -> None:
        monkeypatch.setattr(store, "schema_owners", lambda: in_dependency_order(owners))
    return use


# -- discovery and order -------------------------------------------------------------------------


def test_every_owner_is_an_entry_point_and_migrates_after_what_it_builds_on():
    owners = schema_owners()
    assert {o.name for o in owners} == OWNERS
    position = {o.name: i for i, o in enumerate(owners)}
    for o in owners:
        assert o.module is not None and o.module.OWNER == o.name
        assert all(position[a] < position[o.name] for a in o.after), o.name
    nlp = next(o for o in owners if o.name == "nlp")
    assert set(nlp.after) >= {"crawler", "referentials"}


def test_dependency_order_is_stable_and_refuses_unknown_owners_and_cycles():
    def owner(name, *after):
        return SchemaOwner(name, tuple(after), ())

    assert [o.name for o in in_dependency_order([owner("c", "a"), owner("b"), owner("a")])] == ["a", "b", "c"]
    with pytest.raises(RuntimeError, match="unknown"):
        in_dependency_order([owner("a", "zz")])
    with pytest.raises(RuntimeError, match="cycle"):
        in_dependency_order([owner("a", "b"), owner("b", "a")])


def test_without_the_entry_points_the_error_says_to_install_the_package(monkeypatch):
    monkeypatch.setattr(store, "entry_points", lambda group: [])
    store.schema_owners.cache_clear()
    try:
        with pytest.raises(UserError, match=r"pip install -e \."):
            store.schema_owners()
    finally:
        store.schema_owners.cache_clear()


def test_migrations_are_numbered_from_one_in_order():
    for owner in schema_owners():
        assert [m.version for m in owner.migrations] == list(range(1, len(owner.migrations) + 1)), owner.name


# -- columns from the models -----------------------------------------------------------------------


@pytest.mark.parametrize("owner", sorted(OWNERS))
def test_tables_have_the_columns_derived_from_their_models(owner):
    """Per owner: the tables its migrations create are those of ``COLUMNS``, each with exactly the
    model's stored fields plus the declared extras."""
    con = duckdb.connect()
    for o in schema_owners():
        before = _base_tables(con)
        for migration in o.migrations:
            for statement in migration.statements:
                con.execute(statement)
        if o.name != owner:
            continue
        created = _base_tables(con) - before
        assert created == set(o.columns), f"{owner}: tables created ≠ COLUMNS"
        for table, spec in o.columns.items():
            ddl = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            assert len(spec.names) == len(set(spec.names)), table
            assert sorted(ddl) == sorted(spec.names), f"{table}: DDL columns ≠ model fields + extras"


def test_columns_refuse_unknown_and_clashing_names():
    with pytest.raises(ValueError, match="leave_out"):
        Columns(Pair, leave_out=("nope",))
    with pytest.raises(ValueError, match="already"):
        Columns(Pair, extra=("a",))
    spec = Columns(Pair, leave_out=("b",), extra=("c",))
    assert (spec.fields, spec.names) == (("a",), ("a", "c"))


# -- migrating ------------------------------------------------------------------------------------


def test_a_new_store_records_every_migration_once(tmp_path):
    path = tmp_path / "s.duckdb"
    con = connect(path)
    recorded = con.execute(f"SELECT owner, version, name FROM {store.MIGRATIONS_TABLE} ORDER BY ALL").fetchall()
    assert recorded == sorted((o.name, m.version, m.name) for o in schema_owners() for m in o.migrations)
    con.close()
    con = connect(path)
    assert migrate(con) == []
    assert con.execute(f"SELECT count(*) FROM {store.MIGRATIONS_TABLE}").fetchone()[0] == len(recorded)
    con.close()
    connect(path, read_only=True).close()


@pytest.mark.parametrize("with_alters", [True, False], ids=["legacy", "legacy-before-added-columns"])
def test_a_store_from_before_numbered_migrations_upgrades_in_place(tmp_path, with_alters):
    new = tmp_path / "new.duckdb"
    connect(new).close()
    old = tmp_path / "old.duckdb"
    _legacy_store(old, with_alters=with_alters)
    con = duckdb.connect(str(old))
    con.execute("INSERT INTO core_ads__minhashes (ad_id, num_perm, signature) VALUES ('a', 2, 'x'::BLOB)")
    con.execute("INSERT INTO core_nlp__processed_ads VALUES ('a', NULL, 0, 'm', 'v', '{}', 'r', now())")
    con.close()
    with pytest.raises(UserError, match="skillgap referentials load"):
        connect(old, read_only=True)  # nothing recorded: refused, not migrated
    con = connect(old)
    assert store.missing_migrations(con) == []
    assert con.execute("SELECT ad_id, num_perm, scheme, shingles FROM core_ads__minhashes").fetchall() == [
        ("a", 2, None, None)]
    assert con.execute("SELECT count(*) FROM core_nlp__processed_ads").fetchone()[0] == 1
    upgraded = _columns(con)
    con.close()
    fresh = duckdb.connect(str(new), read_only=True)
    assert upgraded == _columns(fresh)
    fresh.close()


def test_read_only_refuses_a_store_or_snapshot_lacking_a_migration(tmp_path):
    path = tmp_path / "s.duckdb"
    con = connect(path)
    store.publish(con, path)
    con.execute(f"DELETE FROM {store.MIGRATIONS_TABLE} WHERE owner = 'crawler' AND version = 2")
    con.close()
    snapshot = store.published(path)
    assert snapshot is not None
    connect(snapshot, read_only=True).close()  # published by a writer, after its migrations
    with pytest.raises(UserError) as error:
        connect(path, read_only=True)
    message = str(error.value)
    assert str(path) in message and "crawler 2 (minhash_scheme_shingles)" in message
    assert "skillgap referentials load" in message
    connect(path).close()  # a writer records it again (the ALTERs are idempotent)
    connect(path, read_only=True).close()


def test_a_migration_that_fails_leaves_the_store_as_it_was(tmp_path, fake_owners):
    good = Migration(1, "one", ["CREATE TABLE t_one (a INTEGER)"])
    bad = Migration(2, "two", ["CREATE TABLE t_two (a INTEGER)", "ALTER TABLE nowhere ADD COLUMN b INTEGER"])
    fake_owners(SchemaOwner("x", (), (good, bad)))
    con = duckdb.connect()
    with pytest.raises(duckdb.Error):
        migrate(con)
    assert _base_tables(con) == {"t_one", store.MIGRATIONS_TABLE}
    assert con.execute(f"SELECT owner, version FROM {store.MIGRATIONS_TABLE}").fetchall() == [("x", 1)]


def test_appending_a_migration_applies_only_that_one(fake_owners):
    first = SchemaOwner("x", (), (Migration(1, "one", ["CREATE TABLE t_one (a INTEGER)"]),))
    fake_owners(first)
    con = duckdb.connect()
    assert migrate(con) == [("x", 1)]
    view = Migration(2, "view", ["CREATE VIEW v_one AS SELECT a FROM t_one"])
    fake_owners(SchemaOwner("x", (), (*first.migrations, view)))
    assert migrate(con) == [("x", 2)]
    assert migrate(con) == []


# -- referential load status (issue 14) --------------------------------------------------------------


def test_load_status_is_an_enum_with_the_json_values():
    result = LoadResult("rome", "rome:x", "v", "restored")  # type: ignore[arg-type]
    assert result.status is LoadStatus.RESTORED and result.status == "restored"
    assert [s.value for s in LoadStatus] == ["loaded", "unchanged", "restored"]
    with pytest.raises(ValueError):
        LoadResult("rome", "rome:x", "v", "reloaded")  # type: ignore[arg-type]
