"""Reads of the referential tables — the only module that runs SQL against them.

The tables (``core_rome__*``, ``core_ref__skills``, ``core_esco__*``, ``core_rncp__*``,
``core_meta__referential_versions``, see ``referentials/schema.py``) are written by
``referentials.loading``; every other package reads them through the functions below (typed
records of ``models.referential``, plain Python values, or DataFrames whose columns each function
documents), never through SQL of its own. Renaming a column is a change of this module.

Unless a function says otherwise it reads only the rows of the *current* version of each source
(``core_meta__referential_versions.is_current``). DataFrames are empty when nothing matches;
unknown codes are the caller's to report (``occupation`` / ``certification`` return None).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd

from models.referential import (
    Appellation,
    Block,
    EscoOccupation,
    LoadedVersion,
    OccupationMatch,
    Skill,
    Source,
)
from skillgap.errors import InsufficientDataError
from skillgap.store import first_row
from skillgap.text import fold

_CURRENT = "(SELECT version_id FROM core_meta__referential_versions WHERE source = '{}' AND is_current)"
_SOURCES = frozenset(s.value for s in Source)


def _current(source: str) -> str:
    """SQL sub-query selecting the current version id of ``source`` (private: SQL stays here)."""
    if source not in _SOURCES:  # the name is spliced into SQL
        raise ValueError(f"unknown referential source: {source!r}")
    return _CURRENT.format(source)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> int:
    row = first_row(con, sql, list(params))
    assert row is not None  # count(*) always returns one row
    return int(row[0])


# ---------------------------------------------------------------------------------------------
# Versions
# ---------------------------------------------------------------------------------------------


def current_versions(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """source → {version_id, version_label, loaded_at, file_hashes} of each current version."""
    rows = con.execute(
        "SELECT source, version_id, version_label, loaded_at, file_hashes FROM core_meta__referential_versions "
        "WHERE is_current ORDER BY source").fetchall()
    return {r[0]: {"version_id": r[1], "version_label": r[2], "loaded_at": r[3], "file_hashes": r[4]} for r in rows}


def current_version_id(con: duckdb.DuckDBPyConnection, source: Source | str) -> str | None:
    """The version id of the current version of ``source`` (None when never loaded)."""
    row = first_row(con, "SELECT version_id FROM core_meta__referential_versions WHERE source = ? AND is_current",
                      [str(source)])
    return row[0] if row else None


def source_versions(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(source, version_id) of every current version, by source (what a result cache is keyed on)."""
    rows = con.execute("SELECT source, version_id FROM core_meta__referential_versions WHERE is_current "
                       "ORDER BY source").fetchall()
    return [(r[0], r[1]) for r in rows]


def loaded_versions(con: duckdb.DuckDBPyConnection) -> list[LoadedVersion]:
    """Every loaded version of every source (current or not), by source then load time."""
    rows = con.execute(
        "SELECT source, version_id, version_label, loaded_at, is_current FROM core_meta__referential_versions "
        "ORDER BY source, loaded_at").fetchall()
    keys = ("source", "version_id", "version_label", "loaded_at", "is_current")
    return [LoadedVersion(**dict(zip(keys, r, strict=True))) for r in rows]


def require_loaded(con: duckdb.DuckDBPyConnection, *sources: str) -> None:
    """Raise a clear error when a needed source has never been loaded."""
    loaded = current_versions(con)
    missing = [s for s in sources if s not in loaded]
    if missing:
        raise InsufficientDataError(f"référentiel(s) {', '.join(missing)} non chargé(s) dans ce magasin : "
                                    "lancez `skillgap referentials load`")


# ---------------------------------------------------------------------------------------------
# ROME 4.0
# ---------------------------------------------------------------------------------------------


