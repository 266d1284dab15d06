"""Tests of referentials/rncp.py: competence splitting, discovery, merging, real files, bad input."""

from __future__ import annotations

import doctest
import gzip
import re
import shutil
from pathlib import Path

import pytest

from models.referential import Block, Certification, Source
from referentials import rncp, rncp_text
from referentials.base import SourceFiles
from referentials.common import LoadReport
from skillgap.errors import InputFileError

ROOT = Path(__file__).resolve().parents[3]
MINI = ROOT / "tests" / "data" / "rncp" / "mini"
SHARED_RNCP = ROOT.parent / "shared" / "data" / "referentials" / "rncp"
XML_EXTRACT = SHARED_RNCP / "samples" / "export-fiches-rncp-extract.xml.gz"
BLOCS_2024 = SHARED_RNCP / "export_fiches_CSV_Blocs_De_Competences_2024_01_17.csv.gz"



def load_all(paths: list[Path]) -> tuple[dict[str, Certification], dict[str, Block], LoadReport]:
    report = LoadReport()
    records = list(rncp.load(rncp.discover(paths), report=report))
    certs = {r.rncp_code: r for r in records if isinstance(r, Certification)}
    blocks = {r.block_code: r for r in records if isinstance(r, Block)}
    assert len(certs) + len(blocks) == len(records), "one record per code"
    return certs, blocks, report


def write(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def load_file(path: Path) -> list[Certification | Block]:
    return list(rncp.load(rncp.discover([path]), report=LoadReport()))


# --------------------------------------------------------------------------------------------
# split_competences
# --------------------------------------------------------------------------------------------

SPLIT_CASES = [
    # (raw LISTE_COMPETENCES, expected items)
    ("Gérer le parc      Travailler en mode projet    ", ("Gérer le parc", "Travailler en mode projet")),
    ("<p>Conduire une analyse.<br />Proposer des mesures.</p>", ("Conduire une analyse", "Proposer des mesures")),
    (
        "<p>- Comprendre les enjeux <br>- Identifier les droits\xa0</p>",
        ("Comprendre les enjeux", "Identifier les droits"),
    ),
    (
        "<p>C4.4 S’inscrire dans un travail,   pluriinstitutionnel   </p><p>C1.3B Conseiller les personnes</p>",
        ("S’inscrire dans un travail, pluriinstitutionnel", "Conseiller les personnes"),
    ),
    (
        "* Réaliser les préparations * Vendre les produits au client",
        ("Réaliser les préparations", "Vendre les produits au client"),
    ),
    (
        "    * Gérer le parc            o Recenser les ressources            o Gérer des sauvegardes"
        "      * Travailler en mode projet            o Planifier les activités",
        ("Gérer le parc", "Recenser les ressources", "Gérer des sauvegardes", "Travailler en mode projet",
         "Planifier les activités"),
    ),
    (
        "<ul><li>Accueillir &amp; informer</li><li>Encaisser&nbsp;;</li></ul>",
        ("Accueillir & informer", "Encaisser"),
    ),
    (
        "Analyser une situation : <br />analyse par le risque<br />Mobiliser des connaissances",
        ("Analyser une situation : analyse par le risque", "Mobiliser des connaissances"),
    ),
    ("Être capable de :<br>- analyser un besoin<br>- chiffrer", ("analyser un besoin", "chiffrer")),
    ("Vendre<br>Vendre<br>1. Encaisser", ("Vendre", "Encaisser")),
    ("", ()),
    (None, ()),
    ("<p> </p>", ()),
]
SPLIT_IDS = [
    "flat-space-runs", "html-br", "html-dash-bullets", "html-p-wrapped-with-codes", "inline-stars",
    "two-level", "html-li-entities", "colon-continuation", "intro-dropped", "dedupe-numbering", "empty",
    "none", "html-only",
]


@pytest.mark.parametrize(("raw", "expected"), SPLIT_CASES, ids=SPLIT_IDS)
def test_split_competences(raw, expected):
    assert rncp_text.split_competences(raw) == expected


def test_doctests():
    assert doctest.testmod(rncp).failed == 0
    assert doctest.testmod(rncp_text).failed == 0 and doctest.testmod(rncp_text).attempted > 0


def test_split_competence_tree_keeps_levels():
    tree = rncp_text.split_competence_tree("* A faire   o a1   o a2   * B faire   - b1")
    assert tree == (("A faire", ("a1", "a2")), ("B faire", ("b1",)))


@pytest.mark.parametrize(
    ("raw", "level"),
    [("NIV5", 5), ("Niveau 5", 5), ("niveau4", 4), ("7", 7), ("", None), (None, None), ("NIV9", None), ("?", None)],
    ids=["niv", "niveau", "niveau-glued", "digit", "empty", "none", "out-of-range", "junk"],
)
def test_parse_level(raw, level):
    assert rncp_text.parse_level(raw) == level


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_RNCP.is_dir(), reason="real RNCP files absent")
def test_moncampus_bloc_has_6_competences_and_22_sub_skills():
    """Same figures as moncampus' own test of this fixture: RNCP40792BC01 = 6 '*' / 22 'o'."""
    from lxml import etree

    with gzip.open(XML_EXTRACT, "rb") as f:
        root = etree.parse(f).getroot()
    text = root.xpath("//BLOC_COMPETENCES[CODE='RNCP40792BC01']/LISTE_COMPETENCES")[0].text
    tree = rncp_text.split_competence_tree(text)
    assert len(tree) == 6
    assert sum(len(subs) for _, subs in tree) == 22
    assert tree[0] == (
        "Gérer le patrimoine informatique",
        (
            "Recenser et identifier les ressources numériques",
            "Exploiter des référentiels, normes et standards adoptés par le prestataire informatique",
            "Mettre en place et vérifier les niveaux d’habilitation associés à un service",
            "Vérifier les conditions de la continuité d’un service informatique",
            "Gérer des sauvegardes",
            "Vérifier le respect des règles d’utilisation des ressources numériques",
        ),
    )
    assert len(rncp_text.split_competences(text)) == 6 + 22


