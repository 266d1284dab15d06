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
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb

from api import cache
from api.errors import user_error_status
from api.state import ApiState
from skillgap.cliutil import json_default
from skillgap.errors import InsufficientDataError, UserError

if TYPE_CHECKING:
    from pathlib import Path

    from analysis.signals import Period
    from api.live import LiveStore

log = logging.getLogger(__name__)

KINDS = ("gaps", "modules", "signals", "watch")
EncoderFactory = Callable[[], Any]


def default_encoder_factory(model: str) -> EncoderFactory:
    def make() -> Any:
        from nlp.embed import CachedEncoder, get_encoder
        from skillgap.settings import get_settings

        return CachedEncoder(get_encoder(model), get_settings().resolved_cache_dir())
    return make


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

    def _keep_index(self, ctx: Any) -> None:
        self._index = ctx.index

    def compute(self, con: duckdb.DuckDBPyConnection, kind: str, params: dict[str, Any], *,
                save_modules: Callable[[list[Any]], None]) -> dict[str, Any]:
        """The result of ``kind`` for ``params`` (raises UserError); modules are kept by ``save_modules``."""
        if kind == "gaps":
            from analysis.gaps import compute_gaps

            ctx = self._context(con)
            try:
                return compute_gaps(ctx, **params).model_dump(mode="json")
            finally:
                self._keep_index(ctx)
        if kind == "modules":
            from analysis.modules import compute_modules

            ctx = self._context(con)
            try:
                report, modules = compute_modules(ctx, **params)
            finally:
                self._keep_index(ctx)
            save_modules(modules)
            summary = report.model_dump(mode="json", exclude={"skills"})
            return {"report": summary, "modules": [m.model_dump(mode="json") for m in modules]}
        if kind == "signals":
            return compute_signals(con, **params)
        if kind == "watch":
            from analysis.watch import watch

            return watch(con, **params).model_dump(mode="json")
        raise ValueError(f"unknown result kind {kind!r} (one of {KINDS})")


def compute_signals(con: duckdb.DuckDBPyConnection, *, kind: str | None, rome_code: str | None,
                    region_code: str | None, date_from: date | None, date_to: date | None,
                    period: Period = "month") -> dict[str, Any]:
    """``skillgap signals`` over an open connection (``signals_command`` opens its own, read-only)."""
    from analysis.demand import SeriesFilters, demand_series, exposure_series
    from analysis.signals import SignalSettings, assess_series, signals_from_tests

    filters = SeriesFilters(period=period, rome_code=rome_code, region_code=region_code, date_from=date_from,
                            date_to=date_to)
    rows, exposure = demand_series(con, **filters), exposure_series(con, **filters)
    if exposure.empty:
        raise InsufficientDataError("aucune offre datée ne correspond à ces filtres (métier, région, dates)")
    settings = SignalSettings()
    tested = assess_series(rows, exposure=exposure, settings=settings)
    n_tested = int(tested["support_reason"].isna().sum()) if len(tested) else 0
    if n_tested == 0:
        raise InsufficientDataError(
            f"pas assez d'offres pour tester une tendance : {int(exposure['n_ads'].sum())} offre(s), "
            f"{len(tested)} série(s) compétence × métier, aucune n'atteint le support minimal "
            f"({settings.min_ads_with_skill} annonces avec la compétence, {settings.min_periods} périodes)")
    signals = [s.model_dump(mode="json") for s in signals_from_tests(tested, kind=kind, period=period)]
    return {"signals": signals, "n_ads": int(exposure["n_ads"].sum()), "n_series_tested": n_tested,
            "first_period_start": min(exposure["period_start"]).isoformat(),
            "last_period_start": max(exposure["period_start"]).isoformat()}


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


