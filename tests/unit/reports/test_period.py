"""ISO weeks, the 52-week window, and the branches file."""

from __future__ import annotations

from datetime import date

import pytest

from reports.period import BRANCHES_PATH, check_not_future, last_complete_week, load_branches, parse_week, resolve_scope
from skillgap.errors import UserError


@pytest.mark.parametrize(("value", "monday", "sunday", "window_start"), [
    ("2026-W48", date(2026, 11, 23), date(2026, 11, 29), date(2025, 12, 1)),
    ("2025W01", date(2024, 12, 30), date(2025, 1, 5), date(2024, 1, 8)),
    ("2020-w53", date(2020, 12, 28), date(2021, 1, 3), date(2020, 1, 6)),
], ids=["plain", "no-dash-year-boundary", "week-53"])
def test_parse_week(value, monday, sunday, window_start):
    p = parse_week(value)
    assert (p.week_start, p.week_end, p.window_start) == (monday, sunday, window_start)
    assert (p.window_end - p.window_start).days == 363 and p.window_start.isoweekday() == 1


@pytest.mark.parametrize("value", ["2026-48", "2026-W54", "2021-W53", "semaine 3"])
def test_parse_week_rejects(value):
    with pytest.raises(UserError, match="--week"):
        parse_week(value)


@pytest.mark.parametrize(("today", "week"), [(date(2026, 11, 30), "2026-W48"), (date(2026, 11, 29), "2026-W47"),
                                              (date(2026, 1, 1), "2025-W52")], ids=["monday", "sunday", "new-year"])
def test_last_complete_week(today, week):
    assert last_complete_week(today).week_label == week


def test_future_week_is_refused():
    with pytest.raises(UserError, match="future"):
        check_not_future(parse_week("2026-W50"), date(2026, 11, 30))


def test_bundled_branches_are_valid():
    branches = load_branches()
    assert "numerique" in branches and "M1805" in branches["numerique"]["rome_codes"]
    assert all(b["label"] and b["rome_codes"] for b in branches.values())


def test_branch_and_rome_codes_merge():
    name, label, codes = resolve_scope("numerique", ["a1101"])
    assert name == "numerique" and label.startswith("Numérique") and "A1101" in codes and "M1805" in codes


@pytest.mark.parametrize(("branch", "rome", "message"), [("inconnue", None, "branche inconnue"),
                                                          (None, ["M18"], "code ROME invalide")])
def test_scope_errors(branch, rome, message):
    with pytest.raises(UserError, match=message):
        resolve_scope(branch, rome)


def test_bad_branches_file(tmp_path):
    bad = tmp_path / "b.toml"
    bad.write_text('[branch.x]\nlabel = "X"\nrome_codes = ["M18"]\n')
    with pytest.raises(UserError, match="invalide"):
        load_branches(bad)
    assert BRANCHES_PATH.name == "branches.toml"
