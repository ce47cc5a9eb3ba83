"""Peers that do Rådsarkiv's work: the same analysed tokens, facet counts for every query.

* `TantivyPeer`: tantivy (Rust, in-process through the PyPI `tantivy`
  package), the engine a developer would pick instead. Each field holds our
  analyser's tokens joined by spaces, read by tantivy's whitespace tokenizer;
  facets are fast fields counted with a terms aggregation per query.
* `Fts5FacetPeer`: SQLite FTS5 over the same tokens, with facet counts the way
  Datasette computes them: one ``SELECT value, count(*) … GROUP BY`` per facet
  over the same match (``rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)``).

Both read the JSON lines `bench.analysed` writes, so their build time is
indexing alone; the analysis is measured once and shared. A query is turned
into the peers' terms by `peer_query`, with the same analyser: each word
goes through our schema's analyzer of every field our search looks it up in
(stems, compound parts, identifiers, attendance names, dictionary entries;
`bench.analysed.word_fields`) and must match in one of them, weighted as ours
weighs the field (ours ANDs words too); a quoted phrase is its normalised words in order (small words kept)
answered with positions, a case number in any spelling is its spelling-free
key (`indexer.extract.case_key`) in the ids field, and a query that matches
nothing is answered for the nearest words (tantivy: a fuzzy term query of
edit distance 1, 2 from six letters; FTS5, which has none: the most frequent vocabulary term
within edit distance 2, found through an fts5vocab table), as ours answers
a typo for the closest word.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis import WORD_PATTERN
from indexer.extract import TYPED_CASE, case_key
from indexer.schema import TEXT_FIELDS

from .analysed import FACET_FIELDS, AnalysedItem, field_tokens, normalised_words, read_analysed, word_fields


def boosts() -> dict[str, float]:
    """Each word field's weight, as our search weighs it."""
    from indexer.compiled import FIELD_WEIGHTS

    return {name: FIELD_WEIGHTS[name] for name in word_fields()}


IDS_BOOST = 4.0
LIMIT = 20
FACET_LIMIT = 30  # values per facet, as Datasette's default (it asks for 31 to see if there are more)


@dataclass
class PeerQuery:
    """A query in analysed terms, the same for every peer."""

    words: list[dict[str, list[str]]] = field(default_factory=list)  # per word: field → its tokens; each word must match
    phrases: list[list[str]] = field(default_factory=list)  # normalised words in order
    cases: list[str] = field(default_factory=list)  # "#<case key>" tokens of the ids field
    council: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.cases)


def peer_query(q: str, council: str | None = None) -> PeerQuery:
    query = PeerQuery(council=council)
    rest = q
    for phrase in re.findall(r'"([^"]*)"', rest):
        words = normalised_words(phrase)
        if words:
            query.phrases.append(words)
    rest = re.sub(r'"[^"]*"', " ", rest)

    def keyed(match: re.Match[str]) -> str:
        key = case_key(match.group(0))
        if not key:
            return match.group(0)
        query.cases.append(f"#{key}")
        return " "

    rest = TYPED_CASE.sub(keyed, rest)
    for raw in dict.fromkeys(m.group() for m in re.finditer(WORD_PATTERN, rest)):
        tokens = {name: found for name in word_fields() if (found := field_tokens(name, raw, mode="query"))}
        if tokens:  # a small word alone looks for nothing, as in our search
            query.words.append(tokens)
    return query


@dataclass
class PeerAnswer:
    total: int
    ids: list[str]
    facets: dict[str, dict[str, int]]
    corrected: bool = False


