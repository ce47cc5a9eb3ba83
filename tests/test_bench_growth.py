"""bench/growth.py: the growth table reads the saved runs, newest run per size and engine."""

from __future__ import annotations

import json

from bench.growth import newest, points, table


def _run(path, when: str, items: int, ours_p95: float, tantivy_p95: float) -> None:
    archive = {
        "name": f"{items:,}".replace(",", "."), "items": items,
        "build": {"ours": {"items_per_s": 100.0, "index_bytes": 2_000_000},
                  "tantivy": {"items_per_s": 300.0, "index_bytes": 500_000}},
        "queries": {"overall": {"ours": {"median_ms": 1.0, "p95_ms": ours_p95},
                                "tantivy": {"median_ms": 0.5, "p95_ms": tantivy_p95}}},
        "http": {"ours": {"peak_kib": 102400}},
    }
    path.joinpath(f"{when}.json").write_text(json.dumps({"when": when, "results": [archive]}))


def test_the_newest_run_of_each_size_is_shown_with_its_ratio_to_tantivy(tmp_path):
    _run(tmp_path, "20260101-000000", 1000, ours_p95=40.0, tantivy_p95=4.0)
    _run(tmp_path, "20260102-000000", 1000, ours_p95=20.0, tantivy_p95=4.0)
    _run(tmp_path, "20260103-000000", 10000, ours_p95=30.0, tantivy_p95=10.0)
    tmp_path.joinpath("old-layout.json").write_text(json.dumps({"results": [{"rows": []}]}))
    found = points(tmp_path)
    latest = newest(found)
    assert latest[("1.000", "ours")].p95_ms == 20.0 and latest[("1.000", "ours")].server_mb == 100
    text = table(found)
    assert "| 1.000 | Rådsarkiv | 20260102-000000 | 100 | 2.0 | 1.0 | 20.0 (5.0×) | 100 |" in text
    assert "| 10.000 | Rådsarkiv | 20260103-000000 |" in text and "30.0 (3.0×)" in text
    assert text.index("| 1.000 |") < text.index("| 10.000 |")
