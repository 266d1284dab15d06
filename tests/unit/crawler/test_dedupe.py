"""Near-duplicate decisions a user relies on: exact similarity, short edited reposts, stable ties."""

from crawler.dedupe import Deduper, shingles, signature_of

SHORT_AD = (
    "Entreprise de propreté recrute un agent d'entretien pour des bureaux à Villeurbanne, "
    "du lundi au vendredi de 6 h à 9 h, permis B apprécié, débutant accepté, poste à pourvoir de suite"
)


def _exact(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def test_similarity_is_the_exact_jaccard_of_the_shingles():
    edited = SHORT_AD.replace("Villeurbanne", "Lyon").replace("de suite", "rapidement")
    d = Deduper()
    d.add("a", "h1", signature_of("Agent d'entretien", SHORT_AD), "69")
    match = d.find("h2", signature_of("Agent d'entretien H/F", edited), "69")
    expected = _exact("Agent d'entretien\n" + SHORT_AD, "Agent d'entretien H/F\n" + edited)
    assert match is not None and match.kind == "near"
    assert abs(match.similarity - expected) < 1e-9


def test_short_ad_reposted_with_a_few_edits_is_a_duplicate():
    words = SHORT_AD.split()
    words[3], words[20] = "embauche", "souhaité"  # 2 words of 32 changed, a reference added
    edited = " ".join(words) + "\nRéférence : 004512"
    d = Deduper()
    d.add("a", "h1", signature_of("Agent d'entretien (H/F)", SHORT_AD), "69")
    assert d.find("h2", signature_of("AGENT D'ENTRETIEN", edited), None) is not None


def test_same_boilerplate_for_another_job_is_not_a_duplicate():
    boilerplate = "Notre groupe familial de 300 salariés accompagne les industriels de la région depuis 1970. "
    one = boilerplate + "Vous conduisez un chariot élévateur, chargez les camions et tenez le stock à jour."
    two = boilerplate + "Vous soudez des pièces au poste MIG, lisez les plans et contrôlez vos cordons."
    d = Deduper()
    d.add("a", "h1", signature_of("Cariste", one), "69")
    assert d.find("h2", signature_of("Soudeur", two), "69") is None


def test_ties_go_to_the_same_canonical_ad_every_time():
    d = Deduper()
    for ad_id in ("b", "a", "c"):
        d.add(ad_id, f"h-{ad_id}", signature_of("Agent d'entretien", SHORT_AD), "69")
    assert d.find("other", signature_of("Agent d'entretien", SHORT_AD + " urgent"), "69").ad_id == "a"
