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
from typing import Any

import duckdb

from api import cache
from api.errors import user_error_status
from skillgap.cliutil import json_default
from skillgap.errors import UserError

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

    def compute(self, con: duckdb.DuckDBPyConnection, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """The result of ``kind`` for ``params`` (raises UserError)."""
        if kind == "gaps":
            from analysis.gaps import compute_gaps

            ctx = self._context(con)
            try:
                return compute_gaps(ctx, **params).model_dump(mode="json")
            finally:
                self._keep_index(ctx)
        if kind == "modules":
            from analysis.modules import compute_modules, save_modules

            ctx = self._context(con)
            try:
                report, modules = compute_modules(ctx, **params)
            finally:
                self._keep_index(ctx)
            save_modules(con, modules)
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
                    period: str = "month") -> dict[str, Any]:
    """``skillgap signals`` over an open connection (``signals_command`` opens its own, read-only)."""
    from analysis.demand import demand_series, exposure_series
    from analysis.signals import SignalSettings, assess_series, signals_from_tests

    filters = dict(period=period, rome_code=rome_code, region_code=region_code, date_from=date_from, date_to=date_to)
    rows, exposure = demand_series(con, **filters), exposure_series(con, **filters)
    if exposure.empty:
        raise UserError("aucune offre datée ne correspond à ces filtres (métier, région, dates)")
    settings = SignalSettings()
    tested = assess_series(rows, exposure=exposure, settings=settings)
    n_tested = int(tested["support_reason"].isna().sum()) if len(tested) else 0
    if n_tested == 0:
        raise UserError(f"pas assez d'offres pour tester une tendance : {int(exposure['n_ads'].sum())} offre(s), "
                        f"{len(tested)} série(s) compétence × métier, aucune n'atteint le support minimal "
                        f"({settings.min_ads_with_skill} annonces avec la compétence, {settings.min_periods} périodes)")
    signals = [s.model_dump(mode="json") for s in signals_from_tests(tested, kind=kind, period=period)]
    return {"signals": signals, "n_ads": int(exposure["n_ads"].sum()), "n_series_tested": n_tested,
            "first_period_start": min(exposure["period_start"]).isoformat(),
            "last_period_start": max(exposure["period_start"]).isoformat()}


def run_cached(con: duckdb.DuckDBPyConnection, engine: Engine, kind: str, params: dict[str, Any], *,
               fp: str | None = None) -> cache.CacheEntry:
    """The cached entry of (kind, params), computed and stored first when absent."""
    model_name = engine.encoder.name
    fp = fp or cache.fingerprint(con, model_name=model_name)
    hit = cache.lookup(con, cache.cache_key(kind, params, fp))
    if hit is not None:
        return hit
    started = time.perf_counter()
    try:
        payload: dict[str, Any] = {"ok": engine.compute(con, kind, dict(params))}
    except UserError as e:
        status, code = user_error_status(e)
        payload = {"error": {"status": status, "code": code, "message": str(e)}}
    elapsed = time.perf_counter() - started
    log.info("computed %s %s in %.1f s", kind, params, elapsed)
    return cache.save(con, kind=kind, params=params, fp=fp, model_name=model_name,
                      payload=json.dumps(payload, default=json_default, ensure_ascii=False), compute_s=elapsed)


class Computer:
    """The worker thread of an API process (see module docstring)."""

    def __init__(self, base: duckdb.DuckDBPyConnection, encoder_factory: EncoderFactory):
        self._base = base
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="skillgap-compute")
        self._con: duckdb.DuckDBPyConnection | None = None
        self.fingerprints = cache.FingerprintMemo()
        self.engine: Engine = self._pool.submit(self._start, encoder_factory).result()

    def _start(self, encoder_factory: EncoderFactory) -> Engine:
        self._con = self._base.cursor()
        return Engine(encoder_factory())

    @property
    def model_name(self) -> str:
        return self.engine.encoder.name

    def run(self, kind: str, params: dict[str, Any]) -> cache.CacheEntry:
        """Compute (or find, if another request just computed it) on the worker thread."""
        return self._pool.submit(lambda: run_cached(self._con, self.engine, kind, params)).result()

    def submit(self, fn: Callable[[duckdb.DuckDBPyConnection, Engine], Any]) -> Any:
        return self._pool.submit(lambda: fn(self._con, self.engine)).result()

    def close(self) -> None:
        def _close() -> None:
            close = getattr(self.engine.encoder, "close", None)
            if close is not None:
                close()
            if self._con is not None:
                self._con.close()
        self._pool.submit(_close).result()
        self._pool.shutdown(wait=True)


def warm_cache(con: duckdb.DuckDBPyConnection, rome_codes: list[str] | None = None, *,
               region_codes: tuple[str | None, ...] = (None,), encoder: Any = None,
               kinds: tuple[str, ...] = ("gaps", "modules")) -> dict[str, int]:
    """Compute and store the gap reports and modules the API serves (the weekly batch calls this).

    Args:
        con: a write connection to the store.
        rome_codes: occupations to compute; default: every ROME code of the stored ads.
        region_codes: regions to compute for each occupation (None = all regions).
        encoder: the embedding encoder; default the API's (``SKILLGAP_API_MODEL``).
        kinds: results to compute (``gaps``, ``modules``).
    Returns:
        counts: ``computed`` (new entries), ``cached`` (already there), ``errors`` (stored UserErrors).
    """
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
                if cache.lookup(con, key) is not None:
                    counts["cached"] += 1
                    continue
                entry = run_cached(con, engine, kind, params, fp=fp)
                counts["errors" if entry.payload.startswith('{"error"') else "computed"] += 1
    return counts


def gap_params(*, rome_code: str, region_code: str | None = None, date_from: date | None = None,
               date_to: date | None = None, all_active: bool = False) -> dict[str, Any]:
    """The canonical parameters of a gaps / modules request (the cache key's input)."""
    return {"rome_code": rome_code, "region_code": region_code, "date_from": date_from, "date_to": date_to,
            "all_active": all_active}


def cached_result(con: duckdb.DuckDBPyConnection, computer: Computer, kind: str, params: dict[str, Any], *,
                  compute_on_miss: bool, memo: cache.FingerprintMemo | None = None) -> tuple[Any, cache.CacheEntry]:
    """(result, entry) of (kind, params) for a request: a lookup, else a computation on the worker.

    Raises ``ApiError`` for a cached UserError (404/422) or a miss when computing is off (503).
    """
    from api.errors import ApiError

    memo = memo or computer.fingerprints
    fp = memo.get(con, model_name=computer.model_name)
    entry = cache.lookup(con, cache.cache_key(kind, params, fp))
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
