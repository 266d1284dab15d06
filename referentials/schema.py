"""Tables of the referentials (see skillgap.store). Every row carries the ``version_id`` of the
load that produced it; ``core_meta__referential_versions.is_current`` says which version of each
source the queries read. Older versions are kept so two versions can be compared.

A schema change is a new ``Migration`` appended to ``MIGRATIONS`` (next number, never edit an
applied one), with the matching change of ``COLUMNS`` (and of the model the table stores).
"""

from models.referential import (
    Appellation,
    Block,
    Certification,
    EscoOccupation,
    EscoOccupationSkill,
    Occupation,
    OccupationSkill,
    ReferentialVersion,
    RomeEscoLink,
    Skill,
)
from skillgap.store import Columns, Migration

OWNER = "referentials"
AFTER: tuple[str, ...] = ()

_TABLES: list[str] = [
    """CREATE TABLE IF NOT EXISTS core_meta__referential_versions (
        version_id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, version_label VARCHAR NOT NULL,
        file_hashes JSON NOT NULL, loaded_at TIMESTAMP NOT NULL, is_current BOOLEAN NOT NULL,
        row_counts JSON, dropped JSON, notes JSON)""",
    """CREATE TABLE IF NOT EXISTS core_rome__occupations (
        version_id VARCHAR NOT NULL, rome_code VARCHAR NOT NULL, label VARCHAR NOT NULL,
        parent_rome_code VARCHAR, domain_code VARCHAR, domain_label VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS core_rome__appellations (
        version_id VARCHAR NOT NULL, appellation_code VARCHAR NOT NULL, label VARCHAR NOT NULL,
        short_label VARCHAR, rome_code VARCHAR NOT NULL)""",
    # ROME competences / macro-competences / knowledge items and ESCO skills, one table
    """CREATE TABLE IF NOT EXISTS core_ref__skills (
        version_id VARCHAR NOT NULL, source VARCHAR NOT NULL, skill_code VARCHAR NOT NULL,
        label VARCHAR NOT NULL, kind VARCHAR NOT NULL, nature VARCHAR,
        macro_competence_code VARCHAR, macro_competence_label VARCHAR, category_label VARCHAR,
        alt_labels VARCHAR[], description VARCHAR, label_en VARCHAR, alt_labels_en VARCHAR[],
        description_en VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS core_rome__occupation_skills (
        version_id VARCHAR NOT NULL, rome_code VARCHAR NOT NULL, skill_code VARCHAR NOT NULL,
        is_core BOOLEAN NOT NULL, is_emerging BOOLEAN NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS core_esco__occupations (
        version_id VARCHAR NOT NULL, esco_uri VARCHAR NOT NULL, label VARCHAR NOT NULL,
        alt_labels VARCHAR[], isco_code VARCHAR, label_en VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS core_esco__occupation_skills (
        version_id VARCHAR NOT NULL, esco_uri VARCHAR NOT NULL, skill_uri VARCHAR NOT NULL,
        is_essential BOOLEAN NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS core_esco__rome_links (
        version_id VARCHAR NOT NULL, appellation_code VARCHAR NOT NULL, esco_uri VARCHAR NOT NULL,
        relation VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS core_rncp__certifications (
        version_id VARCHAR NOT NULL, rncp_code VARCHAR NOT NULL, title VARCHAR, level INTEGER,
        is_active BOOLEAN, rome_codes VARCHAR[], successor_codes VARCHAR[], nsf_codes VARCHAR[],
        formacodes VARCHAR[], certifier_names VARCHAR[], title_source VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS core_rncp__blocks (
        version_id VARCHAR NOT NULL, block_code VARCHAR NOT NULL, rncp_code VARCHAR NOT NULL,
        label VARCHAR NOT NULL, competences VARCHAR[], assessment VARCHAR, competences_source VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS core_rncp__rome_links (
        version_id VARCHAR NOT NULL, rncp_code VARCHAR NOT NULL, rome_code VARCHAR NOT NULL)""",
]

MIGRATIONS: list[Migration] = [
    Migration(1, "tables", _TABLES),
    # added with the ESCO English descriptions (older stores: the column is added, empty until a reload);
    # the CREATE above already has it, so on a new store this is a no-op
    Migration(2, "skills_description_en", [
        "ALTER TABLE core_ref__skills ADD COLUMN IF NOT EXISTS description_en VARCHAR",
    ]),
]

_VERSION = ("version_id",)  # the load that produced the row

COLUMNS: dict[str, Columns] = {
    "core_meta__referential_versions": Columns(
        ReferentialVersion, extra=("is_current", "row_counts", "dropped", "notes")),
    "core_rome__occupations": Columns(Occupation, leave_out=("appellations",), extra=_VERSION),
    "core_rome__appellations": Columns(Appellation, extra=_VERSION),
    # nature: ROME savoir / macro-competence / competence (referentials.loading._row)
    "core_ref__skills": Columns(Skill, extra=(*_VERSION, "nature")),
    "core_rome__occupation_skills": Columns(OccupationSkill, extra=_VERSION),
    "core_esco__occupations": Columns(EscoOccupation, extra=_VERSION),
    "core_esco__occupation_skills": Columns(EscoOccupationSkill, extra=_VERSION),
    "core_esco__rome_links": Columns(RomeEscoLink, extra=_VERSION),
    "core_rncp__certifications": Columns(Certification, extra=_VERSION),
    "core_rncp__blocks": Columns(Block, extra=_VERSION),
    # no model: derived from the certifications' rome_codes when RNCP is loaded
    "core_rncp__rome_links": Columns(None, extra=(*_VERSION, "rncp_code", "rome_code")),
}
