"""One index generation as the read side sees it, and the view that keeps it current.

`Snapshot` holds everything a request reads from one committed generation:
one Whoosh searcher (guarded by a lock, as Whoosh readers share file
handles), the facet table, the meeting list and a cache of posting lists as
arrays. `IndexView` opens an index folder, hands out the snapshot of the
newest generation (checked twice a second) and analyses query text with the
index's own schema, so index and query analysis can never disagree. When a
build commits a new generation the next request builds a new snapshot;
requests under way finish on the old one, and one that meets the old
generation's deleted files is retried on the new one (`fresh_on_stale`).
A snapshot's case and people tables (`knowledge`) are read on first use from
the file the build wrote beside its generation, or computed when it has none.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index

from .build import INDEX_NAME
from .caching import SizedLRU
from .extract import case_key
from .columns import DocumentTable, TableBuilder
from .records import MeetingRow
from .schema import build_schema, same_schema, unpack
from .spelling import Vocabulary
from .postings import CACHE_BYTES, PostingsCache

if TYPE_CHECKING:
    from .knowledge import Knowledge

REFRESH_CHECK_SECONDS = 0.5
ANALYSIS_CACHE_ENTRIES = 50_000
TREATED_BY = "treated_by"  # the filter "behandlet af både X og Y" (not a facet: it asks about the case)


class IndexMissing(RuntimeError):
    """No index has been built at the given folder yet."""


class IndexOutdated(IndexMissing):
    """The folder holds an index written by another version of Rådsarkiv
    (other fields or analysis): this version's searches would not find its
    tokens, and reading it failed with a KeyError on the first missing field.
    The next build replaces it (`build.open_or_create`); until then it is
    served as no index at all."""


def fresh_on_stale(method):
    """Retry once on the newest generation when the snapshot's files are gone.

    A build's commit may merge segments and delete the files of the previous
    generation; a request still on that generation's snapshot then meets a
    missing file. The answer it wants is in the new generation."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (OSError, EOFError, KeyError, ValueError, IndexError):
            if self._snapshot is not None and self._snapshot.generation == self.ix.latest_generation():
                raise  # not stale: a real error
            with self._lock:
                self._checked = 0.0
            return method(self, *args, **kwargs)

    return wrapper


@dataclass
class Snapshot:
    generation: int
    searcher: Any
    lock: threading.RLock
    table: DocumentTable  # facet values, dates and live items by docnum
    postings: PostingsCache
    meetings: list[MeetingRow]  # meeting summaries, newest first
    # per-generation results computed on first use: facet value counts, the spelling
    # vocabulary, case-number keys, the people table (dropped with the generation)
    memo: dict[str, Any] = field(default_factory=dict)
    name_words: frozenset[str] = frozenset()  # words of the names the records hold: never "corrected"
    folder: Path | None = None  # the index folder, where the build left this generation's tables
    _knowledge: Knowledge | None = field(default=None, repr=False)
    _knowledge_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def knowledge(self) -> Knowledge:
        """This generation's case and people tables (`indexer.knowledge`), read
        from the build's file on first use, or assembled here if it has none."""
        if self._knowledge is None:
            with self._knowledge_lock:
                if self._knowledge is None:
                    from .knowledge import knowledge_of  # it reads records through the store, which imports this module

                    self._knowledge = knowledge_of(self)
        return self._knowledge

    def value_counts(self, key: str) -> Counter:
        """Every value of a facet with its item count (computed on first use);
        TREATED_BY: every body an item names as having treated its case."""
        if key not in self.memo:
            if key == TREATED_BY:
                self.memo[key] = self.table.treated.counts(self.table.items)
            else:
                self.memo[key] = self.table.value_counts(key)
        return self.memo[key]

    def vocabulary(self) -> Vocabulary:
        """The archive's own words for typo answers (`spelling`), read on first use."""
        found = self.memo.get("#vocabulary")
        if found is None:
            with self.lock:
                found = self.memo.get("#vocabulary")
                if found is None:
                    found = Vocabulary.of_field(self.searcher.reader(), "spell")
                    self.memo["#vocabulary"] = found
        return found  # type: ignore[return-value]

    def case_numbers(self) -> dict[str, str]:
        """Spelling-free key (`extract.case_key`) → the case number as the archive writes it."""
        if "#case_keys" not in self.memo:
            keys: dict[str, str] = {}
            for value, _ in self.value_counts("case").most_common():
                key = case_key(value)
                if key:
                    keys.setdefault(key, value)
            self.memo["#case_keys"] = keys
        return self.memo["#case_keys"]


