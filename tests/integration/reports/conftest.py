"""A store with the bundled referentials and job ads WRITTEN FOR THESE TESTS (not real ads), and a
fast hashing encoder, so the weekly report runs end to end without ../shared and in seconds."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.config import Thresholds

# Ads written for the tests: occupation → (title, skills always asked, skills sometimes asked)
OCCUPATIONS = {
    "M1805": ("Développeur Python H/F", ["Développer des applications en Python"],
              ["Rédiger des tests automatisés", "Utiliser Git au quotidien", "Concevoir une API REST"]),
    "K2303": ("Ripeur / Ripeuse H/F", ["Collecter les déchets ménagers"],
              ["Respecter les consignes de sécurité routière", "Trier les encombrants"]),
    "Z9999": ("Métier fictif de test", ["Compétence fictive"], []),  # unknown ROME code → reported reason
}
RISING = "Déployer des conteneurs Kubernetes"  # M1805, share rising over the months
WEEK = "2025-W10"  # 3 → 9 March 2025
SEEN = dt.datetime(2025, 3, 10)


class HashEncoder:
    """Deterministic bag of word stems hashed into 256 dimensions (a stand-in, not a language model)."""

    name = "test-hash-encoder"
    dim = 256

    def __init__(self) -> None:
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        for t, v in zip(missing, self._encode(missing), strict=True):
            self._memo[t] = v
        return np.stack([self._memo[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def _encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
            for word in re.findall(r"[a-z0-9]{3,}", folded):
                out[i, int(hashlib.md5(word[:6].encode()).hexdigest(), 16) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


def written_ads(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """~420 ads over 12 months ending in WEEK, with their ticked skills."""
    rng = np.random.default_rng(seed)
    ads, ticks = [], []
    for m in range(12):
        for code, (title, always, sometimes) in OCCUPATIONS.items():
            n = {"M1805": 22, "K2303": 12, "Z9999": 1}[code]
            for i in range(n):
                created = dt.datetime(2024, 3, 18, 9) + dt.timedelta(days=30 * m + (i % 28), minutes=i)
                ad_id = f"test-{code}-{m:02d}-{i:02d}"
                asked = list(always) + [s for s in sometimes if rng.uniform() < 0.5]
                if code == "M1805" and rng.uniform() < 0.05 + 0.06 * m:
                    asked.append(RISING)
                description = "Annonce écrite pour les tests.\nMissions :\n" + "\n".join(f"- {s}" for s in asked)
                ads.append((ad_id, title, description, created, code, "84" if i % 3 else "11"))
                ticks += [(ad_id, k, None, s) for k, s in enumerate(asked)]
    return (pd.DataFrame(ads, columns=["ad_id", "title", "description", "created_at", "rome_code", "region_code"]),
            pd.DataFrame(ticks, columns=["ad_id", "position", "skill_code", "label"]))


def insert_ads(con, ads: pd.DataFrame, ticks: pd.DataFrame) -> None:
    con.execute("""INSERT INTO core_ads__job_ads (ad_id, title, description, created_at, rome_code, region_code,
                   content_hash, first_seen_at, last_seen_at)
                   SELECT ad_id, title, description, created_at, rome_code, region_code, ad_id, ?, ? FROM ads""",
                [SEEN, SEEN])
    con.execute("""INSERT INTO core_ads__ad_sources (source, source_key, ad_id, duplicate_kind, first_seen_at,
                                                     last_seen_at)
                   SELECT 'test', ad_id, ad_id, 'canonical', ?, ? FROM ads""", [SEEN, SEEN])
    con.execute("INSERT INTO core_ads__ticked_skills (ad_id, position, skill_code, label) SELECT * FROM ticks")


@pytest.fixture
def report_store(loaded_store: Path) -> Path:
    from skillgap.store import connect

    con = connect(loaded_store)
    ads, ticks = written_ads()
    con.register("ads", ads)
    con.register("ticks", ticks)
    insert_ads(con, ads, ticks)
    con.close()
    return loaded_store


@pytest.fixture
def test_thresholds(monkeypatch):
    """Coverage thresholds for the hashing encoder (never calibrated: it is not a real model)."""
    monkeypatch.setattr("analysis.gaps.thresholds_for", lambda name: Thresholds(covered=0.75, partial=0.55))


def france_travail_file(path: Path) -> Path:
    """Three ads written for the test, as France Travail API objects, created in WEEK."""
    texts = [
        ("Développeur Python H/F", "M1805", "Nous recherchons un développeur pour notre équipe produit à Lyon. "
         "Vous développerez des applications en Python et déploierez des conteneurs Kubernetes."),
        ("Ripeur H/F", "K2303", "Collectivité du Rhône recrute un ripeur pour la collecte des déchets ménagers "
         "en tournée du matin, dans le respect des consignes de sécurité routière."),
        ("Développeuse web H/F", "M1805", "Agence web de Villeurbanne cherche une développeuse passionnée "
         "pour concevoir une API REST et maintenir les sites de ses clients associatifs."),
    ]
    objs = [{"id": f"TEST{i}", "intitule": t, "description": d + " Annonce écrite pour les tests de skillgap.",
             "dateCreation": f"2025-03-0{4 + i}T10:00:00.000Z", "romeCode": code,
             "lieuTravail": {"libelle": "69 - LYON 03", "codePostal": "69003", "commune": "69383"}}
            for i, (t, code, d) in enumerate(texts)]
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)
    return path


def png_is_not_blank(path: Path) -> bool:
    import matplotlib.image

    pixels = matplotlib.image.imread(str(path))
    return pixels.ndim == 3 and pixels.shape[0] > 50 and pixels.shape[1] > 50 and \
        len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 10


@pytest.fixture(scope="session")
def hash_encoder() -> HashEncoder:
    return HashEncoder()


@pytest.fixture
def png_check():
    """``png_check(path)``: the PNG decodes and is not a blank (near single-colour) image."""
    return png_is_not_blank


@pytest.fixture
def ft_ads_file(tmp_path: Path) -> Path:
    return france_travail_file(tmp_path / "written_for_tests.jsonl.gz")


@pytest.fixture
def report_week() -> str:
    return WEEK
