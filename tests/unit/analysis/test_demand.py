"""Demand series read from a store (analysis.demand): exposure, distinct ads, occupation choice."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis.demand import demand_series, exposure_series, item_series
from models.queries import AdFilter
from skillgap.errors import UserError
from skillgap.store import connect

SEEN = dt.datetime(2025, 3, 1)


def add_ad(con, ad_id, created_at, rome_code, region_code="84"):
    con.execute("""INSERT INTO core_ads__job_ads (ad_id, title, description, created_at, rome_code, region_code,
                   content_hash, first_seen_at, last_seen_at) VALUES (?, 't', 'd', ?, ?, ?, ?, ?, ?)""",
                [ad_id, created_at, rome_code, region_code, ad_id, SEEN, SEEN])


def tick(con, ad_id, position, code, label):
    con.execute("INSERT INTO core_ads__ticked_skills (ad_id, position, skill_code, label) VALUES (?, ?, ?, ?)",
                [ad_id, position, code, label])


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    add_ad(con, "a1", dt.datetime(2024, 1, 5), "M1805")
    add_ad(con, "a2", dt.datetime(2024, 1, 20), "M1805")
    add_ad(con, "a3", dt.datetime(2024, 2, 3), "M1805", region_code="11")
    add_ad(con, "a4", dt.datetime(2024, 2, 4), "K2303")
    add_ad(con, "a5", None, "M1805")
    tick(con, "a1", 0, "300204", "Administrer un système d'informations")
    tick(con, "a1", 1, None, "  Connaître   DOCKER ")
    tick(con, "a2", 0, "300204", "Administrer un système d'informations")
    tick(con, "a3", 0, "115801", "Gérer la sécurité informatique")
    yield con
    con.close()


def test_counts_distinct_ads_with_exposure(con):
    df = demand_series(con)
    got = {(str(r.period_start), r.rome_code, r.skill_key): (r.n_ads_with_skill, r.n_ads) for r in df.itertuples()}
    assert got == {("2024-01-01", "M1805", "300204"): (2, 2),
                   ("2024-01-01", "M1805", "phrase:connaître docker"): (1, 2),
                   ("2024-02-01", "M1805", "115801"): (1, 1)}
    expo = exposure_series(con)
    assert expo["n_ads"].sum() == 4  # the undated ad is left out


def test_filters(con):
    assert demand_series(con, AdFilter(region_code="84"))["skill_key"].tolist() == ["300204",
                                                                                    "phrase:connaître docker"]
    assert demand_series(con, AdFilter(date_from=dt.date(2024, 2, 1)))["skill_key"].tolist() == ["115801"]
    assert exposure_series(con, AdFilter(rome_codes="K2303"))["n_ads"].tolist() == [1]
    assert len(exposure_series(con, period="week")) == 4


RUN = ("model-x", "v1", "{}", "rome:x", SEEN)


def test_predicted_occupation_wins_over_the_source_code(con):
    con.execute("INSERT INTO core_nlp__occupations VALUES ('a1', 'M1811', 'M1805', 0.9, ['M1811', 'M1805'], "
                "[0.9, 0.5], ?, ?, ?, ?, ?)", list(RUN))
    expo = exposure_series(con, AdFilter(date_to=dt.date(2024, 1, 31)))
    assert sorted(zip(expo["rome_code"], expo["n_ads"], strict=True)) == [("M1805", 1), ("M1811", 1)]


def _mention(con, ad_id, mention_id, text, is_linked):
    con.execute("INSERT INTO core_nlp__mentions VALUES (?, ?, ?, 0, ?, 'missions', 'item', ?, ?, ?, ?, ?, ?)",
                [ad_id, mention_id, text, len(text), is_linked, *RUN])


def _link(con, ad_id, mention_id, code, source, score, rank):
    con.execute("INSERT INTO core_nlp__links VALUES (?, ?, ?, ?, ?, ?, 'embedding', ?, ?, ?, ?, ?)",
                [ad_id, mention_id, code, source, score, rank, *RUN])


def test_nlp_mentions_linked_or_phrase(con):
    _mention(con, "a2", "m1", "gestion de parc", True)
    _link(con, "a2", "m1", "http://data.europa.eu/esco/skill/x", "esco", 0.9, 1)
    _link(con, "a2", "m1", "300204", "rome", 0.8, 1)
    _mention(con, "a4", "m2", "Permis C", False)
    _link(con, "a4", "m2", "999999", "rome", 0.2, 1)  # below threshold: the mention stays a phrase
    df = demand_series(con)
    jan = df[(df["skill_key"] == "300204")]
    assert jan["n_ads_with_skill"].tolist() == [2]  # a2 ticked it and mentions it (ROME link preferred): counted once
    assert "phrase:permis c" in set(df["skill_key"]) and "999999" not in set(df["skill_key"])


def test_item_series_counts_an_ad_once_per_item(con):
    mapping = pd.DataFrame({"item_key": ["B1#0", "B1#0"], "skill_key": ["300204", "phrase:connaître docker"]})
    rows, expo = item_series(con, mapping, AdFilter(rome_codes=["M1805"]))
    assert rows[["skill_key", "n_ads_with_skill", "n_ads"]].values.tolist() == [["B1#0", 2, 2]]
    assert expo["n_ads"].sum() == 3


def test_empty_store_is_a_clear_error(tmp_path):
    con = connect(tmp_path / "empty.duckdb")
    con.execute("DELETE FROM core_ads__ticked_skills")
    add_ad(con, "x", dt.datetime(2024, 1, 1), "M1805")
    with pytest.raises(UserError, match="aucune compétence demandée"):
        demand_series(con)
    with pytest.raises(UserError, match="période inconnue"):
        exposure_series(con, period="day")  # type: ignore[arg-type]