def rome_occupations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ROME 4.0 fiches: rome_code, label, parent_rome_code, domain_code, domain_label (by code)."""
    return con.execute(
        f"SELECT rome_code, label, parent_rome_code, domain_code, domain_label FROM core_rome__occupations "
        f"WHERE version_id = {_current('rome')} ORDER BY rome_code").df()


def occupation(con: duckdb.DuckDBPyConnection, rome_code: str) -> dict | None:
    """One ROME 4.0 fiche with its appellations, or None if the code is unknown."""
    row = first_row(con,
        f"SELECT rome_code, label, parent_rome_code, domain_code, domain_label FROM core_rome__occupations "
        f"WHERE version_id = {_current('rome')} AND rome_code = ?", [rome_code])
    if row is None:
        return None
    appellations = con.execute(
        f"SELECT label FROM core_rome__appellations WHERE version_id = {_current('rome')} AND rome_code = ? "
        "ORDER BY label", [rome_code]).fetchall()
    keys = ("rome_code", "label", "parent_rome_code", "domain_code", "domain_label")
    return dict(zip(keys, row, strict=True)) | {"appellations": [a[0] for a in appellations]}


def occupation_exists(con: duckdb.DuckDBPyConnection, rome_code: str) -> bool:
    """Whether ``rome_code`` is a fiche of the current ROME."""
    return _one(con, f"SELECT count(*) FROM core_rome__occupations WHERE version_id = {_current('rome')} "
                     "AND rome_code = ?", [rome_code]) > 0


def rome_appellations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ROME appellations: appellation_code, label, short_label, rome_code (by code)."""
    return con.execute(
        f"SELECT appellation_code, label, short_label, rome_code FROM core_rome__appellations "
        f"WHERE version_id = {_current('rome')} ORDER BY appellation_code").df()


def appellation_records(con: duckdb.DuckDBPyConnection) -> list[Appellation]:
    """The ROME appellations as records, by appellation code."""
    rows = con.execute(
        f"SELECT appellation_code, label, short_label, rome_code FROM core_rome__appellations "
        f"WHERE version_id = {_current('rome')} ORDER BY appellation_code").fetchall()
    return [Appellation(appellation_code=r[0], label=r[1], short_label=r[2], rome_code=r[3]) for r in rows]


def rome_v3_code(con: duckdb.DuckDBPyConnection, rome_code: str) -> str | None:
    """The ROME v3-level code a ROME 4.0 fiche derives from (``code_rome_parent``)."""
    row = first_row(con,
        f"SELECT parent_rome_code FROM core_rome__occupations WHERE version_id = {_current('rome')} "
        "AND rome_code = ?", [rome_code])
    return row[0] if row else None


