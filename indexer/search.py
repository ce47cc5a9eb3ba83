"""Search over a built index: queries, facets, snippets, suggestions, records.

`Archive` is opened once per process and shared. Each thread keeps its own
Whoosh searcher, refreshed when a build commits a new generation; what is
expensive to derive (the facet table, the meeting list) is computed once per
generation and shared by all threads.

Facet counts are computed in Python from the in-memory facet table over the
document numbers the query matches: one unscored pass over the postings, then
C-level counting. Counts are disjunctive: a facet's counts ignore that facet's
own filter (so OR within a facet stays visible) but apply all the others.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import chain, compress
from operator import itemgetter
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight
from whoosh.query import And, AndNot, Every, Or, Phrase, Query, Term, TermRange

from .build import INDEX_NAME
from .query import Clause, ParsedQuery, parse_query
from .schema import FACET_BY_KEY, FACET_KEYS, FACETS, PARTS_WEIGHT, TEXT_FIELDS, unpack

MAX_WINDOW = 10_000  # deepest result reachable by paging, as in most search engines
SEARCH_SECONDS = 3.0  # a pathological query is cut off here and answered partially
FACET_LIMIT = 12
IDS_WEIGHT = 4.0
REFRESH_CHECK_SECONDS = 0.5


class IndexMissing(RuntimeError):
    """No index has been built at the given folder yet."""


def fold(text: str) -> str:
    """Case- and keyboard-insensitive key: "Handicapraadet" ≈ "Handicaprådet"."""
    return (
        text.casefold().replace("å", "aa").replace("æ", "ae").replace("ø", "oe").replace("é", "e").strip()
    )


# --- request / response -----------------------------------------------------------


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"  # relevance | date | date_asc
    page: int = 1
    per_page: int = 20
    date_from: str | None = None
    date_to: str | None = None
    snippets: bool = True


@dataclass
class Hit:
    id: str
    title: str
    council: str | None
    municipality: str
    date: str | None
    number: int
    case_number: str | None
    kind: str
    decision_kind: str | None
    meeting_id: str
    snippet: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class SearchResponse:
    total: int
    page: int
    per_page: int
    results: list[Hit]
    facets: dict[str, list[FacetValue]]
    filters: dict[str, list[str]]
    suggestion: str | None = None
    notes: list[str] = field(default_factory=list)
    partial_match: bool = False  # no item had all the words; these have most
    timed_out: bool = False
    date_from: str | None = None
    date_to: str | None = None
    seconds: float = 0.0


# --- per-generation cache -------------------------------------------------------------


@dataclass
class Snapshot:
    generation: int
    facet_rows: list[tuple | None]  # docnum → facet values (None for meeting docs)
    universe: dict[str, Counter]  # facet → every value with its item count
    meetings: list[dict[str, Any]]  # meeting summaries, newest first
    meeting_docnum: dict[str, int]


def _load_snapshot(searcher, generation: int) -> Snapshot:
    reader = searcher.reader()
    column = reader.column_reader("facets")
    rows: list[tuple | None] = [None] * reader.doc_count_all()
    universe = {key: Counter() for key in FACET_KEYS}
    for docnum in searcher.document_numbers(doctype="item"):
        row = column[docnum]
        rows[docnum] = row
        for key, values in zip(FACET_KEYS, row):
            universe[key].update(values)
    meetings, meeting_docnum = [], {}
    for docnum in searcher.document_numbers(doctype="meeting"):
        record = unpack(searcher.stored_fields(docnum)["record"])
        meeting_docnum[record["id"]] = docnum
        meetings.append(
            {
                "id": record["id"],
                "municipality": record["municipality"],
                "council": record["council"],
                "date": record["date"],
                "kind": record["kind"],
                "title": record.get("title"),
                "items": len(record["items"]),
            }
        )
    meetings.sort(key=lambda m: (m["date"] or "", m["id"]), reverse=True)
    return Snapshot(generation, rows, universe, meetings, meeting_docnum)


# --- the archive -------------------------------------------------------------------


class Archive:
    """Read access to one index folder."""

    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        if not whoosh_index.exists_in(str(self.index_dir), indexname=INDEX_NAME):
            raise IndexMissing(f"{self.index_dir}: no index here yet (run `python -m indexer build`)")
        self.ix = whoosh_index.open_dir(str(self.index_dir), indexname=INDEX_NAME)
        self.schema = self.ix.schema
        self._local = threading.local()
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._analysis_cache: dict[tuple[str, str], tuple[str, ...]] = {}

    # searcher and snapshot ------------------------------------------------------

    def searcher(self):
        local = self._local
        searcher = getattr(local, "searcher", None)
        now = time.monotonic()
        if searcher is None:
            searcher = local.searcher = self.ix.searcher()
            local.checked = now
        elif now - getattr(local, "checked", 0) > REFRESH_CHECK_SECONDS:
            local.checked = now
            if not searcher.up_to_date():
                searcher = local.searcher = searcher.refresh()
        return searcher

    def snapshot(self, searcher) -> Snapshot:
        generation = searcher.reader().generation()
        current = self._snapshot
        if current is None or current.generation != generation:
            with self._lock:
                current = self._snapshot
                if current is None or current.generation != generation:
                    current = self._snapshot = _load_snapshot(searcher, generation)
        return current

    # analysis -------------------------------------------------------------------

    def tokens(self, fieldname: str, text: str) -> tuple[str, ...]:
        key = (fieldname, text)
        cached = self._analysis_cache.get(key)
        if cached is None:
            try:
                cached = tuple(self.schema[fieldname].process_text(text, mode="query"))
            except Exception:  # noqa: BLE001 - odd input must never break a search
                cached = ()
            if len(self._analysis_cache) > 50_000:
                self._analysis_cache.clear()
            self._analysis_cache[key] = cached
        return cached

    def _field_query(self, fieldname: str, text: str, boost: float, phrase: bool) -> Query | None:
        tokens = self.tokens(fieldname, text)
        if not tokens:
            return None
        if len(tokens) == 1:
            return Term(fieldname, tokens[0], boost=boost)
        if phrase:
            return Phrase(fieldname, list(tokens), boost=boost)
        return And([Term(fieldname, t) for t in tokens], boost=boost)

    def clause_query(self, clause: Clause) -> Query | None:
        """One word or phrase over every text field: whole words weigh most,
        compound parts least; identifiers (case numbers, §) match as written."""
        queries: list[Query | None] = []
        for name, weight in TEXT_FIELDS.items():
            queries.append(self._field_query(name, clause.text, weight, phrase=True))
            if not clause.phrase:
                queries.append(self._field_query(f"{name}_parts", clause.text, weight * PARTS_WEIGHT, phrase=False))
        queries.append(self._field_query("ids", clause.text, IDS_WEIGHT, phrase=False))
        present = [q for q in queries if q is not None]
        return Or(present) if present else None

    def text_query(self, parsed: ParsedQuery, require_all: bool = True) -> Query | None:
        groups = []
        for group in parsed.groups:
            alternatives = [q for q in map(self.clause_query, group) if q is not None]
            if alternatives:
                groups.append(Or(alternatives) if len(alternatives) > 1 else alternatives[0])
        if not groups:
            return None
        if len(groups) == 1:
            return groups[0]
        return And(groups) if require_all else Or(groups, scale=0.9)

    # filters -----------------------------------------------------------------------

    def resolve_filters(self, raw: dict[str, list[str]], snapshot: Snapshot, notes: list[str]) -> dict[str, list[str]]:
        """Map what a user typed ("råd:handicapraadet") onto indexed facet values."""
        resolved: dict[str, list[str]] = {}
        for key, values in raw.items():
            if key not in FACET_BY_KEY:
                continue
            known = snapshot.universe[key]
            for value in values:
                matches = self._resolve_value(key, value, known)
                if not matches:
                    notes.append(f"Ingen {FACET_BY_KEY[key].label.lower()} matcher «{value[:60]}».")
                    matches = [value]
                bucket = resolved.setdefault(key, [])
                bucket.extend(m for m in matches if m not in bucket)
        return resolved

    @staticmethod
    def _resolve_value(key: str, value: str, known: Counter) -> list[str]:
        if value in known:
            return [value]
        wanted = fold(value)
        exact = [v for v in known if fold(v) == wanted]
        if exact or key in ("year", "case"):
            return exact
        return sorted((v for v in known if fold(v).startswith(wanted)), key=lambda v: -known[v])[:20]

    # search -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        parsed = parse_query(request.q)
        notes = list(parsed.notes)
        searcher = self.searcher()
        snapshot = self.snapshot(searcher)
        raw_filters = {k: list(v) for k, v in request.filters.items() if v}
        for key, values in parsed.filters.items():
            raw_filters.setdefault(key, []).extend(values)
        filters = self.resolve_filters(raw_filters, snapshot, notes)
        date_from = request.date_from or parsed.date_from
        date_to = request.date_to or parsed.date_to

        query = self.text_query(parsed)
        partial_match = False
        if query is None and not parsed.empty:
            notes.append("Søgningen indeholdt kun småord, som ikke søges på.")
        base = self._restrict(query, parsed, date_from, date_to)
        deadline = time.monotonic() + SEARCH_SECONDS
        timed_out = False
        try:
            docnums = self._docnums(searcher, base, deadline)
        except TimeLimit:
            docnums, timed_out = [], True
        passing, facets, total = self._facets(docnums, filters, snapshot)
        if total == 0 and query is not None and len(parsed.groups) > 1 and not timed_out:
            loose = self._restrict(self.text_query(parsed, require_all=False), parsed, date_from, date_to)
            try:
                docnums = self._docnums(searcher, loose, deadline)
            except TimeLimit:
                docnums, timed_out = [], True
            passing, facets, total = self._facets(docnums, filters, snapshot)
            if total:
                base, partial_match = loose, True
        hits, cut = self._page(searcher, base, passing, request, query is not None, deadline)
        timed_out = timed_out or cut
        if timed_out:
            notes.append("Søgningen tog for lang tid og blev afbrudt; resultatet kan være ufuldstændigt.")
        suggestion = self.suggest(searcher, parsed, request.q) if (total == 0 or partial_match) else None
        return SearchResponse(
            total=total,
            page=request.page,
            per_page=request.per_page,
            results=hits,
            facets=facets,
            filters=filters,
            suggestion=suggestion,
            notes=notes,
            partial_match=partial_match,
            timed_out=timed_out,
            date_from=date_from,
            date_to=date_to,
            seconds=round(time.perf_counter() - started, 4),
        )

    def _restrict(self, query: Query | None, parsed: ParsedQuery, date_from: str | None, date_to: str | None) -> Query:
        parts: list[Query] = [Term("doctype", "item")]
        if query is not None:
            parts.append(query)
        if date_from or date_to:
            parts.append(TermRange("date", date_from or "0000", date_to or "9999-12-31"))
        combined: Query = And(parts) if len(parts) > 1 else parts[0]
        excluded = [q for q in map(self.clause_query, parsed.excluded) if q is not None]
        if excluded:
            combined = AndNot(combined, Or(excluded))
        return combined

    @staticmethod
    def _docnums(searcher, query: Query, deadline: float) -> list[int]:
        docnums: list[int] = []
        for count, docnum in enumerate(searcher.docs_for_query(query)):
            docnums.append(docnum)
            if count % 8192 == 8191 and time.monotonic() > deadline:
                raise TimeLimit()
        return docnums

    @staticmethod
    def _facets(docnums: list[int], filters: dict[str, list[str]], snapshot: Snapshot):
        rows = [snapshot.facet_rows[d] for d in docnums]
        keep = [r is not None for r in rows]
        rows = list(compress(rows, keep))
        docnums = list(compress(docnums, keep))
        active = {FACET_KEYS.index(k): set(v) for k, v in filters.items() if v}
        passes = {i: [not sel.isdisjoint(values) for values in map(itemgetter(i), rows)] for i, sel in active.items()}
        if passes:
            all_pass = [all(flags) for flags in zip(*passes.values())]
        else:
            all_pass = [True] * len(rows)
        facets: dict[str, list[FacetValue]] = {}
        for index, facet in enumerate(FACETS):
            others = [flags for i, flags in passes.items() if i != index]
            if not others:
                subset = rows
            elif index not in passes:
                subset = list(compress(rows, all_pass))
            else:
                subset = list(compress(rows, [all(f) for f in zip(*others)]))
            counts = Counter(chain.from_iterable(map(itemgetter(index), subset)))
            facets[facet.key] = _facet_values(facet.key, counts, filters.get(facet.key, []))
        passing = set(compress(docnums, all_pass))
        return passing, facets, len(passing)

    def _page(self, searcher, query: Query, passing: set[int], request: SearchRequest, scored: bool, deadline: float):
        if not passing:
            return [], False
        page = max(1, request.page)
        per_page = max(1, min(request.per_page, 100))
        limit = min(page * per_page, MAX_WINDOW)
        sort = request.sort if request.sort in ("relevance", "date", "date_asc") else "relevance"
        if not scored and sort == "relevance":
            sort = "date"  # nothing to rank by: newest first
        sortedby = None if sort == "relevance" else "date"
        reverse = sort == "date"
        collector = searcher.collector(limit=limit, sortedby=sortedby, reverse=reverse, filter=passing)
        timer = TimeLimitCollector(collector, timelimit=max(0.05, deadline - time.monotonic()), use_alarm=False)
        cut = False
        try:
            searcher.search_with_collector(query, timer)
        except TimeLimit:
            cut = True
        results = timer.results()
        window = list(results)[(page - 1) * per_page: page * per_page]
        terms = _terms_by_field(query) if request.snippets else {}
        return [self._hit(hit, terms) for hit in window], cut

    def _hit(self, hit, terms: dict[str, set[str]]) -> Hit:
        record = unpack(hit["record"])
        return Hit(
            id=record["id"],
            title=record["title"],
            council=record.get("council"),
            municipality=record.get("municipality", ""),
            date=record.get("date"),
            number=record["number"],
            case_number=record.get("case_number"),
            kind=record.get("kind", ""),
            decision_kind=record.get("decision_kind"),
            meeting_id=record.get("meeting_id", ""),
            snippet=self.snippet(record, terms),
            score=round(hit.score, 4) if isinstance(hit.score, float) else None,
        )

    # snippets -----------------------------------------------------------------------

    def snippet(self, record: dict[str, Any], terms: dict[str, set[str]]) -> str:
        """An HTML snippet (text escaped, matches in <mark>) from the body, or
        from the decision, or the start of the text when nothing matches."""
        body = "\n\n".join(s["text"] for s in record.get("sections", []))
        decision = record.get("decision") or ""
        if record.get("closed"):
            return ""
        for fieldname, text, mode in (
            ("body", body, "query"),
            ("decision", decision, "query"),
            ("body_parts", body, "index"),
            ("decision_parts", decision, "index"),
        ):
            wanted = terms.get(fieldname)
            if not wanted or not text:
                continue
            formatter = HtmlFormatter(tagname="mark", between=" … ", classname="hit", termclass="t")
            fragmenter = ContextFragmenter(maxchars=220, surround=60)
            analyzer = self.schema[fieldname].analyzer
            try:
                html = highlight(text, wanted, analyzer, fragmenter, formatter, top=2, mode=mode)
            except Exception:  # noqa: BLE001 - a snippet is never worth a failed page
                html = ""
            if html:
                return html
        from html import escape

        lead = (body or decision)[:240]
        return escape(lead + ("…" if len(body or decision) > 240 else ""), quote=False)

    # suggestions -----------------------------------------------------------------------

    def suggest(self, searcher, parsed: ParsedQuery, original: str) -> str | None:
        """ "Mente du …?": each unknown word replaced by the closest word in the
        index's own vocabulary (unstemmed), or None when all words are known."""
        changed = False
        corrected = original
        corrector = searcher.corrector("spell")
        for word in parsed.words:
            tokens = self.tokens("spell", word)
            if len(tokens) != 1 or len(tokens[0]) < 4 or searcher.doc_frequency("spell", tokens[0]):
                continue
            options = corrector.suggest(tokens[0], limit=1, maxdist=2, prefix=1)
            if options and options[0] != tokens[0]:
                corrected = corrected.replace(word, options[0], 1)
                changed = True
        return corrected if changed else None

    # records -----------------------------------------------------------------------------

    def _record(self, doctype: str, record_id: str) -> dict[str, Any] | None:
        searcher = self.searcher()
        docnum = searcher.document_number(id=record_id)
        if docnum is None:
            return None
        fields = searcher.stored_fields(docnum)
        return unpack(fields["record"]) if fields.get("doctype") == doctype else None

    def item(self, item_id: str) -> dict[str, Any] | None:
        return self._record("item", item_id)

    def meeting(self, meeting_id: str) -> dict[str, Any] | None:
        return self._record("meeting", meeting_id)

    def items_of_meeting(self, meeting_id: str) -> list[dict[str, Any]]:
        searcher = self.searcher()
        found = [unpack(f["record"]) for f in searcher.documents(meeting_id=meeting_id, doctype="item")]
        return sorted(found, key=lambda r: (r["number"], r["id"]))

    def meetings(self, municipality: str | None = None, council: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        rows = self.snapshot(self.searcher()).meetings
        if municipality:
            rows = [m for m in rows if m["municipality"] == municipality]
        if council:
            rows = [m for m in rows if m["council"] == council]
        return rows[:limit] if limit else rows

    def councils(self) -> dict[str, Counter]:
        """municipality → council → number of meetings."""
        result: dict[str, Counter] = {}
        for meeting in self.snapshot(self.searcher()).meetings:
            result.setdefault(meeting["municipality"], Counter())[meeting["council"] or "Notater"] += 1
        return result

    def facet_universe(self, key: str) -> Counter:
        return self.snapshot(self.searcher()).universe[key]

    def items_by_facet(self, key: str, value: str, limit: int = 5000) -> list[dict[str, Any]]:
        searcher = self.searcher()
        query = And([Term("doctype", "item"), Term(f"f_{key}", value)])
        results = searcher.search(query, limit=limit, sortedby="date", reverse=True)
        return [unpack(hit["record"]) for hit in results]

    def items_mentioning(self, text: str, limit: int = 200) -> list[dict[str, Any]]:
        searcher = self.searcher()
        tokens = self.tokens("ids", text)
        if not tokens:
            return []
        query = And([Term("doctype", "item"), *[Term("ids", t) for t in tokens]])
        return [unpack(hit["record"]) for hit in searcher.search(query, limit=limit)]

    def find_item(self, council: str, date: str | None, number: int | None) -> dict[str, Any] | None:
        """The archived item a reference such as "Socialudvalget den 7. maj 2024
        punkt 4" points at, if that meeting is in the archive."""
        if not date:
            return None
        snapshot = self.snapshot(self.searcher())
        for meeting in snapshot.meetings:
            if meeting["date"] == date and same_council(meeting["council"], council):
                if number is None:
                    return None
                for item in self.items_of_meeting(meeting["id"]):
                    if item["number"] == number:
                        return item
        return None


def same_council(a: str | None, b: str | None) -> bool:
    """Bodies are written in many ways ("Arbejdsmarked - Psykiatri og
    Handicapudvalget" vs "Arbejdsmarkeds-, Psykiatri- og Handicapudvalget")."""
    if not a or not b:
        return False
    x, y = (
        "".join(ch for ch in fold(s) if ch.isalnum()) for s in (a, b)
    )
    return x == y or SequenceMatcher(None, x, y).ratio() >= 0.88


def _terms_by_field(query: Query) -> dict[str, set[str]]:
    terms: dict[str, set[str]] = {}
    for fieldname, text in query.iter_all_terms():
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        terms.setdefault(fieldname, set()).add(text)
    return terms


def _facet_values(key: str, counts: Counter, selected: list[str]) -> list[FacetValue]:
    if key == "year":
        ordered = sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
    else:
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    values = [FacetValue(v, c, v in selected) for v, c in ordered[:FACET_LIMIT]]
    shown = {v.value for v in values}
    values += [FacetValue(v, counts.get(v, 0), True) for v in selected if v not in shown]
    return values
