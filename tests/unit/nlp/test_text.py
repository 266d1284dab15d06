import pytest

from nlp.text import clean_title, fold, gender_forms, strip_markup


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Administrateur systèmes et réseaux F/H (H/F)", "Administrateur systèmes et réseaux"),
        ("PLOMBIER (H/F)", "PLOMBIER"),
        ("Chauffeur SPL - CDI", "Chauffeur SPL"),
        ("Technicien/ne qualité (H/F)", "Technicien/ne qualité"),
    ],
    ids=["gender-marks", "upper", "contract", "inner-slash"],
)
def test_clean_title(title, expected):
    assert clean_title(title) == expected


@pytest.mark.parametrize(
    ("label", "forms"),
    [
        ("Conducteur / Conductrice d'engins agricoles",
         ["Conducteur d'engins agricoles", "Conductrice d'engins agricoles"]),
        ("Accastilleur-gréeur / Accastilleuse-gréeuse", ["Accastilleur-gréeur", "Accastilleuse-gréeuse"]),
        ("Data engineer", ["Data engineer"]),
    ],
    ids=["suffix", "no-suffix", "no-slash"],
)
def test_gender_forms(label, forms):
    assert gender_forms(label) == forms


def test_fold_and_markup():
    assert fold("ÉLECTRICIEN Bâtiment") == "electricien batiment"
    assert strip_markup("<ul><li>Excel</li><li>Word</li></ul>") == "Excel\nWord"
