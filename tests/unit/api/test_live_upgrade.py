"""The service starts on a store last published by an older release (its snapshot lacks migrations)."""

from __future__ import annotations

import duckdb

from api.live import LiveStore
from skillgap.store import MIGRATIONS_TABLE, connect, publish, published


def test_an_outdated_snapshot_is_migrated_and_published_again(tmp_path):
    store = tmp_path / "s.duckdb"
    connect(store).close()
    # what an older release left: no nlp views, no record of their migration, published like that
    con = duckdb.connect(str(store))
    con.execute("DROP VIEW core_nlp__asked_skills")
    con.execute("DROP VIEW core_nlp__ad_occupations")
    con.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE owner = 'nlp' AND version = 2")
    old = publish(con, store)
    con.close()

    live = LiveStore(store)
    try:
        assert published(store) != old  # published again, after the migration
        with live.cursor() as (cur, snapshot):
            assert snapshot == published(store)
            assert cur.execute("SELECT count(*) FROM core_nlp__asked_skills").fetchone() == (0,)
    finally:
        live.close()
