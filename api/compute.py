"""Computation of analysis results for the API: one worker thread, results cached (``api.cache``).

Every computation runs on one dedicated thread (``Computer``): the embedding encoder is created
there and used only there (its phrase cache is a SQLite connection bound to its thread), heavy
work is serialised instead of competing for the cores with the requests served from the cache,
and the coverage index (embeddings of every RNCP block item) is built once per RNCP version.

A result is a JSON payload ``{"ok": ...}`` or ``{"error": {...}}``: a ``UserError`` (no
certification linked, no ads…) is cached like a result, so asking again costs a lookup.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, NamedTuple

import duckdb

from api import cache
from api.errors import user_error_status
from api.state import ApiState
from models.analysis import GapReport, ModulesReport
from models.base import Record, json_default
from models.queries import GapQuery, SignalQuery, WatchQuery
from models.review import ReviewSet
from models.signals import SignalReport, WatchReport
from skillgap.errors import UserError

if TYPE_CHECKING:
    from pathlib import Path

    from api.live import LiveStore

log = logging.getLogger(__name__)


class Kind(NamedTuple):
    """One analysis the API serves: its typed request and its typed result."""

    query: type[Record]
    result: type[Record]


KINDS: dict[str, Kind] = {
    "gaps": Kind(GapQuery, GapReport),
    "modules": Kind(GapQuery, ModulesReport),
    "signals": Kind(SignalQuery, SignalReport),
    "watch": Kind(WatchQuery, WatchReport),
}
EncoderFactory = Callable[[], Any]


def default_encoder_factory(model: str) -> EncoderFactory:
    """Builds the API's encoder on the worker thread (``nlp.runtime.default_encoder``)."""
    def make() -> Any:
        from nlp.runtime import default_encoder

        return default_encoder(model)
    return make


def _kind_of(kind: str, query: Record) -> Kind:
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown result kind {kind!r} (one of {sorted(KINDS)})")
    if not isinstance(query, spec.query):
        raise TypeError(f"{kind} takes a {spec.query.__name__}, not a {type(query).__name__}")
    return spec


class Engine:
    """The analysis functions over one connection, with the encoder and a reusable coverage index."""

    def __init__(self, encoder: Any):
        self.encoder = encoder
        self._index: Any = None
        self._index_version: str | None = None

    def _context(self, con: duckdb.DuckDBPyConnection):
        from analysis.gaps import GapContext
        from referentials import queries

        version = queries.current_versions(con).get("rncp", {}).get("version_id")
        if version != self._index_version:
            self._index, self._index_version = None, version
        return GapContext(con, self.encoder, index=self._index)

    def compute(self, con: duckdb.DuckDBPyConnection, kind: str, query: Record, *,
                save_modules: Callable[[list[Any]], None], reviews: ReviewSet | None = None) -> Record:
        """The result of ``kind`` for ``query`` (raises UserError); modules are kept by ``save_modules``;
        ``reviews`` apply to gaps and modules. The same functions as the CLI and the weekly report."""
        _kind_of(kind, query)
        if isinstance(query, GapQuery):
            from analysis.gaps import compute_gaps
            from analysis.modules import compute_modules

            ctx = self._context(con)
            try:
                if kind == "gaps":
                    return compute_gaps(ctx, query, reviews=reviews)
                result = compute_modules(ctx, query, reviews=reviews)
            finally:
                self._index = ctx.index
            save_modules(list(result.modules))
            return result
        if isinstance(query, SignalQuery):
            from analysis.signal_report import signal_report

            return signal_report(con, query)
        assert isinstance(query, WatchQuery)
        from analysis.watch import watch

        return watch(con, query, encoder=self.encoder)


def save_state_modules(state: ApiState, modules: list[Any]) -> None:
    """Keep the latest content of each module the service computed (by stable id) in its own file."""
    from datetime import UTC, datetime

    now = datetime.now(UTC).isoformat()
    with state.connect() as con:
        con.executemany(
            """INSERT INTO modules VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (module_id) DO UPDATE SET title = excluded.title,
                 last_computed_at = excluded.last_computed_at, module = excluded.module""",
            [(m.module_id, m.rome_code, m.title, now, now, m.model_dump_json()) for m in modules])


def load_module(state: ApiState, con: duckdb.DuckDBPyConnection, module_id: str) -> Any:
    """A module computed by the service, else one saved in the store by ``skillgap modules``; None if neither."""
    from analysis.modules import load_module as load_store_module
    from models.analysis import CandidateModule

    row = state.one("SELECT module FROM modules WHERE module_id = ?", [module_id])
    if row is not None:
        return CandidateModule.model_validate_json(row[0])
    return load_store_module(con, module_id)


