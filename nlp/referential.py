"""The referential data the NLP stage reads from the store, current versions only.

``load_referential(con)`` returns one ``Referential``: ROME fiches, appellations, ROME skills
(competences, macro-competences, knowledge items), the fiche → skill links with their core /
emerging flags, and ESCO skills with French and English labels. ``version_key`` names the exact
referential versions read; it keys the FAISS indexes and is recorded on every output row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from referentials import queries
from skillgap.errors import InsufficientDataError

#: the columns of ``rome_skills`` and ``esco_skills``
SKILL_COLUMNS = ("skill_code", "label", "kind", "category_label", "source", "alt_labels", "label_en", "alt_labels_en")


@dataclass(frozen=True)
class Referential:
    """Referential tables as DataFrames (columns: see the ``referentials.queries`` function that reads each)."""

    version_key: str
    occupations: pd.DataFrame
    appellations: pd.DataFrame
    rome_skills: pd.DataFrame
    occupation_skills: pd.DataFrame
    esco_skills: pd.DataFrame
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def parent_code(self, rome_code: str) -> str:
        """The ROME v3-level code of a ROME 4.0 fiche (itself when unknown or already v3)."""
        parents = self._cache.get("parents")
        if parents is None:
            parents = dict(zip(self.occupations.rome_code, self.occupations.parent_rome_code.fillna(""), strict=True))
            self._cache["parents"] = parents
        return parents.get(rome_code) or rome_code

    def fiche_skills(self) -> dict[str, pd.DataFrame]:
        """rome_code → its skills (skill_code, is_core, is_emerging), memoised."""
        grouped = self._cache.get("fiche_skills")
        if grouped is None:
            grouped = {code: frame for code, frame in self.occupation_skills.groupby("rome_code", sort=False)}
            self._cache["fiche_skills"] = grouped
        return grouped


def load_referential(con: duckdb.DuckDBPyConnection) -> Referential:
    """Read the current ROME and ESCO versions from the store (``referentials.queries``).

    Raises ``InsufficientDataError`` when ROME is not loaded (``skillgap referentials load`` first).
    """
    versions = queries.current_versions(con)
    if "rome" not in versions:
        raise InsufficientDataError("aucune version courante du ROME dans le magasin : "
                                    "lancez d'abord `skillgap referentials load`")
    skills = queries.skills(con)[list(SKILL_COLUMNS)]
    return Referential(
        version_key="+".join(sorted(v["version_id"] for s, v in versions.items() if s in ("rome", "esco"))),
        occupations=queries.rome_occupations(con)[["rome_code", "label", "parent_rome_code"]],
        appellations=queries.rome_appellations(con),
        rome_skills=skills[skills.source == "rome"].reset_index(drop=True),
        occupation_skills=queries.rome_occupation_skills(con),
        esco_skills=skills[skills.source == "esco"].reset_index(drop=True),
    )