# --------------------------------------------------------------------------------------------
# discover
# --------------------------------------------------------------------------------------------


def test_discover_scans_a_folder_and_labels_the_version():
    files = rncp.discover([MINI])
    assert files.source is Source.RNCP
    assert files.version_label == "RNCP export 2026-02-01 (blocs 2024-01-17) + XML 2026-02-01"
    assert sorted(p.name for p in files.files) == sorted(p.name for p in MINI.glob("export_*"))


def test_discover_folder_and_its_subfolder_count_once():
    files = rncp.discover([MINI, MINI / ".." / "mini", MINI / "export_fiches_CSV_Rome_2026_02_01.csv"])
    assert len(files.files) == 5


def test_discover_unknown_file_is_an_error(tmp_path):
    path = write(tmp_path / "fiches.csv", "a;b\n")
    with pytest.raises(InputFileError, match=r"fiches\.csv : fichier RNCP/RS non reconnu"):
        rncp.discover([path])


def test_discover_export_kind_not_read_is_an_error_when_named(tmp_path):
    path = write(tmp_path / "export_fiches_CSV_Partenaires_2026_02_01.csv", '"Numero_Fiche"\n')
    with pytest.raises(InputFileError, match="non reconnu"):
        rncp.discover([path])
    assert rncp.discover([tmp_path, MINI]).files  # ignored inside a folder


def test_discover_missing_path(tmp_path):
    with pytest.raises(InputFileError, match=r"nope\.csv : fichier introuvable"):
        rncp.discover([tmp_path / "nope.csv"])


def test_discover_empty_folder(tmp_path):
    with pytest.raises(InputFileError, match="aucun fichier RNCP/RS trouvé"):
        rncp.discover([tmp_path])


def test_discover_two_files_of_one_kind(tmp_path):
    for date in ("2026_01_01", "2026_02_01"):
        write(tmp_path / f"export_fiches_CSV_Rome_{date}.csv", '"Numero_Fiche";"Codes_Rome_Code"\n')
    with pytest.raises(InputFileError, match="plusieurs fichiers RNCP de type « rome »"):
        rncp.discover([tmp_path])


# --------------------------------------------------------------------------------------------
# load: merging rules on the hand-made miniature export
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini():
    return load_all([MINI])