def query_reviews(state: ApiState, query: Record, fp: str, *,
                  trail: dict[str, list[Any]] | None = None) -> tuple[ReviewSet | None, str]:
    """(decisions in force for a gap / module query, the fingerprint including their digest);
    ``trail``: every decision by occupation, read once by a caller with many queries (else read here)."""
    from api.reviews import in_force, review_set

    reviews = None
    if isinstance(query, GapQuery):
        if trail is None:
            reviews = review_set(state, query.rome_code)
        elif decisions := in_force(trail.get(query.rome_code, [])):
            reviews = ReviewSet(rome_code=query.rome_code, decisions=tuple(decisions))
    return reviews, cache.with_reviews(fp, reviews.digest() if reviews else None)


def run_cached(con: duckdb.DuckDBPyConnection, state: ApiState, engine: Engine, kind: str, query: Record,
               *, fp: str | None = None, save_modules: Callable[[list[Any]], None] | None = None) -> cache.CacheEntry:
    """The cached entry of (kind, query), computed and stored first when absent.

    Args:
        con: a connection to the store (the service's snapshot, or the batch's write connection).
        state: the service file holding the cache.
        fp: the store's fingerprint when the caller has it.
        save_modules: where computed modules go (default: the service file).
    """
    _kind_of(kind, query)
    model_name = engine.encoder.name
    params = query.model_dump(mode="json")
    reviews, fp = query_reviews(state, query, fp or cache.fingerprint(con, model_name=model_name))
    hit = cache.lookup(state, cache.cache_key(kind, params, fp))
    if hit is not None:
        return hit
    started = time.perf_counter()
    keep = save_modules or (lambda modules: save_state_modules(state, modules))
    try:
        payload: dict[str, Any] = {"ok": engine.compute(con, kind, query, save_modules=keep,
                                                   reviews=reviews).model_dump(mode="json")}
    except UserError as e:
        status, code = user_error_status(e)
        payload = {"error": {"status": status, "code": code, "message": str(e)}}
    elapsed = time.perf_counter() - started
    log.info("computed %s %s in %.1f s", kind, params, elapsed)
    return cache.save(state, kind=kind, params=params, fp=fp, model_name=model_name,
                      payload=json.dumps(payload, default=json_default, ensure_ascii=False), compute_s=elapsed)


class Parsed(NamedTuple):
    """A cache entry read: its typed result, or the cached error (``{"status", "code", "message"}``)."""

    result: Any
    error: dict[str, Any] | None
    entry: cache.CacheEntry


class ParsedResults:
    """Typed results of cache entries by cache key, the ``size`` most recently used kept. An entry never
    changes under its key (the key hashes the request, the snapshot's fingerprint and the reviews'
    digest), and parsing + validating a 200-skill gap report costs more than reading it."""

    def __init__(self, size: int = 64) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._items: OrderedDict[str, Parsed] = OrderedDict()

    def get(self, key: str) -> Parsed | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def parse(self, spec: Kind, key: str | None, entry: cache.CacheEntry) -> Parsed:
        """The entry read; kept under ``key`` unless None."""
        payload = json.loads(entry.payload)
        item = (Parsed(None, payload["error"], entry) if "error" in payload
                else Parsed(spec.result.model_validate(payload["ok"]), None, entry))
        if key is not None:
            with self._lock:
                self._items[key] = item
                self._items.move_to_end(key)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return item


class Computer:
    """The worker thread of an API process (see module docstring)."""

    def __init__(self, live: LiveStore, state: ApiState, encoder_factory: EncoderFactory):
        self._live = live
        self.state = state
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="skillgap-compute")
        self.fingerprints = cache.FingerprintMemo()
        self.results = ParsedResults()
        self.engine: Engine = self._pool.submit(lambda: Engine(encoder_factory())).result()

    @property
    def model_name(self) -> str:
        return self.engine.encoder.name

    def run(self, kind: str, query: Record) -> cache.CacheEntry:
        """Compute (or find, if another request just computed it) on the worker thread, on the newest snapshot."""
        def job() -> cache.CacheEntry:
            with self._live.cursor() as (con, snapshot):
                fp = self.fingerprints.get(con, model_name=self.model_name, snapshot=str(snapshot))
                return run_cached(con, self.state, self.engine, kind, query, fp=fp)
        return self._pool.submit(job).result()

    def close(self) -> None:
        def _close() -> None:
            close = getattr(self.engine.encoder, "close", None)
            if close is not None:
                close()
        self._pool.submit(_close).result()
        self._pool.shutdown(wait=True)


