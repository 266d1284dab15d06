"""ESCO loader — the European Commission's CSV downloads (v1.1.x), French with English labels.

In the folder given (searched recursively) it reads:

- ``occupations_fr.csv`` (official, French) → ``EscoOccupation`` (English label added from
  ``occupations_en.csv`` when present);
- skills: the official ``skills_fr.csv`` when the user has it (English labels then come from
  ``skills_en.csv`` when present), else ``skills_fr_merged_v*.csv`` (one row per skill, French
  labels merged from three sources, column ``label_fr_source``) → ``Skill`` (source ESCO;
  ``skill/competence`` → savoir-faire, ``knowledge`` → savoir). A skill without any French
  label keeps its English label as label (counted in the load report);
- ``occupationSkillRelations.csv`` (official relations) → ``EscoOccupationSkill``.

The version label comes from a ``v<major><minor><patch>`` folder name (``esco_v111`` →
"ESCO v1.1.1") or a ``VERSION`` file.

    >>> version_from_name("esco_v111")
    'ESCO v1.1.1'
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

from models.base import Record
from models.referential import EscoOccupation, EscoOccupationSkill, Skill, SkillKind, Source
from referentials.base import SourceFiles
from referentials.common import LoadReport, open_text, read_csv, require, require_new, split_multiline
from skillgap.errors import InputFileError

_KINDS = {"skill/competence": SkillKind.SAVOIR_FAIRE, "knowledge": SkillKind.SAVOIR}


def version_from_name(name: str) -> str | None:
    """'ESCO v1.1.1' from a folder name such as ``esco_v111`` or ``ESCO dataset - v1.1.1``."""
    match = re.search(r"v(\d)\.?(\d)\.?(\d+)", name)
    return f"ESCO v{match.group(1)}.{match.group(2)}.{match.group(3)}" if match else None


def _find(directory: Path, pattern: str) -> Path | None:
    matches = sorted(p for p in directory.rglob("*") if re.fullmatch(pattern + r"(\.gz)?", p.name))
    if len(matches) > 1:
        raise InputFileError(directory, f"plusieurs fichiers nommés {pattern} : {', '.join(str(m) for m in matches)}")
    return matches[0] if matches else None


def discover(paths: Sequence[Path]) -> SourceFiles:
    """The ESCO CSV files under the folder ``paths[0]``."""
    if len(paths) != 1 or not Path(paths[0]).is_dir():
        raise InputFileError(paths[0] if paths else "--esco", "un seul dossier de fichiers CSV ESCO attendu")
    directory = Path(paths[0])
    found = {
        "occupations_fr": _find(directory, r"occupations_fr\.csv"),
        "occupations_en": _find(directory, r"occupations_en\.csv"),
        "skills_fr": _find(directory, r"skills_fr\.csv"),
        "skills_en": _find(directory, r"skills_en\.csv"),
        "skills_merged": _find(directory, r"skills_fr_merged_v\w+\.csv"),
        "relations": _find(directory, r"occupationSkillRelations\.csv"),
    }
    for key, what in (("occupations_fr", "occupations_fr.csv"), ("relations", "occupationSkillRelations.csv")):
        if found[key] is None:
            raise InputFileError(directory / what,
                                 "fichier ESCO requis introuvable (cherché dans les sous-dossiers, brut ou .gz)")
    if found["skills_fr"] is None and found["skills_merged"] is None:
        raise InputFileError(directory / "skills_fr.csv",
                             "fichier des compétences ESCO requis introuvable "
                             "(skills_fr.csv ou skills_fr_merged_*.csv)")
    if found["skills_fr"] is not None:
        found["skills_merged"] = None  # the official file wins
    label = version_from_name(directory.name)
    version_file = directory / "VERSION"
    if version_file.exists():
        with open_text(version_file) as f:
            label = f.read().strip() or label
    files = tuple(p for p in found.values() if p is not None)
    return SourceFiles(Source.ESCO, label or "ESCO (version unknown)", files)


def _pick(files: SourceFiles, prefix: str) -> Path | None:
    return next((p for p in files.files if p.name.startswith(prefix)), None)


def _pick_required(files: SourceFiles, prefix: str) -> Path:
    path = _pick(files, prefix)
    assert path is not None  # ``discover`` fails without this file
    return path


def load(files: SourceFiles, *, report: LoadReport) -> Iterator[Record]:
    """Yield ESCO occupations, skills and occupation→skill relations."""
    yield from _occupations(files, report)
    merged = _pick(files, "skills_fr_merged")
    skill_uris = yield from (_merged_skills(merged, report) if merged else _official_skills(files, report))
    path = _pick_required(files, "occupationSkillRelations")
    for line, row in read_csv(path, required=("occupationUri", "relationType", "skillUri")):
        if row["skillUri"] not in skill_uris:
            report.drop(path.name, "skillUri absent du fichier des compétences")
            continue
        relation = row["relationType"]
        if relation not in ("essential", "optional"):
            raise InputFileError(path, f"relationType inconnu {relation!r}", line=line, field="relationType")
        yield EscoOccupationSkill(
            esco_uri=require(row["occupationUri"], path, line, "occupationUri"),
            skill_uri=row["skillUri"],
            is_essential=relation == "essential",
        )
        report.count(path.name)


def _english_labels(path: Path | None) -> dict[str, tuple[str, tuple[str, ...], str | None]]:
    """conceptUri → (preferred label, alternative labels, description) of an English file."""
    if path is None:
        return {}
    return {
        row["conceptUri"]: (
            row["preferredLabel"], split_multiline(row.get("altLabels")), (row.get("description") or "").strip() or None
        )
        for _, row in read_csv(path, required=("conceptUri", "preferredLabel"))
    }


def _occupations(files: SourceFiles, report: LoadReport) -> Iterator[EscoOccupation]:
    english = _english_labels(_pick(files, "occupations_en"))
    path = _pick_required(files, "occupations_fr")
    seen: set[str] = set()
    for line, row in read_csv(path, required=("conceptUri", "preferredLabel", "altLabels", "iscoGroup")):
        uri = require_new(row["conceptUri"], seen, path, line, "conceptUri")
        yield EscoOccupation(
            esco_uri=uri,
            label=require(row["preferredLabel"], path, line, "preferredLabel"),
            alt_labels=split_multiline(row["altLabels"]),
            isco_code=row["iscoGroup"] or None,
            label_en=english.get(uri, (None,))[0],
        )
        report.count(path.name)


def _skill(
    uri: str, label_fr: str, label_en: str, row_kind: str, *, path: Path, line: int, report: LoadReport, **extra
) -> Skill:
    kind = _KINDS.get(row_kind)
    if kind is None:
        report.note(path.name, "skillType vide ou inconnu, gardée comme savoir-faire")
        kind = SkillKind.SAVOIR_FAIRE
    if not label_fr:
        report.note(path.name, "sans libellé français, gardée avec son libellé anglais")
    label = label_fr or require(label_en, path, line, "preferredLabel")
    return Skill(skill_code=uri, label=label, kind=kind, source=Source.ESCO, label_en=label_en or None, **extra)


def _merged_skills(path: Path, report: LoadReport) -> Generator[Skill, None, set[str]]:
    required = ("conceptUri", "skillType", "reuseLevel", "preferredLabel_fr", "altLabels_fr",
                "description_fr", "preferredLabel_en", "altLabels_en")
    seen: set[str] = set()
    for line, row in read_csv(path, required=required):
        uri = require_new(row["conceptUri"], seen, path, line, "conceptUri")
        yield _skill(
            uri, row["preferredLabel_fr"].strip(), row["preferredLabel_en"].strip(), row["skillType"],
            path=path, line=line, report=report,
            category_label=row["reuseLevel"] or None,
            alt_labels=split_multiline(row["altLabels_fr"], sep="|"),
            alt_labels_en=split_multiline(row["altLabels_en"], sep="|"),
            description=row["description_fr"] or None,
            description_en=(row.get("description_en") or "").strip() or None,
        )
        report.count(path.name)
    return seen


def _official_skills(files: SourceFiles, report: LoadReport) -> Generator[Skill, None, set[str]]:
    english = _english_labels(_pick(files, "skills_en"))
    path = _pick_required(files, "skills_fr")  # else ``skills_fr_merged`` is read
    seen: set[str] = set()
    for line, row in read_csv(path, required=("conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels")):
        uri = require_new(row["conceptUri"], seen, path, line, "conceptUri")
        label_en, alt_en, description_en = english.get(uri, ("", (), None))
        yield _skill(
            uri, row["preferredLabel"].strip(), label_en, row["skillType"], path=path, line=line, report=report,
            category_label=row["reuseLevel"] or None,
            alt_labels=split_multiline(row["altLabels"]),
            alt_labels_en=alt_en,
            description=row.get("description") or None,
            description_en=description_en,
        )
        report.count(path.name)
    return seen
