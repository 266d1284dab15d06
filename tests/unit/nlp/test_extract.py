import pytest

from nlp.extract import extract_candidates, line_candidates
from nlp.sections import Line, heading_section, is_boilerplate, split_lines

AD = (
    "Notre société est leader du secteur.\n"
    "Vos missions :\n"
    "- Installer, configurer et gérer les serveurs Linux\n"
    "- Gérer les stocks\n"
    "Profil : Maîtrise d'Excel, Word et PowerPoint.\n"
    "Avantages : tickets restaurant, mutuelle, 13e mois\n"
    "Salaire : 35 k€ brut annuel"
)


def test_sections_and_boilerplate():
    lines = split_lines(AD)
    sections = {line.text: line.section for line in lines}
    assert sections["Gérer les stocks"] == "missions"
    assert any(s == "avantages" for s in sections.values())
    assert heading_section("VOTRE PROFIL") == "profil"
    assert is_boilerplate("Salaire : 35 k€")


def test_candidates_keep_offsets_and_skip_benefits():
    cands = extract_candidates(AD)
    texts = [c.text for c in cands]
    for cand in cands:
        assert AD[cand.start_char : cand.end_char] == cand.text
    assert "Gérer les stocks" in texts
    assert "gérer les serveurs Linux" in texts
    assert not any("restaurant" in t or "35 k" in t for t in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Excel, Word et PowerPoint", {"Excel", "Word", "PowerPoint"}),
        ("Maîtrise d'Excel", {"Excel"}),
        ("Installer, mettre à jour et dépanner les logiciels", {"mettre à jour", "dépanner les logiciels"}),
    ],
    ids=["terms", "object", "verbs"],
)
def test_line_candidates(text, expected):
    found = {c.text for c in line_candidates(Line(text, 0, len(text), "profil"))}
    assert expected <= found


@pytest.mark.parametrize("text", ["", "<<<>>>", "€€€ " * 10, "x" * 5000, "日本語のテキスト"],
                         ids=["empty", "markup", "symbols", "long-word", "non-french"])
def test_bad_text_never_crashes(text):
    extract_candidates(text)


def test_label_matcher_repeated_lines_keep_their_own_offsets():
    from nlp.extract import LabelMatcher

    matcher = LabelMatcher(["Langage SQL", "Gestion de projet"])
    lines = [Line("Maîtrise du langage SQL", 0, 23, "profil"), Line("Maîtrise du langage SQL", 100, 123, "missions")]
    first = matcher(lines)
    assert [(c.text, c.start_char, c.end_char, c.section) for c in first] == [
        ("langage SQL", 12, 23, "profil"), ("langage SQL", 112, 123, "missions")]
    assert matcher(lines[1:]) == first[1:]  # served from the per-line cache, same candidates


def test_label_matcher_skips_only_lines_that_cannot_match():
    """Lines without any label's letters are not tokenized, and that loses no match: the same
    matches as spaCy's PhraseMatcher run on every line (case, C++, elision, odd spacing)."""
    import spacy
    from spacy.matcher import PhraseMatcher
    from spacy.util import filter_spans

    from nlp.extract import LabelMatcher

    labels = ["Langage SQL", "Gestion de projet", "C++", "AutoCAD", "Travail en équipe", "Word"]
    texts = [
        "Maîtrise du LANGAGE sql et du C++", "Gestion  de projet agile", "Vous connaissez autocad.",
        "l'autoCAD et le travail en équipe", "Rigueur et autonomie", "Excel, Word et PowerPoint",
        "Pas de compétence ici", "Gestion de projets", "ΣQL langage sql",
    ]
    lines = [Line(t, 0, len(t), "profil") for t in texts]
    matcher = LabelMatcher(labels)
    nlp = spacy.blank("fr")
    reference = PhraseMatcher(nlp.vocab, attr="LOWER")
    reference.add("L", [nlp.make_doc(x) for x in labels if len(nlp.make_doc(x)) >= 2 or x in ("C++", "AutoCAD")])
    expected = [
        (span.text, span.start_char)
        for t in texts for span in filter_spans(reference(nlp.make_doc(t), as_spans=True))
    ]
    assert [(c.text, c.start_char) for c in matcher(lines)] == expected
    assert ("sql", 0) not in expected and len(expected) >= 5
    assert not matcher.may_match("Rigueur et autonomie") and matcher.may_match("gestion DE projet")
    assert not LabelMatcher([]).may_match("Gestion de projet")


