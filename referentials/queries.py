"""Query helpers over the current referential versions (the functions later stages use).

All functions take an open store connection and read only the rows of the *current* version
of each source. They return pandas DataFrames (empty when nothing matches; unknown codes are
the caller's to report — see ``occupation`` / ``certification`` which return None).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from skillgap.errors import InsufficientDataError

_CURRENT = "(SELECT version_id FROM core_meta__referential_versions WHERE source = '{}' AND is_current)"


def current(source: str) -> str:
    """SQL sub-query selecting the current version id of ``source``."""
    return _CURRENT.format(source)


def current_versions(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """source → {version_id, version_label, loaded_at, file_hashes} of each current version."""
    rows = con.execute(
        "SELECT source, version_id, version_label, loaded_at, file_hashes FROM core_meta__referential_versions "
        "WHERE is_current ORDER BY source").fetchall()
    return {r[0]: {"version_id": r[1], "version_label": r[2], "loaded_at": r[3], "file_hashes": r[4]} for r in rows}


def require_loaded(con: duckdb.DuckDBPyConnection, *sources: str) -> None:
    """Raise a clear error when a needed source has never been loaded."""
    loaded = current_versions(con)
    missing = [s for s in sources if s not in loaded]
    if missing:
        raise InsufficientDataError(f"référentiel(s) {', '.join(missing)} non chargé(s) dans ce magasin : "
                                    "lancez `skillgap referentials load`")


def rome_occupations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        f"SELECT rome_code, label, parent_rome_code, domain_code, domain_label FROM core_rome__occupations "
        f"WHERE version_id = {current('rome')} ORDER BY rome_code").df()


def occupation(con: duckdb.DuckDBPyConnection, rome_code: str) -> dict | None:
    """One ROME 4.0 fiche with its appellations, or None if the code is unknown."""
    row = con.execute(
        f"SELECT rome_code, label, parent_rome_code, domain_code, domain_label FROM core_rome__occupations "
        f"WHERE version_id = {current('rome')} AND rome_code = ?", [rome_code]).fetchone()
    if row is None:
        return None
    appellations = con.execute(
        f"SELECT label FROM core_rome__appellations WHERE version_id = {current('rome')} AND rome_code = ? "
        "ORDER BY label", [rome_code]).fetchall()
    keys = ("rome_code", "label", "parent_rome_code", "domain_code", "domain_label")
    return dict(zip(keys, row, strict=True)) | {"appellations": [a[0] for a in appellations]}


def rome_appellations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        f"SELECT appellation_code, label, short_label, rome_code FROM core_rome__appellations "
        f"WHERE version_id = {current('rome')} ORDER BY appellation_code").df()


def skills(con: duckdb.DuckDBPyConnection, source: str | None = None) -> pd.DataFrame:
    """Referential skills (ROME competences, macro-competences, knowledge; ESCO skills)."""
    sources = [source] if source else ["rome", "esco"]
    parts = " UNION ALL ".join(
        f"SELECT * EXCLUDE (version_id) FROM core_ref__skills WHERE version_id = {current(s)}" for s in sources)
    return con.execute(f"SELECT * FROM ({parts}) ORDER BY source, skill_code").df()


def rome_v3_code(con: duckdb.DuckDBPyConnection, rome_code: str) -> str | None:
    """The ROME v3-level code a ROME 4.0 fiche derives from (``code_rome_parent``)."""
    row = con.execute(
        f"SELECT parent_rome_code FROM core_rome__occupations WHERE version_id = {current('rome')} AND rome_code = ?",
        [rome_code]).fetchone()
    return row[0] if row else None


def skills_of_occupation(con: duckdb.DuckDBPyConnection, rome_code: str) -> pd.DataFrame:
    """The skills of a ROME 4.0 fiche with their core / emerging flags."""
    return con.execute(
        f"""SELECT s.skill_code, s.label, s.kind, s.nature, s.macro_competence_code, s.macro_competence_label,
                   o.is_core, o.is_emerging
            FROM core_rome__occupation_skills o
            JOIN core_ref__skills s ON s.skill_code = o.skill_code AND s.version_id = o.version_id
            WHERE o.version_id = {current('rome')} AND o.rome_code = ?
            ORDER BY o.is_core DESC, s.kind, s.label""", [rome_code]).df()


def esco_occupations_of_rome(con: duckdb.DuckDBPyConnection, rome_code: str) -> pd.DataFrame:
    """ESCO occupations linked by the official crosswalk to the appellations of a ROME fiche."""
    return con.execute(
        f"""SELECT e.esco_uri, e.label, list(DISTINCT l.relation) AS relations, count(*) AS n_appellations
            FROM core_esco__rome_links l
            JOIN core_rome__appellations a ON a.appellation_code = l.appellation_code
                 AND a.version_id = {current('rome')}
            JOIN core_esco__occupations e ON e.esco_uri = l.esco_uri AND e.version_id = {current('esco')}
            WHERE l.version_id = {current('esco_rome')} AND a.rome_code = ?
            GROUP BY e.esco_uri, e.label ORDER BY n_appellations DESC, e.label""", [rome_code]).df()


def esco_skills_of_occupation(con: duckdb.DuckDBPyConnection, rome_code: str) -> pd.DataFrame:
    """ESCO skills of the ESCO occupations linked to a ROME fiche, essential first.

    ``n_occupations`` counts the linked ESCO occupations that require the skill.
    """
    return con.execute(
        f"""WITH occ AS (
                SELECT DISTINCT l.esco_uri FROM core_esco__rome_links l
                JOIN core_rome__appellations a ON a.appellation_code = l.appellation_code
                     AND a.version_id = {current('rome')}
                WHERE l.version_id = {current('esco_rome')} AND a.rome_code = ?)
            SELECT s.skill_code AS skill_uri, s.label, s.kind, bool_or(r.is_essential) AS is_essential,
                   count(DISTINCT r.esco_uri) AS n_occupations
            FROM occ JOIN core_esco__occupation_skills r ON r.esco_uri = occ.esco_uri
                 AND r.version_id = {current('esco')}
            JOIN core_ref__skills s ON s.skill_code = r.skill_uri AND s.version_id = {current('esco')}
            GROUP BY s.skill_code, s.label, s.kind
            ORDER BY is_essential DESC, n_occupations DESC, s.label""", [rome_code]).df()


def certifications_for_rome(
    con: duckdb.DuckDBPyConnection, rome_code: str, *, active_only: bool = False
) -> pd.DataFrame:
    """Certifications linked to a ROME 4.0 fiche.

    RNCP links use ROME v3 codes: a certification is linked to fiche F when its links name F
    itself or F's v3 parent (``code_rome_parent``). ``link`` says which ("direct" / "parent").
    """
    parent = rome_v3_code(con, rome_code) or rome_code
    active = "AND coalesce(c.is_active, true)" if active_only else ""
    return con.execute(
        f"""SELECT c.rncp_code, c.title, c.level, c.is_active, c.rome_codes,
                   CASE WHEN list_contains(c.rome_codes, ?) THEN 'direct' ELSE 'parent' END AS link,
                   (SELECT count(*) FROM core_rncp__blocks b WHERE b.version_id = c.version_id
                        AND b.rncp_code = c.rncp_code) AS n_blocks
            FROM core_rncp__certifications c
            WHERE c.version_id = {current('rncp')}
              AND (list_contains(c.rome_codes, ?) OR list_contains(c.rome_codes, ?)) {active}
            ORDER BY link, c.is_active DESC NULLS LAST, c.rncp_code""", [rome_code, rome_code, parent]).df()


def certification(con: duckdb.DuckDBPyConnection, rncp_code: str) -> dict | None:
    row = con.execute(
        f"SELECT * EXCLUDE (version_id) FROM core_rncp__certifications WHERE version_id = {current('rncp')} "
        "AND rncp_code = ?", [rncp_code]).df()
    return None if row.empty else row.iloc[0].to_dict()


def blocks_of_certification(con: duckdb.DuckDBPyConnection, rncp_code: str) -> pd.DataFrame:
    """Blocks of a certification with their competence items (empty list when unknown)."""
    return con.execute(
        f"""SELECT block_code, rncp_code, label, competences, assessment, competences_source,
                   len(coalesce(competences, [])) > 0 AS has_competences
            FROM core_rncp__blocks WHERE version_id = {current('rncp')} AND rncp_code = ?
            ORDER BY block_code""", [rncp_code]).df()


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Counts of the current versions (the figures of ``skillgap referentials stats``)."""
    def one(sql: str) -> int:
        row = con.execute(sql).fetchone()
        assert row is not None  # count(*) always returns one row
        return int(row[0])

    rome_v, esco_v, rncp_v, cw_v = current("rome"), current("esco"), current("rncp"), current("esco_rome")
    return {
        "rome_occupations": one(f"SELECT count(*) FROM core_rome__occupations WHERE version_id = {rome_v}"),
        "rome_appellations": one(f"SELECT count(*) FROM core_rome__appellations WHERE version_id = {rome_v}"),
        "rome_skills": one(f"SELECT count(*) FROM core_ref__skills WHERE version_id = {rome_v} AND kind <> 'savoir'"),
        "rome_knowledge": one(f"SELECT count(*) FROM core_ref__skills WHERE version_id = {rome_v} AND kind = 'savoir'"),
        "rome_occupation_skills": one(f"SELECT count(*) FROM core_rome__occupation_skills WHERE version_id = {rome_v}"),
        "esco_occupations": one(f"SELECT count(*) FROM core_esco__occupations WHERE version_id = {esco_v}"),
        "esco_skills": one(f"SELECT count(*) FROM core_ref__skills WHERE version_id = {esco_v}"),
        "esco_occupation_skills": one(f"SELECT count(*) FROM core_esco__occupation_skills WHERE version_id = {esco_v}"),
        "esco_rome_links": one(f"SELECT count(*) FROM core_esco__rome_links WHERE version_id = {cw_v}"),
        "rncp_certifications": one(f"SELECT count(*) FROM core_rncp__certifications WHERE version_id = {rncp_v}"),
        "rncp_certifications_with_title": one(
            f"SELECT count(*) FROM core_rncp__certifications WHERE version_id = {rncp_v} AND title IS NOT NULL"),
        "rncp_blocks": one(f"SELECT count(*) FROM core_rncp__blocks WHERE version_id = {rncp_v}"),
        "rncp_blocks_with_competences": one(
            f"SELECT count(*) FROM core_rncp__blocks WHERE version_id = {rncp_v} "
            "AND len(coalesce(competences, [])) > 0"),
        "rncp_rome_links": one(f"SELECT count(*) FROM core_rncp__rome_links WHERE version_id = {rncp_v}"),
    }
