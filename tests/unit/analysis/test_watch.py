"""Obsolescence watch of a certification (analysis.watch) on a small hand-made store."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis.coverage import match_block_items, thresholds_for
from analysis.stats import wilson_interval
from analysis.watch import block_items, watch
from models.queries import WatchQuery
from skillgap.errors import UserError
from skillgap.store import connect

SEEN = dt.datetime(2025, 3, 1)


def _versions(con):
    for source in ("rome", "rncp"):
        con.execute("INSERT INTO core_meta__referential_versions VALUES (?, ?, ?, '{}', ?, true, NULL, NULL, NULL)",
                    [f"{source}-test", source, f"{source} test", SEEN])


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    _versions(con)
    con.execute(
        "INSERT INTO core_rome__occupations VALUES ('rome-test', 'M1811', 'Data engineer', 'M1805', NULL, NULL)")
    con.execute("""INSERT INTO core_rncp__certifications VALUES ('rncp-test', 'RNCP1', 'Titre test', 6, true,
                   ['M1805'], NULL, NULL, NULL, NULL, NULL),
                   ('rncp-test', 'RNCP2', 'Sans métier', 6, true, [], NULL, NULL, NULL, NULL, NULL)""")
    con.execute("""INSERT INTO core_rncp__blocks VALUES
        ('rncp-test', 'RNCP1BC01', 'RNCP1', 'Exploitation', ['Administrer un système d''informations',
                                                             'Programmer en COBOL sur grands systèmes'], NULL, 'test'),
        ('rncp-test', 'RNCP1BC02', 'RNCP1', 'Conduire un chariot élévateur', NULL, NULL, NULL),
        ('rncp-test', 'RNCP2BC01', 'RNCP2', 'Bloc', NULL, NULL, NULL)""")
    rng = np.random.default_rng(0)
    ads, ticks = [], []
    for m in range(24):
        month = dt.datetime(2023 + m // 12, m % 12 + 1, 10)
        for i in range(40):
            ad_id = f"{m}-{i}"
            ads.append((ad_id, month, "M1811" if i % 2 else "M1805"))
            if rng.uniform() < 0.4:
                ticks.append((ad_id, 0, "300204", "Administrer un système d'informations"))
            if rng.uniform() < 0.4 * 0.25 ** (m / 12):  # falls to a quarter each year
                ticks.append((ad_id, 1, "115801", "Conduire un chariot élévateur"))
    ads_df = pd.DataFrame(ads, columns=["ad_id", "created_at", "rome_code"])  # noqa: F841 - read by DuckDB below
    ticks_df = pd.DataFrame(ticks, columns=["ad_id", "position", "skill_code", "label"])  # noqa: F841 - read by DuckDB
    con.execute("""INSERT INTO core_ads__job_ads (ad_id, title, description, created_at, rome_code, region_code,
                   content_hash, first_seen_at, last_seen_at)
                   SELECT ad_id, 't', 'd', created_at, rome_code, '84', ad_id, ?, ? FROM ads_df""", [SEEN, SEEN])
    con.execute("INSERT INTO core_ads__ticked_skills (ad_id, position, skill_code, label) SELECT * FROM ticks_df")
    yield con
    con.close()


def test_watch_finds_declining_and_not_found_items(con, encoder):
    # the statistics of watch, with the real default model matching the items to the demanded skills
    report = watch(con, WatchQuery(rncp_code="RNCP1"), encoder=encoder)
    assert report.rome_codes == ["M1805", "M1811"] and report.n_ads == 960
    status = {i.item_label: (i.status, i.item_source) for i in report.items}
    assert status == {
        "Administrer un système d'informations": ("demanded", "competence"),
        "Programmer en COBOL sur grands systèmes": ("not_found", "competence"),
        "Conduire un chariot élévateur": ("declining", "block_title"),
    }
    declining = next(i for i in report.items if i.status == "declining")
    assert declining.rate_ratio_per_year < 0.5 and declining.trend_q_value < 0.05
    assert report.referential_versions == {"rncp": "rncp test", "rome": "rome test"}
    # one model for the whole report: the matcher's, named with its threshold
    assert report.model_name == encoder.name and report.match_threshold == thresholds_for(encoder.name).partial


def test_watch_clear_errors(con, encoder):
    with pytest.raises(UserError, match="inconnue"):
        watch(con, WatchQuery(rncp_code="RNCP999"), encoder=encoder)
    with pytest.raises(UserError, match="aucun métier ROME lié"):
        watch(con, WatchQuery(rncp_code="RNCP2"), encoder=encoder)
    with pytest.raises(UserError, match="pas assez d'offres"):
        watch(con, WatchQuery(rncp_code="RNCP1", date_from=dt.date(2024, 12, 1)), encoder=encoder)


def test_wilson_interval_covers_the_share():
    low, high = wilson_interval(10, 100)
    assert low < 0.1 < high and round(low, 3) == 0.055


def test_block_items():
    blocks = pd.DataFrame({"block_code": ["B1", "B2"], "rncp_code": "R", "label": ["Titre 1", "Titre 2"],
                           "competences": [["c1", "c2"], None]})
    items = block_items(blocks)
    assert items[["item_key", "item_label", "item_source"]].values.tolist() == [
        ["B1#0", "c1", "competence"], ["B1#1", "c2", "competence"], ["B2#0", "Titre 2", "block_title"]]


def test_block_items_are_matched_with_the_callers_encoder_at_its_partial_threshold(encoder):
    threshold = thresholds_for(encoder.name).partial
    skills = pd.DataFrame({"skill_key": ["a", "b"], "skill_label": ["Gérer les sauvegardes informatiques", "Cuisiner"]})
    found = match_block_items(encoder, ["Gérer des sauvegardes"], skills)
    assert found.skill_key.tolist() == ["a"] and found.score.iloc[0] >= threshold
