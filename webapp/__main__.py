"""`python -m webapp --index DIR [--host H] [--port P]`: serve with waitress.

Waitress (threads=8), never Flask's debug server: the debugger would let
anyone who reaches the port run code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from waitress import serve

from . import create_app


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m webapp", description="Rådsarkiv web app")
    parser.add_argument("--index", default="var/index", help="index folder (built by `python -m indexer build`)")
    parser.add_argument("--corpus", default=None, help="corpus folder whose documents may be served (default: the one the index was built from)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)
    return parser


def warm_up(app) -> None:
    """Open the index and run one search before serving, so the first visitor
    does not wait for the lexicon, the facet table and the first postings."""
    from indexer.search import IndexMissing, SearchRequest

    from .archive_state import IndexUnavailable, get_archive

    with app.app_context():
        try:
            get_archive().search(SearchRequest(q="kommune", per_page=1))
        except (IndexMissing, IndexUnavailable):
            pass  # pages explain that the index is not built yet


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(Path(args.index), corpus_dir=args.corpus)
    warm_up(app)
    print(f"Rådsarkiv: http://{args.host}:{args.port}/ (indeks: {args.index})", file=sys.stderr)
    serve(app, host=args.host, port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
