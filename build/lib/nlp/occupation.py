"""Ad title → ROME 4.0 fiche.

The title is cleaned (gender marks, contract words) and accent-folded, then compared with every
ROME appellation and fiche label, each read in its masculine and feminine forms
(« Conducteur / Conductrice d'engins » → two phrases). A fiche's score is the best similarity of
its phrases; an exact match of the folded title with a phrase adds a bonus.

ROME v3 / 4.0: ROME 4.0 split some v3 fiches (M1801 → M1801, M1894 …); each 4.0 fiche keeps its v3
parent (``parent_rome_code``). France Travail ads carry a v3 code before 2024 and a 4.0 code after,
so predictions are compared with ``romeCode`` at the v3 level (``parent(predicted) == parent(gold)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlp.index import LabelIndex
from nlp.referential import Referential
from nlp.text import clean_title, fold, gender_forms

EXACT_BONUS = 0.05


def title_phrases(ref: Referential) -> tuple[list[str], list[str]]:
    """(folded phrases, rome codes) for appellations and fiche labels, both genders."""
    phrases: dict[tuple[str, str], None] = {}
    short = ref.appellations.short_label.fillna(ref.appellations.label)
    for labels, codes in (
        (ref.appellations.label, ref.appellations.rome_code),
        (short, ref.appellations.rome_code),
        (ref.occupations.label, ref.occupations.rome_code),
    ):
        for label, code in zip(labels, codes, strict=True):
            for form in gender_forms(label):
                phrases[(fold(form), code)] = None
    keys = list(phrases)
    return [p for p, _ in keys], [c for _, c in keys]


def query_text(title: str) -> str:
    """The folded, cleaned title used as the query.

    >>> query_text("ELECTRICIEN BATIMENT (H/F)")
    'electricien batiment'
    """
    return fold(clean_title(title))


@dataclass(frozen=True)
class FicheScores:
    """Ranked fiches of one ad."""

    rome_codes: tuple[str, ...]
    scores: tuple[float, ...]


class OccupationModel:
    """Nearest appellation / fiche label, best score per fiche."""

    def __init__(self, index: LabelIndex, *, search_k: int, exact: dict[str, set[str]]) -> None:
        self.index = index
        self.search_k = search_k
        self.exact = exact

    def rank(self, queries: list[str], vectors: np.ndarray, *, top_k: int) -> list[FicheScores]:
        """Top fiches for each (folded title, title vector)."""
        out = []
        for query, best in zip(queries, self.index.best_per_key(vectors, self.search_k), strict=True):
            for code in self.exact.get(query, ()):
                best[code] = max(best.get(code, 0.0), 1.0) + EXACT_BONUS
            ranked = sorted(best.items(), key=lambda kv: -kv[1])[:top_k]
            out.append(FicheScores(tuple(c for c, _ in ranked), tuple(round(s, 4) for _, s in ranked)))
        return out


def exact_table(phrases: list[str], codes: list[str]) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for phrase, code in zip(phrases, codes, strict=True):
        table.setdefault(phrase, set()).add(code)
    return table
