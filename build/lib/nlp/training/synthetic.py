"""Synthetic ad-like texts made from referential labels (no ad is read).

- **Titles**: ROME appellations read « Développeur / Développeuse web »; ads write
  « Développeur web H/F ». ``title_variants`` gives the masculine form and an ad-style title.
- **Sentences**: ads and the ESCO-linking sets phrase skills inside sentences (« Vous serez en
  charge de … », "You will …"). ``skill_sentence`` wraps a label in one of a few generic
  templates, in French or English, verb or noun form. Distilled to the teacher, such sentences
  teach the static model that the filler words around a skill carry little; paired with the
  label, they teach sentence → skill retrieval.

Choices are made by a stable hash of a key, so they do not depend on any RNG state or order.
"""

from __future__ import annotations

import hashlib
import re

TITLE_SUFFIXES = ("H/F", "(H/F)", "F/H", "- H/F", "(F/H)")
SENTENCES = {
    ("fr", "verb"): (
        "Vous serez en charge de {x}.",
        "Au sein de notre équipe, vous devrez {x}.",
        "Vos missions : {x} et participer à la vie de l'équipe.",
        "Le candidat idéal sait {x}.",
        "Vous êtes capable de {x} en autonomie.",
        "Votre rôle consistera à {x} au quotidien.",
    ),
    ("fr", "noun"): (
        "Maîtrise de {x} indispensable.",
        "Une connaissance de {x} est un plus.",
        "Vous avez une expérience en {x}.",
        "Compétences requises : {x}.",
        "Une bonne pratique de {x} est attendue.",
    ),
    ("en", "verb"): (
        "You will {x}.",
        "As a member of our team, you will {x} and work closely with our clients.",
        "The ideal candidate is able to {x}.",
        "Your responsibilities include the ability to {x}.",
        "We are looking for someone who can {x} in a fast-paced environment.",
    ),
    ("en", "noun"): (
        "Experience with {x} is a plus.",
        "Strong knowledge of {x} is required.",
        "You have hands-on experience in {x}.",
        "Requirements: {x}.",
        "Good understanding of {x} is expected.",
    ),
}
_SLASH = re.compile(r"\s+/\s+")


def _choose(options: tuple[str, ...], key: str) -> str:
    return options[int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % len(options)]


def _lower_first(text: str) -> str:
    """Lowercase the first letter unless the first word looks like an acronym or a name.

    >>> _lower_first("Gérer les stocks"), _lower_first("SQL"), _lower_first("Python programming")
    ('gérer les stocks', 'SQL', 'Python programming')
    """
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1:].islower() and first[0].isupper()) and first.lower() not in _KEEP_CASE:
        return text[0].lower() + text[1:]
    return text


_KEEP_CASE = {"python", "java", "javascript", "excel", "linux", "windows", "android", "oracle", "sap"}


def masculine_title(label: str) -> str:
    """« Développeur / Développeuse web » → « Développeur web » (same words count kept on each side).

    >>> masculine_title("Directeur général / Directrice générale d'établissement public")
    "Directeur général d'établissement public"
    >>> masculine_title("Web-ergonome")
    'Web-ergonome'
    """
    parts = _SLASH.split(label, maxsplit=1)
    if len(parts) != 2:
        return label
    left, right = parts[0].split(), parts[1].split()
    return " ".join(left + right[len(left):])


def title_variants(label: str, key: str) -> list[str]:
    """The masculine form and an ad-style title (« … H/F ») of an appellation, without repeats.

    >>> title_variants("Agent / Agente de maintenance", "k")
    ['Agent de maintenance', 'Agent de maintenance (H/F)']
    """
    base = masculine_title(label)
    out = [base] if base != label else []
    out.append(f"{base} {_choose(TITLE_SUFFIXES, key)}")
    return out


def skill_sentence(label: str, *, language: str, is_knowledge: bool, key: str) -> str:
    """The label in a generic ad sentence of the given language and form.

    >>> skill_sentence("manage stock", language="en", is_knowledge=False, key="a")
    'We are looking for someone who can manage stock in a fast-paced environment.'
    """
    templates = SENTENCES[(language, "noun" if is_knowledge else "verb")]
    return _choose(templates, key).format(x=_lower_first(label))
