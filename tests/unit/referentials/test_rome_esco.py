"""ROME 4.0, ESCO and crosswalk loaders on the real bundled files, and their bad-input errors."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from models.referential import Appellation, EscoOccupation, EscoOccupationSkill, Occupation, OccupationSkill, Skill
from referentials import crosswalk, esco, rome
from referentials.bundled import DATA_DIR
from referentials.common import LoadReport
from skillgap.errors import InputFileError

ROME_DIR = DATA_DIR / "rome4_v460"
ESCO_DIR = DATA_DIR / "esco_v111"


def _count(records) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[type(record).__name__] = counts.get(type(record).__name__, 0) + 1
    return counts


@pytest.fixture(scope="module")
def rome_records() -> list:
    return list(rome.load(rome.discover([ROME_DIR]), report=LoadReport()))


def test_rome_version_is_read_from_the_export():
    files = rome.discover([ROME_DIR])
    assert files.version_label == "ROME 4.0 version 60 - 25M09"
    assert len(files.files) == 8


def test_rome_real_counts(rome_records):
    assert _count(rome_records) == {
        "Occupation": 1584, "Appellation": 13120, "Skill": 18317 + 15354, "OccupationSkill": 49440 + 5255 + 35861,
    }


def test_rome_fiche_m1805_skills_and_flags(rome_records):
    m1805 = [r for r in rome_records if isinstance(r, OccupationSkill) and r.rome_code == "M1805"]
    assert len(m1805) == 58  # as PROVENANCE.md counts them (savoir-faire, savoir-être and savoirs)
    assert any(r.skill_code in _knowledge_codes(rome_records) for r in m1805)
    labels = {r.skill_code: r.label for r in rome_records if isinstance(r, Skill)}
    assert "Concevoir une application web" in {labels[r.skill_code] for r in m1805}
    assert any(r.is_core for r in m1805)
    assert all(r.is_core for r in m1805 if r.is_emerging)


def _knowledge_codes(records) -> set[str]:
    return {r.skill_code for r in records if isinstance(r, Skill) and r.kind.value == "savoir"}


def test_rome_competence_has_its_macro_competence(rome_records):
    skill = next(r for r in rome_records if isinstance(r, Skill) and r.skill_code == "100023")
    assert skill.label == "Abattre un arbre"
    assert skill.macro_competence_code == "300230"
    assert skill.macro_competence_label
    assert skill.kind.value == "savoir-faire"


def test_rome_v4_fiche_knows_its_v3_parent(rome_records):
    a1102 = next(r for r in rome_records if isinstance(r, Occupation) and r.rome_code == "A1102")
    assert a1102.parent_rome_code == "A1101"
    assert any(isinstance(r, Appellation) and r.rome_code == "M1805" for r in rome_records)


def test_esco_real_counts_and_labels():
    report = LoadReport()
    records = list(esco.load(esco.discover([ESCO_DIR]), report=report))
    assert _count(records) == {"EscoOccupation": 3007, "Skill": 13896, "EscoOccupationSkill": 123855}
    assert report.notes == {"skills_fr_merged_v111.csv.gz: sans libellé français, gardée avec son libellé anglais": 201,
                            "skills_fr_merged_v111.csv.gz: skillType vide ou inconnu, gardée comme savoir-faire": 6}
    occupation = next(r for r in records if isinstance(r, EscoOccupation))
    assert occupation.alt_labels and occupation.label_en
    assert sum(r.is_essential for r in records if isinstance(r, EscoOccupationSkill)) == 64946
    skill = next(r for r in records if isinstance(r, Skill) and r.label == "gérer le personnel musical")
    assert skill.label_en == "manage musical staff" and "manage music staff" in skill.alt_labels_en
    assert skill.description_en.startswith("Assign and manage staff tasks")  # taught to the model (issue 7)
    assert sum(bool(r.description_en) for r in records if isinstance(r, Skill)) == 13896


def test_esco_version_label_from_folder_name():
    assert esco.discover([ESCO_DIR]).version_label == "ESCO v1.1.1"


def test_crosswalk_real_rows():
    files = crosswalk.discover([DATA_DIR / "crosswalk_esco_rome"])
    assert files.version_label == "ESCO-ROME mapping V1.4 (07/06/2022)"
    links = list(crosswalk.load(files, report=LoadReport()))
    assert len(links) == 11118
    assert {link.relation for link in links} == {"exactMatch", "closeMatch", "narrowMatch", "broadMatch"}


# ---- bad input: one error naming the file, line and field -------------------------------

def _rome_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rome"
    shutil.copytree(ROME_DIR, target)
    for p in target.iterdir():
        p.chmod(0o644)
    return target


def _rewrite(path: Path, transform) -> None:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    path.write_bytes(gzip.compress(transform(text).encode("utf-8")))


APPELLATIONS = "unix_referentiel_appellation_v460_utf8.csv.gz"


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        (lambda t: t.replace('","', '";"'), "mauvais séparateur"),
        (lambda t: t.replace('"libelle_appellation_long"', '"libelle_long"', 1),
         "colonne(s) manquante(s) : libelle_appellation_long"),
        (lambda t: t.replace('"10201","Accastilleur', '"","Accastilleur', 1),
         "ligne 3, champ « code_ogr » : valeur vide"),
        (lambda t: t.replace('"10201","Accastilleur', '"10200","Accastilleur', 1),
         "ligne 3, champ « code_ogr » : code_ogr en double"),
        (lambda t: t.replace('"10201","Accastilleur', '"10201","Accas","tilleur', 1),
         "ligne 3 : 14 champs alors que l'en-tête en a 13"),
    ],
    ids=["delimiter", "missing-column", "empty-code", "duplicate-key", "extra-field"],
)
def test_rome_bad_csv_names_file_line_field(tmp_path, transform, expected):
    directory = _rome_copy(tmp_path)
    _rewrite(directory / APPELLATIONS, transform)
    with pytest.raises(InputFileError) as error:
        list(rome.load(rome.discover([directory]), report=LoadReport()))
    assert APPELLATIONS in str(error.value) and expected in str(error.value)


def test_rome_missing_file(tmp_path):
    directory = _rome_copy(tmp_path)
    (directory / APPELLATIONS).unlink()
    with pytest.raises(InputFileError, match="unix_referentiel_appellation_v\\*_utf8.csv : fichier requis introuvable"):
        rome.discover([directory])


def test_rome_truncated_gzip(tmp_path):
    directory = _rome_copy(tmp_path)
    data = (directory / APPELLATIONS).read_bytes()
    (directory / APPELLATIONS).write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match="gzip tronqué ou corrompu"):
        list(rome.load(rome.discover([directory]), report=LoadReport()))


def test_rome_wrong_encoding(tmp_path):
    directory = _rome_copy(tmp_path)
    path = directory / APPELLATIONS
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    path.write_bytes(gzip.compress(text.encode("cp1252", errors="replace")))
    with pytest.raises(InputFileError, match="pas du texte utf-8"):
        list(rome.load(rome.discover([directory]), report=LoadReport()))


def test_esco_missing_relations(tmp_path):
    target = tmp_path / "esco_v111"
    shutil.copytree(ESCO_DIR, target)
    relations = target / "relations" / "occupationSkillRelations.csv.gz"
    relations.chmod(0o644)
    relations.unlink()
    with pytest.raises(InputFileError, match="occupationSkillRelations.csv : fichier ESCO requis introuvable"):
        esco.discover([target])


def test_crosswalk_without_table_header(tmp_path):
    path = tmp_path / "FR_mapping_esco_rome.csv"
    path.write_text("Mapping project name,ESCO - ROME\nsomething,else\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="aucun en-tête de tableau"):
        crosswalk.discover([path])
