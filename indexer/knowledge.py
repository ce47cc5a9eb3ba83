"""What the archive knows across items, assembled once per index generation.

A case page gathers every treatment of one case number: the items filed
under it, the meetings those items name as earlier treatments, and the items
that mention the number (`cases.assemble_timeline`). A person's page gathers
every roll, absence note and vote naming them (`people.assemble`). Both read
across the whole archive, and both change only when the index does, so the
build assembles them once, right after it commits a generation, and writes
them beside it (`write_knowledge`). A request then looks its case up
(`Knowledge.case`) instead of walking the store.

One mechanism for both tables: `assemble(snapshot)` reads every record of
one committed generation once (`GenerationRecords`, which answers the three
questions `assemble_timeline` asks the store, in the store's own order) and
builds the case table and the people table from them. The build calls it on
the generation it just committed; a reader calls the same function when the
file is missing or unreadable (an index built by older code, a build killed
between its commit and the write), so a request never fails for want of it.
An incremental build reads the whole new generation, not only its new
documents: a later treatment added to a case changes the case's page, and
its decision a member's votes.

The file (`knowledge-<generation>.pickle`) is named so that neither Whoosh's
clean-up at a commit nor `build.sweep_litter` takes it for a segment or a
table of contents; it is written to a temporary name and renamed, after the
commit, and it records the generation's content (segment ids and document
counts) so that a file left by an index since replaced (a schema change
starts the generations again) is never mistaken for this one's. Each case is
pickled on its own: a lookup unpickles one small case (a copy of its own,
which the pages may label freely). The people table is everyone's summary,
unpickled when a people page or a name query first needs it; each person's
meetings and votes are pickled on their own like the cases and read when
their page asks (at 100k generated items the whole table cost a server
+106 MB, the summaries +2 MB; `python -m bench.memory INDEX --people`).

Measured on 2 shared cores (load 3-5, so ±30 %), Greve + the seeds (5,156
items, 1,509 case numbers, 57 people) and a generated archive of 10,000 items
(`bench.generate`, 4,499 case numbers):
- build: assembling and writing the tables takes 3.0-5.9 s on Greve (a full
  build there takes 270 s: +1-2 %; the file is 4.3 MB) and 5.7-8.3 s at 10k
  (full build 366 s: +2 %; 8.9 MB). Any change reassembles the whole
  generation, so an incremental build of one file pays it too; a build that
  changes nothing keeps the previous tables (0.2 s, `_unchanged`).
- a case's data (`cases.case_timeline`): 2.8 ms on average over every Greve
  case walking the store (1.6 ms at 10k), now 0.04 ms (0.03 ms), a copy
  unpickled; the first request of a generation reads the file, 16-26 ms.
- warm case pages (median, 214 Greve / 223 generated cases): /sag/<nr>
  3.9-6.6 → 2.0-3.0 ms and /api/cases/<nr> 2.4-2.5 → 1.0-1.1 ms on Greve;
  6.1 → 1.5 ms and 2.5 → 0.7 ms at 10k (what is left is rendering and the
  reference labels). The first case request of a process: 4-13 ms before,
  23-31 ms now (the file read), and 2.8-5.6 s when there is no file and both
  tables are assembled in the request (an index from older code, a build
  killed before the write: the next build of any kind writes the file).
- the people table: built on first use in 1.4 s on Greve (2.6 s measured
  earlier at load ≈ 7), now read with the tables and unpickled in 21 ms
  (98 ms at 10k). At 10k it could not be built at all before
  (`people.resolve_spellings` failed on a spelling whose partner was dropped;
  fixed), and a failure there no longer costs the case table
  (`PeopleUnavailable`).
Every one of Greve's 1,509 and the generated archive's 4,499 timelines is
equal to what the store-walking code gave (tests/test_knowledge.py repeats
the comparison on a generated archive and a Greve case built in steps).
"""

from __future__ import annotations

import itertools
import os
import pickle
import re
import stat
import struct
import tempfile
import threading
import time
import weakref
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .build import INDEX_NAME
from .cases import assemble_timeline
from .people import AppearancesUnreadable, PeopleTable, Person, assemble_by_meeting as assemble_people_by_meeting
from .schema import unpack
from .store import _by_date, same_council

if TYPE_CHECKING:
    from .snapshot import Snapshot

