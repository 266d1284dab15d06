"""ISO weeks and the report's periods, and the branches (named sets of ROME codes).

A weekly report for ISO week W covers the ads created up to the end of W (Sunday, included):
the week itself ("cette semaine") and a trailing window of 12 months ending that Sunday, over
which gaps, modules and signals are computed (a single week holds too few ads for shares).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from skillgap.errors import UserError

BRANCHES_PATH = Path(__file__).resolve().parent / "branches.toml"
WINDOW_DAYS = 364  # 52 weeks: the window ends on the report's Sunday and starts on a Monday
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_ROME = re.compile(r"^[A-N]\d{4}$")


@dataclass(frozen=True)
class ReportPeriod:
    """One ISO week and the 52-week window ending with it."""

    week_label: str  # "2026-W48"
    week_start: date  # Monday
    week_end: date  # Sunday (included)
    window_start: date  # Monday, 51 weeks before week_start

    @property
    def window_end(self) -> date:
        return self.week_end


def parse_week(value: str) -> ReportPeriod:
    """The period of an ISO week written ``YYYY-Www``.

    >>> p = parse_week("2026-W48")
    >>> (p.week_start.isoformat(), p.week_end.isoformat(), p.window_start.isoformat())
    ('2026-11-23', '2026-11-29', '2025-12-01')
    """
    match = _WEEK.match(value.strip())
    if match is None:
        raise UserError(f"--week : semaine invalide {value!r} (format ISO AAAA-Wss, ex. 2026-W48)")
    year, week = int(match[1]), int(match[2])
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as e:
        raise UserError(f"--week : la semaine {week} n'existe pas en {year}") from e
    sunday = monday + timedelta(days=6)
    return ReportPeriod(f"{year}-W{week:02d}", monday, sunday, sunday - timedelta(days=WINDOW_DAYS - 1))


def last_complete_week(today: date) -> ReportPeriod:
    """The last ISO week that ended before ``today`` (the default of a weekly run).

    >>> last_complete_week(date(2026, 11, 30)).week_label  # a Monday: the week just ended
    '2026-W48'
    """
    year, week, _ = (today - timedelta(days=today.isoweekday())).isocalendar()
    return parse_week(f"{year}-W{week:02d}")


def check_not_future(period: ReportPeriod, today: date) -> None:
    if period.week_start > today:
        raise UserError(f"--week {period.week_label} : semaine future (commence le {period.week_start})")


def load_branches(path: Path = BRANCHES_PATH) -> dict[str, dict]:
    """name → {label, rome_codes, note} from ``branches.toml``, validated."""
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise UserError(f"{path}: fichier des branches illisible : {e}") from e
    out = {}
    for name, entry in raw.get("branch", {}).items():
        codes = entry.get("rome_codes")
        if not entry.get("label") or not isinstance(codes, list) or not codes:
            raise UserError(f"{path}: branche {name!r} : 'label' et 'rome_codes' (liste non vide) sont requis")
        bad = [c for c in codes if not isinstance(c, str) or not _ROME.match(c)]
        if bad:
            raise UserError(f"{path}: branche {name!r} : code(s) ROME invalide(s) {bad}")
        out[name] = {"label": entry["label"], "rome_codes": sorted(set(codes)), "note": entry.get("note", "")}
    return out


def resolve_scope(branch: str | None, rome_codes: list[str] | None,
                  path: Path = BRANCHES_PATH) -> tuple[str | None, str | None, list[str] | None]:
    """(branch name, branch label, ROME codes) from ``--branch`` and/or repeated ``--rome``.

    >>> resolve_scope(None, ["m1805", "M1806"])
    (None, None, ['M1805', 'M1806'])
    """
    codes: set[str] = set()
    label = None
    if branch:
        branches = load_branches(path)
        if branch not in branches:
            raise UserError(f"--branch : branche inconnue {branch!r} (définies dans {path.name} : "
                            f"{', '.join(sorted(branches))})")
        label = branches[branch]["label"]
        codes |= set(branches[branch]["rome_codes"])
    for code in rome_codes or []:
        code = code.strip().upper()
        if not _ROME.match(code):
            raise UserError(f"--rome : code ROME invalide {code!r} (ex. M1805)")
        codes.add(code)
    return branch, label, (sorted(codes) if codes else None)
