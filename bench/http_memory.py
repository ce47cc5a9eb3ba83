"""One server under the benchmark's HTTP load: throughput, p95 and its memory.

    python -m bench.http_memory INDEX CORPUS [-- SERVER ARGS …]

Starts `python -m webapp --index INDEX` (with any server arguments after
`--`, e.g. `--postings-cache 256`), drives it with `bench.run`'s HTTP
searches (the mix drawn from an analysed sample of CORPUS, plus 400 title
searches) from 8 clients for BENCH_HTTP_SECONDS, and prints requests per
second, p50/p95, errors and the server's peak, resident, anonymous and
file-backed memory. Run it with two checkouts' code on the same index to
compare servers (bench/RESULTS.md, "A server's memory at 100k").
"""

from __future__ import annotations

import json
import sys
from itertools import islice
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    server_args = args[args.index("--") + 1:] if "--" in args else []
    index, corpus = (Path(a) for a in (args[: args.index("--")] if "--" in args else args)[:2])

    from .analysed import read_analysed
    from .load import free_port, rss_kib, start_server
    from .mix import draw_mix
    from .run import WORK, http_queries, load_on, run_child, sample_corpus

    key = f"http-{corpus.name}"
    analysed = WORK / f"analysed-{key}.jsonl"
    if not analysed.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        run_child("analyse", sample_corpus(corpus, key), analysed)
    mix = draw_mix(analysed)
    titles = [item.title_text for item in islice(read_analysed(analysed), 5000)]
    paths = http_queries(mix, titles)
    port = free_port()
    server = start_server(["-m", "webapp", "--index", str(index), *server_args], port)
    try:
        result = load_on([port], paths)
        memory = {name: (rss_kib(server.pid, field) or 0) // 1024
                  for name, field in (("peak_mb", "VmHWM"), ("rss_mb", "VmRSS"), ("anon_mb", "RssAnon"), ("file_mb", "RssFile"))}
        print(json.dumps({"index": str(index), "requests": result.requests, "errors": result.errors,
                          "rps": round(result.rps, 1), "p50_ms": round(result.p50 * 1000, 1),
                          "p95_ms": round(result.p95 * 1000, 1), **memory}))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
