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

from skillgap.errors import InsufficientDataError

_CURRENT = "version_id IN (SELECT version_id FROM core_meta__referential_versions WHERE is_current)"


@dataclass(frozen=True)
class Referential:
    """Referential tables as DataFrames (see ``referentials/schema.py`` for the columns)."""

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


def _query(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).fetchdf()


def load_referential(con: duckdb.DuckDBPyConnection) -> Referential:
    """Read the current ROME and ESCO versions from the store.

    Raises ``InsufficientDataError`` when ROME is not loaded (``skillgap referentials load`` first).
    """
    versions = _query(con, "SELECT version_id, source FROM core_meta__referential_versions WHERE is_current")
    if "rome" not in set(versions.source):
        raise InsufficientDataError("aucune version courante du ROME dans le magasin : "
                                    "lancez d'abord `skillgap referentials load`")
    occupations = _query(
        con,
        f"SELECT rome_code, label, parent_rome_code FROM core_rome__occupations WHERE {_CURRENT} "
        "ORDER BY rome_code",
    )
    appellations = _query(
        con,
        f"SELECT appellation_code, label, short_label, rome_code FROM core_rome__appellations WHERE {_CURRENT} "
        "ORDER BY appellation_code",
    )
    skills = _query(
        con,
        "SELECT skill_code, label, kind, category_label, source, alt_labels, label_en, alt_labels_en "
        f"FROM core_ref__skills WHERE {_CURRENT} ORDER BY source, skill_code",
    )
    links = _query(
        con,
        "SELECT rome_code, skill_code, is_core, is_emerging FROM core_rome__occupation_skills "
        f"WHERE {_CURRENT} ORDER BY rome_code, skill_code",
    )
    return Referential(
        version_key="+".join(sorted(versions.version_id[versions.source.isin(["rome", "esco"])])),
        occupations=occupations,
        appellations=appellations,
        rome_skills=skills[skills.source == "rome"].reset_index(drop=True),
        occupation_skills=links,
        esco_skills=skills[skills.source == "esco"].reset_index(drop=True),
    )
