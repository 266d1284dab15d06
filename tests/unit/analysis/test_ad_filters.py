"""The département, contract type and NAF filters of ``AdFilter`` (view of migration 3 of nlp):
each selects the right ads, the NAF code matches by prefix (dots ignored), and the typed queries
pass them through."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

import skillgap.store as store
from analysis.demand import exposure_series
from crawler import queries as ad_queries
from models.queries import AdFilter, GapQuery, SignalQuery
from nlp import queries as nlp_queries
from nlp.views import VIEWS
from skillgap.store import connect

SEEN = dt.datetime(2025, 3, 1)


def add_ad(con, ad_id, created_at, rome_code, department=None, contract=None, naf=None, sector=None):
    con.execute("""INSERT INTO core_ads__job_ads (ad_id, title, description, created_at, rome_code, region_code,
                   department_code, contract_type_code, naf_code, sector_label, content_hash, first_seen_at,
                   last_seen_at) VALUES (?, 't', 'd', ?, ?, '84', ?, ?, ?, ?, ?, ?, ?)""",
                [ad_id, created_at, rome_code, department, contract, naf, sector, ad_id, SEEN, SEEN])


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    add_ad(con, "a1", dt.datetime(2024, 1, 5), "M1805", "69", "CDI", "62.01Z", "Programmation informatique")
    add_ad(con, "a2", dt.datetime(2024, 1, 20), "M1805", "69", "CDD", "62.02A", "Conseil en systèmes")
    add_ad(con, "a3", dt.datetime(2024, 2, 3), "M1805", "2A", "CDI", "6201Z", "Programmation informatique")
    add_ad(con, "a4", dt.datetime(2024, 2, 4), "M1805", "971", "MIS", "70.22Z", "Conseil")
    add_ad(con, "a5", dt.datetime(2024, 2, 5), "M1805")
    add_ad(con, "a6", dt.datetime(2024, 2, 6), "K2303", "69", "CDI", "62.01Z")
    yield con
    con.close()


def _ids(con, **kwargs) -> list[str]:
    return nlp_queries.ads(con, AdFilter(rome_codes=("M1805",), **kwargs)).column("ad_id").to_pylist()


def test_each_filter_selects_the_ads_carrying_it(con):
    assert _ids(con) == ["a1", "a2", "a3", "a4", "a5"]
    assert _ids(con, department_code="69") == ["a1", "a2"]
    assert _ids(con, department_code="2a") == ["a3"]  # upper-cased
    assert _ids(con, department_code="971") == ["a4"]
    assert _ids(con, contract_type_code="CDI") == ["a1", "a3"]
    assert _ids(con, contract_type_code="mis") == ["a4"]
    assert _ids(con, department_code="69", contract_type_code="CDI") == ["a1"]
    assert nlp_queries.count_ads(con, AdFilter(department_code="69")) == 3  # every occupation


def test_naf_matches_by_prefix_with_or_without_dots(con):
    assert _ids(con, naf_code="62") == ["a1", "a2", "a3"]
    assert _ids(con, naf_code="62.01Z") == ["a1", "a3"]
    assert _ids(con, naf_code="6201") == ["a1", "a3"]
    assert _ids(con, naf_code="62.0") == ["a1", "a2", "a3"]
    assert _ids(con, naf_code="7") == ["a4"]
    assert _ids(con, naf_code="01") == []
    assert exposure_series(con, AdFilter(naf_code="62"))["n_ads"].sum() == 4


def test_queries_carry_and_pass_the_filters():
    q = GapQuery(rome_code="m1805", department_code="69", contract_type_code="cdi", naf_code="62.01z")
    assert q.ads() == AdFilter(rome_codes=("M1805",), department_code="69", contract_type_code="CDI",
                               naf_code="62.01Z")
    s = SignalQuery(department_code="2B", naf_code="62")
    assert (s.ads().department_code, s.ads().naf_code) == ("2B", "62")
    assert "department_code" in GapQuery(rome_code="M1805").model_dump_json()  # part of the cache key
    for bad in ({"department_code": "6"}, {"department_code": "2C"}, {"contract_type_code": "X" * 11},
                {"naf_code": "J62"}, {"naf_code": "62.01ZZ"}):
        with pytest.raises(ValidationError):
            AdFilter(**bad)


def test_filter_values_lists_what_the_ads_carry(con):
    values = ad_queries.filter_values(con, ["a1", "a2", "a5"])
    assert values["department_code"] == [("69", None)]
    assert values["contract_type_code"] == [("CDD", None), ("CDI", None)]
    assert values["naf_code"] == [("62.01Z", "Programmation informatique"), ("62.02A", "Conseil en systèmes")]
    assert ad_queries.filter_values(con, ["a5"]) == {"department_code": [], "contract_type_code": [], "naf_code": []}
    assert [c for c, _ in ad_queries.filter_values(con)["department_code"]] == ["2A", "69", "971"]


def test_a_store_with_only_migration_2_gets_the_view_of_migration_3(tmp_path):
    path = tmp_path / "old.duckdb"
    con = connect(path)
    add_ad(con, "a1", dt.datetime(2024, 1, 5), "M1805", "69", "CDI", "62.01Z")
    add_ad(con, "a2", dt.datetime(2024, 1, 6), "M1805", "13", "CDD", "70.22Z")
    # as the store was before migration 3: the view of migration 2, no record of 3
    for statement in VIEWS:
        con.execute(statement)
    con.execute(f"DELETE FROM {store.MIGRATIONS_TABLE} WHERE owner = 'nlp' AND version = 3")
    columns = [r[0] for r in con.execute("DESCRIBE core_nlp__ad_occupations").fetchall()]
    assert "department_code" not in columns
    con.close()
    con = connect(path)  # a writer applies the missing migration
    try:
        assert store.missing_migrations(con) == []
        assert ("nlp", 3) in (store.applied_migrations(con) or set())
        columns = [r[0] for r in con.execute("DESCRIBE core_nlp__ad_occupations").fetchall()]
        assert columns[-3:] == ["department_code", "contract_type_code", "naf_code"]
        assert _ids(con, department_code="69") == ["a1"]
        assert _ids(con, naf_code="70") == ["a2"]
    finally:
        con.close()