def rome_occupation_skills(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every fiche → skill link: rome_code, skill_code, is_core, is_emerging (by fiche, then skill)."""
    return con.execute(
        "SELECT rome_code, skill_code, is_core, is_emerging FROM core_rome__occupation_skills "
        f"WHERE version_id = {_current('rome')} ORDER BY rome_code, skill_code").df()


def skills_of_occupation(con: duckdb.DuckDBPyConnection, rome_code: str) -> pd.DataFrame:
    """The skills of a ROME 4.0 fiche with their core / emerging flags: skill_code, label, kind,
    nature, macro_competence_code, macro_competence_label, is_core, is_emerging (core first)."""
    return con.execute(
        f"""SELECT s.skill_code, s.label, s.kind, s.nature, s.macro_competence_code, s.macro_competence_label,
                   o.is_core, o.is_emerging
            FROM core_rome__occupation_skills o
            JOIN core_ref__skills s ON s.skill_code = o.skill_code AND s.version_id = o.version_id
            WHERE o.version_id = {_current('rome')} AND o.rome_code = ?
            ORDER BY o.is_core DESC, s.kind, s.label""", [rome_code]).df()


_NAMES_CACHE: dict[str, tuple[list[tuple[str, str, int, str]], dict[str, tuple[str, str | None]]]] = {}


def _search_names(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[str, str, int, str]],
                                                           dict[str, tuple[str, str | None]]]:
    """(rome_code, name, is_appellation, folded name) of every fiche label, appellation and code, and
    rome_code → (label, domain_label); memoised per ROME version (a version id names its content)."""
    version = current_version_id(con, Source.ROME)
    if version is None:
        return [], {}
    if version not in _NAMES_CACHE:
        fiches = con.execute("SELECT rome_code, label, domain_label FROM core_rome__occupations "
                             "WHERE version_id = ? ORDER BY rome_code", [version]).fetchall()
        appellations = con.execute("SELECT rome_code, label FROM core_rome__appellations WHERE version_id = ? "
                                   "ORDER BY appellation_code", [version]).fetchall()
        names = [(code, label, 0, fold(label)) for code, label, _ in fiches]
        names += [(code, label, 1, fold(label)) for code, label in appellations]
        names += [(code, code, 0, fold(code)) for code, _, _ in fiches]
        if len(_NAMES_CACHE) >= 4:
            _NAMES_CACHE.clear()
        _NAMES_CACHE[version] = (names, {code: (label, domain) for code, label, domain in fiches})
    return _NAMES_CACHE[version]


def search_occupations(
    con: duckdb.DuckDBPyConnection, terms: Sequence[str], limit: int, offset: int
) -> tuple[list[OccupationMatch], int]:
    """ROME 4.0 fiches whose label, one of whose appellations, or whose code contains every term.

    Terms and names are compared folded (``skillgap.text.fold``: case, accents and « œ » / « æ »
    ignored: « manoeuvre » finds « Manœuvre »); no term lists every fiche. Fiches matched by their
    own label or code come first, then by number of matching names, then by code;
    ``matched_label`` is the shortest matching name, the fiche's own names before appellations
    (equal lengths: the fiche label, else the first appellation by code).
    Returns the page ``[offset, offset + limit)`` and the total number of fiches found.
    """
    folded = [fold(t) for t in terms]
    folded = [t for t in folded if t]
    names, fiches = _search_names(con)
    hits: dict[str, list] = {}  # rome_code -> [best key, matched name, best kind, n_hits]
    for code, name, is_appellation, norm in names:
        if not all(t in norm for t in folded):
            continue
        key = is_appellation * 1000 + len(name)
        hit = hits.get(code)
        if hit is None:
            hits[code] = [key, name, is_appellation, 1]
            continue
        if key < hit[0]:
            hit[0], hit[1] = key, name
        hit[2] = min(hit[2], is_appellation)
        hit[3] += 1
    ranked = sorted(hits, key=lambda c: (hits[c][2], -hits[c][3], c))
    page = [OccupationMatch(rome_code=code, label=fiches[code][0], domain_label=fiches[code][1],
                            matched_label=hits[code][1])
            for code in ranked[offset : offset + limit]]
    return page, len(ranked)


# ---------------------------------------------------------------------------------------------
# Skills (ROME and ESCO)
# ---------------------------------------------------------------------------------------------


def skills(con: duckdb.DuckDBPyConnection, source: str | None = None) -> pd.DataFrame:
    """Referential skills (ROME competences, macro-competences, knowledge; ESCO skills): every column
    of ``core_ref__skills`` but ``version_id``, by source then skill code."""
    sources = [source] if source else ["rome", "esco"]
    parts = " UNION ALL ".join(
        f"SELECT * EXCLUDE (version_id) FROM core_ref__skills WHERE version_id = {_current(s)}" for s in sources)
    return con.execute(f"SELECT * FROM ({parts}) ORDER BY source, skill_code").df()


_SKILL_FIELDS = ("skill_code", "label", "kind", "source", "macro_competence_code", "macro_competence_label",
                 "category_label", "alt_labels", "description", "label_en", "description_en", "alt_labels_en")
_TUPLE_FIELDS = ("alt_labels", "alt_labels_en")


def skill_records(con: duckdb.DuckDBPyConnection, source: Source | str) -> list[Skill]:
    """The skills of the current version of ``source`` as records, by skill code."""
    rows = con.execute(
        f"SELECT {', '.join(_SKILL_FIELDS)} FROM core_ref__skills WHERE version_id = {_current(str(source))} "
        "ORDER BY skill_code").fetchall()
    out = []
    for row in rows:
        values = dict(zip(_SKILL_FIELDS, row, strict=True))
        for name in _TUPLE_FIELDS:
            values[name] = tuple(values[name] or ())
        out.append(Skill(**values))
    return out


def skill_columns(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The columns of ``core_ref__skills`` in this store (an older store may lack recent ones)."""
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'core_ref__skills'")
    return frozenset(r[0] for r in rows.fetchall())


def skill_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """skill_code → a label of it, over *every* loaded version (a code's label of any version)."""
    rows = con.execute("SELECT skill_code, any_value(label) FROM core_ref__skills GROUP BY 1").fetchall()
    return {r[0]: r[1] for r in rows}


def current_skill_labels(con: duckdb.DuckDBPyConnection, skill_codes: Iterable[str]) -> dict[str, str]:
    """skill_code → label in the current ROME or ESCO version, for those of ``skill_codes`` known there."""
    codes = sorted(set(skill_codes))
    if not codes:
        return {}
    rows = con.execute(
        f"""SELECT skill_code, any_value(label) FROM core_ref__skills
            WHERE version_id IN ({_current('rome')}, {_current('esco')}) AND skill_code IN (SELECT unnest(?))
            GROUP BY 1""", [codes]).fetchall()
    return {r[0]: r[1] for r in rows}


# ---------------------------------------------------------------------------------------------
# ESCO
# ---------------------------------------------------------------------------------------------


def esco_occupation_records(con: duckdb.DuckDBPyConnection) -> list[EscoOccupation]:
    """The ESCO occupations (French labels, English label) as records, by URI."""
    rows = con.execute(
        "SELECT esco_uri, label, alt_labels, isco_code, label_en FROM core_esco__occupations "
        f"WHERE version_id = {_current('esco')} ORDER BY esco_uri").fetchall()
    return [EscoOccupation(esco_uri=r[0], label=r[1], alt_labels=tuple(r[2] or ()), isco_code=r[3], label_en=r[4])
            for r in rows]


def esco_occupation_skill_links(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, bool]]:
    """Every ESCO occupation → skill link of the current version: (esco_uri, skill_uri, is_essential),
    by occupation, then skill."""
    rows = con.execute(
        "SELECT esco_uri, skill_uri, is_essential FROM core_esco__occupation_skills "
        f"WHERE version_id = {_current('esco')} ORDER BY esco_uri, skill_uri").fetchall()
    return [(uri, skill, bool(essential)) for uri, skill, essential in rows]


