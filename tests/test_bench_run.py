"""bench/run.py's choice of peers (BENCH_PEERS) and its table when only some were built."""

from __future__ import annotations

import pytest

from bench import run


def test_bench_peers_picks_peers_in_their_own_order(monkeypatch):
    monkeypatch.delenv("BENCH_PEERS", raising=False)
    assert run.selected_peers() == run.PEERS
    monkeypatch.setenv("BENCH_PEERS", "fts5, tantivy")
    assert run.selected_peers() == ("tantivy", "fts5")
    monkeypatch.setenv("BENCH_PEERS", "")
    assert run.selected_peers() == ()
    monkeypatch.setenv("BENCH_PEERS", "tantivy,lucene")
    with pytest.raises(SystemExit, match="lucene"):
        run.selected_peers()


def test_the_table_of_a_run_without_peers_shows_ours_and_dashes():
    timing = {"median_ms": 10.0, "p95_ms": 20.0}
    result = run.ArchiveResult(
        name="1.000.000", items=1_000_000,
        build={"ours": {"items_per_s": 250.0, "index_bytes": 9e9, "peak_kib": 200 * 1024, "children_peak_kib": 300 * 1024}},
        queries={"overall": {"ours": timing, "ours_warm": timing},
                 "kinds": {"ét ord": {"ours": timing}},
                 "per_query": [{"kind": "ét ord", "hits": {"ours": 7}}]},
        http={"ours": {"rps": 100.0, "p95_ms": 90.0, "errors": 0, "peak_kib": 500 * 1024}},
    )
    text = run.table([result])
    build_row = next(line for line in text.splitlines() if line.startswith("ingest + analyse"))
    assert "250" in build_row and build_row.split()[-1] == "–"
    assert any(line.startswith("serverens hukommelse") and " 500 " in f" {line} " for line in text.splitlines())


def test_the_sample_for_the_mix_spreads_over_the_archive(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    for municipality in ("a", "b"):
        for n in range(10):
            path = corpus / municipality / f"{n:02}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"Dagsorden {municipality} {n}\n", encoding="utf-8")
    monkeypatch.setattr(run, "WORK", tmp_path / "work")
    sample = run.sample_corpus(corpus, "k", files=4)
    names = sorted(str(p.relative_to(sample)) for p in sample.rglob("*.txt"))
    assert len(names) == 4 and {n.split("/")[0] for n in names} == {"a", "b"}