def test_standard_csv_wins_over_xml(mini):
    certs, _, _ = mini
    c = certs["RNCP100"]
    assert (c.title, c.level, c.is_active) == ("Technicien d'essai en froid", 5, True)
    assert c.title_source == "export_fiches_CSV_Standard_2026_02_01.csv"
    assert c.rome_codes == ("I1306", "I1304")  # CSV then XML, once each; domain code 'M18' dropped
    assert c.successor_codes == ("RNCP500",)


def test_rs_fiche_without_level(mini):
    certs, _, _ = mini
    assert (certs["RS200"].level, certs["RS200"].is_active) == (None, False)


def test_xml_only_fiche(mini):
    certs, _, _ = mini
    c = certs["RNCP600"]
    assert (c.title, c.level, c.is_active, c.title_source) == (
        "Ancien titre de technicien", 4, False, "export_fiches_RNCP_V4_1_2026_02_01.xml",
    )
    assert (c.successor_codes, c.nsf_codes, c.formacodes, c.certifier_names) == (
        ("RNCP100",), ("227",), ("22624",), ("CERTIFICATEUR DE TEST",),
    )


def test_fiches_only_in_link_or_bloc_files_get_a_record(mini):
    certs, _, _ = mini
    assert certs["RNCP400"].rome_codes == ("K2111",) and certs["RNCP400"].title is None
    assert certs["RNCP300"].title is None
    assert "RNCP500" not in certs  # a successor code alone is not a fiche of this export
    assert list(certs) == sorted(certs, key=lambda c: (c[:2] == "RS", int(c.lstrip("RNCPS"))))


def test_blocks_merge_xml_and_csv(mini):
    _, blocks, report = mini
    b1 = blocks["RNCP100BC01"]
    assert b1.label == "Mettre en service une installation frigorifique"  # XML label
    assert b1.competences == (
        "Préparer la mise en service", "Contrôler l'étanchéité du circuit", "Tirer au vide le circuit",
        "Mettre en service", "Charger le fluide frigorigène", "Régler les organes de sécurité",
    )
    assert b1.competences_source == "export_fiches_RNCP_V4_1_2026_02_01.xml"
    assert b1.assessment == "Mise en situation professionnelle\nEntretien avec le jury"
    assert blocks["RNCP100BC02"].label == "Régler l'installation sur site"  # '' fixed, wrap joined
    assert blocks["RNCP100BC02"].competences == () and blocks["RNCP100BC02"].competences_source is None
    assert blocks["RNCP600BC01"].competences == (
        "Nettoyer les échangeurs", "Remplacer les filtres", "Consigner les interventions",
    )
    assert set(blocks) == {"RNCP100BC01", "RNCP100BC02", "RNCP300BC01", "RNCP600BC01"}
    reason = "code de domaine ROME au lieu d'un code de fiche (ex. 'M18') : lien écarté"
    assert report.dropped == {f"export_fiches_CSV_Rome_2026_02_01.csv: {reason}": 1}


def test_reva_and_titles_subset_rank_below_xml(tmp_path):
    write(tmp_path / "reva_seed_certifications.csv", "\ufeffCode RNCP,Certification active ?,Nom la certification,"
          "Niveau de diplôme\n600,checked,Titre REVA,3\n601,,Titre REVA seul,3\n")
    write(tmp_path / "rncp_fiches_titles_subset_2026_10_03.json",
          '{"meta": {}, "rows": [{"code": "RNCP601", "intitule": "Titre sante\\u0301", "niveau": "Niveau 6",'
          ' "actif": true, "successeurs": ["RNCP602"], "formacodes": ["31034"]}]}')
    certs, _, _ = load_all([tmp_path, MINI / "export_fiches_RNCP_V4_1_2026_02_01.xml"])
    assert certs["RNCP600"].title == "Ancien titre de technicien"
    c = certs["RNCP601"]
    assert (c.title, c.level, c.is_active, c.successor_codes, c.formacodes) == (
        "Titre santé", 6, True, ("RNCP602",), ("31034",),
    )
    assert c.title_source == "rncp_fiches_titles_subset_2026_10_03.json"


