"""A real ``uvicorn`` server of the API + web application over a test store, and a real browser.

The store is built as the API tests build theirs (``tests/integration/api/api_support.py``:
bundled referentials, hand-written ads, the France Travail dev ads when ../shared is there, the
hashed bag-of-words test encoder). Chromium is Debian's (``/usr/bin/chromium``), driven by
Playwright from PyPI (``executable_path``: no ``playwright install``); without it the browser
tests skip and say why.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_support import FT_DEV, WRITTEN, HashEncoder, add_mentions  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def web_store(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from crawler.ingest import ingest

    folder = tmp_path_factory.mktemp("web")
    store = folder / "skillgap.duckdb"
    shutil.copy(loaded_store_path, store)
    written = folder / "written.jsonl"
    written.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in WRITTEN), encoding="utf-8")
    ingest([written] + ([FT_DEV] if FT_DEV.exists() else []), store=store)
    add_mentions(store, "france_travail:APITEST0000")
    return store


@pytest.fixture(scope="session")
def reviewer_key(web_store: Path) -> str:
    from api.keys import create_key
    from api.state import ApiState

    return create_key(ApiState.for_store(web_store), label="Relectrice OPMQ")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(web_store: Path, reviewer_key: str) -> Iterator[str]:
    """Base URL of a real uvicorn server (in a thread of the test process, so it can use the test encoder)."""
    import httpx
    import uvicorn

    from api.main import create_app
    from api.settings import ApiSettings

    app = create_app(ApiSettings(store=web_store), encoder_factory=HashEncoder)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        pytest.fail(f"le serveur de test ne répond pas sur {base}")
    yield base
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"chromium absent ({CHROMIUM}) : installez le paquet Debian `chromium` pour les tests navigateur")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright absent (extra [dev])")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of the screenshots of every page the tests open."""
    return tmp_path_factory.mktemp("screenshots")
