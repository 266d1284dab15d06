import json

import duckdb
import pytest
from nlp_support import HashEncoder

from nlp.embed import CachedEncoder
from nlp.engine import AdText, NlpEngine
from nlp.process import store_results
from nlp.schema import DDL

AD = AdText(
    "ad-1",
    "SOUDEUR (H/F)",
    "Vos missions :\n- Souder à l'arc des pièces\n- Contrôler la conformité des soudures\n"
    "Avantages : mutuelle, tickets restaurant",
)


def test_title_gives_the_fiche_and_its_v3_parent(engine):
    [ad] = engine.process([AdText("ad-2", "Administrateur de bases de données H/F", "Langage SQL")])
    assert ad.occupation.rome_code == "M1894"
    assert ad.occupation.parent_rome_code == "M1801"


def test_the_description_decides_between_fiches_the_title_leaves_open(engine, toy_ref, tmp_path):
    title = "Administrateur H/F"
    sql = AdText("ad-sql", title, "Vos missions :\n- Langage SQL\n- Langage SQL avancé")
    system = AdText("ad-si", title, "Vos missions :\n- Administrer un système d'informations\n"
                                   "- Gérer la sécurité informatique")
    [a, b] = engine.process([sql, system])
    assert (a.occupation.rome_code, b.occupation.rome_code) == ("M1894", "M1801")
    title_only = engine.config.model_copy(
        update={"occupation": engine.config.occupation.model_copy(update={"description_weight": 0.0})})
    plain = NlpEngine(toy_ref, title_only, engine.encoder, tmp_path)
    [c, d] = plain.process([sql, system])
    assert c.occupation.rome_code == d.occupation.rome_code  # the title alone cannot tell them apart


def test_mentions_links_and_provenance(engine):
    [ad] = engine.process([AD])
    assert ad.skipped_reason is None
    assert ad.occupation.rome_code == "H2913"
    texts = {m.text for m in ad.mentions}
    assert "Contrôler la conformité des soudures" in texts
    assert not any("mutuelle" in t for t in texts)
    rome = {link.skill_code for link in ad.links if link.source == "rome"}
    assert {"200", "201"} <= rome
    assert all(link.model_name == "hash-bow-64" and link.referential_version == "rome:toy+esco:toy"
               for link in ad.links)
    assert any(link.method.endswith("+fiche") for link in ad.links)


@pytest.mark.parametrize(
    ("ad", "reason"),
    [
        (AdText("e", "", ""), "empty"),
        (AdText("h", "Soudeur", "x" * 100_001), "longer than"),
    ],
    ids=["empty", "huge"],
)
def test_bad_ads_are_skipped_with_a_reason(engine, ad, reason):
    results = engine.process([ad, AD])
    assert reason in results[0].skipped_reason
    assert results[1].skipped_reason is None  # the batch's other ads are kept


def test_html_and_foreign_text_are_processed(engine):
    results = engine.process(
        [AdText("x", "<b>Soudeur</b>", "<ul><li>Souder à l'arc</li></ul>&nbsp;"), AdText("y", "溶接工", "溶接作業")]
    )
    assert [r.skipped_reason for r in results] == [None, None]


def test_results_are_stored_with_model_and_versions(engine):
    con = duckdb.connect()
    for statement in DDL:
        con.execute(statement)
    results = engine.process([AD])
    store_results(con, engine, results)
    store_results(con, engine, results)  # re-processing replaces, never duplicates
    n, model, version = con.execute(
        "SELECT count(*), any_value(model_name), any_value(referential_version) FROM core_nlp__links"
    ).fetchone()
    assert n == len(results[0].links) and model == "hash-bow-64" and version == "rome:toy+esco:toy"
    assert con.execute("SELECT count(*) FROM core_nlp__processed_ads").fetchone()[0] == 1


class _KnowsDba(HashEncoder):
    """A 'stronger' encoder for the test: it knows that a DBA administers databases."""

    name = "knows-dba"

    def encode(self, texts):
        return super().encode([t.replace("dba", "administrateur bases donnees") for t in texts])