def test_sample_blocks_without_code_are_counted(tmp_path):
    write(tmp_path / "rncp_blocs_real_samples.jsonl",
          '{"numero_fiche": "RNCP1", "bloc_code": "RNCP1BC01", "bloc_libelle": "B",'
          ' "liste_competences": "<p>A<br>B</p>"}\n'
          '{"numero_fiche": "RNCP1", "bloc_code": null, "bloc_libelle": "C", "liste_competences": "X"}\n'
          '{"numero_fiche": "RNCP1", "bloc_code": "RNCP1BC02", "bloc_libelle": "D", "liste_competences": "un bloc",'
          ' "competences_parsed": ["Un", "Deux"]}\n')
    certs, blocks, report = load_all([tmp_path])
    assert blocks["RNCP1BC01"].competences == ("A", "B")
    assert blocks["RNCP1BC02"].competences == ("Un", "Deux")
    assert report.dropped == {"rncp_blocs_real_samples.jsonl: bloc_code vide (bloc écarté)": 1}
    assert list(certs) == ["RNCP1"]


# --------------------------------------------------------------------------------------------
# Real files (../shared)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    if not SHARED_RNCP.is_dir():
        pytest.skip(f"real RNCP files absent ({SHARED_RNCP})")
    return load_all([SHARED_RNCP])


@pytest.mark.shared
def test_real_blocs_csv_gives_one_block_per_row():
    if not BLOCS_2024.exists():
        pytest.skip(f"real RNCP files absent ({SHARED_RNCP})")
    report = LoadReport()
    records = list(rncp.load(rncp.discover([BLOCS_2024]), report=report))
    blocks = [r for r in records if isinstance(r, Block)]
    assert len(blocks) == 34_351 == report.read[BLOCS_2024.name]
    assert len({b.block_code for b in blocks}) == 34_351
    assert len({b.rncp_code for b in blocks}) == 6_844
    by_code = {b.block_code: b for b in blocks}
    assert by_code["RNCP34741BC07"].label == "Gérer un projet en Sciences et Technologies de l'Information"
    assert by_code["RNCP36769BC01"].label == ""  # the one empty label: kept, counted
    assert not report.dropped and sum(report.notes.values()) == 1  # the empty label is kept, noted


@pytest.mark.shared
def test_real_folder_counts(real):
    certs, blocks, report = real
    assert len(certs) == 30_176
    assert sum(c.rncp_code.startswith("RS") for c in certs.values()) == 4_625
    # 34,351 CSV blocs + 9 only in the first XML extract / samples + 10 only in real_extract_2
    assert len(blocks) == 34_370
    assert sum(b.has_competences for b in blocks.values()) == 102  # 49 + the 53 blocs of real_extract_2
    assert sum(len(c.rome_codes) for c in certs.values()) == 65_061  # 65,070 rows - 9 domain codes
    assert sum(bool(c.rome_codes) for c in certs.values()) == 23_533
    assert sum(c.title is not None for c in certs.values()) == 4_378  # 4,372 + 6 titled only by real_extract_2
    assert report.read["export_fiches_CSV_Rome_2026_02_01.csv.gz"] == 65_070
    assert report.dropped["rncp_blocs_real_samples.jsonl.gz: bloc_code vide (bloc écarté)"] == 8
    assert certs["RNCP183"].rome_codes == ("I1306",)
    assert certs["RNCP183"].successor_codes == ("RNCP37876",)


@pytest.mark.shared
def test_real_xml_extract(real):
    certs, blocks, _ = real
    old, new = certs["RNCP35340"], certs["RNCP40792"]
    assert (old.is_active, old.level, old.successor_codes) == (False, 5, ("RNCP40792",))
    assert (new.is_active, new.level, new.rome_codes) == (True, 5, ("M1810", "M1801", "M1805"))
    assert new.title_source == "export-fiches-rncp-extract.xml.gz"
    assert len(blocks["RNCP40792BC01"].competences) == 28
    assert blocks["RNCP35340BC01"].competences[-1] == "Organiser son développement professionnel"
    assert blocks["RNCP37310BC01"].competences_source == "rncp_blocs_real_samples.jsonl.gz"


# --------------------------------------------------------------------------------------------
# Bad input: one-line errors naming file, line (or element) and field
# --------------------------------------------------------------------------------------------

