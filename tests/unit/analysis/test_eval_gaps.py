"""Scoring, agreement and sampling of judged gap sheets (issue 17), on small hand-made sheets."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.blocks import clean_title, expand_items, title_units
from analysis.eval_gaps import agreement, choose_band, cohen_kappa, read_sheet, score_sheet, stratified_draw


def _sheet(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"item_id": f"M1801|{i}", "system_status": s, "competence_demandee": d, "couverte": c,
                          "score": score} for i, (s, d, c, score) in enumerate(rows)])


SHEET = _sheet([
    ("uncovered", "oui", "non", 0.30),      # true gap
    ("uncovered", "oui", "oui", 0.45),      # false gap
    ("uncovered", "non", "", 0.10),         # not a skill: out of the coverage scores
    ("partial", "oui", "en partie", 0.50),  # à vérifier: predicted neither
    ("covered", "oui", "oui", 0.70),
    ("covered", "oui", "non", 0.66),        # false coverage
])


@pytest.mark.issue(17)
def test_score_sheet_counts_each_question_on_its_items():
    result = score_sheet(SHEET)
    assert result["n_judged"] == 6
    assert result["extraction_precision"] == pytest.approx(5 / 6, abs=1e-4)
    assert result["n_coverage_judged"] == 5
    assert result["uncovered"] == {"precision": 0.5, "recall": 0.5, "n_predicted": 2, "n_actual": 2}
    assert result["covered"] == {"precision": 0.5, "recall": 0.5, "n_predicted": 2, "n_actual": 2}
    assert result["uncovered_or_partly"]["n_actual"] == 3  # « en partie » counted as a gap there
    assert result["to_check_share"] == 0.2


@pytest.mark.issue(17)
@pytest.mark.parametrize(("a", "b", "expected"), [
    (["oui", "non", "oui", "non"], ["oui", "non", "oui", "non"], 1.0),
    (["oui", "non", "oui", "non"], ["non", "oui", "non", "oui"], -1.0),
    # po = 0.75, pe = 0.5 → 0.5 (hand computation)
    (["oui", "non", "oui", "non"], ["oui", "non", "oui", "oui"], 0.5),
], ids=["perfect", "opposite", "hand-computed"])
def test_cohen_kappa(a, b, expected):
    assert cohen_kappa(a, b, ["oui", "non"]) == pytest.approx(expected)


def test_cohen_kappa_undefined_when_both_judges_give_one_answer():
    assert cohen_kappa(["oui", "oui"], ["oui", "oui"], ["oui", "non"]) is None


def test_agreement_on_coverage_only_where_both_judged_a_skill():
    b = SHEET.copy()
    b.loc[0, "competence_demandee"] = "non"
    b.loc[1, "couverte"] = "en partie"
    result = agreement(SHEET, b)
    assert result["competence_demandee"]["n"] == 6
    assert result["competence_demandee"]["agreement"] == pytest.approx(5 / 6, abs=1e-4)
    assert result["couverte"]["n"] == 4  # item 0 (B: not a skill) and item 2 (neither) left out
    assert result["couverte"]["agreement"] == 0.75


def test_choose_band_is_the_narrowest_reaching_the_target():
    rows = [("x", "oui", "non", s) for s in (0.1, 0.2, 0.3)] + [("x", "oui", "en partie", 0.5)]
    rows += [("x", "oui", "oui", s) for s in (0.6, 0.7, 0.8)]
    band = choose_band(_sheet(rows), target=1.0, min_side=3)
    assert (band["low"], band["high"], band["n_to_check"]) == (0.5, 0.6, 1)
    assert choose_band(_sheet(rows), target=1.0, min_side=3, partly_is_gap=True)["n_to_check"] == 0
    assert choose_band(_sheet(rows), target=1.0, min_side=4) is None


def test_stratified_draw_takes_every_stratum_before_a_second_of_one():
    strata = pd.Series(["a"] * 10 + ["b"] * 2 + ["c"])
    drawn = stratified_draw(strata, 3, seed=1)
    assert sorted(strata.iloc[drawn]) == ["a", "b", "c"]
    assert stratified_draw(strata, 3, seed=1) == drawn  # seeded
    assert len(stratified_draw(strata, 100, seed=0)) == len(strata)


def test_read_sheet_rejects_unknown_answers(tmp_path):
    path = tmp_path / "judged.csv"
    bad = SHEET.copy()
    bad.loc[0, "couverte"] = "peut-être"
    bad.to_csv(path, index=False)
    with pytest.raises(Exception, match="peut-être"):
        read_sheet(path)
    SHEET.assign(competence_demandee=" OUI ").to_csv(path, index=False)
    assert set(read_sheet(path).competence_demandee) == {"oui"}


@pytest.mark.parametrize(("title", "units"), [
    ("Installer et configurer un système informatique",
     ["Installer un système informatique", "configurer un système informatique"]),
    ("Déployer, configurer et superviser les réseaux",
     ["Déployer les réseaux", "configurer les réseaux", "superviser les réseaux"]),
    ("Administration et Sécurité des Réseaux", []),
    ("Réaliser des ouvrages en béton armé", []),
], ids=["shared-object", "three-verbs", "nouns-kept-whole", "single"])
def test_title_units(title, units):
    assert title_units(title) == units


def test_clean_title_and_expand_items():
    assert clean_title("UP1 : techniques de nettoiement") == "techniques de nettoiement"
    items = pd.DataFrame([
        {"block_code": "RNCP1BC01", "rncp_code": "RNCP1", "block_label": "Bloc 1 : Gérer un projet",
         "item_text": "Planifier les tâches", "item_kind": "competence", "cert_title": None, "is_active": True},
        {"block_code": "RNCP1BC02", "rncp_code": "RNCP1", "block_label": "Installer et configurer un poste",
         "item_text": "Installer et configurer un poste", "item_kind": "title", "cert_title": None, "is_active": True},
    ])
    out = expand_items(items)
    assert list(zip(out.block_code, out.item_kind, out.item_text, strict=True)) == [
        ("RNCP1BC01", "competence", "Planifier les tâches"),
        ("RNCP1BC01", "title", "Gérer un projet"),
        ("RNCP1BC02", "title", "Installer et configurer un poste"),
        ("RNCP1BC02", "title_part", "Installer un poste"),
        ("RNCP1BC02", "title_part", "configurer un poste"),
    ]


@pytest.mark.issue(17)
def test_review_decisions_override_the_model_and_are_counted(gap_context):
    from datetime import UTC, datetime

    from analysis.eval_gaps import recompute
    from analysis.gaps import compute_gaps
    from models.queries import GapQuery
    from models.review import ReviewDecision, ReviewSet

    report = compute_gaps(gap_context, GapQuery(rome_code="M1805"))
    by_status = {k: [s for s in report.skills if s.coverage.status.value == k] for k in ("uncovered", "covered")}
    uncovered = [*by_status["uncovered"][:2], by_status["covered"][0]]  # two gaps and a covered skill
    sheet = pd.DataFrame([{"item_id": f"M1805|{s.skill_key}", "rome_code": "M1805", "system_status": "",
                           "score": 0.0, "matched_kind": "", "competence_demandee": judged, "couverte": covered}
                          for s, (judged, covered) in zip(uncovered, [("non", ""), ("oui", "oui"), ("oui", "oui")],
                                                          strict=True)])

    def decision(i: int, skill, verdict: str, **extra) -> ReviewDecision:
        return ReviewDecision(review_id=i, rome_code="M1805", key_id="k1", decided_at=datetime(2026, 1, 5, tzinfo=UTC),
                              skill_key=skill.skill_key, skill_label=skill.skill_label, verdict=verdict, **extra)

    reviews = ReviewSet(rome_code="M1805", decisions=(
        decision(1, uncovered[0], "rejected", comment="pas une compétence"),
        decision(2, uncovered[1], "coverage_wrong", corrected_status="covered", comment="bloc 2"),
    ))
    model = recompute(gap_context, sheet)
    assert list(model.system_status) == ["uncovered", "uncovered", "covered"] and "review_verdict" not in model
    reviewed = recompute(gap_context, sheet, lambda code: reviews if code == "M1805" else None)
    assert list(reviewed.system_status) == ["rejected", "covered", "covered"]
    assert list(reviewed.review_verdict) == ["rejected", "coverage_wrong", ""]
    before, after = score_sheet(model), score_sheet(reviewed)
    assert before["uncovered"]["precision"] == 0.0 and after["uncovered"]["n_predicted"] == 0  # the false gap
    assert (before["covered"]["recall"], after["covered"]["recall"]) == (0.5, 1.0)
    assert after["reviews"] == {"n_reviewed": 2, "n_rejected": 1, "n_rejected_judged_not_demanded": 1,
                                "n_coverage_corrected": 1, "extraction_precision_shown": 1.0}
    assert "reviews" not in before