FORMAT = 3  # raised whenever the tables' shape changes: formats 1 and 2 are still read, any other computed afresh
MAGIC = b"raadsarkiv knowledge\n"  # a file of format 1 (one pickle) does not start so: `_format_1` reads it
_HEADER_SIZE = struct.Struct("<Q")
FILE_PATTERN = re.compile(r"^knowledge-(\d+)\.pickle$")
TEMP_PREFIX = ".knowledge-"  # `build.sweep_litter` removes a killed build's temporary file by this prefix
CASE_LIMIT = 5000  # items per case and per mention, as the store's items_by_facet and items_mentioning
MENTION_LIMIT = 200

ContentKey = tuple[tuple[tuple[str, int], ...], int, int]


def file_name(generation: int) -> str:
    return f"knowledge-{generation}.pickle"


def content_key(reader) -> ContentKey:
    """What one generation holds, as far as a file left beside it can tell:
    its segments (with their deletions) and its document counts."""
    segments = reader.segments() or []
    return (tuple(sorted((s.segment_id(), s.deleted_count()) for s in segments)), reader.doc_count_all(), reader.doc_count())


# --- the records of one generation ----------------------------------------------------------


class GenerationRecords:
    """Every item and meeting record of one generation, read once.

    Answers what a case timeline asks the store (`store.RecordStore`):
    the items of a case number, the items mentioning it and the item a
    reference points at, with the same results in the same order (newest
    first; ties as the store's stable date sort leaves them), but from
    memory and per case number in time proportional to the case, not to
    the archive. The people assembly reads each meeting's items
    (`items_of`).

    Each item is kept pickled, without its text (`_without_text`), and
    unpickled when asked for: as a dict it took ~7 KB of Python objects, as
    bytes ~0.9 KB. Assembling both tables of 100k generated items peaked at
    962 MB with the dicts and 529 MB with the bytes (0.55×; 129 and 133 s on
    a loaded machine; `python -m bench.knowledge_peak INDEX`, the same
    digest of every case and person from both); the build's helper peaked
    at 8.8 GB at 1M with the dicts."""

    def __init__(self, snapshot: Snapshot) -> None:
        table = snapshot.table
        self.snapshot = snapshot
        self.schema = snapshot.searcher.schema
        self.newest_first = _by_date(table, table.items, newest_first=True)
        self.rank = np.full(table.size, table.size, dtype=np.int64)
        self.rank[self.newest_first] = np.arange(len(self.newest_first))
        self._packed: dict[int, bytes] = {}
        # meeting id → (number, item id, docnum) of its items, in agenda order
        self.by_meeting: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
        with snapshot.lock:
            for docnum in self.newest_first:
                record = _without_text(unpack(snapshot.searcher.stored_fields(docnum)["record"]))
                self._packed[docnum] = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
                self.by_meeting[record["meeting_id"]].append((record["number"], record["id"], docnum))
            self.meetings = [unpack(f["record"]) for f in snapshot.searcher.documents(doctype="meeting")]
        for rows in self.by_meeting.values():
            rows.sort()
        self.by_case: dict[str, list[int]] = defaultdict(list)
        case = table.columns["case"]
        for docnum in self.newest_first:
            value = case.single[docnum]
            if value >= 0:
                self.by_case[case.values[value]].append(docnum)
        # the snapshot's meetings by date, in its order: a reference names a date, and scanning
        # every meeting per reference (as the store's find_item does for one page) made the
        # assembly's reference resolution proportional to references × meetings
        self.meetings_on: dict[str, list[Any]] = defaultdict(list)
        for meeting in snapshot.meetings:
            self.meetings_on[meeting["date"]].append(meeting)

    def item(self, docnum: int) -> dict[str, Any]:
        """One item's record without its text (a copy of its own)."""
        return pickle.loads(self._packed[docnum])

    def items_of(self, meeting_id: str) -> list[dict[str, Any]]:
        """A meeting's items in agenda order (number, then id)."""
        return [self.item(docnum) for _, _, docnum in self.by_meeting.get(meeting_id, ())]

    def case_numbers(self) -> list[str]:
        return sorted(self.by_case)

    def items_by_facet(self, key: str, value: str) -> list[dict[str, Any]]:
        assert key == "case", key  # the only facet a timeline asks for
        return [self.item(d) for d in self.by_case.get(value, [])[:CASE_LIMIT]]

    def items_mentioning(self, text: str) -> list[dict[str, Any]]:
        tokens = self._tokens("ids", text)
        if not tokens:
            return []
        found: np.ndarray | None = None
        for token in tokens:
            docnums = np.asarray(self.snapshot.postings.postings("ids", token)[0], dtype=np.int64)
            found = docnums if found is None else np.intersect1d(found, docnums)
        docnums = np.unique(found)
        docnums = docnums[docnums < self.snapshot.table.size]
        docnums = docnums[self.snapshot.table.items[docnums]]
        ordered = docnums[np.argsort(self.rank[docnums], kind="stable")][:MENTION_LIMIT]
        return [self.item(d) for d in ordered.tolist()]

    def find_item(self, council: str, date: str | None, number: int | None) -> dict[str, Any] | None:
        if not date or number is None:
            return None
        for meeting in self.meetings_on.get(date, ()):
            if same_council(meeting["council"], council):
                for found, _, docnum in self.by_meeting.get(meeting["id"], ()):
                    if found == number:
                        return self.item(docnum)
        return None

    def _tokens(self, fieldname: str, text: str) -> tuple[str, ...]:
        """The text analysed as a query is (`snapshot.IndexView.tokens`)."""
        try:
            return tuple(self.schema[fieldname].process_text(text, mode="query"))
        except Exception:  # noqa: BLE001 - odd input yields no tokens, as in a search
            return ()


