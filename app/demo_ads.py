"""Job ads WRITTEN FOR THE DEMO (not real ads), built deterministically from the ROME referential.

Each ad of an occupation combines lines worded from the skills of its ROME 4.0 fiche (core skills
more often), skills employers ask for that the referentials may not name (``NEW_SKILLS``; some
grow over time, one fades), and the boilerplate real ads carry (company, conditions, benefits)
which must not produce skills. Dates span the 22 months before the demo week; locations are spread
over four regions. Every ad says it was written for the demo.
"""

from __future__ import annotations

import html
import random
from datetime import date, timedelta

import duckdb

from referentials import queries

OCCUPATIONS = {  # ROME 4.0 code → ad title
    "M1805": "Développeur / Développeuse informatique (H/F)",
    "F1602": "Électricien / Électricienne du bâtiment (H/F)",
    "J1501": "Aide-soignant / Aide-soignante (H/F)",
    "N1103": "Préparateur / Préparatrice de commandes (H/F)",
}
#: (line, trend): trend "up" = rare at first, frequent at the end; "down" the reverse; "flat"
NEW_SKILLS = {
    "M1805": [("Intégrer des modèles d'IA générative (LLM) dans les applications", "up"),
              ("Déployer des conteneurs sur Kubernetes", "flat"),
              ("Maintenir du code jQuery existant", "down")],
    "F1602": [("Installer des bornes de recharge pour véhicules électriques (IRVE)", "up"),
              ("Poser des panneaux photovoltaïques en autoconsommation", "up")],
    "J1501": [("Utiliser le dossier de soins informatisé sur tablette", "up")],
    "N1103": [("Travailler avec un exosquelette d'assistance au port de charges", "up"),
              ("Utiliser un terminal à commande vocale", "flat")],
}
PLACES = [("69003", "Lyon", "84"), ("38000", "Grenoble", "84"), ("75011", "Paris", "11"),
          ("93200", "Saint-Denis", "11"), ("31000", "Toulouse", "76"), ("34000", "Montpellier", "76"),
          ("59000", "Lille", "32"), ("62300", "Lens", "32")]
_PREFIXES = ["- ", "- Vous savez ", "• ", "- Capacité à ", "- "]
_BOILERPLATE = [
    "Rémunération selon profil, mutuelle d'entreprise et tickets restaurant.",
    "Poste en CDI à temps plein, 35 heures hebdomadaires.",
    "Notre entreprise familiale compte {n} salariés et place la sécurité au cœur de ses valeurs.",
    "Avantages : comité d'entreprise, prime d'intéressement, {k} jours de RTT.",
]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _phrase(prefix: str, label: str) -> str:
    """``prefix`` + the skill label, lower-cased after a verb-introducing prefix.

    >>> _phrase("- Vous savez ", "Coder")
    '- Vous savez coder'
    """
    return prefix + (label if prefix.strip() in ("-", "•") else _lower_first(label))


def _trend_probability(trend: str, t: float) -> float:
    return {"up": 0.05 + 0.55 * t, "down": 0.5 - 0.45 * t, "flat": 0.3}[trend]


def demo_postings(
    con: duckdb.DuckDBPyConnection, *, end: date, n_per_occupation: int = 450, seed: int = 2026
) -> list[dict]:
    """schema.org JobPosting objects (as a career site would publish them) for the demo site."""
    rng = random.Random(seed)
    postings = []
    for rome_code, title in OCCUPATIONS.items():
        skills = queries.skills_of_occupation(con, rome_code)
        core = skills[skills.is_core & (skills.kind != "savoir")].label.tolist()
        other = skills[~skills.is_core & (skills.kind != "savoir")].label.tolist()
        knowledge = skills[skills.kind == "savoir"].label.tolist()
        for i in range(n_per_occupation):
            t = i / max(1, n_per_occupation - 1)
            posted = end - timedelta(days=int((1 - t) * 660) + rng.randint(0, 6))
            chosen = (rng.sample(core, min(len(core), rng.randint(2, 4)))
                      + rng.sample(other, min(len(other), rng.randint(1, 3))))
            lines = [_phrase(rng.choice(_PREFIXES), label) for label in chosen]
            lines += [f"- {line}" for line, trend in NEW_SKILLS[rome_code]
                      if rng.random() < _trend_probability(trend, t)]
            rng.shuffle(lines)
            profile = [f"- Connaissance : {k}" for k in rng.sample(knowledge, min(len(knowledge), rng.randint(1, 2)))]
            postal_code, city, _ = PLACES[rng.randrange(len(PLACES))]
            text = "\n".join(
                [f"Annonce écrite pour la démonstration de skillgap (n° {rome_code}-{i}).",
                 rng.choice(_BOILERPLATE).format(n=rng.randint(8, 400), k=rng.randint(5, 25)),
                 "Vos missions :", *lines, "Votre profil :", *profile,
                 rng.choice(_BOILERPLATE).format(n=rng.randint(8, 400), k=rng.randint(5, 25))])
            postings.append({
                "@context": "https://schema.org", "@type": "JobPosting", "title": title,
                "description": "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n")),
                "datePosted": posted.isoformat(),
                "identifier": {"@type": "PropertyValue", "value": f"demo-{rome_code}-{i}"},
                "hiringOrganization": {"@type": "Organization", "name": f"Employeur démo {rng.randint(1, 60)}"},
                "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": postal_code,
                                                              "addressLocality": city, "addressCountry": "FR"}},
                "employmentType": "FULL_TIME", "occupationalCategory": rome_code})
    return postings
