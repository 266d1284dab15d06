"""Charts are real images (decoded, not one colour); French formatting; template escaping."""

from __future__ import annotations

from datetime import date

import matplotlib.image
import numpy as np
import pandas as pd

from reports import charts
from reports.period import parse_week
from reports.render import _environment, fr_date, fr_int, fr_pct
from reports.weekly import volumes, weekly_series


def _colours(path) -> int:
    pixels = matplotlib.image.imread(str(path))
    return len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0))


def test_share_chart_is_a_real_image(tmp_path):
    path = tmp_path / "c.png"
    assert charts.share_intervals(["Kubernetes", "Python"], [0.3, 0.1], [0.2, 0.05], [0.4, 0.2], path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and _colours(path) > 10


def test_volume_chart_and_empty_data(tmp_path):
    vol = pd.DataFrame({"rome_code": ["M1805", "K2303"], "rome_label": ["Développeur", "Ripeur"],
                        "n_ads_window": [120, 40], "n_ads_week": [5, 0]})
    assert charts.volume_by_occupation(vol, tmp_path / "v.png") and _colours(tmp_path / "v.png") > 10
    assert not charts.volume_by_occupation(vol.head(0), tmp_path / "none.png")
    assert not (tmp_path / "none.png").exists()
    assert not charts.share_intervals([], [], [], [], tmp_path / "none.png")


def test_weekly_series_counts_every_week_of_the_window():
    period = parse_week("2025-W10")
    ads = pd.DataFrame({"created_at": pd.to_datetime(["2025-03-03 10:00", "2025-03-09 23:00", "2025-02-25 08:00"])})
    series = weekly_series(ads, period)
    assert len(series) == 52 and series.n_ads.sum() == 3
    assert series.iloc[-1].tolist() == [date(2025, 3, 3), 2]


def test_volumes_order_and_unknown_code():
    ads = pd.DataFrame({"rome_code": ["Z9999", "M1805", "M1805"], "in_week": [False, True, False]})
    assert volumes(ads, {"M1805": "Dév"}).rome_label.tolist() == ["Dév", "(code absent du ROME chargé)"]


def test_french_formats():
    assert (fr_date(date(2025, 3, 1)), fr_pct(0.5), fr_int(1234567)) == ("1 mars 2025", "50,0 %", "1 234 567")


def test_template_escapes_ad_text():
    html = _environment().from_string("<p>{{ x }}</p>").render(x="<script>alert(1)</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html
