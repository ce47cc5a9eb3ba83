"""`make bench`: Rådsarkiv against the engines users would pick instead, in one run.

Archives: 10k generated items, BENCH_SIZE generated items (default
`DEFAULT_SIZE`) and the real archive (every Greve meeting in ../shared/greve/
plus the corpus/ seeds; BENCH_REAL=0 leaves it out). For each it measures
Rådsarkiv and three peers, every build in its own process (peak memory is the
build's own):

* tantivy with our analysed tokens and facet counts (`bench.peers.TantivyPeer`);
* SQLite FTS5 with our analysed tokens and Datasette-style facet counts
  (`bench.peers.Fts5FacetPeer`);
* plain SQLite FTS5 on the raw text, no stemming, no facets (`bench.fts5`),
  the row kept from earlier runs for continuity.

The two analysed peers share one parse + analysis pass on all cores
(`bench.analysed`), timed once and added to each one's indexing time for its
end-to-end rate. Queries: a mix drawn from each archive's own vocabulary,
names and case numbers (`bench.mix`), in-process, median and p95 overall and
p95 per kind, ours with all its facets; at the largest generated size also
HTTP throughput and p95 with 8 clients against the server `make run` starts
(and two such servers over the same index, one port each). Every figure is
printed beside each peer's with the ratio ours/peer; results are saved as
JSON under bench/results/.

Why the default size is not 100k: our build runs at 50-150 items/s on this
2-core machine (issue 14), so a 100k build alone takes 11-33 minutes and the
default run must finish within 15. BENCH_SIZE=100000 (or 1000000) selects
the larger archives; BENCH_OURS=0 leaves ours out, BENCH_PEERS a comma list
(empty: none) picks the peers. Without an analysed peer the query mix is drawn
from the analysis of an evenly spread sample of the archive's files
(`SAMPLE_FILES`): the mix needs the archive's vocabulary, not every item
analysed, and at 1M the full analysis pass alone takes most of an hour.
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
import threading
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
DEFAULT_SIZE = 20_000
SHARED = ROOT.parent / "shared"
REAL_SOURCES = (("greve", SHARED / "greve"), ("", ROOT / "corpus"))
PEERS = ("tantivy", "fts5f", "fts5")
PEER_LABELS = {"tantivy": "tantivy", "fts5f": "FTS5+facetter", "fts5": "FTS5 (rå)"}


def sizes() -> list[int]:
    largest = int(os.environ.get("BENCH_SIZE", str(DEFAULT_SIZE)))
    return sorted({min(10_000, largest), largest})


SAMPLE_FILES = 1500  # files analysed for the mix when no analysed peer is built


def selected_peers() -> tuple[str, ...]:
    chosen = os.environ.get("BENCH_PEERS")
    if chosen is None:
        return PEERS
    names = tuple(name.strip() for name in chosen.split(",") if name.strip())
    unknown = set(names) - set(PEERS)
    if unknown:
        raise SystemExit(f"BENCH_PEERS: unknown peer(s) {', '.join(sorted(unknown))}; known: {', '.join(PEERS)}")
    return tuple(peer for peer in PEERS if peer in names)


def with_ours() -> bool:
    return os.environ.get("BENCH_OURS", "1") != "0"


def with_real() -> bool:
    return os.environ.get("BENCH_REAL", "1") != "0" and (SHARED / "greve").is_dir()


# --- children: one process per build so peak memory is the build's own ----------------


def child_main(argv: list[str]) -> None:
    kind, source, target = argv[0], Path(argv[1]), Path(argv[2])
    started = time.perf_counter()
    skipped = 0
    extra: dict = {}
    if kind == "ours":
        from indexer.build import build

        summary = build(source, target)
        items, skipped = summary.items, len(summary.skipped)
    elif kind == "fts5":
        from .fts5 import build_fts5

        items = build_fts5(source, target)
    elif kind == "analyse":
        from .analysed import analyse_corpus

        extra = analyse_corpus(source, target)
        items = extra["items"]
    elif kind == "tantivy":
        from .peers import TantivyPeer

        items = TantivyPeer.build(source, target)
    elif kind == "fts5f":
        from .peers import Fts5FacetPeer

        items = Fts5FacetPeer.build(source, target)
    else:
        raise SystemExit(f"unknown build kind {kind}")
    seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child
    # started after the parent had loaded an archive would report the parent's peak.
    from .load import rss_kib

    peak = rss_kib(os.getpid(), "VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # largest parse worker or sub-writer
    print(json.dumps({"items": items, "skipped": skipped, "seconds": seconds, "peak_kib": peak,
                      "children_peak_kib": children, **extra}))


def run_child(kind: str, source: Path, target: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", "--child", kind, str(source), str(target)],
        capture_output=True, cwd=ROOT,
    )
    if out.returncode:
        raise RuntimeError(f"{kind} build failed:\n{out.stderr.decode()[-3000:]}")
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def disk_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- queries ----------------------------------------------------------------------------------


def time_calls(call, repeat: int) -> list[float]:
    call()  # warm-up: caches, first searcher, lexicon
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def p95(values: list[float]) -> float:
    from .load import percentile

    return percentile(values, 0.95)


def summarise(timings: list[float]) -> dict:
    return {"median_ms": statistics.median(timings) * 1000, "p95_ms": p95(timings) * 1000} if timings else {}


def peer_searchers(paths: dict[str, Path]) -> dict:
    from .fts5 import Fts5Searcher
    from .peers import Fts5FacetPeer, TantivyPeer

    searchers = {}
    if "tantivy" in paths:
        peer = TantivyPeer(paths["tantivy"])
        searchers["tantivy"] = lambda q, council: peer.search(q, council).total
    if "fts5f" in paths:
        facet_peer = Fts5FacetPeer(paths["fts5f"])
        searchers["fts5f"] = lambda q, council: facet_peer.search(q, council).total
    if "fts5" in paths:
        plain = Fts5Searcher(paths["fts5"])
        searchers["fts5"] = lambda q, council: plain.search(q, council=council)[0]
    return searchers


def measure_queries(index_dir: Path | None, peer_paths: dict[str, Path], mix) -> dict:
    """Ours "cold": no response cache and an empty posting-list cache before
    every call, so each search decodes its postings again (the worst case of
    a query no one asked before); "warm": posting lists cached, as for a
    server that has been answering for a while. The response cache is off in
    both, so every call computes matching, all facets, ranking and snippets.
    The peers answer with their top 20 and their facet counts (none for plain
    FTS5); their own caches (page cache, tantivy's) stay as they are."""
    runners: dict[str, object] = {}
    if index_dir is not None:
        from indexer.search import Archive, SearchRequest

        archive = Archive(index_dir, response_cache=0)
        postings = archive.current().postings

        def ours(q, council):
            return archive.search(SearchRequest(q=q, filters={"council": [council]} if council else {})).total

        def ours_cold(q, council):
            postings.clear()
            return ours(q, council)

        runners["ours"], runners["ours_warm"] = ours_cold, ours
    runners.update(peer_searchers(peer_paths))
    timings: dict[str, list[float]] = {name: [] for name in runners}
    by_kind: dict[str, dict[str, list[float]]] = {}
    per_query = []
    for query in mix:
        row = {"kind": query.kind, "q": query.q, "council": query.council, "hits": {}}
        for name, run in runners.items():
            calls = time_calls(lambda: run(query.q, query.council), REPEAT)
            timings[name] += calls
            by_kind.setdefault(query.kind, {}).setdefault(name, []).extend(calls)
            row[name] = summarise(calls)
            if name != "ours_warm":
                row["hits"][name] = run(query.q, query.council)
        per_query.append(row)
    return {
        "overall": {name: summarise(calls) for name, calls in timings.items()},
        "kinds": {kind: {name: summarise(calls) for name, calls in runs.items()} for kind, runs in by_kind.items()},
        "per_query": per_query,
    }


def http_queries(mix, titles: list[str], count: int = 400) -> list[str]:
    """The fixed mix plus `count` distinct searches made of words from item
    titles, so the load measures searching, not our response cache."""
    import re

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


def load_on(ports: list[int], paths: list[str]):
    """8 clients in all, split evenly over `ports` (a load balancer's round robin)."""
    from .load import LoadResult, run_load

    results: list = [None] * len(ports)

    def one(index: int) -> None:
        results[index] = run_load(ports[index], paths, HTTP_CLIENTS // len(ports), HTTP_SECONDS)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(ports))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = LoadResult()
    for result in results:
        merged.requests += result.requests
        merged.errors += result.errors
        merged.latencies += result.latencies
        merged.error_samples += result.error_samples
    merged.seconds = max(result.seconds for result in results)
    return merged


def measure_http(index_dir: Path | None, db_path: Path | None, paths: list[str]) -> dict:
    from .load import free_port, rss_kib, start_server

    setups = [("peer", ["-m", "bench.peer_app", "--db", str(db_path)], 1)] if db_path is not None else []
    if index_dir is not None:
        setups = [("ours", ["-m", "webapp", "--index", str(index_dir)], 1),
                  ("ours_two", ["-m", "webapp", "--index", str(index_dir)], 2), *setups]
    figures = {}
    for name, args, count in setups:
        servers, ports = [], []
        try:
            for _ in range(count):
                ports.append(free_port())
                servers.append(start_server(args, ports[-1]))
            result = load_on(ports, paths)
            figures[name] = {
                "processes": count, "requests": result.requests, "errors": result.errors, "rps": result.rps,
                "p50_ms": result.p50 * 1000, "p95_ms": result.p95 * 1000,
                "peak_kib": sum(rss_kib(s.pid, "VmHWM") or 0 for s in servers),
                "error_samples": result.error_samples,
            }
        finally:
            for server in servers:
                server.terminate()
                server.wait(10)
    return figures


# --- one archive -------------------------------------------------------------------------------------


@dataclass
class ArchiveResult:
    name: str  # "10.000", "Greve + frø"
    items: int
    generated: dict = field(default_factory=dict)
    build: dict = field(default_factory=dict)
    analysis: dict = field(default_factory=dict)
    mix: list = field(default_factory=list)
    queries: dict = field(default_factory=dict)
    http: dict = field(default_factory=dict)


def generate(size: int) -> Path:
    from .generate import generate as make_archive

    target = WORK / f"archive-{size}"
    marker = target / ".complete"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        summary = make_archive(target, items=size, seed=1, jobs=os.cpu_count() or 1)
        marker.write_text(json.dumps({"items": summary.items}))
    return target


def real_archive() -> Path:
    """Greve's meetings and the seeds as one corpus folder (copies: the build
    reads no links out of its corpus), refreshed when a source file changes."""
    target = WORK / "archive-real"
    files = sorted((sub, path) for sub, root in REAL_SOURCES for path in root.rglob("*")
                   if path.is_file() and not path.name.startswith(".") and path.name != "README.md")
    manifest = json.dumps([[sub, str(path.relative_to(root)), path.stat().st_size]
                           for sub, root in REAL_SOURCES for s, path in files if s == sub])
    marker = target / ".complete"
    if marker.exists() and marker.read_text() == manifest:
        return target
    shutil.rmtree(target, ignore_errors=True)
    for sub, root in REAL_SOURCES:
        for s, path in files:
            if s == sub:
                destination = target / sub / path.relative_to(root)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)
    marker.write_text(manifest)
    return target


def sample_corpus(corpus: Path, key: str, files: int = SAMPLE_FILES) -> Path:
    """Every n-th file of `corpus` (all municipalities, all years), copied."""
    from indexer.ingest import discover

    found = sorted(p for p in discover(corpus) if isinstance(p, Path))
    target = WORK / f"sample-{key}"
    shutil.rmtree(target, ignore_errors=True)
    for path in found[:: max(1, len(found) // files)]:
        destination = target / path.relative_to(corpus)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    return target


def run_archive(name: str, key: str, corpus: Path, with_http: bool) -> ArchiveResult:
    from .mix import draw_mix

    index_dir = WORK / f"index-{key}" if with_ours() else None
    peers = selected_peers()
    paths = {peer: path for peer, path in {
        "tantivy": WORK / f"tantivy-{key}", "fts5f": WORK / f"fts5f-{key}.sqlite", "fts5": WORK / f"fts5-{key}.sqlite",
    }.items() if peer in peers}
    analysed = WORK / f"analysed-{key}.jsonl"
    builds = {}
    if index_dir is not None:
        shutil.rmtree(index_dir, ignore_errors=True)
        _log(f"{name}: Rådsarkiv bygger …")
        builds["ours"] = run_child("ours", corpus, index_dir) | {"path": str(index_dir)}
    if "fts5" in paths:
        _log(f"{name}: FTS5 (rå) bygger …")
        builds["fts5"] = run_child("fts5", corpus, paths["fts5"])
    analysed_peers = [peer for peer in ("tantivy", "fts5f") if peer in paths]
    if analysed_peers:
        _log(f"{name}: ingest + analyse for {' og '.join(PEER_LABELS[p] for p in analysed_peers)} …")
        analysis = run_child("analyse", corpus, analysed)
    else:
        _log(f"{name}: analyse af en stikprøve til søgeblandingen …")
        analysis = run_child("analyse", sample_corpus(corpus, key), analysed) | {"sample": True}
    for peer in analysed_peers:
        _log(f"{name}: {PEER_LABELS[peer]} bygger …")
        builds[peer] = run_child(peer, analysed, paths[peer])
        builds[peer]["analysis_seconds"] = analysis["seconds"]
    for kind, figures in builds.items():
        total = figures["seconds"] + figures.get("analysis_seconds", 0.0)
        figures["items_per_s"] = figures["items"] / total if total else 0.0
        figures["index_items_per_s"] = figures["items"] / figures["seconds"] if figures["seconds"] else 0.0
        figures["index_bytes"] = disk_size(index_dir if kind == "ours" else paths[kind])
    mix = draw_mix(analysed)
    _log(f"{name}: {len(mix)} søgninger × {REPEAT} …")
    items = builds["ours"]["items"] if analysis.get("sample") and "ours" in builds else analysis["items"]
    result = ArchiveResult(name=name, items=items, build=builds, analysis=analysis,
                           mix=[q.__dict__ for q in mix])
    result.queries = measure_queries(index_dir, paths, mix)
    if with_http:
        _log(f"{name}: HTTP …")
        from .analysed import read_analysed
        from itertools import islice

        titles = [item.title_text for item in islice(read_analysed(analysed), 5000)]
        result.http = measure_http(index_dir, paths.get("fts5"), http_queries(mix, titles))
    return result


def _log(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


# --- report ------------------------------------------------------------------------------------


def ratio(ours: float | None, peer: float | None) -> str:
    return f"{ours / peer:.2f}×" if ours is not None and peer else "–"


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def table(results: list[ArchiveResult]) -> str:
    """One row per figure: ours, then each peer with ratio ours/peer."""
    header = ["måling", "arkiv", "Rådsarkiv"]
    for peer in PEERS:
        header += [PEER_LABELS[peer], "forhold"]
    rows = [header]

    def add(label: str, archive: str, ours: float | None, peers: dict[str, float | None], digits: int = 1) -> None:
        row = [label, archive, _fmt(ours, digits)]
        for peer in PEERS:
            value = peers.get(peer)
            row += [_fmt(value, digits), ratio(ours, value)]
        rows.append(row)

    for r in results:
        b, n = r.build, r.name
        ours = b.get("ours", {})
        built = [p for p in PEERS if p in b]
        add("ingest + analyse + indeks (punkter/s)", n, ours.get("items_per_s"),
            {p: b[p]["items_per_s"] for p in built}, 0)
        add("  indeks efter fælles analyse (punkter/s)", n, None,
            {p: b[p]["index_items_per_s"] for p in ("tantivy", "fts5f") if p in b}, 0)
        add("indeksstørrelse (MB)", n, ours.get("index_bytes", 0) / 1e6 if ours else None,
            {p: b[p]["index_bytes"] / 1e6 for p in built})
        add("byggets hukommelse, top (MB)", n, ours.get("peak_kib", 0) / 1024 if ours else None,
            {p: b[p]["peak_kib"] / 1024 for p in built}, 0)
        # ours: the largest parse worker or index sub-writer; the analysed peers: the largest analysis worker
        add("  største hjælpeproces, top (MB)", n, ours.get("children_peak_kib", 0) / 1024 if ours else None,
            {p: r.analysis.get("children_peak_kib", 0) / 1024 for p in ("tantivy", "fts5f") if p in b}, 0)
        overall = r.queries["overall"]

        def figure(name: str, key: str) -> float | None:
            return overall.get(name, {}).get(key)

        add("søgning median, kold (ms, inkl. facetter)", n, figure("ours", "median_ms"),
            {p: figure(p, "median_ms") for p in PEERS})
        add("søgning p95, kold (ms, inkl. facetter)", n, figure("ours", "p95_ms"), {p: figure(p, "p95_ms") for p in PEERS})
        add("søgning p95, varm (ms, inkl. facetter)", n, figure("ours_warm", "p95_ms"), {p: figure(p, "p95_ms") for p in PEERS})
        for kind, runs in r.queries["kinds"].items():
            hits = [q["hits"] for q in r.queries["per_query"] if q["kind"] == kind]
            shown = "/".join(str(h.get(name, "–")) for name in ("ours", *PEERS) for h in hits[:1])
            more = f" +{len(hits) - 1}" if len(hits) > 1 else ""
            add(f"  kold p95 {kind}{more} ({shown} hits)", n, runs.get("ours", {}).get("p95_ms"),
                {p: runs.get(p, {}).get("p95_ms") for p in PEERS})
        if r.http:
            h, peer = r.http.get("ours"), r.http.get("peer", {})
            two = r.http.get("ours_two")
            add(f"HTTP /api/search, {HTTP_CLIENTS} klienter (req/s)", n, h and h["rps"], {"fts5": peer.get("rps")}, 0)
            add("HTTP p95 (ms)", n, h and h["p95_ms"], {"fts5": peer.get("p95_ms")})
            add("HTTP fejl", n, h and h["errors"], {"fts5": peer.get("errors")}, 0)
            add("serverens hukommelse, top (MB)", n, h and h["peak_kib"] / 1024, {"fts5": peer.get("peak_kib", 0) / 1024 or None}, 0)
            if two:
                add("  2 serverprocesser: req/s", n, two["rps"], {"fts5": peer.get("rps")}, 0)
                add("  2 serverprocesser: HTTP p95 (ms)", n, two["p95_ms"], {"fts5": peer.get("p95_ms")})
                add("  2 serverprocesser: fejl", n, two["errors"], {"fts5": peer.get("errors")}, 0)
                add("  2 serverprocesser: hukommelse i alt (MB)", n, two["peak_kib"] / 1024, {"fts5": peer.get("peak_kib", 0) / 1024 or None}, 0)
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def mix_listing(results: list[ArchiveResult]) -> str:
    """The queries each archive's mix drew, to read the table by."""
    lines = []
    for r in results:
        lines.append(f"{r.name}: " + "; ".join(
            f"{q['kind']}: {q['q']}" + (f" [råd={q['council']}]" if q["council"] else "") for q in r.mix))
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
        name = f"{size:,}".replace(",", ".")
        _log(f"{name} punkter: genererer …")
        generated_at = time.perf_counter()
        corpus = generate(size)
        generated = {"seconds": time.perf_counter() - generated_at, "bytes": disk_size(corpus)}
        result = run_archive(name, str(size), corpus, with_http=size == all_sizes[-1])
        result.generated = generated
        results.append(result)
    if with_real():
        results.append(run_archive("Greve + frø", "real", real_archive(), with_http=False))
    report = table(results)
    print(report)
    print()
    print(mix_listing(results))
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
