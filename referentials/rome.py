"""ROME 4.0 loader — France Travail's "Toutes les données du ROME" CSV export.

Reads ``unix_<table>_v<NNN>_utf8.csv`` files (plain or gzip; comma-separated, fully quoted,
UTF-8) and yields ``Occupation``, ``Appellation``, ``Skill`` and ``OccupationSkill`` records.

Join rules (checked on v460): the skills of a fiche are the ``unix_liens_rome_referentiels``
rows with ``code_compo_bloc == "5"``; ``code_ogr`` points to ``unix_referentiel_competence``
(rubrique 1 savoir-faire, 2 savoir-être) or ``unix_referentiel_savoir`` (rubrique 3);
``unix_coherence_item.coeur_metier`` flags an item "Principale" or "Émergente" for a fiche.
``code_rome_parent`` of ``unix_referentiel_code_rome`` gives the ROME v3-level fiche a ROME 4.0
fiche derives from: it is how RNCP links (ROME v3 codes) reach ROME 4.0 fiches.

The export's only non-UTF-8 file (``unix_arborescence_secteur_naf``, cp1252 despite its name)
is not read here.

Example:
    >>> from referentials.rome import parse_version_txt
    >>> parse_version_txt("Numero de version : 60\\nTitre/commentaire :  ROME 4.0 version 60 - 25M09\\n")
    'ROME 4.0 version 60 - 25M09'
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

from models.base import Record
from models.referential import Appellation, Occupation, OccupationSkill, Skill, SkillKind, Source
from referentials.base import SourceFiles
from referentials.common import LoadReport, glob_one, open_text, read_csv, require, require_new
from skillgap.errors import InputFileError

TABLES = (
    "referentiel_code_rome",
    "referentiel_appellation",
    "referentiel_competence",
    "referentiel_savoir",
    "liens_rome_referentiels",
    "coherence_item",
    "cr_gd_dp",
)
_KIND_BY_CATEGORY = {"Savoir-faire": SkillKind.SAVOIR_FAIRE, "Savoir-être professionnel": SkillKind.SAVOIR_ETRE}


def parse_version_txt(text: str) -> str | None:
    """The version title of ROME's ``version.txt`` (or its number), None if absent."""
    title = re.search(r"Titre/commentaire\s*:\s*(.+)", text)
    if title and title.group(1).strip():
        return title.group(1).strip()
    number = re.search(r"Num[ée]ro de version\s*:\s*(\d+)", text)
    return f"ROME 4.0 version {number.group(1)}" if number else None


def discover(paths: Sequence[Path]) -> SourceFiles:
    """The ROME export files in the folder ``paths[0]`` and the version they publish."""
    if len(paths) != 1 or not Path(paths[0]).is_dir():
        raise InputFileError(paths[0] if paths else "--rome", "un seul dossier de fichiers CSV ROME 4.0 attendu")
    directory = Path(paths[0])
    files = [glob_one(directory, f"unix_{table}_v*_utf8.csv") for table in TABLES]
    suffix = re.search(r"_v(\d+)_utf8", files[0].name)
    label = None
    version_file = directory / "version.txt"
    if version_file.exists():
        with open_text(version_file) as f:
            label = parse_version_txt(f.read())
        files.append(version_file)
    if not label:
        label = f"ROME 4.0 export v{suffix.group(1) if suffix else '?'}"
    return SourceFiles(Source.ROME, label, tuple(files))


def _file(files: SourceFiles, table: str) -> Path:
    return next(p for p in files.files if p.name.startswith(f"unix_{table}_v"))


def load(files: SourceFiles, *, report: LoadReport) -> Iterator[Record]:
    """Yield the typed records of a ROME 4.0 export (see module docstring)."""
    yield from _occupations(files, report)
    yield from _appellations(_file(files, "referentiel_appellation"), report)
    skill_codes = yield from _skills(files, report)
    yield from _occupation_skills(files, skill_codes, report)


def _occupations(files: SourceFiles, report: LoadReport) -> Iterator[Occupation]:
    domains: dict[str, tuple[str, str]] = {}
    path = _file(files, "cr_gd_dp")
    for _, row in read_csv(path, required=("code_rome", "code_domaine_professionel", "libelle_domaine_professionel")):
        domains[row["code_rome"]] = (row["code_domaine_professionel"], row["libelle_domaine_professionel"])
    path = _file(files, "referentiel_code_rome")
    seen: set[str] = set()
    for line, row in read_csv(path, required=("code_rome", "libelle_rome", "code_rome_parent")):
        code = require_new(row["code_rome"], seen, path, line, "code_rome")
        domain_code, domain_label = domains.get(code, (None, None))
        yield Occupation(
            rome_code=code,
            label=require(row["libelle_rome"], path, line, "libelle_rome"),
            parent_rome_code=row["code_rome_parent"] or code,
            domain_code=domain_code,
            domain_label=domain_label,
        )
        report.count(path.name)


