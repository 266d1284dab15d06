"""The store as the service reads it: the current published snapshot, opened read-only.

The batch (``skillgap ingest`` / ``process`` / ``weekly`` …) writes the store file and, when it
is done, publishes a snapshot (``skillgap.store.publish``). ``LiveStore`` serves the current
snapshot and moves to the next one as soon as its pointer changes: requests that started on the
old snapshot finish on it (its connection is closed when the last of them is done), new ones see
the new data. A request therefore always answers from one consistent state, old or new, and the
batch never meets the service's lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from skillgap.errors import UserError
from skillgap.store import OutdatedSchemaError, connect, pointer_file, publish, published

log = logging.getLogger(__name__)


@dataclass
class _Snapshot:
    path: Path
    con: duckdb.DuckDBPyConnection
    users: int = 0
    retired: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def release(self) -> None:
        """One user fewer; the last user of a retired snapshot closes it."""
        with self.lock:
            self.users -= 1
            if self.retired and self.users == 0:
                self.con.close()

    def retire(self) -> None:
        """No new user; closed now if nobody reads it, else by its last user."""
        with self.lock:
            self.retired = True
            if self.users == 0:
                self.con.close()


class LiveStore:
    """Read-only cursors on the newest published snapshot of ``store``."""

    def __init__(self, store: Path | str) -> None:
        self.store = Path(store)
        self._lock = threading.Lock()
        self._pointer_mtime: int | None = None
        self._current: _Snapshot | None = None
        try:
            self.refresh()
        except OutdatedSchemaError:
            # published by an older release: migrate the store and publish it again, once
            log.info("snapshot of %s older than the code's schema: migrating and publishing again", self.store)
            self._pointer_mtime = None
        if self._current is None:
            self._publish_first()
            self.refresh()
        if self._current is None:
            raise UserError(f"magasin {self.store} : aucun instantané publié")

    def _publish_first(self) -> None:
        """A store never published, or published by an older release: migrate and publish it once
        (needs the write lock)."""
        if not self.store.exists():
            raise UserError(f"magasin {self.store} introuvable : chargez d'abord les référentiels "
                            "(skillgap referentials load)")
        try:
            con = connect(self.store)
        except UserError as e:
            raise UserError(f"magasin {self.store} jamais publié et en cours d'écriture par un autre processus : "
                            "attendez la fin du lot puis relancez skillgap serve") from e
        try:
            publish(con, self.store)
        finally:
            con.close()

    def _serving(self) -> _Snapshot:
        if self._current is None:
            raise RuntimeError(f"LiveStore({self.store}) is closed")
        return self._current

    def refresh(self) -> bool:
        """Move to the newest published snapshot if the pointer changed; True when it moved."""
        try:
            mtime = pointer_file(self.store).stat().st_mtime_ns
        except FileNotFoundError:
            return False
        with self._lock:
            if mtime == self._pointer_mtime:
                return False
            path = published(self.store)
            if path is None or (self._current is not None and path == self._current.path):
                self._pointer_mtime = mtime
                return False
            new = _Snapshot(path=path, con=connect(path, read_only=True))
            old, self._current, self._pointer_mtime = self._current, new, mtime
        if old is not None:
            old.retire()
        log.info("serving snapshot %s", path.name)
        return True

    @contextmanager
    def cursor(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
        """(cursor, snapshot path) on the newest snapshot; the snapshot stays open until the block ends."""
        self.refresh()
        with self._lock:
            snap = self._serving()
            with snap.lock:
                snap.users += 1
        try:
            cur = snap.con.cursor()
            try:
                yield cur, snap.path
            finally:
                cur.close()
        finally:
            snap.release()

    def close(self) -> None:
        with self._lock:
            snap, self._current = self._current, None
        if snap is not None:
            snap.retire()