BLOCS_NAME = "export_fiches_CSV_Blocs_De_Competences_2024_01_17.csv"
BLOCS_HEADER = '"Numero_Fiche";"Bloc_Competences_Code";"Bloc_Competences_Libelle"\n'


def test_missing_file_at_load_time(tmp_path):
    files = SourceFiles(Source.RNCP, "x", (tmp_path / BLOCS_NAME,))
    with pytest.raises(InputFileError, match="fichier introuvable"):
        list(rncp.load(files, report=LoadReport()))


def test_wrong_delimiter(tmp_path):
    header = "Numero_Fiche,Bloc_Competences_Code,Bloc_Competences_Libelle\n"
    path = write(tmp_path / BLOCS_NAME, header + "RNCP1,RNCP1BC01,x\n")
    with pytest.raises(InputFileError, match=r"ligne 1 : mauvais séparateur"):
        load_file(path)


def test_missing_column(tmp_path):
    path = write(tmp_path / BLOCS_NAME, '"Numero_Fiche";"Bloc_Competences_Libelle"\n"RNCP1";"x"\n')
    with pytest.raises(InputFileError, match="colonne.*manquante.*Bloc_Competences_Code"):
        load_file(path)


def test_empty_block_code(tmp_path):
    path = write(tmp_path / BLOCS_NAME, BLOCS_HEADER + '"RNCP1";"RNCP1BC01";"a"\n"RNCP1";" ";"b"\n')
    with pytest.raises(InputFileError) as e:
        load_file(path)
    assert str(e.value) == f"{path} ligne 3, champ « Bloc_Competences_Code » : valeur vide"


def test_duplicate_block_code(tmp_path):
    path = write(tmp_path / BLOCS_NAME, BLOCS_HEADER + '"RNCP1";"RNCP1BC01";"a\nb"\n"RNCP1";"RNCP1BC01";"c"\n')
    with pytest.raises(InputFileError) as e:
        load_file(path)
    assert str(e.value) == (
        f"{path} ligne 4, champ « Bloc_Competences_Code » : code de bloc RNCP1BC01 en double (déjà ligne 2)"
    )


def test_malformed_fiche_number(tmp_path):
    path = write(tmp_path / "export_fiches_CSV_Rome_2026_02_01.csv",
                 '"Numero_Fiche";"Codes_Rome_Code"\n"12345";"M1805"\n')
    with pytest.raises(InputFileError, match=r"ligne 2, champ « Numero_Fiche » : numéro de fiche RNCP/RS invalide"):
        load_file(path)


def test_undecodable_bytes_csv(tmp_path):
    path = write(tmp_path / BLOCS_NAME, BLOCS_HEADER + '"RNCP1";"RNCP1BC01";"Gérer"\n', encoding="latin-1")
    with pytest.raises(InputFileError, match="pas du texte utf-8"):
        load_file(path)


def test_undecodable_bytes_json(tmp_path):
    path = write(tmp_path / "rncp_fiches_titles_subset_2026_10_03.json", '{"rows": ["é"]}', encoding="latin-1")
    with pytest.raises(InputFileError, match="pas du texte utf-8"):
        load_file(path)


def test_undecodable_bytes_xml(tmp_path):
    text = (MINI / "export_fiches_RNCP_V4_1_2026_02_01.xml").read_text(encoding="utf-8")
    path = write(tmp_path / "export_fiches_RNCP_V4_1_2026_02_01.xml", text, encoding="latin-1")
    # Our message names the file, the line and the fiche being read; whether libxml2 had read the
    # fiche's number before meeting the bad byte depends on how far it buffered (lxml 5 vs 6).
    with pytest.raises(InputFileError, match=r"ligne \d+ : XML mal formé ou tronqué dans FICHE #1 \(") as info:
        load_file(path)
    assert path.name in str(info.value)


def test_truncated_gzip_csv(tmp_path):
    data = gzip.compress((BLOCS_HEADER + '"RNCP1";"RNCP1BC01";"a"\n' * 1).encode() + b"x" * 5000)
    path = tmp_path / (BLOCS_NAME + ".gz")
    path.write_bytes(data[: len(data) - 12])
    with pytest.raises(InputFileError, match="gzip tronqué ou corrompu"):
        load_file(path)


