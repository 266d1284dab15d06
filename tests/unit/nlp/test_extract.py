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


@pytest.mark.parametrize("text", ["", "<<<>>>", "€€€ " * 10, "x" * 5000, "日本語のテキスト"], ids=["empty", "markup", "symbols", "long-word", "non-french"])
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
