import doctest
from collections import Counter

import pytest

from referentials import geo


def test_doctests():
    result = doctest.testmod(geo)
    assert result.failed == 0 and result.attempted > 5


def test_counts():
    assert len(geo.DEPARTMENTS) == 101
    assert len(geo.REGIONS) == 18
    per_region = Counter(region for _, region in geo.DEPARTMENTS.values())
    assert set(per_region) == set(geo.REGIONS)
    # public facts: departement counts of a few regions
    assert per_region["84"] == 12 and per_region["11"] == 8 and per_region["76"] == 13
    assert per_region["75"] == 12 and per_region["44"] == 10 and per_region["94"] == 2


@pytest.mark.parametrize(
    ("postal_code", "expected"),
    [("75015", "75"), ("13001", "13"), ("20090", "2A"), ("20167", "2A"), ("20200", "2B"), ("20600", "2B"),
     ("97100", "971"), ("97600", "976"), ("97500", None), ("98000", None), ("", None), (None, None), ("ABCDE", None)],
    ids=lambda v: repr(v),
)
def test_department_from_postal_code(postal_code, expected):
    assert geo.department_from_postal_code(postal_code) == expected


@pytest.mark.parametrize(
    ("commune_code", "expected"),
    [("75105", "75"), ("2A004", "2A"), ("2B096", "2B"), ("97209", "972"), ("01053", "01"), ("99999", None)],
)
def test_department_from_commune_code(commune_code, expected):
    assert geo.department_from_commune_code(commune_code) == expected


def test_labels():
    assert geo.department_label("2A") == "Corse-du-Sud"
    assert geo.region_label(geo.region_of_department("69")) == "Auvergne-Rhône-Alpes"
    assert geo.region_of_department("75") == "11"
    assert geo.department_label("00") is None