def edit_distance(a: str, b: str, bound: int) -> int:
    """Damerau-Levenshtein (adjacent transpositions) distance, cut off above `bound`."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > bound:
            return bound + 1
        previous2, previous = previous, current
    return previous[-1]


def fuzzy_distance(stem: str) -> int:
    """Edit distance allowed for a word that matched nothing: 1, 2 from six letters (as
    Elasticsearch's "AUTO" fuzziness allows, which tantivy's limit of 2 also caps)."""
    return 1 if len(stem) < 6 else 2


# --- tantivy ------------------------------------------------------------------------------------


class TantivyPeer:
    @staticmethod
    def indexed() -> tuple[str, ...]:
        return (*word_fields(), "words")

    @staticmethod
    def schema():
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title_text", stored=True, tokenizer_name="raw", index_option="basic")
        for name in TantivyPeer.indexed():
            # Positions only where phrases are asked (ours stores none: its phrases are pairs).
            option = "position" if name == "words" else "freq"
            builder.add_text_field(name, tokenizer_name="whitespace", index_option=option)
        for name in FACET_FIELDS:
            builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
        return builder.build()

    @staticmethod
    def build(analysed: Path, target: Path, heap_mb: int = 256) -> int:
        import tantivy

        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        index = tantivy.Index(TantivyPeer.schema(), path=str(target))
        writer = index.writer(heap_size=heap_mb * 1_000_000)
        count = 0
        for item in read_analysed(analysed):
            writer.add_document(TantivyPeer.document(item))
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return count

    @staticmethod
    def document(item: AnalysedItem):
        import tantivy

        fields: dict[str, list[str]] = {"id": [item.id], "title_text": [item.title_text]}
        for name, value in item.fields.items():
            if value:
                fields[name] = [value]
        if item.words:
            fields["words"] = [item.words]
        for name in FACET_FIELDS:
            value = getattr(item, name)
            if value:
                fields[name] = [value]
        return tantivy.Document(**fields)

    def __init__(self, target: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.index = tantivy.Index.open(str(target))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _word(self, tokens: dict[str, list[str]], fuzzy: bool):
        """One query word: any of its tokens in any field, weighted as ours weighs the field;
        fuzzy (a word that matched nothing): its stems in the text and part fields within an edit distance."""
        Query, Occur = self.tantivy.Query, self.tantivy.Occur
        weights = boosts()
        clauses = []
        for name, found in tokens.items():
            if fuzzy and name not in TEXT_FIELDS and not name.endswith("_parts"):
                continue
            for token in found:
                term = (Query.fuzzy_term_query(self.schema, name, token, distance=fuzzy_distance(token)) if fuzzy
                        else Query.term_query(self.schema, name, token))
                clauses.append((Occur.Should, Query.boost_query(term, weights[name])))
        return Query.boolean_query(clauses)

    def query(self, query: PeerQuery, fuzzy: bool = False):
        Query, Occur = self.tantivy.Query, self.tantivy.Occur
        must = [(Occur.Must, self._word(tokens, fuzzy)) for tokens in query.words]
        for words in query.phrases:
            term = (Query.term_query(self.schema, "words", words[0]) if len(words) == 1
                    else Query.phrase_query(self.schema, "words", words))
            must.append((Occur.Must, term))
        for key in query.cases:
            must.append((Occur.Must, Query.boost_query(Query.term_query(self.schema, "ids", key), IDS_BOOST)))
        if query.council:
            must.append((Occur.Must, Query.term_query(self.schema, "council", query.council)))
        return Query.boolean_query(must) if must else Query.empty_query()

    def search(self, q: str, council: str | None = None) -> PeerAnswer:
        parsed = peer_query(q, council)
        answer = self._answer(self.query(parsed))
        if not answer.total and parsed.words:
            answer = self._answer(self.query(parsed, fuzzy=True))
            answer.corrected = True
        return answer

    def _answer(self, query) -> PeerAnswer:
        result = self.searcher.search(query, LIMIT, count=True)
        ids = [self.searcher.doc(address)["id"][0] for _, address in result.hits]
        facets: dict[str, dict[str, int]] = {}
        if result.count:
            spec = {name: {"terms": {"field": name, "size": FACET_LIMIT}} for name in FACET_FIELDS}
            aggregated = self.searcher.aggregate(query, spec)
            facets = {name: {b["key"]: b["doc_count"] for b in aggregated[name]["buckets"]} for name in FACET_FIELDS}
        return PeerAnswer(total=result.count or 0, ids=ids, facets=facets)


# --- SQLite FTS5 with Datasette-style facets ---------------------------------------------------------

# The analysed tokens are split on whitespace only: dots, commas, dashes, § and
# the case key's # belong to tokens ("1.000", "§85", "#2025-9242"); no diacritics
# are removed (the analyser already folded aa/å where Danish wants it).
FTS5_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '.,§#-'"


def fts5_columns() -> tuple[str, ...]:
    return (*word_fields(), "words")


def fts5_schema() -> str:
    return f"""
