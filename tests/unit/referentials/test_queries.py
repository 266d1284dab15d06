"""Tests of referentials/queries.py (the typed reads of the referential tables) and of the one
accent fold (skillgap/text.py) the occupation search uses."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from referentials import queries
from skillgap import text
from skillgap.store import connect


@pytest.fixture(scope="module")
def con(loaded_store_path: Path):
    con = connect(loaded_store_path, read_only=True)
    yield con
    con.close()


def test_fold_doctests() -> None:
    result = doctest.testmod(text)
    assert result.attempted > 0 and result.failed == 0


def test_fold_is_the_nlp_fold() -> None:
    from nlp.text import fold

    assert fold is text.fold
    assert text.fold("Cœur de métier, ÆGIS  ") == "coeur de metier, aegis"


def test_current_is_private_and_checks_the_source() -> None:
    assert not hasattr(queries, "current")
    with pytest.raises(ValueError, match="unknown referential source"):
        queries._current("rome') OR true --")


@pytest.mark.parametrize("q", ["manoeuvre", "MANŒUVRE", "Manœuvre bâtiment", "manoeuvre batiment"])
def test_search_folds_the_oe_ligature(con, q: str) -> None:
    from api.routes.occupations import _terms

    matches, total = queries.search_occupations(con, _terms(q), 50, 0)
    assert total == len(matches) > 0
    assert all("manoeuvre" in text.fold(m.matched_label) for m in matches)
    if "batiment" in text.fold(q):
        assert [m.matched_label for m in matches][:1] == ["Manœuvre bâtiment"]


def test_search_ranks_and_pages(con) -> None:
    everything, total = queries.search_occupations(con, [], 10_000, 0)
    assert total == len(everything) == queries.stats(con)["rome_occupations"]
    page, same_total = queries.search_occupations(con, ["analyste"], 2, 1)
    assert same_total > 2 and len(page) == 2
    first, _ = queries.search_occupations(con, ["analyste"], 3, 0)
    assert page == first[1:3]
    by_code, _ = queries.search_occupations(con, ["M1805"], 10, 0)
    assert by_code[0].rome_code == "M1805" and by_code[0].matched_label == "M1805"
    assert queries.search_occupations(con, ["xyzzyq"], 10, 0) == ([], 0)


def test_typed_reads(con) -> None:
    versions = queries.source_versions(con)
    assert [s for s, _ in versions] == sorted(queries.current_versions(con))
    assert dict(versions)["rncp"] == queries.current_version_id(con, "rncp")
    assert all(v.is_current for v in queries.loaded_versions(con))
    assert queries.occupation_exists(con, "M1805") and not queries.occupation_exists(con, "Z9999")
    active = queries.active_certification_codes(con)
    assert active == sorted(active) and queries.certification_exists(con, active[0])
    assert not queries.certification_exists(con, "RNCP0")
    by_rome = queries.certifications_by_rome_code(con)
    rncp_code = sorted(by_rome["M1805"])[0]
    assert "M1805" in queries.rome_codes_linked_to_certification(con, rncp_code)
    assert queries.rome_codes_linked_to_certification(con, "RNCP0") == set()
    labels = queries.skill_labels(con)
    skills = queries.skills_of_occupation(con, "M1805")
    code, label = skills.skill_code.iloc[0], skills.label.iloc[0]
    assert labels[code] == label
    assert queries.current_skill_labels(con, [code, "nope", code]) == {code: label}
    assert queries.current_skill_labels(con, []) == {}
    assert {s.source for s in queries.skill_records(con, "esco")} == {"esco"}
    assert len(queries.appellation_records(con)) == queries.stats(con)["rome_appellations"]
    assert len(queries.block_records(con)) == queries.stats(con)["rncp_blocks"]
    assert len(queries.esco_occupation_records(con)) == queries.stats(con)["esco_occupations"]
    assert "description_en" in queries.skill_columns(con)
