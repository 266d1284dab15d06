"""``skillgap bench nlp``: side-by-side runs of two models, each run from cold caches."""

from __future__ import annotations

import json

from nlp.bench import bench_nlp
from nlp.config import load_config
from nlp.engine import AdText
from nlp.sections import is_boilerplate

ADS = [
    {"id": "1", "intitule": "Administrateur systèmes et réseaux (H/F)",
     "description": "Vos missions :\n- Administrer un système d'informations\n- Maîtrise du langage SQL"},
    {"id": "2", "intitule": "Soudeur à l'arc",
     "description": "Profil : souder à l'arc, lire un plan\nSalaire : 2 000 € brut"},
]


def test_against_runs_both_models_and_reports_the_speedup(toy_ref, tmp_path):
    ads = tmp_path / "ads.jsonl"
    ads.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ADS), encoding="utf-8")
    lines: list[str] = []
    result = bench_nlp(toy_ref, load_config(model="default", rerank="none"), ads, index_cache_dir=tmp_path / "cache",
                       against=load_config(model="default", rerank="none"), repeat=2, progress=lines.append)
    assert result["n_ads"] == 2 and result["repeat"] == 2
    assert result["model"].startswith("skillgap-static-fr@") and result["reranker"] is None
    assert result["against"]["model"] == result["model"]
    assert result["speedup"] == round(result["ads_per_s"] / result["against"]["ads_per_s"], 2)
    assert [len(runs) for runs in result["_runs_ads_per_s"]] == [2, 2]
    assert len(lines) == 4 and lines[0].startswith("run 1/2 skillgap-static-fr@")
    assert result["_mentions"] > 0
    assert not any(key.startswith("_") for key in result["against"])


def test_clear_caches_forgets_what_processed_ads_left(engine):
    engine.process([AdText("a", "Soudeur", "Profil : souder à l'arc\nMaîtrise du langage SQL\nMutuelle et RTT")])
    assert engine.matcher._seen and is_boilerplate.cache_info().currsize
    engine.clear_caches()
    assert not engine.matcher._seen and is_boilerplate.cache_info().currsize == 0
    assert not engine.ranker._rows_cache
