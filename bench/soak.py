"""`make soak`: a bounded soak of the server `make run` starts, on loopback.

About two minutes (SOAK_SECONDS), 16 concurrent clients, a mix of searches,
item pages, meeting pages and case pages drawn from the index itself, while
150 slow clients (--slow-clients) trickle header bytes and are replaced as
the server closes them. Passes when the normal clients see zero errors and
the server's memory at the end is within a margin of its memory after
warm-up.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urlencode

from .load import SlowResult, free_port, rss_kib, run_load, run_slow_clients, start_server

QUERIES = [
    "tilsyn", "magtanvendelse", "Handicapraadet", "tomgang", '"skærpet tilsyn"', "botilbud OR bofællesskab",
    "tilsyn -corona", "råd:Socialudvalget", "år:2021", "veterankoordinator", "veterankordinator", "§ 85",
    "rapport", "konference", "fra:2021-01-01 til:2021-12-31 tilsyn",
]


def soak_paths(index_dir: Path) -> list[str]:
    from indexer.search import Archive, SearchRequest

    archive = Archive(index_dir)
    paths = []
    for q in QUERIES:
        paths.append("/soeg?" + urlencode({"q": q}))
        paths.append("/api/search?" + urlencode({"q": q}))
    items = archive.search(SearchRequest(q="", per_page=100, sort="date")).results
    for hit in items[:60]:
        paths.append(f"/punkt/{quote(hit.id, safe='')}")
        paths.append(f"/moede/{quote(hit.meeting_id, safe='')}")
        if hit.case_number:
            paths.append(f"/sag/{quote(hit.case_number, safe='/')}")
            paths.append(f"/api/cases/{quote(hit.case_number, safe='/')}")
    paths.append("/")
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--index", default="var/index")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", "120")))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--slow-clients", type=int, default=150, help="connections trickling header bytes meanwhile")
    args = parser.parse_args()

    from indexer.build import build

    index_dir = Path(args.index)
    build(Path(args.corpus), index_dir)
    paths = soak_paths(index_dir)
    port = free_port()
    server = start_server(["-m", "webapp", "--index", str(index_dir)], port)
    try:
        warm = run_load(port, paths, args.clients, min(10.0, args.seconds / 6))
        start_rss = rss_kib(server.pid)
        stop = threading.Event()
        slow_results: list[SlowResult] = []
        trickling = threading.Thread(target=lambda: slow_results.append(
            run_slow_clients(port, args.slow_clients, args.seconds + 5, stop)), daemon=True)
        trickling.start()
        result = run_load(port, paths, args.clients, args.seconds)
        stop.set()
        trickling.join(30)
        slow = slow_results[0] if slow_results else SlowResult()
        end_rss = rss_kib(server.pid)
        peak = rss_kib(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(10)
    growth = (end_rss or 0) - (start_rss or 0)
    print(f"soak: {result.requests} forespørgsler på {result.seconds:.0f} s ({result.rps:.0f}/s), "
          f"{result.errors + warm.errors} fejl, p50 {result.p50 * 1000:.1f} ms, p95 {result.p95 * 1000:.1f} ms")
    print(f"hukommelse: {start_rss / 1024:.1f} MB efter opvarmning, {end_rss / 1024:.1f} MB til sidst "
          f"({growth / 1024:+.1f} MB), top {peak / 1024:.1f} MB; {len(paths)} forskellige adresser")
    print(f"langsomme klienter: {args.slow_clients} ad gangen (højst {slow.peak} åbne), "
          f"{slow.opened} forbindelser åbnet, {slow.closed_by_server} lukket af serveren")
    for sample in result.error_samples + warm.error_samples:
        print(f"  fejl: {sample}")
    stable = growth <= max(50 * 1024, 0.25 * (start_rss or 0))
    if result.errors or warm.errors or not stable:
        print("soak FEJLEDE", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
