"""Helpers of the crawler tests (a module with a unique name: test files import it, never `conftest`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "eval"
FT_DEV = SHARED / "fr_job_ads_france_travail.dev.jsonl.gz"

WRITTEN_OFFERS = [
    {"id": f"T{i:06d}", "intitule": title, "description": desc, "dateCreation": f"2025-01-{i + 10:02d}T08:00:00.000Z",
     "dateActualisation": f"2025-01-{i + 10:02d}T08:00:00.000Z", "romeCode": rome,
     "lieuTravail": {"libelle": lib, "codePostal": pc, "commune": com}, "entreprise": {"nom": f"Entreprise {i}"},
     "typeContrat": "CDI", "competences": [{"code": "100341", "libelle": "Procédures d'encaissement", "exigence": "S"}],
     "contact": {"nom": "Mme Secret", "courriel": "secret@example.org", "telephone": "0600000000"}}
    for i, (title, desc, rome, lib, pc, com) in enumerate([
        ("Vendeur en boulangerie (H/F)",
         "Boulangerie artisanale recherche un vendeur.\n- Accueil des clients\n- Encaissement\n"
         "- Mise en rayon des produits",
         "D1106", "69 - LYON 03", "69003", "69383"),
        ("Maçon coffreur (H/F)",
         "Entreprise de gros oeuvre recrute un maçon coffreur pour ses chantiers de logements collectifs.\n"
         "- Coffrage\n- Ferraillage",
         "F1703", "2A - AJACCIO", "20000", "2A004"),
        ("Technicien de maintenance industrielle",
         "Vous assurez la maintenance préventive et curative des lignes de production de notre usine.",
         "I1304", "59 - LILLE", "59000", "59350"),
        ("Assistant comptable (F/H)",
         "Cabinet d'expertise comptable recherche un assistant pour la tenue des dossiers de ses clients TPE.",
         "M1203", "974 - ST DENIS", "97400", "97411"),
        ("Infirmier de bloc opératoire H/F",
         "Clinique chirurgicale recrute un infirmier de bloc opératoire diplômé d'État, temps plein.",
         "J1506", "75 - Paris 15e Arrondissement", "75015", "75115"),
    ])
]  # fmt: skip


class FakeFranceTravail:
    """Token endpoint + /offres/search over a list of offers; one 429 and one token expiry on purpose
    (or a 429 on every search with ``always_rate_limited``)."""

    def __init__(self, offers: list[dict], *, page_cap: int, max_results: int):
        self.offers = sorted(offers, key=lambda o: o["dateCreation"])
        self.page_cap, self.max_results = page_cap, max_results
        self.tokens_issued = 0
        self.searches = 0
        self.always_rate_limited = False  # every search answers 429 (Retry-After: 0)
        self.log: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def handle(
        self, method: str, path: str, headers: dict, body: bytes
    ) -> tuple[int, dict, bytes]:
        url = urlparse(path)
        if method == "POST" and url.path == "/token":
            form = parse_qs(body.decode())
            if form.get("client_id") != ["id-test"] or form.get("client_secret") != [
                "secret-test"
            ]:
                return 401, {}, b'{"error": "invalid_client"}'
            with self._lock:
                self.tokens_issued += 1
                token = f"tok{self.tokens_issued}"
            return (
                200,
                {"Content-Type": "application/json"},
                json.dumps({"access_token": token, "expires_in": 1499}).encode(),
            )
        if url.path != "/v2/offres/search":
            return 404, {}, b""
        with self._lock:
            self.searches += 1
            n = self.searches
        if self.always_rate_limited:
            return 429, {"Retry-After": "0"}, b""
        if n == 2:
            return 429, {"Retry-After": "1"}, b""
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer tok") or (n >= 4 and auth == "Bearer tok1"):
            return 401, {}, b""  # the first token expires after a few calls
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        start, end = (int(x) for x in q["range"].split("-"))
        if (
            end - start + 1 > self.page_cap
            or start > self.max_results - self.page_cap
            or end >= self.max_results
        ):
            return 400, {}, b'{"message": "range invalide"}'
        lo, hi = q["minCreationDate"], q["maxCreationDate"]
        hits = [o for o in self.offers if lo <= o["dateCreation"][:19] + "Z" <= hi]
        if not hits:
            return 204, {}, b""
        page = hits[start : end + 1]
        last = start + len(page) - 1
        status = 200 if last + 1 >= len(hits) else 206
        return (
            status,
            {
                "Content-Type": "application/json",
                "Content-Range": f"offres {start}-{last}/{len(hits)}",
            },
            json.dumps({"resultats": page, "filtresPossibles": []}).encode(),
        )


def run_cli(
    *args: str, env: dict | None = None, timeout: int = 120
) -> tuple[dict, subprocess.CompletedProcess]:
    """Run ``skillgap ARGS`` in a subprocess; returns (last-line JSON, process)."""
    import os

    proc = subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )  # fmt: skip
    lines = [line for line in proc.stdout.strip().splitlines() if line.strip()]
    assert proc.returncode == 0, (
        f"rc={proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    )
    return json.loads(lines[-1]), proc


def no_contact_data(store: Path) -> None:
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    dump = json.dumps(
        con.execute("SELECT * FROM core_ads__job_ads").fetchall(), default=str
    )
    con.close()
    assert not re.search(r"secret@example\.org|Mme Secret|0600000000", dump)