# --- the tables -----------------------------------------------------------------------------------


def _without_text(record: dict[str, Any]) -> dict[str, Any]:
    """The record without its sections' text: neither table reads it (mentions
    come from the identifier postings), and it is the bulk of a record. On
    Greve + seeds the assembly's peak over a loaded snapshot fell from +124 MB
    to +88 MB with it dropped. What remains grows with the archive (~7 KB of
    Python objects per item as a dict, ~0.9 KB pickled, as
    `GenerationRecords` keeps it)."""
    record["sections"] = []
    return record


class PeopleUnavailable(RuntimeError):
    """The people table of this generation could not be assembled (the error is kept in its place)."""


SECTIONS = ("cases", "appearances")  # the file's blob sections, in the order their bytes follow the people table


@dataclass
class Knowledge:
    """The case table and the people table of one generation."""

    generation: int
    content: ContentKey
    cases: Mapping[str, bytes]  # case number → its timeline, pickled (each lookup gets a copy of its own)
    people_bytes: bytes  # the PeopleTable pickled (summaries), or the error that kept it from being assembled
    appearances: Mapping[str, bytes] = field(default_factory=dict)  # person id → meetings and votes, pickled
    seconds: float = 0.0  # to assemble (0 when read from the file)
    reassemble: Callable[[], PeopleTable] | None = field(default=None, repr=False)  # the people from the records
    _people: PeopleTable | str | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def case(self, case_number: str) -> dict[str, Any] | None:
        """The case page's data (`cases.case_timeline`'s shape), None for no case of this archive."""
        found = self.cases.get(case_number)
        if found is None:
            return None
        try:
            return pickle.loads(found)
        except Exception:  # noqa: BLE001 - the file was damaged after it was opened: the caller assembles the case
            return None

    def people(self) -> PeopleTable:
        """The people table, unpickled on first use (a case page never needs
        it): everyone's summary, each person's appearances read on lookup.

        Raises PeopleUnavailable when it could not be assembled: the people
        pages fail as they would have, the case pages beside them do not."""
        if self._people is None:
            with self._lock:
                if self._people is None:
                    table = pickle.loads(self.people_bytes)
                    if isinstance(table, PeopleTable) and table.appearances is not None:
                        table.appearances = self.appearances  # a table of summaries: its appearances are the file's
                    self._people = table
        if isinstance(self._people, str):
            raise PeopleUnavailable(f"the people table could not be assembled ({self._people})")
        return self._people

    def person(self, person_id: str) -> Person | None:
        """One person, whole. Should the file have been damaged since it was
        opened, the people table is assembled from the records (once), as
        when there is no file at all."""
        table = self.people()
        try:
            return table.get(person_id)
        except AppearancesUnreadable:
            if self.reassemble is None:
                raise
            with self._lock:
                if self._people is table:
                    self._people = self.reassemble()
            return self.people().get(person_id)

    def to_bytes(self) -> bytes:
        """The file: `MAGIC`, the header's size, the header (a pickle: format,
        generation, content, and for each blob section its keys and where
        each key's bytes end), the people table's bytes, then each section's
        bytes (`SECTIONS`: the cases, then the people's appearances)."""
        sections: dict[str, tuple[list[str], bytes]] = {}
        blobs: list[bytes] = []
        for name in SECTIONS:
            mapping: Mapping[str, bytes] = getattr(self, name)
            keys = list(mapping)
            values = [mapping[key] for key in keys]
            sections[name] = (keys, array("q", itertools.accumulate(map(len, values))).tobytes())
            blobs.extend(values)
        header = pickle.dumps({"format": FORMAT, "generation": self.generation, "content": self.content,
                               "sections": sections, "people": len(self.people_bytes)},
                              protocol=pickle.HIGHEST_PROTOCOL)
        return b"".join([MAGIC, _HEADER_SIZE.pack(len(header)), header, self.people_bytes, *blobs])

    @classmethod
    def from_bytes(cls, data: bytes) -> Knowledge | None:
        """The tables in a file's bytes; None for a file of another format, or one cut short."""
        return cls._read(lambda offset, size: data[offset:offset + size], len(data))

    @classmethod
    def from_file(cls, path: Path) -> Knowledge | None:
        """The tables of a file, whose cases and appearances are read from it
        on lookup (it stays open until the tables are dropped); None as `from_bytes`."""
        reader = _FileReader(path)
        try:
            found = cls._read(reader, reader.size)
        except BaseException:
            reader.close()
            raise
        if found is None:
            reader.close()
            return cls._format_1(path)
        return found

    @classmethod
    def _format_1(cls, path: Path) -> Knowledge | None:
        """A file of the first format (one pickle, every case in memory),
        so that an index built before it changed keeps its tables until its
        next build writes them anew, instead of each server assembling them
        (at 1M items: 6 minutes and 8.8 GB)."""
        with open(path, "rb") as handle:
            if handle.read(2) != b"\x80\x05":  # pickle protocol 5: HIGHEST_PROTOCOL of Python 3.8+
                return None
            handle.seek(0)
            payload = pickle.load(handle)
        if not isinstance(payload, dict) or payload.get("format") != 1:
            return None
        return cls(payload["generation"], payload["content"], payload["cases"], payload["people"])

    @classmethod
    def _read(cls, read: Callable[[int, int], bytes], total: int) -> Knowledge | None:
        start = len(MAGIC) + _HEADER_SIZE.size
        if total < start or read(0, len(MAGIC)) != MAGIC:
            return None
        (size,) = _HEADER_SIZE.unpack(read(len(MAGIC), _HEADER_SIZE.size))
        header = pickle.loads(read(start, size))
        if not isinstance(header, dict) or header.get("format") not in (2, FORMAT):
            return None
        # format 2 (before the appearances were kept apart) had the cases alone, as numbers and ends
        declared = header["sections"] if header["format"] == FORMAT else {"cases": (header["numbers"], header["ends"])}
        offset = start + size + header["people"]
        sections: dict[str, Blobs] = {}
        for name in SECTIONS:
            keys, ends_bytes = declared.get(name, ([], b""))
            ends = array("q")
            ends.frombytes(ends_bytes)
            sections[name] = Blobs(read, keys, ends, offset)
            offset += ends[-1] if ends else 0
        if total != offset:
            return None
        return cls(header["generation"], header["content"], sections["cases"], read(start + size, header["people"]),
                   sections["appearances"])