def _appellations(path: Path, report: LoadReport) -> Iterator[Appellation]:
    seen: set[str] = set()
    for line, row in read_csv(path, required=("code_ogr", "libelle_appellation_long", "code_rome")):
        code = require_new(row["code_ogr"], seen, path, line, "code_ogr")
        yield Appellation(
            appellation_code=code,
            label=require(row["libelle_appellation_long"], path, line, "libelle_appellation_long"),
            short_label=row.get("libelle_appellation_court") or None,
            rome_code=require(row["code_rome"], path, line, "code_rome"),
        )
        report.count(path.name)


def _skills(files: SourceFiles, report: LoadReport) -> Generator[Skill, None, set[str]]:
    """Competences (with their macro-competence) then knowledge items; returns the codes seen."""
    path = _file(files, "referentiel_competence")
    rows = list(read_csv(
        path, required=("code_ogr", "nature", "libelle_competence", "code_ogr_macro_comp", "cat_comp")
    ))
    macro_labels = {r["code_ogr"]: r["libelle_competence"] for _, r in rows if r["nature"] == "Macro-compétence"}
    codes: set[str] = set()
    for line, row in rows:
        code = require_new(row["code_ogr"], codes, path, line, "code_ogr")
        kind = _KIND_BY_CATEGORY.get(row["cat_comp"])
        if kind is None:
            raise InputFileError(path, f"cat_comp inconnu {row['cat_comp']!r}", line=line, field="cat_comp")
        macro_code = row["code_ogr_macro_comp"] or None
        if macro_code and macro_code not in macro_labels:
            report.note(path.name, "code de macro-compétence inconnu, compétence gardée sans son libellé")
        yield Skill(
            skill_code=code,
            label=require(row["libelle_competence"], path, line, "libelle_competence"),
            kind=kind,
            source=Source.ROME,
            macro_competence_code=macro_code,
            macro_competence_label=macro_labels.get(macro_code) if macro_code else None,
            category_label=("macro-competence" if row["nature"] == "Macro-compétence" else "competence")
            + (f" / {row['sous_cat_comp']}" if row.get("sous_cat_comp") else ""),
            description=row.get("definition") or None,
        )
        report.count(path.name)
    path = _file(files, "referentiel_savoir")
    for line, row in read_csv(path, required=("code_ogr_savoir", "libelle_savoir", "categorie_savoir")):
        code = require_new(row["code_ogr_savoir"], codes, path, line, "code_ogr_savoir")
        yield Skill(
            skill_code=code,
            label=require(row["libelle_savoir"], path, line, "libelle_savoir"),
            kind=SkillKind.SAVOIR,
            source=Source.ROME,
            category_label=" / ".join(v for v in (row["categorie_savoir"], row.get("sous_categorie_savoir")) if v),
        )
        report.count(path.name)
    return codes


def _occupation_skills(files: SourceFiles, skill_codes: set[str], report: LoadReport) -> Iterator[OccupationSkill]:
    path = _file(files, "coherence_item")
    core: dict[tuple[str, str], str] = {}
    for _, row in read_csv(path, required=("code_rome", "code_ogr", "coeur_metier")):
        if row["coeur_metier"]:
            core[(row["code_rome"], row["code_ogr"])] = row["coeur_metier"]
    path = _file(files, "liens_rome_referentiels")
    seen: set[tuple[str, str]] = set()
    for line, row in read_csv(path, required=("code_rome", "code_compo_bloc", "code_ogr")):
        if row["code_compo_bloc"] != "5":
            continue
        key = (require(row["code_rome"], path, line, "code_rome"), require(row["code_ogr"], path, line, "code_ogr"))
        if key[1] not in skill_codes:
            report.drop(path.name, "code_ogr absent du référentiel des compétences et savoirs")
            continue
        if key in seen:
            report.drop(path.name, "lien (code_rome, code_ogr) en double")
            continue
        seen.add(key)
        flag = core.get(key, "")
        yield OccupationSkill(rome_code=key[0], skill_code=key[1], is_core=bool(flag), is_emerging=flag.startswith("É"))
        report.count(path.name)
