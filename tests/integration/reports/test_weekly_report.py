"""End to end: the weekly batch on a store of ads written for the tests, the report opened in
headless Chromium (screenshot of the first page), charts present and not blank, idempotence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from reports.batch import run_weekly, weekly_report
from reports.chromium import find_chromium, screenshot
from reports.period import parse_week
from reports.weekly import Scope
from skillgap.store import connect

pytestmark = pytest.mark.slow


def _weekly(store, out, encoder, week, ingest, **kw):
    return run_weekly(store, out, period=parse_week(week), regions=[None], scope_kwargs={"top_occupations": 3},
                      ingest_paths=[ingest], do_process=False, warm_cache=False, pdf=False, encoder=encoder,
                      echo=lambda _: None, **kw)


def _store_counts(store: Path) -> tuple[int, int]:
    con = connect(store, read_only=True)
    try:
        return (con.execute("SELECT count(*) FROM core_ads__job_ads").fetchone()[0],
                con.execute("SELECT count(*) FROM out_analysis__modules").fetchone()[0])
    finally:
        con.close()


def test_weekly_batch_report_and_screenshot(report_store, tmp_path, hash_encoder, test_thresholds, ft_ads_file,
                                            png_check, report_week):
    out = tmp_path / "reports"
    summary = _weekly(report_store, out, hash_encoder, report_week, ft_ads_file)
    assert summary["collect"]["ingest"]["stored"] == 3
    folder = out / report_week
    report = summary["reports"][0]
    assert report["folder"] == str(folder) and report["n_ads_week"] > 3
    # the unknown occupation is reported with its reason, not skipped
    assert set(report["occupations"]) == {"M1805", "K2303", "Z9999"}
    assert report["occupations"]["M1805"] == "ok" and "inconnu" in report["occupations"]["Z9999"]

    html = (folder / "index.html").read_text(encoding="utf-8")
    for text in ("semaine 2025-W10", "Volume des offres par métier", "Compétences non couvertes",
                 "Modules complémentaires candidats", "Compétences émergentes et en déclin",
                 "Veille des certifications", "Méthodes", "test-hash-encoder", "code ROME inconnu : Z9999"):
        assert text in html, text
    assert "http://" not in html and "https://" not in html  # renders offline: nothing external
    assert html.count('src="data:image/png;base64,') >= 3

    charts = sorted((folder / "charts").glob("*.png"))
    assert {"volume_by_occupation.png", "weekly_volume.png", "gaps_M1805.png"} <= {p.name for p in charts}
    assert all(png_check(p) for p in charts)

    params = json.loads((folder / "report.json").read_text())
    assert params["model_name"] == "test-hash-encoder"
    assert params["coverage_thresholds"] == {"covered": 0.75, "partial": 0.55}
    assert set(params["referential_versions"]) >= {"rome", "rncp"}
    gaps = pd.read_csv(folder / "data" / "gaps_M1805.csv")
    assert gaps.ad_ids.str.contains("test-M1805").all()  # every figure names its ads
    ads = pd.read_csv(folder / "data" / "ads.csv")
    assert len(ads) == params["n_ads_window"] and ads.in_week.sum() == params["n_ads_week"]

    if find_chromium() is None:
        pytest.skip("Chromium absent: install the Debian package chromium to check the rendering")
    shot = screenshot(folder / "index.html", tmp_path / "first_page.png", width=1280, height=2000)
    assert png_check(shot)

    # idempotent: same week again → no new ads, no duplicate modules, same files, same figures
    ads_before, modules_before = _store_counts(report_store)
    files_before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    again = _weekly(report_store, out, hash_encoder, report_week, ft_ads_file)
    assert again["collect"]["ingest"]["stored"] == 0
    assert _store_counts(report_store) == (ads_before, modules_before)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == files_before
    assert pd.read_csv(folder / "data" / "gaps_M1805.csv").equals(gaps)
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == [report_week]


def test_report_week_without_ads_says_so(report_store, tmp_path, hash_encoder, test_thresholds, png_check):
    scope = Scope(period=parse_week("2026-W48"), region_code="84")
    folder, summary = weekly_report(report_store, scope, tmp_path, encoder=hash_encoder, pdf=False)
    assert folder.name == "2026-W48-84" and summary["n_ads_week"] == 0 and summary["n_ads_window"] == 0
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "Aucune offre créée pendant la semaine 2026-W48" in html
    assert "Aucune offre sur les 12 mois précédents" in html


def test_report_pdf_with_chromium(report_store, tmp_path, hash_encoder, test_thresholds):
    if shutil.which("chromium") is None and find_chromium() is None:
        pytest.skip("Chromium absent: no PDF")
    scope = Scope(period=parse_week("2025-W10"), region_code="84", rome_codes=("M1805",), top_occupations=1)
    folder, summary = weekly_report(report_store, scope, tmp_path, encoder=hash_encoder, pdf=True)
    assert folder.name == "2025-W10-84-rome-M1805" and summary["pdf"]
    assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert set(pd.read_csv(folder / "data" / "ads.csv").region_code.astype(str)) == {"84"}