def test_second_encoder_reranks_the_title_candidates(engine, toy_ref, tmp_path):
    title = "DBA confirmé (H/F)"
    [plain] = engine.predict_occupations([title])
    assert plain.rome_codes[0] == "M1801"  # a hashed word of « dba confirme » collides with a M1801 label
    rerank = engine.config.rerank.model_copy(update={"occupation_weight": 0.8})
    config = engine.config.model_copy(update={"rerank": rerank})
    reranked = NlpEngine(toy_ref, config, CachedEncoder(HashEncoder(), tmp_path), tmp_path,
                         rerank_encoder=CachedEncoder(_KnowsDba(), tmp_path))
    [better] = reranked.predict_occupations([title])
    assert better.rome_codes[0] == "M1894"
    [ad] = reranked.process([AdText("ad-9", title, "Langage SQL")])
    assert ad.occupation.model_name == "hash-bow-64+rerank:knows-dba"  # provenance names both encoders


class _KnowsSql(HashEncoder):
    name = "knows-sql"

    def encode(self, texts):
        return super().encode([t.replace("relational databases", "SQL") for t in texts])


def test_esco_linking_reranker_moves_the_gold_skill_up(toy_ref, tmp_path):
    from nlp.esco_eval import evaluate_esco_linking
    from nlp.rerank import RerankConfig

    path = tmp_path / "annotations.csv"
    path.write_text("sentence,label\nYou will weld and query relational databases,SQL\n", encoding="utf-8")
    plain = evaluate_esco_linking(toy_ref, HashEncoder(), path, cache_dir=None)
    reranked = evaluate_esco_linking(toy_ref, HashEncoder(), path, cache_dir=None, reranker=_KnowsSql(),
                                     rerank=RerankConfig(top_n=10, weight=0.7))
    assert plain["mrr"] == 0.5  # « weld » makes « weld metals » the first skill
    assert reranked["mrr"] == 1.0 and reranked["reranker"] == "knows-sql"


def test_stored_rows_are_the_processed_records(engine):
    """Bulk (Arrow) inserts keep every field: mentions, links, occupations with their lists, skips."""
    con = duckdb.connect(":memory:")
    for statement in DDL:
        con.execute(statement)
    results = engine.process([AD, AdText("ad-empty", "", "")])
    store_results(con, engine, results)
    ad, skipped = results
    assert con.execute("SELECT skipped_reason, n_mentions FROM core_nlp__processed_ads ORDER BY ad_id").fetchall() == [
        (None, len(ad.mentions)), (skipped.skipped_reason, 0)]
    stored = con.execute(
        "SELECT mention_id, text, start_char, end_char, section, method FROM core_nlp__mentions "
        "ORDER BY start_char, end_char"
    ).fetchall()
    assert stored == [(m.mention_id, m.text, m.start_char, m.end_char, m.section, m.method)
                      for m in sorted(ad.mentions, key=lambda m: (m.start_char, m.end_char))]
    links = con.execute("SELECT mention_id, skill_code, source, score, rank, method FROM core_nlp__links").fetchall()
    assert sorted(links) == sorted((k.mention_id, k.skill_code, k.source, k.score, k.rank, k.method) for k in ad.links)
    occ = con.execute(
        "SELECT rome_code, top_rome_codes, top_scores, thresholds::VARCHAR FROM core_nlp__occupations").fetchall()
    assert occ == [(ad.occupation.rome_code, list(ad.occupation.top_rome_codes), list(ad.occupation.top_scores),
                    json.dumps(engine.config.thresholds()))]


def test_storing_is_all_or_nothing(engine):
    con = duckdb.connect(":memory:")
    for statement in DDL[:-1]:
        con.execute(statement)
    con.execute("CREATE TABLE core_nlp__occupations (ad_id VARCHAR)")  # the last insert fails, after the others
    with pytest.raises(duckdb.Error):
        store_results(con, engine, engine.process([AD]))
    assert con.execute("SELECT count(*) FROM core_nlp__mentions").fetchone()[0] == 0
