"""Helpers of the API tests (a module with a unique name: test files import it, never `conftest`)."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import numpy as np

FT_DEV = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "data"
    / "eval"
    / "fr_job_ads_france_travail.dev.jsonl.gz"
)


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


_WORDS = [
    "agence",
    "banque",
    "santé",
    "énergie",
    "transport",
    "logistique",
    "commerce",
    "industrie",
    "agriculture",
    "tourisme",
    "culture",
    "sport",
    "éducation",
    "assurance",
    "immobilier",
    "chimie",
    "textile",
    "automobile",
    "aéronautique",
    "numérique",
    "conseil",
    "audit",
    "marketing",
    "juridique",
    "public",
    "association",
    "mutuelle",
    "hôpital",
    "clinique",
    "usine",
    "atelier",
    "chantier",
    "magasin",
    "entrepôt",
    "laboratoire",
    "recherche",
    "startup",
    "groupe",
    "filiale",
    "réseau",
    "franchise",
    "coopérative",
    "collectivité",
    "ministère",
    "université",
    "école",
    "formation",
    "alternance",
    "télétravail",
    "horaires",
    "prime",
    "mutuelle",
    "tickets",
    "parking",
    "vélo",
    "crèche",
    "intéressement",
    "participation",
    "croissance",
    "innovation",
    "qualité",
    "sécurité",
    "environnement",
    "clients",
    "partenaires",
    "fournisseurs",
]


def written_offer(
    i: int, *, rome: str = "M1805", day: int = 10, skills: tuple[str, ...] = ()
) -> dict:
    """A France Travail API offer written for the tests."""
    rng = random.Random(i)
    intro = " ".join(rng.choice(_WORDS) for _ in range(60))
    ticked = skills or (
        "Développer une application web",
        "Concevoir une base de données",
        "Kubernetes",
    )
    return {
        "id": f"APITEST{i:04d}",
        "intitule": f"Développeur web Python (H/F) n°{i}",
        "romeCode": rome,
        "description": (
            f"{intro}.\nMissions :\n- Développer une application web "
            f"en Python et Django\n- Déployer sur Kubernetes\n- Concevoir une base de données PostgreSQL\n"
            f"Profil : Bac+3, autonomie, goût du travail en équipe (réf. {i * 7919})."
        ),
        "dateCreation": f"2025-01-{day:02d}T08:00:00.000Z",
        "dateActualisation": f"2025-01-{day:02d}T08:00:00.000Z",
        "lieuTravail": {
            "libelle": "69 - LYON 03",
            "codePostal": "69003",
            "commune": "69383",
        },
        "entreprise": {"nom": f"Logiciels {i}"},
        "typeContrat": "CDI",
        "competences": [{"libelle": s, "exigence": "E"} for s in ticked],
    }


WRITTEN = [written_offer(i, day=10 + i) for i in range(8)]

RUN = ["test-model", "v1", "{}", "rome:test", "2025-03-01 00:00:00"]


def add_mentions(store: Path, ad_id: str) -> None:
    """Mentions of 'Python' (linked) and 'Kubernetes' (unlinked) in one ad, in the NLP stage's tables."""
    from skillgap.store import connect

    con = connect(store)
    try:
        description = con.execute(
            "SELECT description FROM core_ads__job_ads WHERE ad_id = ?", [ad_id]
        ).fetchone()[0]
        for rank_code, word in (("300487", "Python"), (None, "Kubernetes")):
            start = description.index(word)
            mention_id = f"{ad_id}:{start}-{start + len(word)}"
            con.execute(
                "INSERT INTO core_nlp__mentions VALUES (?, ?, ?, ?, ?, 'missions', 'item', ?, ?, ?, ?, ?, ?)",
                [
                    ad_id,
                    mention_id,
                    word,
                    start,
                    start + len(word),
                    rank_code is not None,
                    *RUN,
                ],
            )
            if rank_code:
                con.execute(
                    "INSERT INTO core_nlp__links VALUES (?, ?, ?, 'rome', 0.71, 1, 'embedding', ?, ?, ?, ?, ?)",
                    [ad_id, mention_id, rank_code, *RUN],
                )
    finally:
        con.close()
