"""A real store for the API tests (built once per session): bundled referentials, hand-written
ads (always), the France Travail dev ads (when ../shared is there), a few NLP mentions, an API key.

The encoder is a hashed bag of words (64 dimensions, instant): coverage scores are meaningless
but every code path of the analysis runs. It carries the name of the calibrated USE model so the
analysis finds coverage thresholds for it; the store is private to the tests, so its cached
results can never be mistaken for real ones.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

FT_DEV = Path(__file__).resolve().parents[4] / "shared" / "data" / "eval" / "fr_job_ads_france_travail.dev.jsonl.gz"


class HashEncoder:
    name = "use-multilingual-v3"
    dim = 64

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms


_WORDS = ("agence banque santé énergie transport logistique commerce industrie agriculture tourisme culture sport "
          "éducation assurance immobilier chimie textile automobile aéronautique numérique conseil audit marketing "
          "juridique public association mutuelle hôpital clinique usine atelier chantier magasin entrepôt laboratoire "
          "recherche startup groupe filiale réseau franchise coopérative collectivité ministère université école "
          "formation alternance télétravail horaires prime mutuelle tickets parking vélo crèche intéressement "
          "participation croissance innovation qualité sécurité environnement clients partenaires fournisseurs").split()


def written_offer(i: int, *, rome: str = "M1805", day: int = 10, skills: tuple[str, ...] = ()) -> dict:
    """A France Travail API offer written for the tests."""
    rng = random.Random(i)
    intro = " ".join(rng.choice(_WORDS) for _ in range(60))
    ticked = skills or ("Développer une application web", "Concevoir une base de données", "Kubernetes")
    return {
        "id": f"APITEST{i:04d}", "intitule": f"Développeur web Python (H/F) n°{i}", "romeCode": rome,
        "description": (f"{intro}.\nMissions :\n- Développer une application web "
                        f"en Python et Django\n- Déployer sur Kubernetes\n- Concevoir une base de données PostgreSQL\n"
                        f"Profil : Bac+3, autonomie, goût du travail en équipe (réf. {i * 7919})."),
        "dateCreation": f"2025-01-{day:02d}T08:00:00.000Z", "dateActualisation": f"2025-01-{day:02d}T08:00:00.000Z",
        "lieuTravail": {"libelle": "69 - LYON 03", "codePostal": "69003", "commune": "69383"},
        "entreprise": {"nom": f"Logiciels {i}"}, "typeContrat": "CDI",
        "competences": [{"libelle": s, "exigence": "E"} for s in ticked],
    }


WRITTEN = [written_offer(i, day=10 + i) for i in range(8)]

RUN = ["test-model", "v1", "{}", "rome:test", "2025-03-01 00:00:00"]


def add_mentions(store: Path, ad_id: str) -> None:
    """Mentions of 'Python' (linked) and 'Kubernetes' (unlinked) in one ad, in the NLP stage's tables."""
    from skillgap.store import connect

    con = connect(store)
    try:
        description = con.execute("SELECT description FROM core_ads__job_ads WHERE ad_id = ?", [ad_id]).fetchone()[0]
        for rank_code, word in (("300487", "Python"), (None, "Kubernetes")):
            start = description.index(word)
            mention_id = f"{ad_id}:{start}-{start + len(word)}"
            con.execute("INSERT INTO core_nlp__mentions VALUES (?, ?, ?, ?, ?, 'missions', 'item', ?, ?, ?, ?, ?, ?)",
                        [ad_id, mention_id, word, start, start + len(word), rank_code is not None, *RUN])
            if rank_code:
                con.execute("INSERT INTO core_nlp__links VALUES (?, ?, ?, 'rome', 0.71, 1, 'embedding', ?, ?, ?, ?, ?)",
                            [ad_id, mention_id, rank_code, *RUN])
    finally:
        con.close()


@pytest.fixture(scope="session")
def api_store(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The referential store plus ads, mentions and an API key (see module docstring)."""
    from crawler.ingest import ingest

    folder = tmp_path_factory.mktemp("api")
    store = folder / "skillgap.duckdb"
    shutil.copy(loaded_store_path, store)
    written = folder / "written.jsonl"
    written.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in WRITTEN), encoding="utf-8")
    paths = [written] + ([FT_DEV] if FT_DEV.exists() else [])
    ingest(paths, store=store)
    add_mentions(store, "france_travail:APITEST0000")
    return store


@pytest.fixture(scope="session")
def api_key(api_store: Path) -> str:
    from api.keys import create_key
    from skillgap.store import connect

    con = connect(api_store)
    try:
        return create_key(con, label="tests")
    finally:
        con.close()


@pytest.fixture(scope="session")
def app(api_store: Path, api_key: str):
    from api.main import create_app
    from api.settings import ApiSettings

    return create_app(ApiSettings(store=api_store), encoder_factory=HashEncoder)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    """One running app (lifespan entered once) for the session."""
    with TestClient(app) as c:
        yield c