CREATE TABLE items(rowid INTEGER PRIMARY KEY, id TEXT, title TEXT, {", ".join(f"{f} TEXT" for f in FACET_FIELDS)});
CREATE VIRTUAL TABLE items_fts USING fts5({", ".join(fts5_columns())}, content='', tokenize="{FTS5_TOKENIZER}");
CREATE VIRTUAL TABLE items_vocab USING fts5vocab(items_fts, 'row');
"""


def fts5_weights() -> str:
    weights = boosts()
    return ", ".join(str(weights.get(column, 0.0)) for column in fts5_columns())


class Fts5FacetPeer:
    @staticmethod
    def build(analysed: Path, db_path: Path) -> int:
        if db_path.exists():
            db_path.unlink()
        connection = sqlite3.connect(db_path)
        connection.executescript(fts5_schema())
        count = 0
        placeholders = ", ".join("?" * (3 + len(FACET_FIELDS)))
        columns = fts5_columns()
        with connection:
            for item in read_analysed(analysed):
                count += 1
                connection.execute(f"INSERT INTO items VALUES ({placeholders})",
                                   (item.rowid, item.id, item.title_text, *(getattr(item, f) for f in FACET_FIELDS)))
                connection.execute(f"INSERT INTO items_fts(rowid, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})",
                                   (item.rowid, *(item.fields.get(c, "") for c in columns[:-1]), item.words))
        connection.execute("INSERT INTO items_fts(items_fts) VALUES('optimize')")
        connection.commit()
        connection.close()
        return count

    def __init__(self, db_path: Path) -> None:
        self.connection = sqlite3.connect(db_path, check_same_thread=False)

    @staticmethod
    def expression(query: PeerQuery) -> str:
        terms = ["(" + " OR ".join(f'{name} : "{token}"' for name, found in tokens.items() for token in found) + ")"
                 for tokens in query.words]
        terms += ['words : "' + " ".join(words) + '"' for words in query.phrases]
        terms += [f'ids : "{key}"' for key in query.cases]
        return " AND ".join(terms)

    def nearest(self, stem: str) -> str | None:
        """The most frequent indexed term within edit distance 2 (FTS5 has no fuzzy match)."""
        best: tuple[int, int, str] | None = None
        rows = self.connection.execute(
            "SELECT term, doc FROM items_vocab WHERE term >= ? AND term < ?", (stem[0], chr(ord(stem[0]) + 1)))
        for term, docs in rows:
            if abs(len(term) - len(stem)) > 2 or term.startswith("#"):
                continue
            distance = edit_distance(stem, term, 2)
            if distance <= 2 and (best is None or (distance, -docs) < best[:2]):
                best = (distance, -docs, term)
        return best[2] if best else None

    def _nearest_tokens(self, tokens: dict[str, list[str]]) -> dict[str, list[str]]:
        """A word that matched nothing: its text and part stems replaced by the nearest indexed terms."""
        nearest: dict[str, list[str]] = {}
        memo: dict[str, str] = {}
        for name, found in tokens.items():
            if name in TEXT_FIELDS or name.endswith("_parts"):
                nearest[name] = [memo.setdefault(t, self.nearest(t) or t) if t not in memo else memo[t] for t in found]
        return nearest or tokens

    def search(self, q: str, council: str | None = None) -> PeerAnswer:
        parsed = peer_query(q, council)
        if parsed.empty:
            return PeerAnswer(0, [], {})
        answer = self._answer(self.expression(parsed), council)
        if not answer.total and parsed.words:
            parsed.words = [self._nearest_tokens(tokens) for tokens in parsed.words]
            answer = self._answer(self.expression(parsed), council)
            answer.corrected = True
        return answer

    def _answer(self, expression: str, council: str | None) -> PeerAnswer:
        match = "rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"
        params: list = [expression]
        if council:
            match += " AND council = ?"
            params.append(council)
        total = self.connection.execute(f"SELECT count(*) FROM items WHERE {match}", params).fetchone()[0]
        top = self.connection.execute(
            f"SELECT items.id FROM items_fts JOIN items ON items.rowid = items_fts.rowid WHERE items_fts MATCH ?"
            f"{' AND items.council = ?' if council else ''} ORDER BY bm25(items_fts, {fts5_weights()}) LIMIT {LIMIT}",
            params).fetchall()
        facets = {}
        if total:
            for name in FACET_FIELDS:  # Datasette: one query per facet over the same match
                rows = self.connection.execute(
                    f"SELECT {name}, count(*) AS n FROM items WHERE {match} AND {name} IS NOT NULL "
                    f"GROUP BY {name} ORDER BY n DESC, {name} LIMIT {FACET_LIMIT + 1}", params).fetchall()
                facets[name] = dict(rows[:FACET_LIMIT])
        return PeerAnswer(total=total, ids=[row[0] for row in top], facets=facets)
