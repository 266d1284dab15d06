"""Helpers of the NLP tests (a module with a unique name: test files import it, never `conftest`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from nlp.embed import normalize_rows
from nlp.referential import Referential
from nlp.text import fold


class HashEncoder:
    name = "hash-bow-64"
    dim = 64

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in fold(text).replace("'", " ").split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += (
                    1.0
                )
        return normalize_rows(out)


def toy_referential() -> Referential:
    occupations = pd.DataFrame(
        {
            "rome_code": ["M1801", "M1894", "H2913"],
            "label": [
                "Administrateur / Administratrice de systèmes d'information",
                "Administrateur / Administratrice de bases de données",
                "Soudeur / Soudeuse",
            ],
            "parent_rome_code": ["M1801", "M1801", "H2913"],
        }
    )
    appellations = pd.DataFrame(
        {
            "appellation_code": ["1", "2", "3"],
            "label": [
                "Administrateur / Administratrice systèmes et réseaux",
                "Administrateur / Administratrice de bases de données",
                "Soudeur / Soudeuse à l'arc",
            ],
            "short_label": [None, None, None],
            "rome_code": ["M1801", "M1894", "H2913"],
        }
    )
    skills = pd.DataFrame(
        {
            "skill_code": ["100", "101", "102", "200", "201"],
            "label": [
                "Administrer un système d'informations",
                "Gérer la sécurité informatique",
                "Langage SQL",
                "Souder à l'arc",
                "Contrôler la conformité des soudures",
            ],
            "kind": [
                "savoir-faire",
                "savoir-faire",
                "savoir",
                "savoir-faire",
                "savoir-faire",
            ],
            "category_label": [None] * 5,
            "source": ["rome"] * 5,
            "alt_labels": [None] * 5,
            "label_en": [None] * 5,
            "alt_labels_en": [None] * 5,
        }
    )
    links = pd.DataFrame(
        {
            "rome_code": ["M1801", "M1801", "M1894", "H2913", "H2913"],
            "skill_code": ["100", "101", "102", "200", "201"],
            "is_core": [True, False, True, True, False],
            "is_emerging": [False] * 5,
        }
    )
    esco = pd.DataFrame(
        {
            "skill_code": ["esco:sql", "esco:weld"],
            "label": ["SQL", "souder des métaux"],
            "kind": ["savoir", "savoir-faire"],
            "category_label": [None, None],
            "source": ["esco", "esco"],
            "alt_labels": [["langage SQL"], []],
            "label_en": ["SQL", "weld metals"],
            "alt_labels_en": [[], ["welding"]],
        }
    )
    return Referential(
        "rome:toy+esco:toy", occupations, appellations, skills, links, esco
    )
