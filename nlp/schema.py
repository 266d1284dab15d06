"""DDL of the tables this package owns (see skillgap.store).

Every row records the embedding model, the NLP config version, the thresholds and the referential
version that produced it, so two runs can be compared and re-run.

Changing the schema: append a ``Migration`` to ``MIGRATIONS`` with the next number and a short
name, e.g. views over the crawler's tables (``AFTER`` already puts nlp after crawler and
referentials)::

    MIGRATIONS.append(Migration(2, "ad_views", [
        "CREATE OR REPLACE VIEW core_nlp__... AS SELECT ... FROM core_ads__job_ads ...",
    ]))

(or write it in the list literal). Never edit or renumber a migration already released: stores
that recorded it would not run it again. A new or changed table column also goes into ``COLUMNS``
(and into the model it comes from); ``tests/unit/test_store_schema.py`` checks they agree. ``DDL``
stays the CREATE TABLE statements of the four tables (migration 1), for tests that build them on
a bare connection; ``skillgap.store.migrate(con)`` applies every migration of every owner.
"""

from models.nlp import OccupationPrediction, ProcessedAd, SkillLink, SkillMention
from nlp.views import VIEWS, VIEWS_V3
from skillgap.store import Columns, Migration

OWNER = "nlp"
AFTER: tuple[str, ...] = ("crawler", "referentials")

_RUN = """model_name VARCHAR NOT NULL, config_version VARCHAR NOT NULL, thresholds JSON NOT NULL,
        referential_version VARCHAR NOT NULL, processed_at TIMESTAMP NOT NULL"""

#: the columns of every row that say which run produced it (``nlp.process._run_columns``)
RUN_COLUMNS = ("model_name", "config_version", "thresholds", "referential_version", "processed_at")

DDL: list[str] = [
    f"""CREATE TABLE IF NOT EXISTS core_nlp__processed_ads (
        ad_id VARCHAR NOT NULL, skipped_reason VARCHAR, n_mentions INTEGER NOT NULL, {_RUN})""",
    f"""CREATE TABLE IF NOT EXISTS core_nlp__mentions (
        ad_id VARCHAR NOT NULL, mention_id VARCHAR NOT NULL, text VARCHAR NOT NULL,
        start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, section VARCHAR NOT NULL,
        method VARCHAR NOT NULL, is_linked BOOLEAN NOT NULL, {_RUN})""",
    f"""CREATE TABLE IF NOT EXISTS core_nlp__links (
        ad_id VARCHAR NOT NULL, mention_id VARCHAR NOT NULL, skill_code VARCHAR NOT NULL,
        source VARCHAR NOT NULL, score DOUBLE NOT NULL, rank INTEGER NOT NULL, method VARCHAR NOT NULL, {_RUN})""",
    f"""CREATE TABLE IF NOT EXISTS core_nlp__occupations (
        ad_id VARCHAR NOT NULL, rome_code VARCHAR NOT NULL, parent_rome_code VARCHAR NOT NULL,
        score DOUBLE NOT NULL, top_rome_codes VARCHAR[] NOT NULL, top_scores DOUBLE[] NOT NULL, {_RUN})""",
]

MIGRATIONS: list[Migration] = [
    Migration(1, "tables", DDL),
    # the occupation of an ad and the skills it asks: the shared derived views (``nlp/views.py``)
    Migration(2, "ad_views", VIEWS),
    # the occupation view also carries département, contract type and NAF code (ad filters)
    Migration(3, "ad_views_filters", VIEWS_V3),
]

TABLES = ("core_nlp__processed_ads", "core_nlp__mentions", "core_nlp__links", "core_nlp__occupations")
#: dataset name → table, for the Parquet exchange layout (``scale/``) and ``nlp.process.result_tables``
DATASETS = {"processed_ads": TABLES[0], "mentions": TABLES[1], "links": TABLES[2], "occupations": TABLES[3]}

#: the model_name / referential_version of links and occupations are the run's (RUN_COLUMNS)
_RUN_FIELDS = ("model_name", "referential_version")

COLUMNS: dict[str, Columns] = {
    "core_nlp__processed_ads": Columns(ProcessedAd, leave_out=("mentions", "links", "occupation"),
                                       extra=("n_mentions", *RUN_COLUMNS)),
    "core_nlp__mentions": Columns(SkillMention, extra=("is_linked", *RUN_COLUMNS)),
    "core_nlp__links": Columns(SkillLink, leave_out=_RUN_FIELDS, extra=("ad_id", *RUN_COLUMNS)),
    "core_nlp__occupations": Columns(OccupationPrediction, leave_out=_RUN_FIELDS, extra=RUN_COLUMNS),
}