def run_cached(con: duckdb.DuckDBPyConnection, state: ApiState, engine: Engine, kind: str, params: dict[str, Any],
               *, fp: str | None = None, save_modules: Callable[[list[Any]], None] | None = None) -> cache.CacheEntry:
    """The cached entry of (kind, params), computed and stored first when absent.

    Args:
        con: a connection to the store (the service's snapshot, or the batch's write connection).
        state: the service file holding the cache.
        fp: the store's fingerprint when the caller has it.
        save_modules: where computed modules go (default: the service file).
    """
    model_name = engine.encoder.name
    fp = fp or cache.fingerprint(con, model_name=model_name)
    hit = cache.lookup(state, cache.cache_key(kind, params, fp))
    if hit is not None:
        return hit
    started = time.perf_counter()
    keep = save_modules or (lambda modules: save_state_modules(state, modules))
    try:
        payload: dict[str, Any] = {"ok": engine.compute(con, kind, dict(params), save_modules=keep)}
    except UserError as e:
        status, code = user_error_status(e)
        payload = {"error": {"status": status, "code": code, "message": str(e)}}
    elapsed = time.perf_counter() - started
    log.info("computed %s %s in %.1f s", kind, params, elapsed)
    return cache.save(state, kind=kind, params=params, fp=fp, model_name=model_name,
                      payload=json.dumps(payload, default=json_default, ensure_ascii=False), compute_s=elapsed)


class Computer:
    """The worker thread of an API process (see module docstring)."""

    def __init__(self, live: LiveStore, state: ApiState, encoder_factory: EncoderFactory):
        self._live = live
        self.state = state
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="skillgap-compute")
        self.fingerprints = cache.FingerprintMemo()
        self.engine: Engine = self._pool.submit(lambda: Engine(encoder_factory())).result()

    @property
    def model_name(self) -> str:
        return self.engine.encoder.name

    def run(self, kind: str, params: dict[str, Any]) -> cache.CacheEntry:
        """Compute (or find, if another request just computed it) on the worker thread, on the newest snapshot."""
        def job() -> cache.CacheEntry:
            with self._live.cursor() as (con, snapshot):
                fp = self.fingerprints.get(con, model_name=self.model_name, snapshot=str(snapshot))
                return run_cached(con, self.state, self.engine, kind, params, fp=fp)
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

    if encoder is None:
        encoder = default_encoder_factory(get_api_settings().api_model)()
    if rome_codes is None:
        rome_codes = [r[0] for r in con.execute(
            "SELECT DISTINCT rome_code FROM core_ads__job_ads WHERE rome_code IS NOT NULL ORDER BY 1").fetchall()]
    engine = Engine(encoder)
    fp = cache.fingerprint(con, model_name=encoder.name)
    counts = {"computed": 0, "cached": 0, "errors": 0}
    for rome_code in rome_codes:
        for region_code in region_codes:
            for kind in kinds:
                params = gap_params(rome_code=rome_code, region_code=region_code)
                key = cache.cache_key(kind, params, fp)
                if cache.lookup(state, key) is not None:
                    counts["cached"] += 1
                    continue
                entry = run_cached(con, state, engine, kind, params, fp=fp,
                                   save_modules=lambda modules: save_store_modules(con, modules))
                counts["errors" if entry.payload.startswith('{"error"') else "computed"] += 1
    return counts


def gap_params(*, rome_code: str, region_code: str | None = None, date_from: date | None = None,
               date_to: date | None = None, all_active: bool = False) -> dict[str, Any]:
    """The canonical parameters of a gaps / modules request (the cache key's input)."""
    return {"rome_code": rome_code, "region_code": region_code, "date_from": date_from, "date_to": date_to,
            "all_active": all_active}


def cached_result(con: duckdb.DuckDBPyConnection, snapshot: Path, computer: Computer, kind: str,
                  params: dict[str, Any], *, compute_on_miss: bool) -> tuple[Any, cache.CacheEntry]:
    """(result, entry) of (kind, params) for a request: a lookup, else a computation on the worker.

    Args:
        con: the request's cursor on the snapshot ``snapshot``.
    Raises ``ApiError`` for a cached UserError (404/422) or a miss when computing is off (503).
    """
    from api.errors import ApiError

    fp = computer.fingerprints.get(con, model_name=computer.model_name, snapshot=str(snapshot))
    entry = cache.lookup(computer.state, cache.cache_key(kind, params, fp))
    if entry is None:
        if not compute_on_miss:
            raise ApiError(503, f"résultat {kind} pas encore calculé pour ces paramètres : lancez "
                           "`skillgap api warm` (SKILLGAP_API_COMPUTE_ON_MISS=false)", code="not_computed")
        entry = computer.run(kind, params)
    payload = json.loads(entry.payload)
    if "error" in payload:
        err = payload["error"]
        raise ApiError(err["status"], err["message"], code=err["code"])
    return payload["ok"], entry
