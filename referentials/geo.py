"""French départements and régions (INSEE codes since 2016), and how to find them from a location.

Public facts (Code officiel géographique): 101 départements — 96 in metropolitan France
(Corsica is 2A Corse-du-Sud and 2B Haute-Corse) and 5 overseas (971-974, 976) — in 18 régions.
Postal codes start with the département number, except Corsica (20xxx: 200xx/201xx → 2A,
202xx/206xx → 2B) and overseas (97x + 2 digits). INSEE commune codes start with the
département code (``2A004``, ``97411``).

>>> region_of_department(department_from_postal_code("69003"))
'84'
>>> region_label("11")
'Île-de-France'
"""

from __future__ import annotations

import re

from skillgap.text import fold

#: INSEE région code -> label
REGIONS: dict[str, str] = {
    "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
    "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté",
    "28": "Normandie", "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire",
    "53": "Bretagne", "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
}  # fmt: skip

#: département code -> (label, région code)
DEPARTMENTS: dict[str, tuple[str, str]] = {
    "01": ("Ain", "84"), "02": ("Aisne", "32"), "03": ("Allier", "84"),
    "04": ("Alpes-de-Haute-Provence", "93"), "05": ("Hautes-Alpes", "93"), "06": ("Alpes-Maritimes", "93"),
    "07": ("Ardèche", "84"), "08": ("Ardennes", "44"), "09": ("Ariège", "76"), "10": ("Aube", "44"),
    "11": ("Aude", "76"), "12": ("Aveyron", "76"), "13": ("Bouches-du-Rhône", "93"), "14": ("Calvados", "28"),
    "15": ("Cantal", "84"), "16": ("Charente", "75"), "17": ("Charente-Maritime", "75"), "18": ("Cher", "24"),
    "19": ("Corrèze", "75"), "2A": ("Corse-du-Sud", "94"), "2B": ("Haute-Corse", "94"),
    "21": ("Côte-d'Or", "27"), "22": ("Côtes-d'Armor", "53"), "23": ("Creuse", "75"), "24": ("Dordogne", "75"),
    "25": ("Doubs", "27"), "26": ("Drôme", "84"), "27": ("Eure", "28"), "28": ("Eure-et-Loir", "24"),
    "29": ("Finistère", "53"), "30": ("Gard", "76"), "31": ("Haute-Garonne", "76"), "32": ("Gers", "76"),
    "33": ("Gironde", "75"), "34": ("Hérault", "76"), "35": ("Ille-et-Vilaine", "53"), "36": ("Indre", "24"),
    "37": ("Indre-et-Loire", "24"), "38": ("Isère", "84"), "39": ("Jura", "27"), "40": ("Landes", "75"),
    "41": ("Loir-et-Cher", "24"), "42": ("Loire", "84"), "43": ("Haute-Loire", "84"),
    "44": ("Loire-Atlantique", "52"), "45": ("Loiret", "24"), "46": ("Lot", "76"),
    "47": ("Lot-et-Garonne", "75"), "48": ("Lozère", "76"), "49": ("Maine-et-Loire", "52"),
    "50": ("Manche", "28"), "51": ("Marne", "44"), "52": ("Haute-Marne", "44"), "53": ("Mayenne", "52"),
    "54": ("Meurthe-et-Moselle", "44"), "55": ("Meuse", "44"), "56": ("Morbihan", "53"), "57": ("Moselle", "44"),
    "58": ("Nièvre", "27"), "59": ("Nord", "32"), "60": ("Oise", "32"), "61": ("Orne", "28"),
    "62": ("Pas-de-Calais", "32"), "63": ("Puy-de-Dôme", "84"), "64": ("Pyrénées-Atlantiques", "75"),
    "65": ("Hautes-Pyrénées", "76"), "66": ("Pyrénées-Orientales", "76"), "67": ("Bas-Rhin", "44"),
    "68": ("Haut-Rhin", "44"), "69": ("Rhône", "84"), "70": ("Haute-Saône", "27"),
    "71": ("Saône-et-Loire", "27"), "72": ("Sarthe", "52"), "73": ("Savoie", "84"),
    "74": ("Haute-Savoie", "84"), "75": ("Paris", "11"), "76": ("Seine-Maritime", "28"),
    "77": ("Seine-et-Marne", "11"), "78": ("Yvelines", "11"), "79": ("Deux-Sèvres", "75"),
    "80": ("Somme", "32"), "81": ("Tarn", "76"), "82": ("Tarn-et-Garonne", "76"), "83": ("Var", "93"),
    "84": ("Vaucluse", "93"), "85": ("Vendée", "52"), "86": ("Vienne", "75"), "87": ("Haute-Vienne", "75"),
    "88": ("Vosges", "44"), "89": ("Yonne", "27"), "90": ("Territoire de Belfort", "27"),
    "91": ("Essonne", "11"), "92": ("Hauts-de-Seine", "11"), "93": ("Seine-Saint-Denis", "11"),
    "94": ("Val-de-Marne", "11"), "95": ("Val-d'Oise", "11"),
    "971": ("Guadeloupe", "01"), "972": ("Martinique", "02"), "973": ("Guyane", "03"),
    "974": ("La Réunion", "04"), "976": ("Mayotte", "06"),
}  # fmt: skip

