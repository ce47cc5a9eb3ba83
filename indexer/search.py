"""Search over a built index: queries, facets, ranking, snippets, suggestions.

`Archive` is opened once per process and shared by all threads. It stands on
two layers: `snapshot.IndexView` (the current `Snapshot` of one index
generation, and query analysis with the index's schema) and
`store.RecordStore` (records and browsing). This module is the search
pipeline itself: parse (`query`), read the request against the snapshot
(`_find`: case numbers, filters as given and resolved, dates), compile each
clause to the index's terms once (`compiled`), match, count facets, rank,
page or group, snippet — every step after compiling reads the same terms.

A search runs in three vectorised steps over arrays from that snapshot:
matching (posting lists combined as boolean masks), facet counting and
filtering (`columns.DocumentTable`), and BM25F ranking (`postings.PostingsCache`).
Whoosh does the analysis and the storage. Phrases need no verification:
they are intersections of adjacent-word-pair postings (`analysis.pairs_analyzer`),
exact for two words and measured against a plain scan for longer ones
(tests/test_phrases.py). Before matching, a case number typed in any
spelling is rewritten to the archive's (`extract.case_key`); when nothing
matches, the search is answered for the closest words the archive holds.

`group="case"` folds all matching items into their cases (`grouping`), and
the `treated_by` filter keeps the items whose case every given body treated
(`DocumentTable.treated_by_all`); both work on the whole match mask, so counts
and pages are of cases over every matching item. `export` streams every
matching item, unbounded by the paging window.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.highlight import FIRST, BasicFragmentScorer, ContextFragmenter, Formatter, Fragment, highlight, mkfrag, top_fragments

from whoosh.analysis import RegexTokenizer, StemFilter
from whoosh.analysis.analyzers import CompositeAnalyzer

from .analysis import STOP_WORDS, DanishNormalizeFilter, StemmedWords, _indexable, _normalised, normalise_word
from .caching import SizedLRU
from .kle import KleTitles
from .extract import TYPED_CASE, case_key, council_key
from .grouping import CaseLine, case_line, fold_groups
from .compiled import FIELD_WEIGHTS, MAX_PREFIX_TERMS, MIN_PREFIX, CompiledClause, CompiledQuery, FieldTerms, compile_query
from .query import ParsedQuery, parse_query
from .records import ItemRecord
from .people import PersonOffer, people_offers, people_table_of, person_values
from .schema import FACET_BY_KEY, FACET_KEYS, TEXT_FIELDS, unpack_item
from .postings import CACHE_BYTES, Candidates, SearchReads
from .snapshot import TREATED_BY, Snapshot, fresh_on_stale
from .store import RecordStore, _by_date, fold, same_council

MAX_WINDOW = 10_000  # deepest result reachable by paging, as in most search engines
SEARCH_SECONDS = 3.0  # a pathological query is cut off here and answered partially
FACET_LIMIT = 12
# Years are listed in full (newest first); other facets show their most frequent values.
FACET_LIMITS = {key: (None if key == "year" else FACET_LIMIT) for key in FACET_KEYS}
RESPONSE_CACHE_SIZE = 256
MAX_TREATED_BY = 10  # bodies one search may require
EXPORT_BATCH = 200  # stored records read per lock hold when streaming an export


class SearchTimeout(RuntimeError):
    """A search ran past SEARCH_SECONDS."""


# --- request / response -----------------------------------------------------------


@dataclass(frozen=True)
class SearchRequest:
    """One search as asked: the only request type, from the URL (the web
    layer's `params.parse_search` validates it and builds its links) or the
    CLI, the benchmark and the tests, straight to `Archive.search`."""

    q: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)  # filter key → values, as given
    sort: str = "relevance"  # relevance | date | date_asc
    page: int = 1
    per_page: int = 20
    date_from: str | None = None
    date_to: str | None = None
    snippets: bool = True
    group: str | None = None  # "case": one line per case (SearchResponse.groups), paged and counted by case

    def __post_init__(self) -> None:
        # values as tuples, empty filters dropped: a request is a value (cache keys, equality)
        object.__setattr__(self, "filters", {key: tuple(values) for key, values in self.filters.items() if values})

    @property
    def is_blank(self) -> bool:
        """Nothing asked for: the search page shows its help instead of results."""
        return not self.q.strip() and not self.filters and not self.date_from and not self.date_to


@dataclass(frozen=True)
class Snippet:
    """A hit's snippet as plain text, and where the query's words are in it.

    The indexer says *what* matched; the web layer decides how it looks
    (`<mark>` on the page and in the API, nothing in a CSV or a feed), so
    no HTML is built here and parsed again by a regex downstream."""

    text: str = ""
    marks: tuple[tuple[int, int, int], ...] = ()  # (start, end, n): the n-th distinct word matched

    def __bool__(self) -> bool:
        return bool(self.text)


class SpanFormatter(Formatter):
    """Whoosh's highlighter, formatting to a `Snippet` instead of markup: the
    fragments joined by " … ", each match recorded as a span. Words are
    numbered in order of first appearance by their surface text, as Whoosh's
    HtmlFormatter numbers its term classes."""

    between = " … "

    def format(self, fragments, replace: bool = False) -> Snippet:  # type: ignore[override]
        parts: list[str] = []
        marks: list[tuple[int, int, int]] = []
        seen: dict[str, int] = {}
        position = 0

        def add(piece: str) -> None:
            nonlocal position
            parts.append(piece)
            position += len(piece)

        for number, fragment in enumerate(fragments):
            if number:
                add(self.between)
            index, text = fragment.startchar, fragment.text
            for token in sorted(fragment.matches, key=lambda t: (t.startchar, -(t.endchar - t.startchar))):
                if token.startchar is None or token.startchar < index:
                    continue
                add(text[index:token.startchar])
                word = text[token.startchar:token.endchar]
                marks.append((position, position + len(word), seen.setdefault(word, len(seen))))
                add(word)
                index = token.endchar
            add(text[index:fragment.endchar])
        return Snippet("".join(parts), tuple(marks))


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
    snippet: Snippet
    score: float | None = None
    decision: str | None = None


@dataclass(frozen=True)
class AppliedFilter:
    """One filter in force as the user gave it, and what it selected.

    `origin` is "url" (a URL or API parameter) or "q" (typed into the query,
    with its [start, end) span in the query text as typed), so the web layer
    removes exactly that parameter or that token when its chip is removed.
    `key` is a facet key, or "from"/"to" for a date bound; `values` are the
    facet values the typed value resolved to (one typed "lov:§ 85" may select
    "§ 85" and "serviceloven § 85": one chip)."""

    key: str
    typed: str
    origin: str
    values: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None


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
    case: str | None = None  # the query is this case number (as the archive writes it): "Gå til sagen"
    people: list[PersonOffer] = field(default_factory=list)  # the query is this person's name: "Gå til personen"
    corrected_from: str | None = None  # nothing matched what was typed; these are the results for `suggestion`
    applied: list[AppliedFilter] = field(default_factory=list)  # every filter and date bound, as given
    group: str | None = None
    groups: list[CaseLine] | None = None  # group="case": this page's lines (`results` holds each line's best item)
    items_total: int | None = None  # group="case": matching items (`total` counts lines)
    lone_items: int | None = None  # group="case": lines that are items without a case number


@dataclass
class Found:
    """A request read against one snapshot (Archive._find): what to match."""

    query: CompiledQuery  # the words (case numbers in the archive's spelling), as the index's terms
    filters: dict[str, list[str]]  # resolved facet filters, and TREATED_BY's bodies as shown
    bodies: list[list[str]]  # TREATED_BY: per body asked for, the names that mean it
    notes: list[str]
    date_from: str | None
    date_to: str | None
    case: str | None
    applied: list[AppliedFilter] = field(default_factory=list)  # every filter and date bound, as given
    reads: SearchReads | None = None  # the search's posting reads (lists read for its candidates only)

    @property
    def parsed(self) -> ParsedQuery:
        return self.query.parsed

    @property
    def scored(self) -> bool:
        return self.query.scored

    @property
    def facet_filters(self) -> dict[str, list[str]]:
        return {key: values for key, values in self.filters.items() if key != TREATED_BY}


# --- the archive -------------------------------------------------------------------


class Archive(RecordStore):
    """Search over one index folder (records and browsing: `RecordStore`)."""

    def __init__(self, index_dir: Path | str, *, kle: KleTitles | None = None,
                 response_cache: int | None = None, postings_cache_bytes: int = CACHE_BYTES) -> None:
        """`response_cache` (entries, default RESPONSE_CACHE_SIZE; 0 = off) and
        `postings_cache_bytes` (per index generation) bound the caches."""
        super().__init__(index_dir, postings_cache_bytes=postings_cache_bytes)
        self.kle = kle or KleTitles()  # KLE titles, so that `kle:retssikkerhed` finds 27.69
        self._cache: SizedLRU[SearchResponse] = SizedLRU(
            RESPONSE_CACHE_SIZE if response_cache is None else response_cache)
        self._prefix_cache: SizedLRU[FieldTerms] = SizedLRU(1000)

    def generation_changed(self) -> None:
        self._cache.clear()  # responses are keyed by generation too; this frees them at once

    # analysis -------------------------------------------------------------------

    def compile(self, parsed: ParsedQuery) -> CompiledQuery:
        """The parsed query's clauses as the index's terms (`compiled`), once per search."""
        return compile_query(parsed, self.tokens, self.prefix_terms)

    def prefix_terms(self, prefix: str) -> FieldTerms:
        """The MAX_PREFIX_TERMS most frequent words of the text fields that start
        with `prefix` (normalised as the index is), each as its own alternative.
        Expanded once per index generation and prefix."""
        snapshot = self.current()
        key = (snapshot.generation, prefix)
        cached = self._prefix_cache.get(key)
        if cached is not None:
            return cached
        start = normalise_word(prefix)
        counted: list[tuple[int, str, str]] = []
        with snapshot.lock:
            reader = snapshot.searcher.reader()
            for fieldname in TEXT_FIELDS:
                for term in reader.expand_prefix(fieldname, start):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    counted.append((reader.doc_frequency(fieldname, text), fieldname, text))
        counted.sort(key=lambda entry: -entry[0])
        found = tuple((fieldname, (text,)) for _, fieldname, text in counted[:MAX_PREFIX_TERMS])
        return self._prefix_cache.put(key, found)

    def prefix_notes(self, parsed: ParsedQuery) -> list[str]:
        notes = []
        for clause in (c for group in parsed.groups for c in group if c.prefix):
            if len(clause.text) < MIN_PREFIX:
                notes.append(f"«{clause.text}*» er for kort til at søge på ord, der begynder med det "
                             f"(mindst {MIN_PREFIX} bogstaver); der er søgt på ordet selv.")
            elif len(self.prefix_terms(clause.text)) >= MAX_PREFIX_TERMS:
                notes.append(f"Mange ord begynder med «{clause.text}»; der er søgt på de {MAX_PREFIX_TERMS} "
                             "hyppigste. Skriv flere bogstaver for et mere præcist resultat.")
            elif not self.prefix_terms(clause.text):
                notes.append(f"Ingen ord i arkivet begynder med «{clause.text}».")
        return notes

    # filters -----------------------------------------------------------------------

    def resolve_applied(self, applied: list[AppliedFilter], snapshot: Snapshot, notes: list[str]) -> list[AppliedFilter]:
        """Each filter with the facet values it selects (dates pass through)."""
        return [
            replace(given, values=tuple(self._resolve_one(given.key, given.typed, snapshot, notes)))
            if given.key in FACET_BY_KEY else given
            for given in applied
        ]

    def _resolve_one(self, key: str, value: str, snapshot: Snapshot, notes: list[str]) -> list[str]:
        known = snapshot.value_counts(key)
        matches = self._resolve_value(key, value, known)
        if not matches and key == "kle" and self.kle:
            matches = [code for code in self.kle.codes_matching(value) if code in known]
        if not matches and key == "council":
            notes.append(f"Der er ingen møder i {value[:60]} i arkivet. Søg efter «{value[:60]}» som ord "
                         "for at finde de punkter, der nævner det.")
            matches = [value]
        elif not matches:
            notes.append(f"Ingen {FACET_BY_KEY[key].label.lower()} matcher «{value[:60]}».")
            matches = [value]
        return matches

    @staticmethod
    def _resolve_value(key: str, value: str, known: Counter) -> list[str]:
        if key == "law":
            return _law_matches(value, known)
        if key == "person":  # "rottbøll", "tina rottbøll", "Mehmet Dogru" (a middle name left out)
            return person_values(value, known, fold)
        if value in known:
            return [value]
        if key == "case":
            wanted_key = case_key(value)
            return [v for v in known if wanted_key and case_key(v) == wanted_key]
        if key == "council":  # "handicapraadet", "Byråd", "byrådet": the same body
            same = [v for v in known if council_key(v) == council_key(value)]
            if same:
                return same
        wanted = fold(value)
        exact = [v for v in known if fold(v) == wanted]
        if exact or key in ("year", "case"):
            return exact
        return sorted((v for v in known if fold(v).startswith(wanted)), key=lambda v: -known[v])[:20]

    # search -------------------------------------------------------------------------

    @fresh_on_stale
    def search(self, request: SearchRequest) -> SearchResponse:
        """Answer one search; identical requests on the same index generation
        are served from a small LRU cache (popular searches repeat)."""
        snapshot = self.current()
        key = _cache_key(snapshot.generation, request)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        response = self._search(snapshot, request)
        return response if response.timed_out else self._cache.put(key, response)

    def person_offers(self, snapshot: Snapshot, request: SearchRequest) -> list[PersonOffer]:
        """The people a query names ("Gå til personen"), see `people.people_offers`.

        Only a query whose every word is a name word of the archive gets this
        far, so other queries never read the people table. Measured on the
        whole Greve archive (5,106 items, 26 people; 2 shared cores, load ≈ 7):
        the table is the build's (`knowledge`; it took 2.6 s to build on a
        generation's first name query); a name query's offers cost 25-30 µs
        and any other query's name check 7 µs (`people_offers` looks names up in a dict built once per table)."""
        words = [w for w in re.split(r"[\s\"]+", request.q or "") if w]
        if not words or len(words) > 6 or any(w.casefold() not in snapshot.name_words for w in words):
            return []
        towns = request.filters.get("municipality") or []
        return people_offers(people_table_of(snapshot), words, fold, towns)

    def canonical_case(self, text: str) -> str | None:
        """The case number as the archive writes it, for any spelling of it
        ("emn 2025 9242" → "EMN-2025-009242"); None for no known case."""
        key = case_key(text)
        return self.current().case_numbers().get(key) if key else None

    @staticmethod
    def _typed_cases(snapshot: Snapshot, q: str) -> tuple[str, str | None]:
        """The query with each known case number, however spelled, written as the
        archive writes it (one word), and the first such case."""
        known = snapshot.case_numbers()
        first: str | None = None

        def canonical(match) -> str:
            nonlocal first
            value = known.get(case_key(match.group(0)) or "")
            if value is None:
                return match.group(0)
            first = first or value
            return value

        return TYPED_CASE.sub(canonical, q), first

    def _search(self, snapshot: Snapshot, request: SearchRequest) -> SearchResponse:
        response = self._search_once(snapshot, request)
        if response.total:
            response.people = self.person_offers(snapshot, request)
        if response.total or not response.suggestion or response.timed_out:
            return response
        # Nothing matched what was typed: answer for the closest words the
        # archive holds, and say so ("Viser resultater for … — søg i stedet efter …").
        corrected = self._search_once(snapshot, replace(request, q=response.suggestion))
        if not corrected.total:
            return response
        corrected.corrected_from = request.q
        corrected.suggestion = response.suggestion
        corrected.applied = response.applied  # the chips belong to the query as typed
        return corrected

    def _search_once(self, snapshot: Snapshot, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        deadline = time.monotonic() + SEARCH_SECONDS
        found = self._find(snapshot, request)
        notes = found.notes
        total, hits, counts = 0, [], {key: Counter() for key in FACET_KEYS}
        lines: list[CaseLine] | None = None
        items_total = lone_items = None
        timed_out = partial_match = False
        try:
            passing, counts, partial_match = self._passing(snapshot, found, deadline)
            total = int(passing.sum())
            if request.group == "case":
                items_total = total
                total, lone_items, lines = self._grouped(snapshot, found, passing, request)
                hits = [line.hit for line in lines]
            else:
                hits = self._page(snapshot, found.reads, found.query, passing, request)
        except SearchTimeout:
            timed_out, total, hits, lines = True, 0, [], ([] if request.group == "case" else None)
            items_total = lone_items = (0 if request.group == "case" else None)
            counts = {key: Counter() for key in FACET_KEYS}
            notes.append("Søgningen tog for lang tid og blev afbrudt; prøv med færre eller mere præcise ord.")
        filters = found.filters
        facets = {key: _facet_values(key, counts.get(key, Counter()), filters.get(key, [])) for key in FACET_KEYS}
        suggestion = self.suggest(snapshot, found.parsed, request.q) if (total == 0 or partial_match) else None
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
            date_from=found.date_from,
            date_to=found.date_to,
            seconds=round(time.perf_counter() - started, 4),
            case=found.case if found.case and total else None,
            group=request.group,
            groups=lines,
            items_total=items_total,
            lone_items=lone_items,
            applied=found.applied,
        )

    def _find(self, snapshot: Snapshot, request: SearchRequest) -> Found:
        """The request read against this snapshot: the parsed query, the filters
        resolved to indexed values, the dates, and the notes to show."""
        q, case = self._typed_cases(snapshot, request.q or "")
        parsed = parse_query(q)
        notes = list(parsed.notes) + self.prefix_notes(parsed)
        given = _applied_filters(request, parse_query(request.q or ""))  # spans in the query as typed
        bodies, labels = self.resolve_treated_by([a.typed for a in given if a.key == TREATED_BY], snapshot, notes)
        applied = [
            replace(a, values=(labels[a.typed],)) if a.key == TREATED_BY and a.typed in labels else a
            for a in self.resolve_applied([a for a in given], snapshot, notes)
        ]
        filters = _union(a for a in applied if a.key in FACET_BY_KEY)
        shown = list(dict.fromkeys(a.values[0] for a in applied if a.key == TREATED_BY and a.values))
        if shown:
            filters[TREATED_BY] = shown
        query = self.compile(parsed)
        if parsed.groups and not query.scored:
            notes.append("Søgningen indeholdt kun småord, som ikke søges på.")
        return Found(query=query, filters=filters, bodies=bodies, notes=notes,
                     date_from=request.date_from or parsed.date_from, date_to=request.date_to or parsed.date_to,
                     case=case, applied=applied, reads=SearchReads(snapshot.postings))

    def _passing(self, snapshot: Snapshot, found: Found, deadline: float) -> tuple[np.ndarray, dict[str, Counter], bool]:
        """(matching items, facet counts, partial match): all the words, or
        when no item has them all, the items with most of them."""
        table = snapshot.table
        treated = table.treated_by_all(found.bodies) if found.bodies else None
        base = self._match(snapshot, found.reads, found.query, found.date_from, found.date_to, require_all=True,
                           deadline=deadline)
        if treated is not None:
            base &= treated
        passing, counts = table.count(base, found.facet_filters, FACET_LIMITS)
        if not passing.any() and len(found.parsed.groups) > 1:
            loose = self._match(snapshot, found.reads, found.query, found.date_from, found.date_to, require_all=False,
                                deadline=deadline)
            if treated is not None:
                loose &= treated
            loose_passing, loose_counts = table.count(loose, found.facet_filters, FACET_LIMITS)
            if loose_passing.any():
                return loose_passing, loose_counts, True
        return passing, counts, False

    def resolve_treated_by(self, values: list[str], snapshot: Snapshot, notes: list[str]) -> tuple[list[list[str]], dict[str, str]]:
        """Per body asked for ("handicapraadet", "Byrådet"), the names under which
        items record its treatments — matched as `råd:` matches a council
        (council_key: case, definite form, aa/å; then folded prefix) — and the
        name to show for it (per value as typed). A body no item names matches nothing, and is said so."""
        known = snapshot.value_counts(TREATED_BY)
        bodies: list[list[str]] = []
        labels: dict[str, str] = {}
        for value in list(dict.fromkeys(values))[:MAX_TREATED_BY]:
            # every spelling of the body, not only an exact one: the Byråd's own
            # meetings say "Byråd 2022-2025", its treatments quoted elsewhere "Byrådet"
            names = [name for name in known if council_key(name) and council_key(name) == council_key(value)]
            names = names or self._resolve_value("council", value, known)
            if not names:
                notes.append(f"Ingen sager i arkivet er behandlet af {value[:60]}.")
            bodies.append(names or [value])
            labels[value] = max(names, key=lambda name: known[name]) if names else value
        if len(set(values)) > MAX_TREATED_BY:
            notes.append(f"Kun de første {MAX_TREATED_BY} «behandlet af»-organer er brugt.")
        return bodies, labels

    # one line per case ----------------------------------------------------------------------

    def _ordered(self, snapshot: Snapshot, reads: SearchReads, query: CompiledQuery, passing: np.ndarray,
                 request: SearchRequest) -> np.ndarray:
        """Every passing docnum in result order (what paging through `_page` would give)."""
        sort = request.sort if request.sort in ("relevance", "date", "date_asc") else "relevance"
        if not query.scored or sort != "relevance":
            return np.array(_by_date(snapshot.table, passing, newest_first=sort != "date_asc"), dtype=np.int64)
        scores = self._scores(snapshot, reads, query, passing)
        candidates = np.flatnonzero(passing)
        _, date_rank = np.unique(snapshot.table.dates[candidates], return_inverse=True)
        return candidates[np.lexsort((-date_rank, -scores[candidates]))]

    def _grouped(self, snapshot: Snapshot, found: Found, passing: np.ndarray,
                 request: SearchRequest) -> tuple[int, int, list[CaseLine]]:
        """(number of lines, of them items without a case number, this page's
        lines): every matching item folded into its case, lines ordered by
        their best item and paged like items. Measured on a generated archive
        of 20,000 items (1,380 meetings, 2,899 cases that passed several
        bodies): 52 ms for all items in 9,586 lines against 18 ms ungrouped,
        74-88 ms against 36-44 ms for words matching 5,000-11,000 items."""
        table = snapshot.table
        best, keys, counts = fold_groups(self._ordered(snapshot, found.reads, found.query, passing, request),
                                         table.case_groups())
        page = max(1, request.page)
        per_page = max(1, min(request.per_page, 100))
        start, end = (page - 1) * per_page, min(page * per_page, MAX_WINDOW)
        lone = int((keys < 0).sum())
        if start >= end or start >= len(keys):
            return len(keys), lone, []
        lines_total = len(keys)
        best, keys, counts = best[start:end], keys[start:end], counts[start:end]
        hits = self._hits(snapshot, found.reads, found.query, request, best.tolist(), [None] * len(best))
        case_column = table.columns["case"]
        members = np.flatnonzero(np.isin(case_column.single, keys[keys >= 0]) & table.items)
        with snapshot.lock:
            records = {int(d): unpack_item(snapshot.searcher.stored_fields(int(d))["record"]) for d in members}
            for key in keys[keys < 0]:
                docnum = int(-1 - key)
                records[docnum] = unpack_item(snapshot.searcher.stored_fields(docnum)["record"])
        by_case: dict[int, list[ItemRecord]] = {}
        for docnum in members:
            by_case.setdefault(int(case_column.single[docnum]), []).append(records[int(docnum)])
        lines = []
        for hit, key, count in zip(hits, keys.tolist(), counts.tolist()):
            if key >= 0:
                lines.append(case_line(case_column.values[key], hit, count, by_case.get(key, []), same_council))
            else:
                lines.append(case_line(None, hit, count, [records[-1 - key]], same_council))
        return lines_total, lone, lines

    # exports ---------------------------------------------------------------------------------

    def export(self, request: SearchRequest) -> Iterator[Hit]:
        """Every matching item in the request's order, read a batch at a time
        from one snapshot: an export is a whole result list, not a page (the
        search's MAX_WINDOW does not apply), and a build committing meanwhile
        does not change the list half-way. Each hit carries its decision text."""
        snapshot = self.current()
        found = self._find(snapshot, request)
        try:
            passing, _, _ = self._passing(snapshot, found, time.monotonic() + SEARCH_SECONDS)
            ordered = self._ordered(snapshot, found.reads, found.query, passing, request).tolist()
        except SearchTimeout:
            return
        for start in range(0, len(ordered), EXPORT_BATCH):
            batch = ordered[start:start + EXPORT_BATCH]
            yield from self._hits(snapshot, found.reads, found.query, request, batch, [None] * len(batch))

    # matching: boolean masks over posting lists -----------------------------------------

    def _match(self, snapshot: Snapshot, reads: SearchReads, query: CompiledQuery, date_from: str | None,
               date_to: str | None, require_all: bool, deadline: float) -> np.ndarray:
        """Boolean docnum mask of the live items the words and dates select.

        With all words required, the groups are matched rarest first (by
        their terms' document frequencies, read from the term infos), and
        each later group only among the items the earlier ones left
        (`postings.Candidates`): its posting lists are decoded only in the
        blocks that hold any of them."""
        table = snapshot.table
        mask = table.date_mask(date_from, date_to)
        groups = [group for group in query.groups if any(clause.searches for clause in group)]
        # (a group of stop words only restricts nothing; a prefix without words finds nothing)
        if require_all and len(groups) > 1:
            groups.sort(key=lambda group: self._group_cost(reads, group))
        combined: np.ndarray | None = None
        for group in groups:
            candidates = reads.candidates(mask & combined) if require_all and combined is not None else None
            found = np.zeros(table.size, dtype=bool)
            for clause in group:
                found |= self._clause_mask(snapshot, reads, clause, deadline, candidates)
            if combined is None:
                combined = found
            elif require_all:
                combined &= found
            else:
                combined |= found
        if combined is not None:
            mask &= combined
        for clause in query.excluded:
            mask &= ~self._clause_mask(snapshot, reads, clause, deadline, reads.candidates(mask))
        return mask

    @staticmethod
    def _group_cost(reads: SearchReads, group: tuple[CompiledClause, ...]) -> int:
        """Postings a group's terms hold (a prefix, whose expansion may be long, counts as a large group)."""
        if any(clause.clause.prefix for clause in group):
            return 1 << 62
        return sum(reads.doc_frequency(fieldname, token)
                   for clause in group for fieldname, tokens in clause.terms for token in tokens)

    def _clause_mask(self, snapshot: Snapshot, reads: SearchReads, clause: CompiledClause, deadline: float,
                     candidates: Candidates | None = None) -> np.ndarray:
        """The clause's items (exact among `candidates` when given; outside
        them the mask may miss items, which the caller's AND drops anyway)."""
        if time.monotonic() > deadline:
            raise SearchTimeout()
        size = snapshot.table.size
        mask = np.zeros(size, dtype=bool)
        for fieldname, tokens in clause.terms:
            field_mask = None
            for token in tokens:  # several tokens in one field: all of them (hyphenated words)
                docs, _ = reads.postings(fieldname, token, candidates)
                token_mask = snapshot.table.posting_mask(docs)
                field_mask = token_mask if field_mask is None else field_mask & token_mask
            mask |= field_mask
        return mask

    # ranking -------------------------------------------------------------------------------

    def _page(self, snapshot: Snapshot, reads: SearchReads, query: CompiledQuery, passing: np.ndarray,
              request: SearchRequest) -> list[Hit]:
        page = max(1, request.page)
        per_page = max(1, min(request.per_page, 100))
        start, end = (page - 1) * per_page, min(page * per_page, MAX_WINDOW)
        if start >= end or not passing.any():
            return []
        sort = request.sort if request.sort in ("relevance", "date", "date_asc") else "relevance"
        if not query.scored or sort != "relevance":
            docnums = _by_date(snapshot.table, passing, newest_first=sort != "date_asc")[start:end]
            scores: list[float | None] = [None] * len(docnums)
        else:
            docnums, scores = self._ranked(snapshot, reads, query, passing, end)
            docnums, scores = docnums[start:end], scores[start:end]
        return self._hits(snapshot, reads, query, request, docnums, scores)

    def _hits(self, snapshot: Snapshot, reads: SearchReads, query: CompiledQuery, request: SearchRequest,
              docnums: list[int], scores: list[float | None]) -> list[Hit]:
        """The hits of the given docnums, with snippets when the request wants them."""
        terms = query.snippet_terms() if request.snippets and query.scored else {}  # phrases: their words
        with snapshot.lock:
            stored = [snapshot.searcher.stored_fields(d) for d in docnums]
        skips = _fields_without(reads, terms, docnums) if terms else [frozenset()] * len(docnums)
        return [self._hit(fields, terms, score, skip) for fields, score, skip in zip(stored, scores, skips)]

    def _scores(self, snapshot: Snapshot, reads: SearchReads, query: CompiledQuery, passing: np.ndarray) -> np.ndarray:
        """BM25F score of every passing docnum (others stay 0): each clause's
        terms score in every field with that field's weight; clauses add up,
        so an item with more of the words ranks higher. A list matching read
        for fewer candidates than the whole index serves here as it is."""
        scores = np.zeros(snapshot.table.size, dtype=np.float32)
        candidates = reads.candidates(passing)
        for group in query.groups:
            for clause in group:
                for fieldname, tokens in clause.terms:
                    for token in tokens:
                        reads.bm25(fieldname, token, FIELD_WEIGHTS[fieldname], scores, passing, candidates)
        return scores

    def _ranked(self, snapshot: Snapshot, reads: SearchReads, query: CompiledQuery, passing: np.ndarray, limit: int):
        """Top `limit` passing docnums by BM25F (`_scores`). Ties go to the newer item."""
        scores = self._scores(snapshot, reads, query, passing)
        candidates = np.flatnonzero(passing)
        candidate_scores = scores[candidates]
        if candidates.size > limit:
            top = np.argpartition(-candidate_scores, limit - 1)[:limit]
            candidates, candidate_scores = candidates[top], candidate_scores[top]
        dates = snapshot.table.dates[candidates]
        order = sorted(range(len(candidates)), key=lambda i: (-float(candidate_scores[i]), _neg(dates[i])))
        return [int(candidates[i]) for i in order], [round(float(candidate_scores[i]), 4) for i in order]

    def _hit(self, fields: dict[str, Any], terms: dict[str, set[str]], score: float | None,
             skip: frozenset[str] = frozenset()) -> Hit:
        record = unpack_item(fields["record"])
        return Hit(
            id=record["id"],
            title=record["title"],
            council=record["council"],
            municipality=record["municipality"],
            date=record["date"],
            number=record["number"],
            case_number=record["case_number"],
            kind=record["kind"],
            decision_kind=record["decision_kind"],
            meeting_id=record["meeting_id"],
            snippet=self.snippet(record, terms, skip),
            score=score,
            decision=None if record["closed"] else record["decision"],
        )

    # snippets -----------------------------------------------------------------------

    def snippet(self, record: ItemRecord, terms: dict[str, set[str]], skip: frozenset[str] = frozenset()) -> Snippet:
        """A snippet from the body where the query's words are, or from the
        decision, or the start of the text when nothing matches; the fields in
        `skip` are known to hold none of the words (`_fields_without`)."""
        body = "\n\n".join(s["text"] for s in record["sections"])
        decision = record["decision"] or ""
        if record["closed"]:
            return Snippet()
        for fieldname, text, mode in (
            ("body", body, "query"),
            ("decision", decision, "query"),
            ("body_parts", body, "index"),
            ("decision_parts", decision, "index"),
        ):
            wanted = terms.get(fieldname)
            if not wanted or not text or fieldname in skip:
                continue
            text = _window(text, wanted)
            fragmenter = ContextFragmenter(maxchars=220, surround=60)
            analyzer = self.schema[fieldname].analyzer
            fast = _fast_highlighter(analyzer) if mode == "query" else None
            try:
                if fast is not None:
                    found = fast.highlight(text, wanted, fragmenter, top=2)
                else:
                    found = highlight(text, wanted, analyzer, fragmenter, SpanFormatter(), top=2, mode=mode)
            except Exception:  # noqa: BLE001 - a snippet is never worth a failed page
                found = Snippet()
            if found:
                return found
        lead = body or decision
        return Snippet(lead[:240] + ("…" if len(lead) > 240 else ""))

    # suggestions -----------------------------------------------------------------------

    def suggest(self, snapshot: Snapshot, parsed: ParsedQuery, original: str) -> str | None:
        """ "Mente du …?": each unknown word replaced by the closest word in the
        index's own vocabulary (unstemmed), or None when all words are known."""
        changed = False
        corrected = original
        for word in parsed.words:
            if word.casefold() in snapshot.name_words:
                continue  # "Lolan Marianne Ottesen" is a person, not a typo for "marine"
            tokens = self.tokens("spell", word)
            if len(tokens) != 1 or len(tokens[0]) < 4:
                continue
            with snapshot.lock:
                if snapshot.searcher.doc_frequency("spell", tokens[0]):
                    continue
            option = snapshot.vocabulary().closest(tokens[0], maxdist=2)
            if option and option != tokens[0]:
                corrected = corrected.replace(word, option, 1)
                changed = True
        return corrected if changed else None

    # records -----------------------------------------------------------------------------

_PARAGRAPH_REF = re.compile(r"§\s*(\d+\s?[a-zæøå]?)\s*$", re.I)


def _law_matches(value: str, known: Counter) -> list[str]:
    """Law references are hierarchical: "§ 85" finds "serviceloven § 85" (and
    every other law's § 85), "serviceloven § 85" also finds a bare "§ 85";
    "serviceloven" finds all its paragraphs."""
    wanted = " ".join(value.split()).casefold()
    paragraph = _PARAGRAPH_REF.search(wanted)
    law = wanted[: paragraph.start()].strip() if paragraph else wanted
    number = re.sub(r"\s+", " ", paragraph.group(1)) if paragraph else None
    found = []
    for value_known in known:
        have = " ".join(value_known.split()).casefold()
        have_paragraph = _PARAGRAPH_REF.search(have)
        have_law = have[: have_paragraph.start()].strip() if have_paragraph else have
        have_number = re.sub(r"\s+", " ", have_paragraph.group(1)) if have_paragraph else None
        if number is None:
            hit = bool(law) and have_law.startswith(law)
        else:
            hit = have_number == number and (not law or not have_law or have_law.startswith(law))
        if hit:
            found.append(value_known)
    return sorted(found, key=lambda v: -known[v])


SNIPPET_WINDOW = 800


def _fields_without(reads: SearchReads, terms: dict[str, set[str]], docnums: list[int]) -> list[frozenset[str]]:
    """Per docnum, the snippet fields whose index postings — already read
    by this search — show it holds none of the words: highlighting such a
    field finds nothing, so the snippet skips it.

    Highlighting analyses the field's text again; a word in the text the
    highlighter marks is a token the index holds for that document (the
    same analyzer, and the snippet's text is the indexed text or a window of
    it), except a stop word or a single letter, which the highlighter keeps
    as a stopped token: a field whose words include such a token is never
    skipped, nor one whose postings this search has not read (a phrase's
    words). A search for a name or a case number used to analyse every
    result's body and decision twice (words, then compound parts) to find
    nothing there: 7-10 ms of a page's snippets on the 100k generated archive."""
    docs = np.array(docnums, dtype=np.int64)
    skips: list[set[str]] = [set() for _ in docnums]
    for fieldname, wanted in terms.items():
        if any(len(term) < 2 or term in STOP_WORDS for term in wanted):
            continue
        holding = np.zeros(docs.size, dtype=bool)
        for term in wanted:
            found = reads.known(fieldname, term, docs)
            if found is None:
                break
            where = np.minimum(np.searchsorted(found, docs), max(found.size - 1, 0))
            holding |= found[where] == docs if found.size else False
        else:
            for index in np.flatnonzero(~holding).tolist():
                skips[index].add(fieldname)
    return [frozenset(skip) for skip in skips]


class _Match:
    """A matched word as Whoosh's fragments and `SpanFormatter` read it."""

    __slots__ = ("text", "startchar", "endchar", "boost")

    def __init__(self, text: str, startchar: int, endchar: int) -> None:
        self.text, self.startchar, self.endchar, self.boost = text, startchar, endchar, 1.0


class _StemmedHighlighter:
    """Whoosh's `highlight` with a `ContextFragmenter` for a field analysed by
    exactly the stemming pipeline (`analysis.StemmedWords`: words,
    normalised, stop words kept as stopped, stemmed), in one loop: each word
    is classified (its token text, whether it is a query word) and the
    fragmenter's steps run on it directly, instead of a Token object passed
    through four stacked generators. The fragments, their scores and order
    (Whoosh's `top_fragments`) and so the snippets are the same
    (tests/test_search.py compares them).

    A snippet analyses up to 800 characters of each of a page's 20 items,
    ~110 words each: 5.6-8.5 ms of a one-word search's page on the 100k
    generated archive through Whoosh's chain. Measured on 1,090 body and
    decision windows of that archive, each the same as Whoosh's: 0.33 ms a
    snippet through Whoosh, 0.11 ms here."""

    def __init__(self, pipeline: CompositeAnalyzer) -> None:
        tokenizer, normaliser, stemmer = pipeline.items
        self.expression = tokenizer.expression
        self.minsize = normaliser.minsize
        self.stem = stemmer._stem
        self.ignore = stemmer.ignore

    def _word(self, raw: str) -> str:
        """The token text the analyzer gives the word (a stop word: normalised, stopped)."""
        word = _indexable(raw)
        if word is None or len(word) < self.minsize:
            return _normalised(raw)  # normalise_word, cached
        return self.stem(word) if word not in self.ignore else word

    def highlight(self, text: str, terms: set[str], fragmenter: ContextFragmenter, top: int) -> Snippet:
        fragments = self._fragments(text, frozenset(terms), fragmenter.maxchars, fragmenter.surround,
                                    fragmenter.charlimit)
        return SpanFormatter().format(top_fragments(fragments, top, BasicFragmentScorer(), FIRST, 1))

    def _fragments(self, text: str, termset: frozenset[str], maxchars: int, surround: int,
                   charlimit: int) -> Iterator[Fragment]:
        """`ContextFragmenter.fragment_tokens` (whoosh3 3.54.0), step for step."""
        word_of = self._word
        first = None
        firsts: deque[int] = deque()
        countdown = -1
        tks: list[_Match] = []
        endchar = None
        currentlen = 0
        for found in self.expression.finditer(text):
            startchar, endchar = found.span()
            tlength = endchar - startchar
            if charlimit and endchar > charlimit:
                break
            word = word_of(found.group(0))
            matched = word in termset
            if countdown < 0 and not matched:
                firsts.append(startchar)
                while firsts and endchar - firsts[0] > surround:
                    firsts.popleft()
            elif currentlen + tlength > maxchars:
                countdown = 0
            elif matched:
                countdown = surround
                if first is None:
                    if firsts:
                        first = firsts[0]
                    else:
                        first = startchar
                        countdown += surround
                tks.append(_Match(word, startchar, endchar))
            if countdown >= 0:
                currentlen += tlength
                countdown -= tlength
                if countdown <= 0:
                    yield mkfrag(text, tks, startchar=first, endchar=endchar)
                    tks = []
                    firsts = deque()
                    first = None
                    currentlen = 0
        if tks:
            yield mkfrag(text, tks, startchar=first, endchar=endchar)


def _fast_highlighter(analyzer: Any) -> _StemmedHighlighter | None:
    """The one-loop highlighter for a field analysed by exactly the stemming
    pipeline (`_StemmedHighlighter`); None for any other analyzer."""
    items = getattr(analyzer, "items", None)
    if not (isinstance(analyzer, CompositeAnalyzer) and len(items) == 1 and type(items[0]) is StemmedWords):
        return None
    pipeline = getattr(items[0], "pipeline", None)
    parts = getattr(pipeline, "items", ())
    if (len(parts) == 3 and type(parts[0]) is RegexTokenizer and not parts[0].gaps
            and type(parts[1]) is DanishNormalizeFilter and not getattr(parts[1], "keep_stops", False)
            and type(parts[2]) is StemFilter and not parts[2].lang):
        return _StemmedHighlighter(pipeline)
    return None


def _window(text: str, terms: set[str]) -> str:
    """The part of a long text around the first likely match: highlighting
    re-analyses what it is given, so a page of snippets from long items must
    not analyse whole items (stems are found as plain substrings here)."""
    if len(text) <= SNIPPET_WINDOW:
        return text
    lowered = text.lower()
    found = [position for term in terms if len(term) >= 3 and (position := lowered.find(term)) >= 0]
    start = max(0, min(found) - 200) if found else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 40 else start
    return text[start:start + SNIPPET_WINDOW]


def _neg(date: str) -> str:
    """A sort key that orders ISO dates newest first inside an ascending sort."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in date)


def _applied_filters(request: SearchRequest, typed: ParsedQuery) -> list[AppliedFilter]:
    """The request's URL filters and date bounds, then the query's own filter
    tokens (spans in the query as typed; case numbers are rewritten to the
    archive's spelling only after this, so the spans hold)."""
    given = [AppliedFilter(key, value, "url") for key, values in request.filters.items() for value in values]
    given += [AppliedFilter(bound, value, "url") for bound, value in (("from", request.date_from), ("to", request.date_to)) if value]
    given += [AppliedFilter(t.key, t.value, "q", start=t.start, end=t.end) for t in typed.filter_tokens]
    return given


def _union(applied) -> dict[str, list[str]]:
    """Facet key → every value the filters select, each once, in order."""
    found: dict[str, list[str]] = {}
    for given in applied:
        bucket = found.setdefault(given.key, [])
        bucket.extend(v for v in given.values if v not in bucket)
    return found


def _cache_key(generation: int, request: SearchRequest) -> tuple:
    return (
        generation, request.q, tuple(sorted(request.filters.items())),
        request.sort, request.page, request.per_page, request.date_from, request.date_to, request.snippets,
        request.group,
    )


def _facet_values(key: str, counts: Counter, selected: list[str]) -> list[FacetValue]:
    if key == "year":
        ordered = sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
    else:
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    values = [FacetValue(v, c, v in selected) for v, c in ordered[:FACET_LIMIT]]
    shown = {v.value for v in values}
    values += [FacetValue(v, counts.get(v, 0), True) for v in selected if v not in shown]
    return values
