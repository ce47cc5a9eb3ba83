"""`make bench`: Rådsarkiv against SQLite FTS5 at archive scale, in one run.

For each size (10k items, then BENCH_SIZE, default 100k) it generates an
archive in the corpus's own format, then measures for ours and the peer:
ingest + index throughput and peak memory (each build in its own process),
index size, in-process query latency (median and p95 over a fixed mix, ours
with facet counts) and, at the largest size, HTTP throughput and p95 with 8
concurrent clients against the server `make run` starts. Every figure is
printed beside its peer and the ratio ours/peer; results are saved as JSON
under bench/results/.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("BENCH_DIR", ROOT / "var" / "bench"))
RESULTS = ROOT / "bench" / "results"
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
HTTP_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "30"))
HTTP_CLIENTS = 8


def sizes() -> list[int]:
    largest = int(os.environ.get("BENCH_SIZE", "100000"))
    return sorted({min(10_000, largest), largest})


# --- children: one process per build so peak memory is the build's own ----------------


def child_main(argv: list[str]) -> None:
    kind, corpus, target = argv[0], Path(argv[1]), Path(argv[2])
    started = time.perf_counter()
    if kind == "ours":
        from indexer.build import build

        summary = build(corpus, target)
        items, skipped = summary.items, len(summary.skipped)
    else:
        from .fts5 import build_fts5

        items, skipped = build_fts5(corpus, target), 0
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"items": items, "skipped": skipped, "seconds": seconds, "peak_kib": peak}))


def run_child(kind: str, corpus: Path, target: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", "--child", kind, str(corpus), str(target)],
        capture_output=True, check=True, cwd=ROOT,
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def disk_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- the query mix -----------------------------------------------------------------------


@dataclass
class MixQuery:
    name: str
    q: str
    council: str | None = None


def query_mix(db_path: Path) -> list[MixQuery]:
    """A fixed mix; the case number and council come from the generated data."""
    import sqlite3

    connection = sqlite3.connect(db_path)
    council = connection.execute(
        "SELECT council FROM items WHERE council IS NOT NULL GROUP BY council ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    case = connection.execute(
        "SELECT case_number FROM items WHERE case_number IS NOT NULL GROUP BY case_number "
        "ORDER BY count(*) DESC, case_number LIMIT 1"
    ).fetchone()[0]
    connection.close()
    return [
        MixQuery("ét ord", "tilsyn"),
        MixQuery("tre ord", "socialtilsynet botilbud kvalitet"),
        MixQuery("frase", '"taget til efterretning"'),
        MixQuery("sammensat ords del", "rapport"),
        MixQuery("facetfiltreret", "handleplan", council=council),
        MixQuery("sagsnummer", case),
        # the journalist's queries (issue 10): small words in a phrase, a case
        # number typed with spaces, a typo answered with the closest word
        MixQuery("frase med småord", '"deltog ikke i sagens behandling"'),
        MixQuery("sagsnummer med mellemrum", case.replace("-", " ").replace(".", " ")),
        MixQuery("stavefejl", "tilsyyn"),
    ]


def time_calls(call, repeat: int) -> list[float]:
    call()  # warm-up: caches, first searcher, lexicon
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def measure_queries(index_dir: Path, db_path: Path, mix: list[MixQuery]) -> dict:
    """Ours "cold": no response cache and an empty posting-list cache before
    every call, so each search decodes its postings again (the worst case of
    a query no one asked before); "warm": posting lists cached, as for a
    server that has been answering for a while. The response cache is off in
    both, so every call computes matching, facets, ranking and snippets."""
    from indexer.search import Archive, SearchRequest

    from .fts5 import Fts5Searcher

    archive = Archive(index_dir, response_cache=0)
    peer = Fts5Searcher(db_path)
    postings = archive.current().postings
    ours_all, warm_all, peer_all, per_query = [], [], [], {}
    for query in mix:
        filters = {"council": [query.council]} if query.council else {}

        def cold_call():
            postings.clear()
            return archive.search(SearchRequest(q=query.q, filters=filters))

        ours = time_calls(cold_call, REPEAT)
        warm = time_calls(lambda: archive.search(SearchRequest(q=query.q, filters=filters)), REPEAT)
        theirs = time_calls(lambda: peer.search(query.q, council=query.council), REPEAT)
        hits = archive.search(SearchRequest(q=query.q, filters=filters)).total
        peer_hits = peer.search(query.q, council=query.council)[0]
        ours_all += ours
        warm_all += warm
        peer_all += theirs
        per_query[query.name] = {
            "q": query.q, "council": query.council, "hits": hits, "peer_hits": peer_hits,
            "median_ms": statistics.median(ours) * 1000, "p95_ms": p95(ours) * 1000,
            "warm_p95_ms": p95(warm) * 1000,
            "peer_median_ms": statistics.median(theirs) * 1000, "peer_p95_ms": p95(theirs) * 1000,
        }
    return {
        "median_ms": statistics.median(ours_all) * 1000,
        "p95_ms": p95(ours_all) * 1000,
        "warm_median_ms": statistics.median(warm_all) * 1000,
        "warm_p95_ms": p95(warm_all) * 1000,
        "peer_median_ms": statistics.median(peer_all) * 1000,
        "peer_p95_ms": p95(peer_all) * 1000,
        "per_query": per_query,
    }


def http_queries(db_path: Path, mix: list[MixQuery], count: int = 400) -> list[str]:
    """The fixed mix plus `count` distinct searches made of words from item
    titles, so the load measures searching, not our response cache."""
    import re
    import sqlite3

    connection = sqlite3.connect(db_path)
    titles = [row[0] for row in connection.execute("SELECT title FROM items_fts ORDER BY rowid LIMIT 5000")]
    connection.close()
    queries: list[dict[str, str]] = []
    for query in mix:
        params = {"q": query.q}
        if query.council:
            params["council"] = query.council
        queries.append(params)
    seen = set()
    for index, title in enumerate(titles):
        words = [w for w in re.findall(r"[A-Za-zÆØÅæøå]{5,}", title)]
        if not words:
            continue
        q = " ".join(words[index % 2: index % 2 + 1 + index % 2])
        if q.lower() not in seen:
            seen.add(q.lower())
            queries.append({"q": q})
        if len(queries) >= count:
            break
    return ["/api/search?" + urlencode(params) for params in queries]


def measure_http(index_dir: Path, db_path: Path, mix: list[MixQuery]) -> dict:
    from .load import free_port, rss_kib, run_load, start_server

    paths = http_queries(db_path, mix)
    figures = {}
    for name, args in (
        ("ours", ["-m", "webapp", "--index", str(index_dir)]),
        ("peer", ["-m", "bench.peer_app", "--db", str(db_path)]),
    ):
        port = free_port()
        server = start_server(args, port)
        try:
            start_rss = rss_kib(server.pid)
            result = run_load(port, paths, HTTP_CLIENTS, HTTP_SECONDS)
            figures[name] = {
                "requests": result.requests, "errors": result.errors, "rps": result.rps,
                "p50_ms": result.p50 * 1000, "p95_ms": result.p95 * 1000,
                "rss_start_kib": start_rss, "peak_kib": rss_kib(server.pid, "VmHWM"),
                "error_samples": result.error_samples,
            }
        finally:
            server.terminate()
            server.wait(10)
    return figures


# --- one size --------------------------------------------------------------------------------


@dataclass
class SizeResult:
    items: int
    generated: dict = field(default_factory=dict)
    build: dict = field(default_factory=dict)
    queries: dict = field(default_factory=dict)
    http: dict = field(default_factory=dict)


def generate(size: int) -> Path:
    from .generate import generate as make_archive

    target = WORK / f"archive-{size}"
    marker = target / ".complete"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        summary = make_archive(target, items=size, seed=1)
        marker.write_text(json.dumps({"items": summary.items}))
    return target


def run_size(size: int, with_http: bool) -> SizeResult:
    result = SizeResult(items=size)
    started = time.perf_counter()
    corpus = generate(size)
    result.generated = {"seconds": time.perf_counter() - started, "bytes": disk_size(corpus)}
    index_dir, db_path = WORK / f"index-{size}", WORK / f"fts5-{size}.sqlite"
    shutil.rmtree(index_dir, ignore_errors=True)
    ours = run_child("ours", corpus, index_dir)
    peer = run_child("peer", corpus, db_path)
    result.build = {
        "ours": {**ours, "items_per_s": ours["items"] / ours["seconds"], "index_bytes": disk_size(index_dir)},
        "peer": {**peer, "items_per_s": peer["items"] / peer["seconds"], "index_bytes": disk_size(db_path)},
    }
    mix = query_mix(db_path)
    result.queries = measure_queries(index_dir, db_path, mix)
    if with_http:
        result.http = measure_http(index_dir, db_path, mix)
    return result


# --- report ------------------------------------------------------------------------------------


def ratio(ours: float, peer: float) -> str:
    return f"{ours / peer:.2f}×" if peer else "–"


def table(results: list[SizeResult]) -> str:
    rows = [("måling", "størrelse", "Rådsarkiv", "FTS5", "forhold")]
    for r in results:
        n = f"{r.items:,}".replace(",", ".")
        b = r.build
        rows += [
            ("ingest + indeks (punkter/s)", n, f"{b['ours']['items_per_s']:.0f}", f"{b['peer']['items_per_s']:.0f}",
             ratio(b['ours']['items_per_s'], b['peer']['items_per_s'])),
            ("indeksstørrelse (MB)", n, f"{b['ours']['index_bytes'] / 1e6:.1f}", f"{b['peer']['index_bytes'] / 1e6:.1f}",
             ratio(b['ours']['index_bytes'], b['peer']['index_bytes'])),
            ("byggets hukommelse, top (MB)", n, f"{b['ours']['peak_kib'] / 1024:.0f}", f"{b['peer']['peak_kib'] / 1024:.0f}",
             ratio(b['ours']['peak_kib'], b['peer']['peak_kib'])),
        ]
        q = r.queries
        rows += [
            ("søgning median, kold (ms, inkl. facetter)", n, f"{q['median_ms']:.1f}", f"{q['peer_median_ms']:.1f}",
             ratio(q['median_ms'], q['peer_median_ms'])),
            ("søgning p95, kold (ms, inkl. facetter)", n, f"{q['p95_ms']:.1f}", f"{q['peer_p95_ms']:.1f}",
             ratio(q['p95_ms'], q['peer_p95_ms'])),
            ("søgning p95, varm (ms, inkl. facetter)", n, f"{q['warm_p95_ms']:.1f}", f"{q['peer_p95_ms']:.1f}",
             ratio(q['warm_p95_ms'], q['peer_p95_ms'])),
        ]
        for name, figures in q["per_query"].items():
            rows.append((f"  kold p95 {name} ({figures['hits']}/{figures['peer_hits']} hits)", n,
                         f"{figures['p95_ms']:.1f}", f"{figures['peer_p95_ms']:.1f}",
                         ratio(figures['p95_ms'], figures['peer_p95_ms'])))
        if r.http:
            o, p = r.http["ours"], r.http["peer"]
            rows += [
                (f"HTTP /api/search, {HTTP_CLIENTS} klienter (req/s)", n, f"{o['rps']:.0f}", f"{p['rps']:.0f}", ratio(o['rps'], p['rps'])),
                ("HTTP p95 (ms)", n, f"{o['p95_ms']:.1f}", f"{p['p95_ms']:.1f}", ratio(o['p95_ms'], p['p95_ms'])),
                ("HTTP fejl", n, str(o["errors"]), str(p["errors"]), "–"),
                ("serverens hukommelse, top (MB)", n, f"{(o['peak_kib'] or 0) / 1024:.0f}", f"{(p['peak_kib'] or 0) / 1024:.0f}",
                 ratio(o['peak_kib'] or 0, p['peak_kib'] or 0)),
            ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child_main(argv[1:])
        return
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = []
    all_sizes = sizes()
    for size in all_sizes:
        print(f"[bench] {size} punkter …", file=sys.stderr, flush=True)
        results.append(run_size(size, with_http=size == all_sizes[-1]))
    report = table(results)
    print(report)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    payload = {
        "when": stamp, "seconds": time.perf_counter() - started, "python": platform.python_version(),
        "machine": platform.machine(), "cpus": os.cpu_count(), "repeat": REPEAT,
        "results": [r.__dict__ for r in results], "table": report,
    }
    (RESULTS / f"{stamp}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\n(gemt i bench/results/{stamp}.json, {payload['seconds']:.0f} s i alt)", file=sys.stderr)


if __name__ == "__main__":
    main()