class _FileReader:
    """An open file read with `os.pread`; closed when the last section
    reading it (or the people table holding them) is dropped."""

    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(fd).st_size
        self.close = weakref.finalize(self, os.close, fd)
        self._fd = fd

    def __call__(self, offset: int, size: int) -> bytes:
        return os.pread(self._fd, size, offset)


class Blobs(Mapping[str, bytes]):
    """Key → its pickled value (a case's timeline, a person's appearances),
    read on lookup from the file (or the bytes) the tables came from.

    A dict of one bytes object per case cost a server 577 MB at 1M generated
    items (the file, 614 MB, was read whole before unpickling: 1 GB more at
    its peak); read on lookup, the cases stay in the page cache, which the
    system shares between server processes and reclaims, and a process keeps
    only the keys and their offsets. Measured in bench/RESULTS.md. Read
    with `os.pread`, not mapped: a file damaged in place then gives short
    bytes (`Knowledge.case` answers None, and the case is assembled from the
    records), never a bus error."""

    def __init__(self, read: Callable[[int, int], bytes], keys: list[str], ends: array, start: int) -> None:
        self._read = read
        self._index = {key: position for position, key in enumerate(keys)}
        self._ends = ends
        self._start = start

    def __getitem__(self, key: str) -> bytes:
        position = self._index[key]
        begin = self._ends[position - 1] if position else 0
        return self._read(self._start + begin, self._ends[position] - begin)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def assemble(snapshot: Snapshot) -> Knowledge:
    """Both tables of one generation, from its stored records."""
    started = time.perf_counter()
    records = GenerationRecords(snapshot)
    cases = {number: _pickled(assemble_timeline(records, number)) for number in records.case_numbers()}
    appearances: dict[str, bytes] = {}
    try:
        people: PeopleTable | str
        people, appearances = assemble_people_by_meeting(records.meetings, records.items_of).split()
    except Exception as error:  # noqa: BLE001 - a flaw in the people's records must not cost the case pages
        people = f"{type(error).__name__}: {error}"
    return Knowledge(snapshot.generation, content_key(snapshot.searcher.reader()), cases, _pickled(people),
                     appearances, seconds=time.perf_counter() - started)