def esco_occupations_of_rome(con: duckdb.DuckDBPyConnection, rome_code: str) -> pd.DataFrame:
    """ESCO occupations linked by the official crosswalk to the appellations of a ROME fiche:
    esco_uri, label, relations (list), n_appellations (most linked first)."""
    return con.execute(
        f"""SELECT e.esco_uri, e.label, list(DISTINCT l.relation) AS relations, count(*) AS n_appellations
            FROM core_esco__rome_links l
            JOIN core_rome__appellations a ON a.appellation_code = l.appellation_code
                 AND a.version_id = {_current('rome')}
            JOIN core_esco__occupations e ON e.esco_uri = l.esco_uri AND e.version_id = {_current('esco')}
            WHERE l.version_id = {_current('esco_rome')} AND a.rome_code = ?
            GROUP BY e.esco_uri, e.label ORDER BY n_appellations DESC, e.label""", [rome_code]).df()


def esco_skills_of_occupation(con: duckdb.DuckDBPyConnection, rome_code: str) -> pd.DataFrame:
    """ESCO skills of the ESCO occupations linked to a ROME fiche, essential first: skill_uri, label,
    kind, is_essential, n_occupations.

    ``n_occupations`` counts the linked ESCO occupations that require the skill.
    """
    return con.execute(
        f"""WITH occ AS (
                SELECT DISTINCT l.esco_uri FROM core_esco__rome_links l
                JOIN core_rome__appellations a ON a.appellation_code = l.appellation_code
                     AND a.version_id = {_current('rome')}
                WHERE l.version_id = {_current('esco_rome')} AND a.rome_code = ?)
            SELECT s.skill_code AS skill_uri, s.label, s.kind, bool_or(r.is_essential) AS is_essential,
                   count(DISTINCT r.esco_uri) AS n_occupations
            FROM occ JOIN core_esco__occupation_skills r ON r.esco_uri = occ.esco_uri
                 AND r.version_id = {_current('esco')}
            JOIN core_ref__skills s ON s.skill_code = r.skill_uri AND s.version_id = {_current('esco')}
            GROUP BY s.skill_code, s.label, s.kind
            ORDER BY is_essential DESC, n_occupations DESC, s.label""", [rome_code]).df()


# ---------------------------------------------------------------------------------------------
# RNCP / RS
# ---------------------------------------------------------------------------------------------


def certifications_for_rome(
    con: duckdb.DuckDBPyConnection, rome_code: str, *, active_only: bool = False
) -> pd.DataFrame:
    """Certifications linked to a ROME 4.0 fiche: rncp_code, title, level, is_active, rome_codes,
    link, n_blocks.

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
            WHERE c.version_id = {_current('rncp')}
              AND (list_contains(c.rome_codes, ?) OR list_contains(c.rome_codes, ?)) {active}
            ORDER BY link, c.is_active DESC NULLS LAST, c.rncp_code""", [rome_code, rome_code, parent]).df()


def certification(con: duckdb.DuckDBPyConnection, rncp_code: str) -> dict | None:
    """One certification (every column of ``core_rncp__certifications`` but ``version_id``), or None."""
    row = con.execute(
        f"SELECT * EXCLUDE (version_id) FROM core_rncp__certifications WHERE version_id = {_current('rncp')} "
        "AND rncp_code = ?", [rncp_code]).df()
    return None if row.empty else row.iloc[0].to_dict()


