"""Versioned, transactional loads into the store."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from models.referential import Source
from referentials import queries
from referentials.bundled import DATA_DIR
from referentials.loading import load_source
from skillgap.errors import InputFileError
from skillgap.store import connect


@pytest.fixture
def rome_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rome"
    shutil.copytree(DATA_DIR / "rome4_v460", target)
    for p in target.iterdir():
        p.chmod(0o644)
    return target


def _versions(con) -> list[tuple]:
    return con.execute(
        "SELECT version_id, is_current FROM core_meta__referential_versions ORDER BY loaded_at").fetchall()


def test_same_files_twice_is_a_no_op(tmp_path, rome_dir):
    con = connect(tmp_path / "s.duckdb")
    first = load_source(con, Source.ROME, [rome_dir])
    second = load_source(con, Source.ROME, [rome_dir])
    assert (first.status, second.status) == ("loaded", "unchanged")
    assert first.version_id == second.version_id
    assert con.execute("SELECT count(*) FROM core_rome__occupations").fetchone()[0] == 1584
    assert len(_versions(con)) == 1


def test_changed_files_make_a_new_current_version_and_keep_the_old(tmp_path, rome_dir):
    con = connect(tmp_path / "s.duckdb")
    first = load_source(con, Source.ROME, [rome_dir])
    path = rome_dir / "unix_referentiel_appellation_v460_utf8.csv.gz"
    original = path.read_bytes()
    text = gzip.decompress(original).decode()
    edited = text.replace("Abatteur / Abatteuse de carrière", "Abatteur de carrière", 1)
    path.write_bytes(gzip.compress(edited.encode()))
    second = load_source(con, Source.ROME, [rome_dir])
    assert second.status == "loaded" and second.version_id != first.version_id
    assert _versions(con) == [(first.version_id, False), (second.version_id, True)]
    labels = queries.rome_appellations(con)
    assert "Abatteur de carrière" in set(labels.label) and len(labels) == 13120
    # loading the old files again restores the old version without re-inserting rows
    path.write_bytes(original)
    third = load_source(con, Source.ROME, [rome_dir])
    assert third.status == "restored" and third.version_id == first.version_id
    assert con.execute("SELECT count(*) FROM core_rome__occupations").fetchone()[0] == 2 * 1584


def test_failed_load_leaves_the_previous_version_intact(tmp_path, rome_dir):
    con = connect(tmp_path / "s.duckdb")
    first = load_source(con, Source.ROME, [rome_dir])
    path = rome_dir / "unix_liens_rome_referentiels_v460_utf8.csv.gz"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 5000])  # truncated: fails late, after other tables were parsed
    with pytest.raises(InputFileError, match="gzip tronqué ou corrompu"):
        load_source(con, Source.ROME, [rome_dir])
    assert _versions(con) == [(first.version_id, True)]
    assert con.execute("SELECT count(*) FROM core_rome__appellations").fetchone()[0] == 13120


def test_stats_of_the_bundled_referentials(loaded_store_path):
    con = connect(loaded_store_path, read_only=True)
    figures = queries.stats(con)
    assert {k: figures[k] for k in (
        "rome_occupations", "rome_appellations", "rome_skills", "rome_knowledge",
        "esco_occupations", "esco_skills", "rncp_blocks")} == {
        "rome_occupations": 1584, "rome_appellations": 13120, "rome_skills": 18317, "rome_knowledge": 15354,
        "esco_occupations": 3007, "esco_skills": 13896,
        # 34,351 blocks of the CSV export + 9 only in the XML extract / samples (RNCP40792, RNCP39257, RNCP38565)
        "rncp_blocks": 34360}
    assert figures["rncp_blocks_with_competences"] == 49  # every real block text we have (XML 10, samples 39)
    assert figures["rncp_rome_links"] > 60000
    assert figures["rncp_certifications_with_title"] > 4000


def test_queries_a_user_needs(loaded_store_path):
    con = connect(loaded_store_path, read_only=True)
    skills = queries.skills_of_occupation(con, "M1805")
    assert len(skills) == 58 and skills.is_core.any()
    assert queries.occupation(con, "M1805")["appellations"]
    assert queries.occupation(con, "Z9999") is None
    esco_skills = queries.esco_skills_of_occupation(con, "M1805")
    assert len(esco_skills) > 20 and esco_skills.is_essential.iloc[0]
    certifications = queries.certifications_for_rome(con, "M1805")
    assert "RNCP40792" in set(certifications.rncp_code)  # BTS SIO, linked to M1805
    blocks = queries.blocks_of_certification(con, "RNCP40792")
    assert len(blocks) == 5 and blocks.has_competences.all()
    assert queries.rome_v3_code(con, "A1102") == "A1101"


def test_v4_fiche_reaches_certifications_linked_to_its_v3_parent(loaded_store_path):
    con = connect(loaded_store_path, read_only=True)
    child = con.execute(
        "SELECT rome_code, parent_rome_code FROM core_rome__occupations WHERE rome_code <> parent_rome_code "
        "AND parent_rome_code IN (SELECT rome_code FROM core_rncp__rome_links) LIMIT 1").fetchone()
    linked = queries.certifications_for_rome(con, child[0])
    assert len(linked) > 0 and set(linked.link) <= {"direct", "parent"}
