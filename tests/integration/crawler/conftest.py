"""Real local servers for the crawler tests: the job site (crawler.localsite) and a fake France
Travail API implementing the documented contract (token, search, 206 paging, 204, 429, 401)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from crawler_support import (  # noqa: F401 - used by the fixtures below
    FT_DEV,
    SHARED,
    WRITTEN_OFFERS,
    FakeFranceTravail,
    no_contact_data,
    run_cli,
)


@pytest.fixture
def fake_ft() -> Iterator[tuple[FakeFranceTravail, str]]:
    if FT_DEV.exists():
        import gzip

        offers = [
            json.loads(line) for line in gzip.open(FT_DEV, "rt", encoding="utf-8")
        ][:400]
        api = FakeFranceTravail(offers, page_cap=50, max_results=150)
    else:
        api = FakeFranceTravail(WRITTEN_OFFERS, page_cap=2, max_results=4)

    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers, payload = api.handle(
                method, self.path, dict(self.headers), body
            )
            api.log.append((status, self.path))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield api, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