_POSTAL_RE = re.compile(r"^\d{5}$")
_COMMUNE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_LABEL_DEP_RE = re.compile(r"^\s*(97\d|2[AB]|\d{2})\s*-")


def department_from_postal_code(postal_code: str | None) -> str | None:
    """Département code of a French postal code, or None when it is not one.

    Args:
        postal_code: five digits, e.g. ``"69003"``.
    Returns:
        the département code (``"69"``, ``"2A"``, ``"974"``), None for unknown or non-département
        codes (Monaco 980xx, Saint-Pierre-et-Miquelon 975xx, other overseas collectivities).

    >>> [department_from_postal_code(pc) for pc in ("75015", "01000", "20000", "20200", "97400", "98000", "7501")]
    ['75', '01', '2A', '2B', '974', None, None]
    """
    if not postal_code or not _POSTAL_RE.match(postal_code.strip()):
        return None
    pc = postal_code.strip()
    if pc.startswith("20"):
        if pc[2] in "01":
            return "2A"
        if pc[2] in "26":
            return "2B"
        return None
    dep = pc[:3] if pc.startswith("97") else pc[:2]
    return dep if dep in DEPARTMENTS else None


def department_from_commune_code(commune_code: str | None) -> str | None:
    """Département code of an INSEE commune code (Paris arrondissements 751xx → 75).

    >>> [department_from_commune_code(c) for c in ("75115", "2B033", "97411", "69123", "98812", "abc")]
    ['75', '2B', '974', '69', None, None]
    """
    if not commune_code or not _COMMUNE_RE.match(commune_code.strip()):
        return None
    code = commune_code.strip()
    dep = code[:3] if code.startswith("97") else code[:2]
    return dep if dep in DEPARTMENTS else None


def department_from_label(label: str | None) -> str | None:
    """Département code at the start of a France Travail ``lieuTravail.libelle``.

    >>> [department_from_label(s)
    ...  for s in ("75 - Paris 15e Arrondissement", "2A - AJACCIO", "974 - ST DENIS", "Ile-de-France")]
    ['75', '2A', '974', None]
    """
    if not label:
        return None
    m = _LABEL_DEP_RE.match(label)
    if not m:
        return None
    return m.group(1) if m.group(1) in DEPARTMENTS else None


def region_of_department(department_code: str | None) -> str | None:
    """INSEE région code of a département code.

    >>> region_of_department("2B"), region_of_department("976"), region_of_department("99")
    ('94', '06', None)
    """
    entry = DEPARTMENTS.get(department_code or "")
    return entry[1] if entry else None


def department_label(department_code: str) -> str | None:
    """Name of a département. ``department_label("13")`` → ``'Bouches-du-Rhône'``."""
    entry = DEPARTMENTS.get(department_code)
    return entry[0] if entry else None


def region_label(region_code: str) -> str | None:
    """Name of a région. ``region_label("84")`` → ``'Auvergne-Rhône-Alpes'``."""
    return REGIONS.get(region_code)


def _fold(text: str) -> str:
    """Folded (``skillgap.text.fold``), every run of other characters than ``a-z0-9`` one space."""
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


_REGION_BY_FOLDED = {_fold(label): code for code, label in REGIONS.items()} | {"reunion": "04"}


def region_from_label(label: str | None) -> str | None:
    """Région code of a région name, accents and case ignored (France Travail writes "Ile-de-France").

    >>> region_from_label("Ile-de-France"), region_from_label("AUVERGNE RHONE ALPES"), region_from_label("Paris")
    ('11', '84', None)
    """
    if not label:
        return None
    return _REGION_BY_FOLDED.get(_fold(label))