def load_snapshot(ix, postings_cache_bytes: int = CACHE_BYTES) -> Snapshot:
    searcher = ix.searcher()
    reader = searcher.reader()
    builder = TableBuilder(reader.doc_count_all())
    # An index with no documents (an empty corpus) has no columns at all:
    # Whoosh's empty reader raises NotImplementedError for column_reader.
    if reader.doc_count_all():
        facets = reader.column_reader("facets")
        dates = reader.column_reader("date")
        treated_column = reader.column_reader("treated_by") if reader.has_column("treated_by") else None
        for docnum in searcher.document_numbers(doctype="item"):
            value = dates[docnum]
            treated = tuple(treated_column[docnum] or ()) if treated_column is not None else ()
            builder.add(docnum, facets[docnum], value.decode() if isinstance(value, bytes) else value, treated)
    meetings: list[MeetingRow] = []
    name_words: set[str] = set()
    for docnum in searcher.document_numbers(doctype="meeting"):
        record = unpack(searcher.stored_fields(docnum)["record"])
        name_words.update(word.casefold() for person in record.get("participants", []) for word in person["name"].split())
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
    lock = threading.RLock()
    table = builder.table()
    return Snapshot(
        generation=reader.generation(),
        searcher=searcher,
        lock=lock,
        table=table,
        postings=PostingsCache(reader, lock=lock, limit_bytes=postings_cache_bytes),
        meetings=meetings,
        name_words=frozenset(name_words | _facet_name_words(table)),
        folder=Path(ix.storage.folder) if hasattr(ix.storage, "folder") else None,
    )


def _facet_name_words(table: DocumentTable) -> set[str]:
    """Words of every name the items hold (absences, votes, names in the text:
    the person facet), beside the rolls' — "Arslan" named only in an absence
    note is a name too."""
    return {word.casefold() for name in table.columns["person"].values for word in name.split()}



class IndexView:
    """An index folder, read: the current snapshot and query-time analysis."""

    def __init__(self, index_dir: Path | str, *, postings_cache_bytes: int = CACHE_BYTES) -> None:
        """`postings_cache_bytes` bounds each generation's posting-array cache."""
        self.index_dir = Path(index_dir)
        if not whoosh_index.exists_in(str(self.index_dir), indexname=INDEX_NAME):
            raise IndexMissing(f"{self.index_dir}: no index here yet (run `python -m indexer build`)")
        self.ix = whoosh_index.open_dir(str(self.index_dir), indexname=INDEX_NAME)
        self.schema = self.ix.schema
        if not same_schema(self.schema, build_schema()):
            raise IndexOutdated(f"{self.index_dir}: the index was built by another version of Rådsarkiv "
                                "(run `python -m indexer build` to rebuild it)")
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._postings_bytes = postings_cache_bytes
        self._analysis_cache: SizedLRU[tuple[str, ...]] = SizedLRU(ANALYSIS_CACHE_ENTRIES)

    def current(self) -> Snapshot:
        """The snapshot of the newest committed generation (checked twice a second)."""
        snapshot = self._snapshot
        now = time.monotonic()
        if snapshot is not None and now - self._checked < REFRESH_CHECK_SECONDS:
            return snapshot
        with self._lock:
            self._checked = now
            latest = self.ix.latest_generation()
            if self._snapshot is None or self._snapshot.generation != latest:
                self._snapshot = load_snapshot(self.ix, self._postings_bytes)
                self.schema = self.ix.schema  # a rebuild of an outdated index brings the new fields
                self.generation_changed()
            return self._snapshot

    def generation_changed(self) -> None:
        """Called (under the lock) when a new generation's snapshot is in place:
        caches keyed by anything but the generation are dropped here."""

    # analysis with the index's own schema ---------------------------------------

    def tokens(self, fieldname: str, text: str) -> tuple[str, ...]:
        return self._analysis_cache.get_or_compute((fieldname, text), lambda: self._analyse(fieldname, text))

    def _analyse(self, fieldname: str, text: str) -> tuple[str, ...]:
        try:
            return tuple(self.schema[fieldname].process_text(text, mode="query"))
        except Exception:  # noqa: BLE001 - odd input must never break a search
            return ()

