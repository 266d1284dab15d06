"""Optional pair kinds of the training recipe (issue 18): appellation → core competences of its
fiche, ESCO occupation → essential skills, hard negatives from the same ROME skill group."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from training_support import HashTeacher

from models.training import TrainConfig
from nlp.training.card import render_model_card
from nlp.training.corpus import (
    MULTI_POSITIVE_KINDS,
    ConceptLabels,
    PairOptions,
    ReferentialTexts,
    appellation_skill_pairs,
    build_pairs,
    esco_occupation_skill_pairs,
    hard_negatives,
    read_referentials,
)

MACRO_STOCK, MACRO_ELEC = "macro:300001", "macro:300002"


def texts() -> ReferentialTexts:
    """Two fiches; N1103 lists two stock skills (one core), F1602 one electrical skill (core)."""
    rome_skills = [
        ("100001", "Gérer les stocks", "skill:savoir-faire", MACRO_STOCK),
        ("100002", "Réaliser un inventaire", "skill:savoir-faire", MACRO_STOCK),
        ("100003", "Approvisionner un rayon", "skill:savoir-faire", MACRO_STOCK),  # listed by no fiche
        ("100004", "Installer un tableau électrique", "skill:savoir-faire", MACRO_ELEC),
        ("100005", "Poser des gaines et des câbles", "skill:savoir-faire", MACRO_ELEC),
        ("100006", "Logiciels de gestion de stock", "skill:savoir", "category:Logiciels"),
    ]
    concepts = [ConceptLabels("rome", code, kind, label, skill_group=group) for code, label, kind, group in rome_skills]
    concepts += [
        ConceptLabels("rome", "1", "appellation", "Magasinier / Magasinière", parent_label="Magasinage",
                      parent_code="N1103"),
        ConceptLabels("rome", "2", "appellation", "Électricien / Électricienne du bâtiment",
                      parent_label="Électricité bâtiment", parent_code="F1602"),
        ConceptLabels("rome", "3", "appellation", "Cariste", parent_label="Conduite d'engins", parent_code="N1101"),
        ConceptLabels("esco", "e1", "skill:savoir-faire", "gérer les stocks", label_en="manage stock"),
        ConceptLabels("esco", "e2", "skill:savoir-faire", "utiliser un chariot élévateur", label_en="use forklift"),
        ConceptLabels("esco", "o1", "occupation", "magasinier", label_en="warehouse worker"),
    ]
    return ReferentialTexts(
        versions={"rome": "rome:test", "esco": "esco:test"},
        concepts=tuple(concepts),
        fiche_skills={"N1103": (("100001", True), ("100002", False), ("100006", True)),
                      "F1602": (("100004", True),)},
        occupation_skills={"o1": (("e1", True), ("e2", False))},
    )


def test_appellation_pairs_take_only_core_skills_of_the_fiche() -> None:
    pairs = appellation_skill_pairs(texts(), per_appellation=5)
    got = {(p.anchor, p.positive) for p in pairs}
    assert got == {("Magasinier / Magasinière", "Gérer les stocks"),
                   ("Magasinier / Magasinière", "Logiciels de gestion de stock"),
                   ("Électricien / Électricienne du bâtiment", "Installer un tableau électrique")}
    assert {p.kind for p in pairs} == {"rome_appellation_skill"}
    assert {p.group for p in pairs if p.anchor.startswith("Magasinier")} == {"rome:1"}  # the appellation's group


def test_appellation_pairs_cap_is_stable() -> None:
    one = appellation_skill_pairs(texts(), per_appellation=1)
    assert [p.anchor for p in one].count("Magasinier / Magasinière") == 1
    assert one == appellation_skill_pairs(texts(), per_appellation=1)


def test_esco_occupation_pairs_take_essential_skills() -> None:
    pairs = esco_occupation_skill_pairs(texts(), per_occupation=3)
    assert [(p.anchor, p.positive, p.kind) for p in pairs] == [("magasinier", "gérer les stocks",
                                                                "esco_occupation_skill")]


def test_default_options_add_nothing() -> None:
    base = build_pairs(texts())
    assert base == build_pairs(texts(), options=PairOptions())
    assert not {p.kind for p in base} & MULTI_POSITIVE_KINDS
    more = build_pairs(texts(), options=PairOptions(appellation_skills=2, esco_occupation_skills=2))
    assert more[: len(base)] == base  # new kinds are appended: the shipped pairs keep their order
    assert {p.kind for p in more[len(base):]} == {"rome_appellation_skill", "esco_occupation_skill"}


def test_hard_negatives_come_from_the_group_and_not_from_the_fiche() -> None:
    t = texts()
    pairs = build_pairs(t, options=PairOptions(appellation_skills=5))
    negatives = dict(zip([(p.kind, p.anchor, p.positive) for p in pairs], hard_negatives(t, pairs), strict=True))
    stock = negatives[("rome_appellation_skill", "Magasinier / Magasinière", "Gérer les stocks")]
    # same macro-competence, not listed by N1103 (« Réaliser un inventaire » is listed, non-core)
    assert stock == "Approvisionner un rayon"
    assert negatives[("rome_appellation_skill", "Électricien / Électricienne du bâtiment",
                      "Installer un tableau électrique")] == "Poser des gaines et des câbles"
    # alone in its category: no negative; other kinds never get one
    assert negatives[("rome_appellation_skill", "Magasinier / Magasinière", "Logiciels de gestion de stock")] is None
    assert all(n is None for (kind, _, _), n in negatives.items() if kind != "rome_appellation_skill")
    assert hard_negatives(t, pairs) == hard_negatives(t, list(pairs))


def test_trainer_accepts_hard_negatives() -> None:
    from nlp.training.trainer import train_static

    rng = np.random.default_rng(0)
    init = rng.normal(size=(12, 8)).astype(np.float32)
    config = TrainConfig(seed=1, dim=8, epochs=1, vocab_size=100, batch_size=4)
    common = {"phrase_ids": [[0, 1], [2]], "targets": rng.normal(size=(2, 8)).astype(np.float32),
              "pair_text_ids": [[i] for i in range(12)], "pairs": [(0, 6), (1, 7), (2, 8), (3, 9)],
              "config": config, "validate": lambda w: {"mean_mrr": float(-np.abs(w).sum())},
              "show_progress": False}
    plain = train_static(init, **common)  # type: ignore[arg-type]
    with_negatives = train_static(init, negatives=[10, -1, 11, -1], **common)  # type: ignore[arg-type]
    assert plain.history[0] == with_negatives.history[0]
    assert len(with_negatives.history) == 2


def test_tiny_run_records_the_options_in_the_card(tmp_path: Path) -> None:
    from nlp.training.pipeline import train_model

    config = TrainConfig(seed=3, dim=8, epochs=1, vocab_size=150, batch_size=4, validation_fraction=0.3)
    options = PairOptions(appellation_skills=2, esco_occupation_skills=1, hard_negatives=True)
    report = train_model(texts(), tmp_path / "m", config=config, teacher=HashTeacher(), show_progress=False,
                         pair_options=options)
    info = json.loads((tmp_path / "m" / "training_info.json").read_text(encoding="utf-8"))
    assert info["pair_options"] == options.as_dict()
    assert report.pair_kinds.get("rome_appellation_skill") == 3
    assert report.n_hard_negatives >= 0
    card = (tmp_path / "m" / "README.md").read_text(encoding="utf-8")
    assert "--appellation-skills" in card and "--hard-negatives" in card
    assert "none (the shipped recipe)" in render_model_card({"config": {}}, [])


def test_read_referentials_exposes_fiche_skills(loaded_store_path: Path) -> None:
    from skillgap.store import connect

    con = connect(loaded_store_path, read_only=True)
    try:
        t = read_referentials(con)
    finally:
        con.close()
    assert t.fiche_skills and any(is_core for links in t.fiche_skills.values() for _, is_core in links)
    assert any(c.parent_code for c in t.concepts if c.kind == "appellation")
    assert any(c.skill_group.startswith("macro:") for c in t.concepts if c.source == "rome")
    pairs = build_pairs(t, options=PairOptions(appellation_skills=2))
    assert any(p.kind == "rome_appellation_skill" for p in pairs)
    # the ESCO occupation → skill links of the loaded version (``referentials.queries``), essential ones flagged
    assert t.occupation_skills and any(essential for links in t.occupation_skills.values() for _, essential in links)