def test_boilerplate_words_cover_every_alternative():
    """``is_boilerplate`` runs a rule only on lines holding its word: each alternative of the rule
    must hold that word literally, or its lines would pass as skills."""
    from nlp import sections

    def top_level(pattern: str) -> list[str]:  # alternatives of the rule (inner groups kept whole)
        parts, depth, start = [], 0, 0
        for i, ch in enumerate(pattern):
            depth += (ch == "(") - (ch == ")")
            if ch == "|" and depth == 0 and pattern[i - 1] != "\\":
                parts.append(pattern[start:i])
                start = i + 1
        return [*parts, pattern[start:]]

    assert len(sections._BOILERPLATE_RULES) > 30
    for word, rule in sections._BOILERPLATE_RULES:
        for alternative in top_level(rule.pattern):
            assert word in alternative.replace("\\b", ""), (word, alternative)
    assert is_boilerplate("Tickets resto et mutuelle") and not is_boilerplate("Exprimer un besoin client")


def test_max_words_cuts_the_clause_and_defaults_to_the_config():
    import inspect

    from nlp.config import ExtractionConfig, load_config

    words = [f"mot{i}" for i in range(30)]
    text = "Profil :\n" + "Savoir " + " ".join(words)
    clause = {c.method: c for c in extract_candidates(text)}["clause"]
    assert len(clause.text.split()) == 24
    short = {c.method: c for c in extract_candidates(text, max_words=5)}["clause"]
    assert short.text == "Savoir mot0 mot1 mot2 mot3"
    assert text[short.start_char : short.end_char] == short.text
    default = inspect.signature(extract_candidates).parameters["max_words"].default
    assert default == inspect.signature(line_candidates).parameters["max_words"].default
    assert default == ExtractionConfig().max_words == load_config().extraction.max_words  # today's behaviour


def test_engine_passes_max_words():
    from nlp.config import load_config
    from nlp.engine import NlpEngine

    config = load_config()
    engine = NlpEngine.__new__(NlpEngine)  # ``candidates`` needs only the config and the matcher
    engine.config = config.model_copy(update={"extraction": config.extraction.model_copy(update={"max_words": 4})})
    engine.matcher = None  # type: ignore[assignment]
    text = "Profil :\nSavoir " + " ".join(f"x{i}" for i in range(10))
    assert [c.text for c in engine.candidates(text) if c.method == "clause"] == ["Savoir x0 x1 x2"]


@pytest.mark.issue(17)
@pytest.mark.parametrize(("line", "boilerplate"), [
    ("CRIT recrute pour une industrie de soudure, un soudeur TIG.", True),
    ("Votre agence recherche pour son client des équipiers de collecte H/F.", True),
    ("L'agence est à la recherche pour un de ses clients d'un métallier", True),
    ("Technicien Réseau Assainissement H/F", True),  # a job title, not a skill
    ("Une épargne salariale avantageuse", True),
    ("Aide au logement et à la garde d'enfants", True),
    ("Vous bénéficierez d'une formation interne", True),
    ("Des opportunités de formation continue", True),
    # skill lines that look like them
    ("Recruter et former les équipes", False),
    ("Rechercher de nouveaux clients", False),
    ("Vous bénéficiez d'un esprit d'analyse et de synthèse", False),
    ("Nous recherchons quelqu'un de rigoureux, curieux et motivé", False),
    ("Pour réussir vos missions de Chef de dossier H/F, vous êtes issu de la formation DSCG ou DCG", False),
    ("Réparer des vélos électriques", False),
])
def test_recruitment_benefit_and_title_lines_are_boilerplate(line, boilerplate):
    assert is_boilerplate(line) is boilerplate