def warm_cache(con: duckdb.DuckDBPyConnection, state: ApiState, rome_codes: list[str] | None = None, *,
               region_codes: tuple[str | None, ...] = (None,), encoder: Any = None,
               kinds: tuple[str, ...] = ("gaps", "modules")) -> dict[str, int]:
    """Compute and store the gap reports and modules the API serves (the weekly batch calls this).

    The entries go to the service file, under the fingerprint of the store's current content:
    the snapshot the batch publishes next has that content, so the service finds them.

    Args:
        con: a write connection to the store (modules are saved in it, as ``skillgap modules`` does).
        state: the service file of the store (``api.state.ApiState.for_store``).
        rome_codes: occupations to compute; default: every ROME code of the stored ads.
        region_codes: regions to compute for each occupation (None = all regions).
        encoder: the embedding encoder; default the API's (``SKILLGAP_API_MODEL``).
        kinds: results to compute (``gaps``, ``modules``).
    Returns:
        counts: ``computed`` (new entries), ``cached`` (already there), ``errors`` (stored UserErrors).
    """
    from analysis.modules import save_modules as save_store_modules
    from api.settings import get_api_settings
    from crawler import queries as ad_queries

    if encoder is None:
        encoder = default_encoder_factory(get_api_settings().api_model)()
    if rome_codes is None:
        rome_codes = ad_queries.source_rome_codes(con)
    engine = Engine(encoder)
    fp = cache.fingerprint(con, model_name=encoder.name)
    counts = {"computed": 0, "cached": 0, "errors": 0}
    for rome_code in rome_codes:
        for region_code in region_codes:
            for kind in kinds:
                query = GapQuery(rome_code=rome_code, region_code=region_code)
                key = cache.cache_key(kind, query.model_dump(mode="json"), query_reviews(state, query, fp)[1])
                if cache.lookup(state, key) is not None:
                    counts["cached"] += 1
                    continue
                entry = run_cached(con, state, engine, kind, query, fp=fp,
                                   save_modules=lambda modules: save_store_modules(con, modules))
                counts["errors" if entry.payload.startswith('{"error"') else "computed"] += 1
    return counts


def cached_result(con: duckdb.DuckDBPyConnection, snapshot: Path, computer: Computer, kind: str,
                  query: Record, *, compute_on_miss: bool) -> tuple[Any, cache.CacheEntry]:
    """(typed result, entry) of (kind, query) for a request: a lookup, else a computation on the worker.

    Args:
        con: the request's cursor on the snapshot ``snapshot``.
    Raises ``ApiError`` for a cached UserError (404/422) or a miss when computing is off (503).
    """
    from api.errors import ApiError

    spec = _kind_of(kind, query)
    fp = computer.fingerprints.get(con, model_name=computer.model_name, snapshot=str(snapshot))
    _, fp = query_reviews(computer.state, query, fp)
    key = cache.cache_key(kind, query.model_dump(mode="json"), fp)
    parsed = computer.results.get(key)
    if parsed is None:
        entry = cache.lookup(computer.state, key)
        if entry is None:
            if not compute_on_miss:
                raise ApiError(503, f"résultat {kind} pas encore calculé pour ces paramètres : lancez "
                               "`skillgap api warm` (SKILLGAP_API_COMPUTE_ON_MISS=false)", code="not_computed")
            # computed on the newest snapshot, whose key may not be this one: not kept under it
            parsed = computer.results.parse(spec, None, computer.run(kind, query))
        else:
            parsed = computer.results.parse(spec, key, entry)
    if parsed.error is not None:
        err = parsed.error
        raise ApiError(err["status"], err["message"], code=err["code"])
    return parsed.result, parsed.entry


def cached_results(con: duckdb.DuckDBPyConnection, snapshot: Path, computer: Computer, kind: str,
                   queries: list[Record]) -> list[Any]:
    """The typed result of each of ``queries`` the cache has, else None (a miss or a cached error); never
    computes. One read of the decisions and one of the cache for them all (pages listing occupations)."""
    from api.reviews import audit_trail

    if not queries:
        return []
    spec = _kind_of(kind, queries[0])
    for query in queries:
        _kind_of(kind, query)
    fp = computer.fingerprints.get(con, model_name=computer.model_name, snapshot=str(snapshot))
    trail: dict[str, list[Any]] = {}
    if spec.query is GapQuery:
        for decision in audit_trail(computer.state):
            trail.setdefault(decision.rome_code, []).append(decision)
    keys = [cache.cache_key(kind, q.model_dump(mode="json"), query_reviews(computer.state, q, fp, trail=trail)[1])
            for q in queries]
    parsed = {k: p for k in keys if (p := computer.results.get(k)) is not None}
    for key, entry in cache.lookup_many(computer.state, [k for k in keys if k not in parsed]).items():
        parsed[key] = computer.results.parse(spec, key, entry)
    return [p.result if (p := parsed.get(k)) is not None and p.error is None else None for k in keys]
