"""``skillgap bench api``: latency of ``GET /occupations/{rome_code}/gaps`` under an open-loop load.

1. copy the store to a temporary folder and bring it to ``n_ads`` ads by adding synthetic copies
   of the stored ads (new ids and content hashes, same text, dates and occupations: the copies are
   labelled ``bench:`` and never touch the user's store);
2. start ``skillgap serve`` on loopback in a subprocess (real uvicorn, real encoder);
3. compute the report once (a cache miss: its time is reported as ``miss_s``);
4. send requests at a fixed ``rate`` for ``duration_s`` (open loop: a request starts at its
   scheduled time whatever the previous ones do), at most ``concurrency`` connections, and report
   the latency percentiles of the cache hits, the achieved rate and the errors.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from skillgap.errors import UserError
from skillgap.settings import get_settings
from skillgap.store import connect


def inflate_store(path: Path, n_ads: int) -> int:
    """Add synthetic copies of the stored ads (and their ticked skills) until ``n_ads``; returns the count."""
    from crawler.bench import inflate_ads

    con = connect(path)
    try:
        return inflate_ads(con, n_ads, store=path)
    finally:
        con.close()


async def _load(url: str, *, rate: float, duration_s: float, concurrency: int) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    n = int(rate * duration_s)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        start = time.perf_counter()

        async def one(i: int) -> None:
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            t0 = time.perf_counter()
            response = await client.get(url)
            latencies.append(time.perf_counter() - t0)
            if response.status_code != 200:
                errors.append(f"{response.status_code}: {response.text[:200]}")

        await asyncio.gather(*(one(i) for i in range(n)))
        elapsed = time.perf_counter() - start
    latencies.append(elapsed)  # last element: wall time of the run (popped by the caller)
    return latencies, errors


def _wait_ready(base: str, server: subprocess.Popen, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise UserError(f"le serveur de mesure s'est arrêté (code {server.returncode})")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise UserError(f"le serveur de mesure ne répond pas sur {base} après {timeout_s:.0f} s")


@contextmanager
def served_copy(store: Path, *, n_ads: int, port: int,
                progress: Callable[[str], None] = lambda _: None) -> Iterator[tuple[str, int]]:
    """(base URL, ads stored) of a temporary copy of ``store`` inflated to ``n_ads`` ads and served on
    loopback as ``skillgap serve`` serves it (uvicorn over ``create_app``, API and web app), stopped
    and deleted when the block ends."""
    if not Path(store).is_file():
        raise UserError(f"magasin introuvable : {store}")
    with tempfile.TemporaryDirectory(prefix="skillgap-bench-") as tmp:
        copy = Path(tmp) / "store.duckdb"
        shutil.copy(store, copy)
        n_stored = inflate_store(copy, n_ads)
        progress(f"{n_stored} offres dans la copie {copy}")
        base = f"http://127.0.0.1:{port}"
        # the copy keeps the caller's embedding cache (phrase vectors), else the first computation re-embeds all
        env = {**os.environ, "SKILLGAP_STORE": str(copy),
               "SKILLGAP_CACHE_DIR": str(get_settings().resolved_cache_dir())}
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
                                   "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_ready(base, server)
            yield base, n_stored
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a computation in flight does not stop on SIGTERM
                server.kill()
                server.wait(timeout=30)


def bench_api(store: Path, *, rome_code: str, n_ads: int = 100_000, rate: float = 50.0, duration_s: float = 30.0,
              concurrency: int = 16, port: int = 8765,
              progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Measure (see module docstring); returns the figures, latencies in milliseconds."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with served_copy(store, n_ads=n_ads, port=port, progress=progress) as (base, n_stored):
        url = f"{base}/occupations/{rome_code}/gaps"
        t0 = time.perf_counter()
        first = httpx.get(url, timeout=1800)
        miss_s = time.perf_counter() - t0
        if first.status_code != 200:
            raise UserError(f"GET {url} : {first.status_code} {first.text[:300]}")
        progress(f"premier calcul (cache vide) : {miss_s:.1f} s ; charge {rate}/s pendant {duration_s} s")
        latencies, errors = asyncio.run(_load(url, rate=rate, duration_s=duration_s, concurrency=concurrency))
    wall = latencies.pop()
    ms = np.array(latencies) * 1000
    return {"endpoint": f"GET /occupations/{rome_code}/gaps", "n_ads_stored": n_stored,
            "n_ads_occupation": first.json()["report"]["n_ads"], "target_rate_per_s": rate,
            "achieved_rate_per_s": round(len(ms) / wall, 1), "duration_s": duration_s, "concurrency": concurrency,
            "requests": len(ms), "errors": len(errors), "first_errors": errors[:3], "miss_s": round(miss_s, 2),
            "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1), "max_ms": round(float(ms.max()), 1),
            "cpu_count": os.cpu_count()}
