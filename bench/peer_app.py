"""The HTTP peer: a minimal /api/search over SQLite FTS5, served like ours.

It answers the same query parameters with the same JSON envelope (no
facets, no snippets), behind the same WSGI server and thread count, so the
HTTP figures compare the search layers rather than the servers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flask import Flask, jsonify, request
from waitress import serve

from .fts5 import Fts5Searcher


def create_app(db_path: Path) -> Flask:
    app = Flask(__name__)
    searcher = Fts5Searcher(db_path)

    @app.get("/api/search")
    def search():
        query = request.args.get("q", "").strip() or "kommune"
        council = request.args.get("council")
        try:
            total, rows = searcher.search(query, council=council)
        except Exception as error:  # noqa: BLE001 - FTS5 syntax errors are the peer's 400
            return jsonify({"message": str(error)}), 400
        return jsonify({"total": total, "results": [{"id": r[0], "title": r[1]} for r in rows]})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    serve(create_app(Path(args.db)), host=args.host, port=args.port, threads=8, _quiet=True)


if __name__ == "__main__":
    main()
