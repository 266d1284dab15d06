"""RNCP / RS CSV readers: the France Compétences export (``Standard``, ``Blocs_De_Competences``
and the link files keyed by ``Numero_Fiche``) and the France VAE (REVA) seed."""

from __future__ import annotations

from pathlib import Path

from referentials.common import LoadReport, read_csv, require
from referentials.rncp_merge import ROME_RE, BlockDraft, Certifications, fiche_code
from referentials.rncp_text import one_line, parse_active, parse_level
from skillgap.errors import InputFileError

#: kind → the columns read (the first is the fiche number)
FC_COLUMNS = {
    "standard": ("Numero_Fiche", "Intitule", "Nomenclature_Europe_Niveau", "Actif"),
    "rome": ("Numero_Fiche", "Codes_Rome_Code"),
    "nsf": ("Numero_Fiche", "Nsf_Code"),
    "formacode": ("Numero_Fiche", "Formacode_Code"),
    "certificateurs": ("Numero_Fiche", "Nom_Certificateur"),
    "ancienne_nouvelle": ("Numero_Fiche", "Nouvelle_Certification"),
}
_FC_LIST_FIELD = {
    "rome": "rome_codes",
    "nsf": "nsf_codes",
    "formacode": "formacodes",
    "certificateurs": "certifier_names",
    "ancienne_nouvelle": "successor_codes",
}


def read_fc_csv(kind: str, path: Path, report: LoadReport, certs: Certifications) -> None:
    """A France Compétences CSV keyed by ``Numero_Fiche`` (Standard or a link file)."""
    name = path.name
    columns = FC_COLUMNS[kind]
    for line, row in read_csv(path, required=columns, delimiter=";"):
        report.count(name)
        code = fiche_code(row["Numero_Fiche"], path, line, "Numero_Fiche")
        certs.touch(code)
        if kind == "standard":
            level = parse_level(row["Nomenclature_Europe_Niveau"])
            if level is None and row["Nomenclature_Europe_Niveau"].strip():
                report.drop(name, "niveau non reconnu (fiche gardée sans niveau)")
            active = parse_active(row["Actif"])
            if active is None and row["Actif"].strip():
                report.drop(name, "Actif non reconnu (fiche gardée sans indicateur actif)")
            title = one_line(row["Intitule"]) or None
            certs.offer(code, "standard", name, title=title, level=level, is_active=active)
            continue
        value = one_line(row[columns[1]])
        if not value:
            if kind != "ancienne_nouvelle":  # an empty Nouvelle_Certification is an 'old only' row
                report.drop(name, f"{columns[1]} vide")
            continue
        if kind == "rome" and not ROME_RE.match(value):
            report.drop(name, "code de domaine ROME au lieu d'un code de fiche (ex. 'M18') : lien écarté")
            continue
        if kind == "ancienne_nouvelle":
            value = fiche_code(value, path, line, columns[1])
        certs.add(code, _FC_LIST_FIELD[kind], [value])


def read_blocs_csv(path: Path, report: LoadReport, certs: Certifications) -> dict[str, BlockDraft]:
    """The ``Blocs_De_Competences`` CSV: bloc code → its draft (label only)."""
    name = path.name
    blocks: dict[str, BlockDraft] = {}
    first_line: dict[str, int] = {}
    required = ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle")
    for line, row in read_csv(path, required=required, delimiter=";"):
        report.count(name)
        rncp_code = fiche_code(row["Numero_Fiche"], path, line, "Numero_Fiche")
        code = require(row["Bloc_Competences_Code"], path, line, "Bloc_Competences_Code").upper()
        if code in blocks:
            message = f"code de bloc {code} en double (déjà ligne {first_line[code]})"
            raise InputFileError(path, message, line=line, field="Bloc_Competences_Code")
        label = one_line(row["Bloc_Competences_Libelle"])
        if not label:
            report.note(name, "Bloc_Competences_Libelle vide : bloc gardé avec un libellé vide")
        certs.touch(rncp_code)
        blocks[code] = BlockDraft(rncp_code, label)
        first_line[code] = line
    return blocks


def read_reva(path: Path, report: LoadReport, certs: Certifications) -> None:
    """The France VAE seed (``Code RNCP`` without prefix): titles, levels, active flags."""
    name = path.name
    columns = ("Code RNCP", "Nom la certification", "Niveau de diplôme", "Certification active ?")
    for line, row in read_csv(path, required=columns, delimiter=","):
        report.count(name)
        number = require(row["Code RNCP"], path, line, "Code RNCP")
        if not number.isdigit():
            raise InputFileError(path, f"numéro RNCP attendu sans préfixe, reçu {number!r}", line=line)
        active = {"checked": True, "": False}.get(row["Certification active ?"].strip().lower())
        certs.offer(
            f"RNCP{int(number)}",
            "reva",
            name,
            title=one_line(row["Nom la certification"]) or None,
            level=parse_level(row["Niveau de diplôme"]),
            is_active=active,
        )