@pytest.mark.shared
def test_truncated_gzip_real_blocs(tmp_path):
    if not BLOCS_2024.exists():
        pytest.skip(f"real RNCP files absent ({SHARED_RNCP})")
    data = BLOCS_2024.read_bytes()
    path = tmp_path / BLOCS_2024.name
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputFileError, match=f"{path.name} : gzip tronqué ou corrompu"):
        load_file(path)


@pytest.mark.shared
def test_truncated_gzip_real_xml(tmp_path):
    if not XML_EXTRACT.exists():
        pytest.skip(f"real RNCP files absent ({SHARED_RNCP})")
    data = XML_EXTRACT.read_bytes()
    path = tmp_path / XML_EXTRACT.name
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match=r"gzip tronqué ou corrompu dans FICHE #\d \(RNCP\d+\)"):
        load_file(path)


@pytest.mark.shared
def test_truncated_real_xml_names_line_and_fiche(tmp_path):
    if not XML_EXTRACT.exists():
        pytest.skip(f"real RNCP files absent ({SHARED_RNCP})")
    text = gzip.decompress(XML_EXTRACT.read_bytes()).decode("utf-8")
    path = write(tmp_path / "export-fiches-rncp-extract.xml", text[: len(text) // 2])
    with pytest.raises(InputFileError) as e:
        load_file(path)
    message = str(e.value)
    expected = r" ligne \d+ : XML mal formé ou tronqué dans FICHE #2 \(RNCP40792\) : Premature end"
    assert re.match(re.escape(str(path)) + expected, message)
    assert "\n" not in message


def test_truncated_xml_before_any_number(tmp_path):
    path = write(tmp_path / "export_fiches_RNCP_V4_1_2026_02_01.xml", "<FICHES><FICHE><ID_FICHE>1</ID_FI")
    with pytest.raises(InputFileError, match=r"ligne 1 : .*FICHE #1 \(numéro pas encore lu\)"):
        load_file(path)


def test_xml_empty_and_duplicate_block_codes(tmp_path):
    text = (MINI / "export_fiches_RNCP_V4_1_2026_02_01.xml").read_text(encoding="utf-8")
    path = write(tmp_path / "export_fiches_RNCP_V4_1_2026_02_01.xml",
                 text.replace("<CODE>RNCP600BC01</CODE>", "<CODE>RNCP100BC01</CODE>"))
    with pytest.raises(InputFileError, match=r"FICHE #2 \(RNCP600\) : code de bloc RNCP100BC01 en double"):
        load_file(path)
    write(path, text.replace("<CODE>RNCP600BC01</CODE>", "<CODE> </CODE>"))
    with pytest.raises(InputFileError, match=r"ligne \d+, champ « CODE » : FICHE #2 \(RNCP600\) BLOC_COMPETENCES #1"):
        load_file(path)


def test_gzip_copy_of_mini_folder_loads_the_same(tmp_path):
    for path in MINI.glob("export_*"):
        with open(path, "rb") as src, gzip.open(tmp_path / (path.name + ".gz"), "wb") as dst:
            shutil.copyfileobj(src, dst)
    plain, gz = load_all([MINI]), load_all([tmp_path])
    assert list(plain[0].values()) == [c.model_copy(update={"title_source": c.title_source and c.title_source[:-3]})
                                       for c in gz[0].values()]
    assert [b.label for b in plain[1].values()] == [b.label for b in gz[1].values()]


def test_the_second_real_xml_extract_loads_with_its_competence_lists():
    """``real_extract_2``: 12 real RNCP fiches of the France Compétences V4.1 XML flow, named
    without a date; every one of its 53 blocks carries its competence list."""
    from tests.conftest import shared_file

    path = shared_file("referentials/rncp/real_extract_2/export_fiches_RNCP_V4_extract2.xml")
    files = rncp.discover([path])
    report = LoadReport()
    records = list(rncp.load(files, report=report))
    blocks = [r for r in records if isinstance(r, Block)]
    certifications = {r.rncp_code for r in records if isinstance(r, Certification)}
    assert len(certifications) == 12 and "RNCP37674" in certifications
    assert len(blocks) == 53 and all(b.competences for b in blocks)