def certification_exists(con: duckdb.DuckDBPyConnection, rncp_code: str) -> bool:
    """Whether ``rncp_code`` is a certification of the current RNCP version."""
    return _one(con, f"SELECT count(*) FROM core_rncp__certifications WHERE version_id = {_current('rncp')} "
                     "AND rncp_code = ?", [rncp_code]) > 0


def active_certification_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Codes of the certifications of the current RNCP version that are active (or not known
    inactive: ``coalesce(is_active, true)``), sorted."""
    rows = con.execute(f"SELECT rncp_code FROM core_rncp__certifications WHERE version_id = {_current('rncp')} "
                       "AND coalesce(is_active, true)").fetchall()
    return sorted(r[0] for r in rows)


def rome_codes_linked_to_certification(con: duckdb.DuckDBPyConnection, rncp_code: str) -> set[str]:
    """The ROME (v3-level) codes ``core_rncp__rome_links`` links to a certification (current RNCP)."""
    rows = con.execute(f"SELECT rome_code FROM core_rncp__rome_links WHERE version_id = {_current('rncp')} "
                       "AND rncp_code = ?", [rncp_code]).fetchall()
    return {r[0] for r in rows}


def certifications_by_rome_code(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """ROME (v3-level) code → the certifications ``core_rncp__rome_links`` links to it (current RNCP)."""
    rows = con.execute(f"SELECT rome_code, rncp_code FROM core_rncp__rome_links "
                       f"WHERE version_id = {_current('rncp')}").fetchall()
    out: dict[str, set[str]] = {}
    for rome_code, rncp_code in rows:
        out.setdefault(rome_code, set()).add(rncp_code)
    return out


def blocks_of_certification(con: duckdb.DuckDBPyConnection, rncp_code: str) -> pd.DataFrame:
    """Blocks of a certification with their competence items: block_code, rncp_code, label,
    competences, assessment, competences_source, has_competences (empty when unknown)."""
    return con.execute(
        f"""SELECT block_code, rncp_code, label, competences, assessment, competences_source,
                   len(coalesce(competences, [])) > 0 AS has_competences
            FROM core_rncp__blocks WHERE version_id = {_current('rncp')} AND rncp_code = ?
            ORDER BY block_code""", [rncp_code]).df()


def block_labels(con: duckdb.DuckDBPyConnection, block_codes: Iterable[str]) -> dict[str, str]:
    """block_code → title of some blocks of the current RNCP version (unknown codes left out)."""
    codes = sorted(set(block_codes))
    if not codes:
        return {}
    rows = con.execute(f"SELECT block_code, coalesce(label, '') FROM core_rncp__blocks "
                       f"WHERE version_id = {_current('rncp')} AND list_contains(?, block_code)", [codes]).fetchall()
    return dict(rows)


def block_records(con: duckdb.DuckDBPyConnection) -> list[Block]:
    """Every block of the current RNCP version as records, by block code then certification."""
    rows = con.execute(
        "SELECT block_code, rncp_code, label, competences, assessment, competences_source FROM core_rncp__blocks "
        f"WHERE version_id = {_current('rncp')} ORDER BY block_code, rncp_code").fetchall()
    return [Block(block_code=r[0], rncp_code=r[1], label=r[2], competences=tuple(r[3] or ()), assessment=r[4],
                  competences_source=r[5]) for r in rows]


def block_items(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every block item of the current RNCP version — its competence items, else its title — with
    the certification's title: block_code, rncp_code, block_label, item_text, item_kind
    (``competence`` | ``title``), cert_title, is_active; by certification then block."""
    return con.execute(
        f"""WITH b AS (SELECT * FROM core_rncp__blocks WHERE version_id = {_current('rncp')}),
             items AS (
               SELECT block_code, rncp_code, label AS block_label, unnest(competences) AS item_text,
                      'competence' AS item_kind FROM b WHERE len(coalesce(competences, [])) > 0
               UNION ALL
               SELECT block_code, rncp_code, label, label, 'title' FROM b
                 WHERE len(coalesce(competences, [])) = 0)
           SELECT i.*, c.title AS cert_title, c.is_active
           FROM items i LEFT JOIN core_rncp__certifications c
             ON c.rncp_code = i.rncp_code AND c.version_id = {_current('rncp')}
           ORDER BY i.rncp_code, i.block_code""").df()


# ---------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Counts of the current versions (the figures of ``skillgap referentials stats``)."""
    def one(sql: str) -> int:
        return _one(con, sql)

    rome_v, esco_v, rncp_v, cw_v = _current("rome"), _current("esco"), _current("rncp"), _current("esco_rome")
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
