"""Coverage by RNCP blocks, gap reports, candidate modules and their drafts."""

from __future__ import annotations

import shutil
from datetime import date

import numpy as np
import pytest
from pydantic import ValidationError

from analysis.config import Thresholds
from analysis.coverage import cover
from analysis.gaps import compute_gaps, gaps_rows
from analysis.modules import candidate_modules, load_module, module_id, save_modules
from models.analysis import CoverageStatus
from models.queries import GapQuery
from reports.module_draft import TO_COMPLETE, render_draft
from skillgap.errors import UserError
from skillgap.store import connect


def test_a_block_title_covers_its_own_wording_and_not_an_unrelated_skill(gap_context):
    index = gap_context.coverage_index()
    labels = ["Administrer les systèmes serveurs Windows", "Préparer une pâte feuilletée"]
    result = cover(index, rome_code="M1801", skill_keys=["a", "b"], skill_labels=labels,
                   vectors=gap_context.encoder.encode(labels), candidates=["RNCP14392"],
                   thresholds=Thresholds(covered=0.8, partial=0.6))
    assert result[0].status is CoverageStatus.COVERED and result[0].block_code == "RNCP14392BC03"
    assert result[0].matched_kind == "title" and result[0].score > 0.95
    assert result[1].status is CoverageStatus.UNCOVERED
    assert result[1].rncp_version.startswith("rncp:") and result[1].model_name == gap_context.encoder.name


def test_competence_items_are_used_when_the_block_has_them(gap_context):
    index = gap_context.coverage_index()
    labels = ["Recenser et identifier les ressources numériques"]
    [result] = cover(index, rome_code="M1805", skill_keys=["x"], skill_labels=labels,
                     vectors=gap_context.encoder.encode(labels), candidates=["RNCP40792"],
                     thresholds=Thresholds(covered=0.8, partial=0.6))
    assert result.matched_kind == "competence" and result.block_code == "RNCP40792BC01"


def test_gap_report_shares_intervals_order_and_evidence(gap_context):
    report = compute_gaps(gap_context, GapQuery(rome_code="M1805"))
    assert report.n_ads == 40 and report.is_significant and report.n_candidate_certifications > 100
    keys = {s.skill_key for s in report.skills}
    assert {"400261", "109846", "phrase:kubernetes", "phrase:terraform"} <= keys
    for skill in report.skills:
        assert skill.share_low <= skill.share <= skill.share_high
        assert skill.evidence and all(e.ad_id.startswith("france_travail:TEST") for e in skill.evidence)
        assert len({e.ad_id for e in skill.evidence}) == len(skill.evidence)
    order = [s.coverage.status.value for s in report.skills]
    assert order == sorted(order, key=["uncovered", "partial", "covered"].index)
    kubernetes = next(s for s in report.skills if s.skill_key == "phrase:kubernetes")
    assert not kubernetes.is_linked and "Kubernetes" in kubernetes.evidence[0].excerpt
    assert set(report.referential_versions) == {"rome", "esco", "esco_rome", "rncp"}
    rows = gaps_rows(report)
    assert len(rows) == len(report.skills) and {"status", "block_code", "evidence_ad_ids"} <= set(rows.columns)


def test_filters_region_and_period(gap_context):
    lyon = compute_gaps(gap_context, GapQuery(rome_code="M1805", region_code="84"))
    spring = compute_gaps(gap_context, GapQuery(rome_code="M1805", date_from=date(2024, 3, 1),
                                                   date_to=date(2024, 5, 31)))
    assert 0 < lyon.n_ads < 40 and not lyon.is_significant
    assert 0 < spring.n_ads < 40


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"rome_code": "Z9999"}, "code ROME inconnu"),
    ({"rome_code": "M1805", "region_code": "53"}, "aucune offre"),
    ({"rome_code": "M1805", "date_from": date(2030, 1, 1)}, "aucune offre"),
], ids=["unknown-rome", "no-ads-in-region", "no-ads-in-period"])
def test_bad_requests_are_clear_answers_not_empty_tables(gap_context, kwargs, message):
    with pytest.raises(UserError, match=message):
        compute_gaps(gap_context, GapQuery(**kwargs))


def test_a_reversed_period_is_refused_by_the_query_itself():
    with pytest.raises(ValidationError, match="période vide"):
        GapQuery(rome_code="M1805", date_from=date(2024, 5, 1), date_to=date(2024, 1, 1))


