"""DDL of the tables this package owns in the store (see skillgap.store).

None any more: what the service writes (API keys, result cache, modules it computed, staged
ads) lives in its own SQLite file (``api.state``), because the service only reads the store's
published snapshots. Stores written before keep their old ``core_api__keys`` (its keys are
carried over at start-up, ``api.keys.import_store_keys``) and ``out_api__result_cache`` tables,
which nothing reads.
"""

from skillgap.store import Columns, Migration

OWNER = "api"
AFTER: tuple[str, ...] = ()

MIGRATIONS: list[Migration] = []

COLUMNS: dict[str, Columns] = {}
