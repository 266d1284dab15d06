"""The service keeps answering while the batch writes the store, then serves the new data.

A real ``skillgap serve`` (uvicorn, in its own process) over a store; meanwhile the real
``skillgap ingest`` and ``skillgap process`` commands write that store in other processes.
Every request sent during the batch must answer 200 (old or new data, never an error), and
after it the service must serve the ads the batch added, processed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from api_support import written_offer

from skillgap.store import snapshot_dir

pytestmark = pytest.mark.slow

BEFORE = [written_offer(700 + i, day=3 + i) for i in range(6)]
BATCH = [written_offer(800 + i, day=12 + i) for i in range(40)]
NEW_AD = "france_travail:APITEST0800"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def _write_jsonl(path: Path, offers: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in offers), encoding="utf-8")
    return path


@pytest.fixture
def served(loaded_store_path: Path, tmp_path: Path):
    store = tmp_path / "skillgap.duckdb"
    shutil.copy(loaded_store_path, store)
    env = {**os.environ, "SKILLGAP_STORE": str(store), "SKILLGAP_CACHE_DIR": str(tmp_path / "cache")}
    first = _cli("ingest", str(_write_jsonl(tmp_path / "before.jsonl", BEFORE)), env=env)
    assert first.returncode == 0, first.stderr
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")  # a file, not a pipe nobody reads (uvicorn logs every request)
    server = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            server.wait()
            log.close()
            pytest.fail(f"skillgap serve did not start:\n{(tmp_path / 'serve.log').read_text()}")
        time.sleep(0.2)
    try:
        yield base, store, env, tmp_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_every_request_answers_during_the_batch_and_new_data_follows(served) -> None:
    base, store, env, tmp_path = served
    urls = ["/health", "/ads?rome_code=M1805&limit=5", "/occupations/M1805", "/ads/france_travail:APITEST0700",
            "/version"]
    before = httpx.get(f"{base}/health").json()["n_ads"]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    stop = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                for url in urls:
                    response = client.get(url)
                    statuses[response.status_code] += 1
                    if response.status_code != 200:
                        failures.append(f"{url}: {response.status_code} {response.text[:300]}")

    pollers = [threading.Thread(target=poll) for _ in range(2)]
    for t in pollers:
        t.start()
    try:
        ingest = _cli("ingest", str(_write_jsonl(tmp_path / "batch.jsonl", BATCH)), env=env)
        processed = _cli("process", "--rerank", "none", env=env)  # the USE re-ranker's indexes cost minutes
    finally:
        stop.set()
        for t in pollers:
            t.join(timeout=60)
    assert ingest.returncode == 0, ingest.stderr
    assert processed.returncode == 0, processed.stderr
    assert not failures, failures[:5]
    assert sum(statuses.values()) >= 50, statuses  # the service was really asked during the batch

    after = httpx.get(f"{base}/health").json()
    assert after["n_ads"] == before + len(BATCH)
    ad = httpx.get(f"{base}/ads/{NEW_AD}")
    assert ad.status_code == 200, ad.text
    assert ad.json()["is_processed"]  # the NLP step's rows are served too
    snapshots = sorted(p.name for p in snapshot_dir(store).glob("*.duckdb"))
    assert len(snapshots) == 2  # older snapshots are pruned
