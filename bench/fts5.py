"""The peer: the same items in SQLite FTS5 (unicode61 tokenizer, bm25 ranking).

FTS5 has neither stemming nor facets; it is here as a fast, well-known
baseline measured in the same run on the same machine, so our figures can be
read as ratios rather than absolute numbers from a noisy machine.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from indexer.ingest import Ingested, IngestError, ingest

SCHEMA = """
CREATE TABLE items(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, council TEXT, date TEXT, case_number TEXT);
CREATE VIRTUAL TABLE items_fts USING fts5(title, decision, body, case_number, tokenize='unicode61');
"""


def build_fts5(corpus: Path, db_path: Path) -> int:
    """Ingest the corpus with the same readers and parser, insert into FTS5."""
    if db_path.exists():
        db_path.unlink()
    connection = sqlite3.connect(db_path)
    connection.executescript(SCHEMA)
    count = 0
    with connection:
        for result in ingest(corpus):
            if isinstance(result, IngestError) or not isinstance(result, Ingested):
                continue
            meeting = result.meeting
            for item in meeting.items:
                count += 1
                connection.execute(
                    "INSERT INTO items(rowid, id, council, date, case_number) VALUES (?,?,?,?,?)",
                    (count, item.id, meeting.council, meeting.date, item.case_number),
                )
                connection.execute(
                    "INSERT INTO items_fts(rowid, title, decision, body, case_number) VALUES (?,?,?,?,?)",
                    (count, item.title, item.decision or "", "" if item.closed else item.body_text(), item.case_number),
                )
    connection.execute("INSERT INTO items_fts(items_fts) VALUES('optimize')")
    connection.commit()
    connection.close()
    return count


def fts5_expression(query: str) -> str:
    """Our query mix in FTS5 syntax: words ANDed, phrases quoted, case numbers as phrases."""
    if query.startswith('"'):
        return query
    terms = []
    for word in query.split():
        cleaned = word.replace('"', "")
        terms.append(f'"{cleaned}"')
    return " AND ".join(terms)


class Fts5Searcher:
    def __init__(self, db_path: Path) -> None:
        self.connection = sqlite3.connect(db_path, check_same_thread=False)

    def search(self, query: str, council: str | None = None, limit: int = 20) -> tuple[int, list[tuple]]:
        expression = fts5_expression(query)
        where = "items_fts MATCH ?"
        params: list = [expression]
        join = ""
        if council:
            join = "JOIN items ON items.rowid = items_fts.rowid"
            where += " AND items.council = ?"
            params.append(council)
        total = self.connection.execute(f"SELECT count(*) FROM items_fts {join} WHERE {where}", params).fetchone()[0]
        rows = self.connection.execute(
            f"SELECT items_fts.rowid, title, bm25(items_fts, 3.0, 2.0, 1.0, 4.0) AS rank FROM items_fts {join} "
            f"WHERE {where} ORDER BY rank LIMIT ?",
            [*params, limit],
        ).fetchall()
        return total, rows
