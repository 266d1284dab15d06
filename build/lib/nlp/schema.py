"""DDL of the tables this package owns (see skillgap.store).

Every row records the embedding model, the NLP config version, the thresholds and the referential
version that produced it, so two runs can be compared and re-run.
"""

_RUN = """model_name VARCHAR NOT NULL, config_version VARCHAR NOT NULL, thresholds JSON NOT NULL,
        referential_version VARCHAR NOT NULL, processed_at TIMESTAMP NOT NULL"""

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

TABLES = ("core_nlp__processed_ads", "core_nlp__mentions", "core_nlp__links", "core_nlp__occupations")
