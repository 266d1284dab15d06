"""Section detection and line splitting of French job-ad text (pure functions, no model).

An ad is cut into lines (line breaks, bullets, sentences glued without a space, « titre : » heads).
Each line gets a section: ``missions``, ``profil``, ``competences``, ``savoir_etre``, ``poste``
(text before any heading), or a non-skill section: ``entreprise``, ``avantages``, ``conditions``.
Lines of non-skill sections, and lines about pay or benefits anywhere, produce no skills.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from nlp.text import fold_line

SKILL_SECTIONS = frozenset({"poste", "missions", "profil", "competences", "savoir_etre"})

# folded heading keyword → section (checked on short lines and on « head: » prefixes)
_HEADINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), section)
    for pattern, section in (
        (r"\b(savoir[- ]etre|qualites|soft skills|aptitudes)\b", "savoir_etre"),
        (r"\b(competences|savoir[- ]faire|connaissances|hard skills|stack|environnement technique|outils)\b",
         "competences"),
        (r"\b(profil|vous etes|vous avez|qualifications?|prerequis|requis|formation|experience)\b", "profil"),
        (r"\b(missions?|activites|taches|responsabilites|vous serez|vous aurez|votre role|le poste|"
         r"descriptif du poste|description du poste|au quotidien|fonctions)\b", "missions"),
        (r"\b(avantages|nous offrons|nous vous offrons|ce que nous offrons|vous offre|pourquoi nous rejoindre|"
         r"remuneration|salaire|package)\b", "avantages"),
        (r"\b(conditions|horaires|lieu de travail|type de contrat|contrat|date de debut|informations "
         r"complementaires|processus de recrutement|modalites)\b", "conditions"),
        (r"\b(entreprise|societe|qui sommes[- ]nous|a propos|notre client|presentation|nous sommes|groupe)\b",
         "entreprise"),
    )
)
# Pay, benefits, application instructions, recruitment phrases: (a word the line must hold, the rule).
# The word is tested first (a substring test), so a line runs only the few rules whose word it holds.
_BOILERPLATE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((word, re.compile(rule)) for word, rule in (
    ("€", r"€"), ("euro", r"\beuros?\b"), ("salaire", r"\bsalaire\b"), ("remuneration", r"\bremuneration\b"),
    ("mutuelle", r"\bmutuelle\b"), ("ticket", r"tickets? resto"), ("titre", r"titres? restaurant"),
    ("rtt", r"\brtt\b"), ("prime", r"\bprime"), ("cong", r"\bcongés?\b|\bconges\b"),
    ("teletravail", r"\bteletravail\b"), ("horaire", r"\bhoraires?\b"), ("cdi", r"\bcdi\b"), ("cdd", r"\bcdd\b"),
    ("postulez", r"\bpostulez\b"), ("candidature", r"\bcandidature\b"), ("cv", r"\bcv\b"),
    ("handicap", r"\bhandicap"), ("diversite", r"\bdiversite\b"), ("comite", r"\bcomite d'entreprise\b"),
    ("cse", r"\bcse\b"), ("participation", r"\bparticipation\b"), ("interessement", r"\binteressement\b"),
    # benefits (issue 17: savings plans, childcare, « vous bénéficierez de… », training offered as a perk)
    ("epargne", r"\bepargne\b"), ("garde d'enfant", r"garde d'enfants?"), ("creche", r"\bcreches?\b"),
    ("mois", r"\b13e(?:me)? mois\b"), ("avantage", r"\bavantages sociaux\b|panel d'avantages"),
    ("beneficier", r"\bvous beneficierez\b|\bbeneficier d"),
    ("de formation", r"\b(?:opportunites?|possibilites?) de formation"),
    # recruitment and agency phrases (« CRIT recrute… », « … recherche pour l'un de ses clients un soudeur (H/F) »)
    ("recrut", r"\brecrute\b|\brecrutons\b"),
    ("client", r"pour (?:le compte de )?(?:l'un de |un de )(?:ses|nos) clients\b"
               r"|\brecherche\w* pour (?:le compte de )?(?:son|ses|notre|nos) clients?\b"),
    ("recherch", r"\brecherch\w* (?:un|une|des|notre|son|sa|deux|trois|plusieurs)\b[^.]*\b[hf] ?/ ?[fh]\b"),
    ("interim", r"\bagence d'interim\b"),
))
# a job title (« Soudeur TIG H/F »): a short line with the gender mark
_JOB_TITLE = re.compile(r"\b[hf] ?/ ?[fh]\b")
_JOB_TITLE_MAX_WORDS = 12
_SPLIT = re.compile(
    r"\n+"  # line breaks
    r"|(?<=[.!?;:])\s*(?=[A-ZÀ-Ý•])"  # sentence ends, also glued: « du SI.Vos missions », « suivantes:Installer »
    r"|(?<=[a-zà-ÿ)],)(?=[A-ZÀ-Ý])"  # list items glued by a comma: « logicielles,Installer »
    r"|\s*[•▪◦●○■□➢➤►▶✓✔➔→·]\s*"  # bullets
    r"|(?<!\S)[-*–]\s+"  # dash bullets
)
_HEAD_COLON = re.compile(r"^(.{3,70}?)\s*:\s*(.*)$")


@dataclass(frozen=True)
class Line:
    """One line of an ad: its text, offsets in the cleaned text, and its section."""

    text: str
    start_char: int
    end_char: int
    section: str


def heading_section(text: str) -> str | None:
    """The section a short heading names, else None.

    >>> heading_section("VOTRE PROFIL")
    'profil'
    >>> heading_section("Les avantages :")
    'avantages'
    >>> heading_section("Installer et configurer les serveurs Linux de production") is None
    True
    >>> heading_section("Profil recherché"), heading_section("Maîtrise des outils bureautiques")
    ('profil', None)
    >>> heading_section("Vous êtes capable de gérer une équipe") is None
    True
    """
    has_colon = text.rstrip().endswith(":")
    folded = fold_line(text).strip(" :-•*!?.")
    if not folded or len(folded.split()) > 7:
        return None
    for pattern, section in _HEADINGS:
        if pattern.search(folded) and (has_colon or _only_heading_words(pattern.sub(" ", folded))):
            return section
    return None


_HEADING_FILLERS = frozenset(
    "votre vos notre nos le la les l' du de des d' et au aux en a un une ce que qui pour recherche recherchee "
    "souhaite souhaitee souhaites requis requises attendues attendus principales principaux cles techniques "
    "demandees demandes candidat ideal poste entreprise specifiques necessaires".split())


def _only_heading_words(rest: str) -> bool:
    """True when, the section keyword removed, only filler words remain (« Votre profil », « Profil recherché »),
    so a skill line that merely contains a keyword (« Maîtrise des outils bureautiques ») is not a heading."""
    return all(word in _HEADING_FILLERS for word in re.findall(r"[a-z']+", rest.replace("'", "' ")))


@functools.lru_cache(maxsize=65_536)  # ads repeat lines
def is_boilerplate(text: str) -> bool:
    """Pay, benefits, application instructions, recruitment phrases and job titles: never skills.

    >>> is_boilerplate("Salaire : 35 k€ + tickets restaurant")
    True
    >>> is_boilerplate("Gérer les stocks")
    False
    >>> [is_boilerplate(t) for t in ("CRIT recrute pour une industrie de soudure", "Soudeur TIG H/F",
    ...  "Vous bénéficierez d'une flotte de vélos", "Manpower recherche pour son client un technicien")]
    [True, True, True, True]
    >>> [is_boilerplate(t) for t in ("Recruter et former les équipes", "Rechercher des clients",
    ...  "Vous bénéficiez d'un esprit d'analyse", "Nous recherchons quelqu'un de rigoureux et curieux",
    ...  "Pour réussir vos missions de Chef de dossier H/F, vous êtes issu de la formation DSCG ou DCG")]
    [False, False, False, False, False]
    """
    folded = fold_line(text)
    if "/" in folded and len(folded.split()) <= _JOB_TITLE_MAX_WORDS and _JOB_TITLE.search(folded):
        return True
    return any(word in folded and rule.search(folded) for word, rule in _BOILERPLATE_RULES)


def _raw_lines(text: str) -> list[tuple[str, int, int]]:
    pieces: list[tuple[str, int, int]] = []
    start = 0
    for match in _SPLIT.finditer(text):
        if match.start() > start:
            pieces.append((text[start : match.start()], start, match.start()))
        start = max(start, match.end())
    if start < len(text):
        pieces.append((text[start:], start, len(text)))
    out = []
    for piece, begin, _end in pieces:
        lead = len(piece) - len(piece.lstrip())
        stripped = piece.strip()
        if stripped:
            out.append((stripped, begin + lead, begin + lead + len(stripped)))
    return out


def split_lines(text: str) -> list[Line]:
    """Lines with their sections (offsets are into ``text``).

    >>> [(l.text, l.section) for l in split_lines("Vos missions :Gérer les stocks\\nProfil\\nRigoureux")]
    [('Gérer les stocks', 'missions'), ('Rigoureux', 'profil')]
    """
    section = "poste"
    lines: list[Line] = []
    for piece, start, _end in _raw_lines(text):
        match = _HEAD_COLON.match(piece)
        if match:
            head = heading_section(match.group(1))
            if head is not None:
                section = head
                rest = match.group(2).strip()
                if not rest:
                    continue
                offset = piece.index(rest, len(match.group(1)))
                piece, start = rest, start + offset
        elif (head := heading_section(piece)) is not None:
            section = head
            continue
        lines.append(Line(piece, start, start + len(piece), section))
    return lines