def assemble_people_of(snapshot: Snapshot) -> PeopleTable:
    """The people table of one generation from its stored records, whole
    (appearances in memory): a file damaged since a server opened it."""
    records = GenerationRecords(snapshot)
    return assemble_people_by_meeting(records.meetings, records.items_of)


def _pickled(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# --- with the index --------------------------------------------------------------------------


def knowledge_of(snapshot: Snapshot) -> Knowledge:
    """The tables of a snapshot's generation: read from the file the build
    wrote, or, when there is none that fits, assembled from the snapshot."""
    found = None
    if snapshot.folder is not None:
        found = read_knowledge(snapshot.folder, snapshot.generation, content_key(snapshot.searcher.reader()))
    if found is None:
        found = assemble(snapshot)
    found.reassemble = _reassembler(weakref.ref(snapshot))
    return found


def _reassembler(snapshot_ref: weakref.ref) -> Callable[[], PeopleTable]:
    """The people assembly of a snapshot the tables hold only weakly (the
    snapshot holds the tables: a strong reference back would keep a replaced
    generation's searcher and files open until the cycle collector ran)."""

    def reassemble() -> PeopleTable:
        snapshot = snapshot_ref()
        if snapshot is None:
            raise PeopleUnavailable("the generation these tables belong to has been closed")
        return assemble_people_of(snapshot)

    return reassemble


def read_knowledge(folder: Path, generation: int, content: ContentKey) -> Knowledge | None:
    """The file of this generation, if it is there, readable, and of this very content."""
    try:
        found = Knowledge.from_file(folder / file_name(generation))
    except Exception:  # noqa: BLE001 - missing, truncated or foreign: computed instead, never a failed request
        return None
    if found is None or found.generation != generation or found.content != content:
        return None
    return found


def write_knowledge(ix, index_dir: Path) -> Knowledge:
    """Assemble and write the tables of the index's newest committed generation.

    Called by the build after its commit. Should another build commit in
    between, this writes the tables of that newer generation (named by the
    generation actually read), which is all a reader can ask for. When the
    generation holds what the previous one held (a build that found nothing
    to change), the previous tables are kept under the new name."""
    from .snapshot import load_snapshot  # snapshot imports the build, which imports this module

    snapshot = load_snapshot(ix, postings_cache_bytes=64 << 20)
    try:
        content = content_key(snapshot.searcher.reader())
        knowledge = _unchanged(index_dir, snapshot.generation, content) or assemble(snapshot)
        _write_atomically(index_dir / file_name(snapshot.generation), knowledge.to_bytes())
    finally:
        snapshot.searcher.close()
    remove_older(index_dir, snapshot.generation)
    return knowledge


def _unchanged(index_dir: Path, generation: int, content: ContentKey) -> Knowledge | None:
    """The previous generation's tables, renamed, when its content is this one's."""
    for older in sorted(_generations(index_dir), reverse=True):
        if older < generation:
            found = read_knowledge(index_dir, older, content)
            if found is not None:
                found.generation = generation
                return found
            break
    return None


def _write_atomically(target: Path, data: bytes) -> None:
    """Written whole under a temporary name, then renamed; readable by whoever
    may read the index (a temporary file is private to its writer: the
    mode of the generation's table of contents is copied)."""
    handle = tempfile.NamedTemporaryFile("wb", dir=target.parent, prefix=TEMP_PREFIX, suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, _index_file_mode(target.parent))
        os.replace(handle.name, target)  # a unique temporary name: builds finishing together never collide
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _index_file_mode(index_dir: Path) -> int:
    for toc in index_dir.glob(f"_{INDEX_NAME}_*.toc"):
        try:
            return stat.S_IMODE(toc.stat().st_mode)
        except OSError:  # replaced by a newer generation's just now
            continue
    return 0o644


def _generations(index_dir: Path) -> Iterable[int]:
    for entry in index_dir.iterdir():
        match = FILE_PATTERN.match(entry.name)
        if match:
            yield int(match.group(1))


def remove_older(index_dir: Path, generation: int) -> None:
    """Remove the tables of generations before the previous one: Whoosh has
    deleted those generations' files at the commit. The previous one stays
    for requests still reading it."""
    for older in list(_generations(index_dir)):
        if older < generation - 1:
            (index_dir / file_name(older)).unlink(missing_ok=True)
