"""`python -m webapp --index DIR [--host H] [--port P] [--base-url URL]`: serve with waitress.

Waitress (see webapp/server.py for its limits), never Flask's debug server:
the debugger would let anyone who reaches the port run code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import create_app
from .server import ServerLimits, limit_malloc_arenas, make_server

# A server's posting cache, MB. Measured at 100k generated items with
# bench.run's HTTP searches (the mix and 400 title words): the cache held
# 63 MB after them, and the same searches again added nothing; in one process
# 32 MB instead of 256 answered all of them in the same time (10.9 s both),
# and under HTTP load (8 clients) the server's peak fell 241 → 217 MB. A
# list larger than an eighth of the cache is not kept (`PostingsCache`): at
# 1M items a common word's list is several MB, so raise it there
# (`--postings-cache 256`).
SERVER_POSTINGS_CACHE_MB = 32


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m webapp", description="Rådsarkiv web app")
    parser.add_argument("--index", default="var/index", help="index folder (built by `python -m indexer build`)")
    parser.add_argument("--corpus", default=None, help="corpus folder whose documents may be served (default: the one the index was built from)")
    parser.add_argument("--kle", action="append", default=[], metavar="FILE",
                        help="a KLE emneplan file (KL's XML or OS2KLE's text list) for KLE titles; repeatable, later files win")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--base-url", default=None,
                        help="public address for absolute links in feeds and CSV, e.g. https://raadsarkiv.example.dk "
                             "(default: http://HOST:PORT); the Host header is never used")
    defaults = ServerLimits()
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--computing", type=int, default=defaults.computing,
                        help="requests computing at once (default: the machine's cores; 0 = no limit; see server.ComputeGate)")
    parser.add_argument("--connection-limit", type=int, default=defaults.connection_limit,
                        help="open connections at most (slow clients each hold one)")
    parser.add_argument("--header-timeout", type=float, default=defaults.header_timeout,
                        help="seconds a request may take to arrive, from its first byte to its last")
    parser.add_argument("--postings-cache", type=int, default=SERVER_POSTINGS_CACHE_MB, metavar="MB",
                        help=f"MB of decoded posting lists kept between searches (default {SERVER_POSTINGS_CACHE_MB}; "
                             "more helps an archive of millions of items whose common words recur)")
    parser.add_argument("--malloc-arenas", type=int, default=defaults.malloc_arenas, metavar="N",
                        help=f"glibc malloc arenas at most (default {defaults.malloc_arenas}; 0 = glibc's own limit)")
    parser.add_argument("--channel-timeout", type=float, default=defaults.channel_timeout,
                        help="seconds an idle keep-alive connection is kept open")
    return parser


def warm_up(app) -> None:
    """Open the index and run one search before serving, so the first visitor
    does not wait for the lexicon, the facet table and the first postings."""
    from indexer.search import SearchRequest
    from indexer.snapshot import IndexMissing

    from .archive_state import IndexUnavailable, get_archive

    with app.app_context():
        try:
            get_archive().search(SearchRequest(q="kommune", per_page=1))
        except (IndexMissing, IndexUnavailable):
            pass  # pages explain that the index is not built yet


def listen_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    limit_malloc_arenas(args.malloc_arenas)  # before the server's threads allocate
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    base_url = args.base_url or listen_url(args.host, args.port)
    app = create_app(Path(args.index), corpus_dir=args.corpus, base_url=base_url, kle_files=args.kle,
                     postings_cache_bytes=max(0, args.postings_cache) << 20)
    warm_up(app)
    limits = ServerLimits(threads=args.threads, computing=args.computing, connection_limit=args.connection_limit,
                          header_timeout=args.header_timeout, channel_timeout=args.channel_timeout)
    server = make_server(app, args.host, args.port, limits)  # waitress
    print(f"Rådsarkiv: {listen_url(args.host, args.port)}/ (indeks: {args.index}, adresse i links: {base_url})",
          file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
