"""Training material from the store, determinism, and a tiny end-to-end training run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from training_support import HashTeacher

from models.training import TrainConfig
from nlp.training.corpus import (
    ConceptLabels,
    ReferentialTexts,
    build_corpus,
    build_pairs,
    read_referentials,
    split_pairs,
)
from nlp.training.trainer import no_duplicate_batches

ROME_SKILLS = [
    ("100001", "Gérer les stocks", "Gérer les approvisionnements"),
    ("100002", "Réaliser un inventaire", "Gérer les approvisionnements"),
    ("100003", "Accueillir les clients", "Accueillir et renseigner la clientèle"),
    ("100004", "Renseigner un client sur les produits", "Accueillir et renseigner la clientèle"),
    ("100005", "Installer un tableau électrique", "Réaliser une installation électrique"),
    ("100006", "Poser des gaines et des câbles", "Réaliser une installation électrique"),
]
APPELLATIONS = [
    ("1", "Magasinier / Magasinière", "N1103", "Magasinage et préparation de commandes"),
    ("2", "Préparateur / Préparatrice de commandes", "N1103", "Magasinage et préparation de commandes"),
    ("3", "Électricien / Électricienne du bâtiment", "F1602", "Électricité bâtiment"),
    ("4", "Vendeur / Vendeuse en magasin", "D1211", "Vente en magasin"),
]
ESCO_SKILLS = [
    ("e1", "gérer les stocks", ("contrôler les stocks",), "manage stock", ("control stock", "handle inventory")),
    ("e2", "installer des câbles électriques", (), "install electrical wiring", ("lay electrical cables",)),
    ("e3", "programmer en Python", ("coder en Python",), "Python programming", ("Python", "code in Python")),
    ("e4", "servir les clients", (), "serve customers", ("assist customers",)),
]


def toy_texts() -> ReferentialTexts:
    concepts = [ConceptLabels("rome", c, "skill:savoir-faire", label, parent_label=macro)
                for c, label, macro in ROME_SKILLS]
    concepts += [ConceptLabels("rome", c, "appellation", label, parent_label=fiche)
                 for c, label, _, fiche in APPELLATIONS]
    concepts += [ConceptLabels("esco", c, "skill:savoir-faire", fr, alt_labels=alts, label_en=en, alt_labels_en=alts_en)
                 for c, fr, alts, en, alts_en in ESCO_SKILLS]
    concepts += [ConceptLabels("rncp", "RNCP1BC01", "block", "Gestion des flux de marchandises")]
    return ReferentialTexts(versions={"rome": "rome:test", "esco": "esco:test"}, concepts=tuple(concepts))


def test_corpus_is_deterministic_and_its_content_order_independent() -> None:
    texts = toy_texts()
    shuffled = replace(texts, concepts=tuple(reversed(texts.concepts)))
    first = build_corpus(texts, seed=7)
    assert first == build_corpus(texts, seed=7)  # the store is read in a fixed order
    assert set(first) == set(build_corpus(shuffled, seed=7))
    assert first != build_corpus(texts, seed=8)
    assert len(first) == len(set(first))
    assert {"Gérer les stocks", "manage stock", "handle inventory", "Magasinier / Magasinière"} <= set(first)


def test_pairs_cover_every_relation() -> None:
    kinds = {(p.kind, p.anchor, p.positive) for p in build_pairs(toy_texts())}
    assert ("rome_skill_macro", "Gérer les stocks", "Gérer les approvisionnements") in kinds
    assert ("rome_appellation_fiche", "Magasinier / Magasinière", "Magasinage et préparation de commandes") in kinds
    assert ("esco_skill_alt_fr", "contrôler les stocks", "gérer les stocks") in kinds
    assert ("esco_skill_alt_en", "handle inventory", "manage stock") in kinds
    assert ("esco_skill_en_fr", "manage stock", "gérer les stocks") in kinds
    assert ("rome_title_fiche", "Magasinier", "Magasinage et préparation de commandes") in kinds
    sentences = {(anchor, positive) for kind, anchor, positive in kinds if kind == "sentence_en"}
    assert any(a != "manage stock" and "manage stock" in a and p == "manage stock" for a, p in sentences)


def test_synthetic_anchors_join_the_corpus() -> None:
    corpus = set(build_corpus(toy_texts(), seed=1))
    titles = [p.anchor for p in build_pairs(toy_texts()) if p.kind == "rome_title_fiche"]
    assert titles and set(titles) <= corpus


def test_split_keeps_concepts_whole_and_is_stable() -> None:
    pairs = build_pairs(toy_texts())
    train, validation = split_pairs(pairs, validation_fraction=0.3)
    assert len(train) + len(validation) == len(pairs) and validation
    assert not {p.group for p in train} & {p.group for p in validation}
    assert (train, validation) == split_pairs(list(pairs), validation_fraction=0.3)


def test_no_duplicate_batches_never_repeat_a_text() -> None:
    rng = np.random.default_rng(0)
    anchors, positives = rng.integers(0, 40, 300), rng.integers(40, 60, 300)
    batches = no_duplicate_batches(anchors, positives, rng.permutation(300), 16)
    assert sorted(i for b in batches for i in b) == list(range(300))
    for batch in batches:
        texts = [anchors[i] for i in batch] + [positives[i] for i in batch]
        assert len(texts) == len(set(texts)) and len(batch) <= 16


def test_read_referentials_from_store(loaded_store_path: Path) -> None:
    from skillgap.store import connect

    con = connect(loaded_store_path, read_only=True)
    try:
        texts = read_referentials(con)
    finally:
        con.close()
    assert {"rome", "esco"} <= set(texts.versions)
    kinds = {c.kind for c in texts.concepts}
    assert {"skill:savoir-faire", "skill:savoir", "appellation", "fiche", "occupation"} <= kinds
    assert any(c.label_en and c.alt_labels_en for c in texts.concepts if c.source == "esco")
    assert len({p.kind for p in build_pairs(texts)}) >= 6


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from nlp.training.pipeline import train_model

    config = TrainConfig(seed=3, dim=8, epochs=2, vocab_size=150, batch_size=4, validation_fraction=0.3)
    outs = []
    for name in ("a", "b"):
        out = tmp_path_factory.mktemp("model") / name
        train_model(toy_texts(), out, config=config, teacher=HashTeacher(), show_progress=False)
        outs.append(out)
    return outs


def test_tiny_training_writes_a_complete_model(tiny_runs: list[Path]) -> None:
    from sentence_transformers import SentenceTransformer

    from nlp.static_encoder import StaticEncoder

    out = tiny_runs[0]
    for name in ("modules.json", "config_sentence_transformers.json", "README.md", "training_info.json"):
        assert (out / name).is_file(), name
    info = json.loads((out / "training_info.json").read_text())
    assert info["config"]["seed"] == 3 and info["referential_versions"]["rome"] == "rome:test"
    assert len(info["validation_history"]) == 3 and 0 <= info["best_epoch"] <= 2
    card = (out / "README.md").read_text()
    assert "rome:test" in card and "Seed: 3" in card
    texts = ["gérer les stocks", "Électricien du bâtiment"]
    model = SentenceTransformer(str(out), device="cpu").float()
    np.testing.assert_allclose(StaticEncoder(out).encode(texts), model.encode(texts, normalize_embeddings=True),
                               atol=1e-5)


def test_training_is_deterministic_for_a_seed(tiny_runs: list[Path]) -> None:
    a, b = (next(p.rglob("model.safetensors")).read_bytes() for p in tiny_runs)
    assert a == b
    tok_a, tok_b = (next(p.rglob("tokenizer.json")).read_bytes() for p in tiny_runs)
    assert tok_a == tok_b


@pytest.mark.parametrize("text", [
    "Gérer l'ÉQUIPE (H/F)", "Développeur full-stack React/Node.js — 45 k€", "Œuvre d’art\tà restaurer",
    "C++, C#, .NET; SQL*Plus", "ÉLECTRICIEN BÂTIMENT N3P1", "naïve\u00a0façade\u200b", "",
], ids=["apostrophe", "symbols", "ligature-tab", "code", "caps", "nbsp-zwsp", "empty"])
def test_split_words_agrees_with_the_tokenizer(text: str) -> None:
    from nlp.training.tokenizer import split_words, train_wordpiece

    tokenizer = train_wordpiece(["x"], vocab_size=10)
    expected = [w for w, _ in tokenizer.pre_tokenizer.pre_tokenize_str(tokenizer.normalizer.normalize_str(text))]
    assert split_words(text) == expected


def test_ad_phrases_come_from_descriptions_only_seeded() -> None:
    import duckdb

    from nlp.training.corpus import read_ad_phrases
    from skillgap.errors import InsufficientDataError

    con = duckdb.connect(":memory:")
    with pytest.raises(InsufficientDataError, match="aucune offre"):
        read_ad_phrases(con, limit=5, seed=0)
    con.execute("CREATE TABLE core_ads__job_ads (ad_id VARCHAR, title VARCHAR, description VARCHAR)")
    con.execute("""INSERT INTO core_ads__job_ads VALUES
        ('2', 'Cariste H/F', 'Vos missions :\n- Conduire un chariot élévateur\n- Gérer les stocks'),
        ('1', 'Magasinier', 'Profil : rigueur, ponctualité\n- Gérer les stocks'),
        ('3', 'Vendeur', NULL)""")
    every = read_ad_phrases(con, limit=1000, seed=0)
    assert "Conduire un chariot élévateur" in every and every.count("Gérer les stocks") == 1
    assert not any("Cariste" in p or "Magasinier" in p for p in every)  # titles are not read
    two = read_ad_phrases(con, limit=2, seed=0)
    assert len(two) == 2 and set(two) <= set(every) and two == read_ad_phrases(con, limit=2, seed=0)
    assert read_ad_phrases(con, limit=0, seed=0) == []


def test_ad_phrases_join_the_corpus_and_the_card(tmp_path: Path) -> None:
    from nlp.training.pipeline import train_model

    ads = ["Conduire un chariot élévateur", "Gérer les stocks"]
    assert build_corpus(toy_texts(), seed=0, ad_phrases=ads)[-1] == "Conduire un chariot élévateur"
    config = TrainConfig(seed=3, dim=8, epochs=1, vocab_size=150, batch_size=4, validation_fraction=0.3, ad_phrases=2)
    train_model(toy_texts(), tmp_path / "m", config=config, teacher=HashTeacher(), show_progress=False, ad_phrases=ads)
    info = json.loads((tmp_path / "m" / "training_info.json").read_text())
    assert info["n_ad_phrases"] == 2 and info["config"]["ad_phrases"] == 2
    assert "2 candidate phrases of the ads stored" in (tmp_path / "m" / "README.md").read_text()