def test_occupation_without_linked_certification(gap_context):
    con = gap_context.con
    unlinked = con.execute(
        "SELECT rome_code FROM core_rome__occupations "
        "WHERE rome_code NOT IN (SELECT rome_code FROM core_rncp__rome_links)"
        " AND parent_rome_code NOT IN (SELECT rome_code FROM core_rncp__rome_links) LIMIT 1").fetchone()
    if unlinked is None:
        pytest.skip("every ROME fiche has a linked certification in this RNCP version")
    with pytest.raises(UserError, match="aucune certification liée"):
        compute_gaps(gap_context, GapQuery(rome_code=unlinked[0]))


def test_modules_are_stable_clusters_of_uncovered_skills_and_drafts_mark_what_to_complete(
        gap_context, analysis_store_path, tmp_path):
    report = compute_gaps(gap_context, GapQuery(rome_code="M1805"))
    modules = candidate_modules(gap_context, report)
    assert modules
    again = candidate_modules(gap_context, report)
    assert [m.module_id for m in modules] == [m.module_id for m in again]
    for m in modules:
        assert all(s.coverage.status is not CoverageStatus.COVERED for s in m.skills)
        assert m.share_low <= m.share <= m.share_high and m.module_id.startswith("MOD-M1805-")
    assert module_id("M1805", "x") == module_id("M1805", "x") != module_id("M1805", "y")
    store = tmp_path / "s.duckdb"
    shutil.copy(analysis_store_path, store)
    con = connect(store)
    save_modules(con, modules)
    save_modules(con, modules)  # idempotent
    assert con.execute("SELECT count(*) FROM out_analysis__modules").fetchone()[0] == len(modules)
    assert load_module(con, modules[0].module_id) == modules[0]
    markdown, media_type = render_draft(con, modules[0].module_id, "md")
    text = markdown.decode()
    assert media_type.startswith("text/markdown") and text.count(TO_COMPLETE) == 6
    assert modules[0].skills[0].skill_label in text and "france_travail:TEST" in text
    docx, _ = render_draft(con, modules[0].module_id, "docx")
    assert docx[:2] == b"PK"
    with pytest.raises(UserError, match="module inconnu"):
        render_draft(con, "MOD-NOPE", "md")


def test_clustering_joins_close_skills_and_separates_far_ones(gap_context):
    from analysis.modules import _clusters, similarity_floor

    floor = similarity_floor(gap_context)
    assert 0.2 < floor < 0.7
    vectors = gap_context.encoder.encode(["Poser des panneaux photovoltaïques",
                                          "Installer des panneaux solaires photovoltaïques", "pâtisserie fine"])
    labels = _clusters(vectors, floor)
    assert labels[0] == labels[1] != labels[2]
    assert np.unique(_clusters(vectors[:1], floor)).size == 1


def test_evidence_is_most_recent_first_one_per_ad_ties_by_id():
    import duckdb
    import pandas as pd

    from analysis.gaps import _evidence

    ads = pd.DataFrame({
        "ad_id": ["b", "a", "c", "d"],
        "created_at": pd.to_datetime(["2026-11-02", "2026-11-02", "2026-11-03", None]),
        "title": ["t"] * 4,
        "description": ["Gérer les stocks", "Maîtrise : gérer les STOCKS", "Gérer les stocks\nGestion des stocks", "x"],
    })
    asks = pd.DataFrame({
        "ad_id": ["b", "a", "c", "c", "d", "a"],
        "skill_key": ["K", "K", "K", "K", "K", "L"],
        "label": ["gérer les stocks", "gérer les stocks", "gérer les stocks", "gestion des stocks", "Stocks",
                  "Inventaire"],
    })
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE core_ads__job_ads AS SELECT ad_id, description FROM ads")
    ads = ads.drop(columns="description")  # read from the store for the chosen ads only
    found = _evidence(con, ads, asks, ["K", "L", "M"], 3)
    assert [e.ad_id for e in found["K"]] == ["c", "a", "b"]  # newest first, equal dates by id, 3 at most
    assert found["K"][1].excerpt == "Maîtrise : gérer les STOCKS"
    assert found["L"][0].excerpt == "compétence cochée par l'employeur : Inventaire"
    assert found["M"] == ()
    assert [e.ad_id for e in _evidence(con, ads, asks, ["K"], 5)["K"]] == ["c", "a", "b", "d"]  # undated last
    assert found["K"][0].excerpt == "Gestion des stocks"  # « c » words it twice: the first wording alphabetically
