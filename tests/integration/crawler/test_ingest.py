import gzip
import json

import duckdb
import pytest
from crawler_support import FT_DEV, WRITTEN_OFFERS, no_contact_data, run_cli

from crawler.ingest import ingest


def _write_jsonl(path, rows, *, extra_lines=()):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        for line in extra_lines:
            f.write(line + "\n")


def test_ingest_written_offers_twice(tmp_path):
    src = tmp_path / "offers.jsonl.gz"
    dup = dict(WRITTEN_OFFERS[0], id="T999999")  # same ad, another id: exact duplicate
    _write_jsonl(src, [*WRITTEN_OFFERS, dup, {"id": "X1", "intitule": "Sans description"}], extra_lines=["{oops"])
    store = tmp_path / "s.duckdb"
    first = ingest([src], store=store)
    assert (first["read"], first["stored"], first["duplicates"], first["dropped"]) == (8, 5, 1, 2)
    assert first["dropped_by_reason"] == {"invalid JSON": 1, "no description": 1}
    second = ingest([src], store=store)
    assert (second["stored"], second["duplicates"], second["unchanged"]) == (0, 0, 6)
    con = duckdb.connect(str(store), read_only=True)
    rows = dict(con.execute("SELECT ad_id, department_code || '/' || region_code FROM core_ads__job_ads").fetchall())
    assert rows["france_travail:T000001"] == "2A/94" and rows["france_travail:T000003"] == "974/04"
    assert con.execute(
        "SELECT count(*) FROM core_ads__ad_sources WHERE ad_id = 'france_travail:T000000'").fetchone() == (2,)
    assert con.execute("SELECT count(*) FROM core_ads__ticked_skills").fetchone() == (5,)
    con.close()
    no_contact_data(store)


def test_ingest_csv_and_jobposting_json(tmp_path):
    csv_path = tmp_path / "offres.csv"
    csv_path.write_text(
        "id,intitule,description,lieuTravail.codePostal,romeCode\n"
        'C1,Cariste H/F,"Conduite de chariots élévateurs en entrepôt logistique, préparation de commandes.",'
        "13001,N1101\n",
        encoding="utf-8",
    )
    json_path = tmp_path / "postings.json"
    json_path.write_text(json.dumps([{"@type": "JobPosting", "title": "Plombier", "identifier": "P1",
        "description": "<p>Installation de réseaux de plomberie.</p><ul><li>Pose</li><li>Dépannage</li></ul>"
                       "<p>Chantiers neufs et rénovation en Bretagne.</p>",
        "jobLocation": {"address": {"postalCode": "35000"}}}]), encoding="utf-8")  # fmt: skip
    summary = ingest([csv_path, json_path], store=tmp_path / "s.duckdb")
    assert summary["stored"] == 2
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    desc, region = con.execute(
        "SELECT description, region_code FROM core_ads__job_ads WHERE ad_id = 'jobposting:P1'").fetchone()
    assert "- Pose\n- Dépannage" in desc and region == "53"
    con.close()


def test_ingest_cli_user_error(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "ingest",
                           str(tmp_path / "absent.jsonl"), "--store", str(tmp_path / "s.duckdb")],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 2 and "absent.jsonl" in proc.stderr


@pytest.mark.shared
@pytest.mark.skipif(not FT_DEV.exists(), reason="../shared/data/eval absent: real France Travail ads not available")
def test_ingest_real_ads_cli_twice(tmp_path):
    store = tmp_path / "x.duckdb"
    first, _ = run_cli("ingest", str(FT_DEV), "--store", str(store))
    assert first["read"] == 1830
    assert first["stored"] + first["duplicates"] + first["dropped"] == 1830
    assert 1500 < first["stored"] < 1830
    second, _ = run_cli("ingest", str(FT_DEV), "--store", str(store))
    assert second["stored"] == 0 and second["duplicates"] == 0
    assert second["unchanged"] == 1830 - first["dropped"]


def test_store_written_by_the_former_scheme_gets_fingerprints_recomputed(tmp_path):
    src = tmp_path / "offers.jsonl.gz"
    _write_jsonl(src, WRITTEN_OFFERS)
    store = tmp_path / "s.duckdb"
    ingest([src], store=store)
    con = duckdb.connect(str(store))
    con.execute("UPDATE core_ads__minhashes SET scheme = NULL, shingles = NULL")  # as an older version left it
    con.close()
    repost = dict(WRITTEN_OFFERS[2], id="T777777", intitule="TECHNICIEN DE MAINTENANCE INDUSTRIELLE (H/F)")
    repost["description"] = WRITTEN_OFFERS[2]["description"].replace("notre usine", "notre usine lilloise")
    _write_jsonl(src, [repost])
    result = ingest([src], store=store)
    assert (result["stored"], result["duplicates"]) == (0, 1)
    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SELECT count(*) FROM core_ads__minhashes WHERE shingles IS NULL").fetchone() == (0,)
    con.close()


@pytest.mark.shared
@pytest.mark.skipif(not FT_DEV.exists(), reason="../shared/data/eval absent: real France Travail ads not available")
def test_eval_dedupe_on_real_ads_is_stable_and_finds_the_injected_reposts():
    from crawler.evaluate import evaluate_dedupe

    first = evaluate_dedupe(FT_DEV, seed=3)
    assert first == {**evaluate_dedupe(FT_DEV, seed=3), "ads_per_s": first["ads_per_s"]}  # same input, same verdicts
    assert first["injected_reposts"] == 549
    assert first["recall"] >= 0.9 and first["precision"] >= 0.95
