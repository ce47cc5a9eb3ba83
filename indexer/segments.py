"""Writing an index segment with postings grouped by term, not queued one by one.

Whoosh's segment writer turns every posting into a 5-tuple in an external
sorting pool (size accounting, pickled runs, a heap merge), and at commit feeds
them one by one through the codec's field writer, looking up each posting's
field length in the just-written length column. That per-posting Python was
most of our build: profiled on 3,000 generated items (`bench.profile_build`,
635 postings per item), Whoosh's writing cost 5.75 ms per item against 1.35 ms
for the analysis it includes and 1.34 ms for parsing.

`BulkSegmentWriter` writes the same files. While documents are added, a
field with a word chain (every text field: see below) keeps its postings in
columns (`FieldColumns`): per document its distinct words and their counts
appended to flat lists (`list.extend`, `array.extend`), no Python per
posting. Other fields (identifiers, paths, dates: a posting or a few per
document) keep a dict of term → postings in document order (a term's first
posting as a tuple, then a list of arrays). Past the writer's memory limit,
or at commit, each field is grouped by term: its words get ids in byte
order, a stable numpy sort of the ids puts every term's postings together
in document order, and the field becomes arrays with each term's bounds
(`TermBlock`); a spill writes those blocks to a sorted run. At commit the
runs and the memory are merged term by term (with one source, no merge),
and each term is written whole: a term with one posting straight into the
term table as the inlining codec stores it (`indexer.codec`), longer lists
block by block as the codec's block writer writes them, each block's ids,
weights and values minified from plain lists with C loops (`_write_block`),
with block statistics taken from the segment's length column read once.
Postings of segments merged into this one (Whoosh's merge policy,
`add_reader`) still arrive through Whoosh's pool and are grouped the same way.

The terms of a document's fields come from each analyzer's token-free form
(`analysis.word_chain`: the same texts as its index-time tokens, without a
Token object per word through a generator per step) counted by
`collections.Counter`, not from Whoosh's Frequency format counting tokens
in Python.

Measured (`bench.profile_build`, 200 generated files, 2,840 items, one
process, a loaded machine): writing 3.74 ms per item, of which posting
collection, stored fields and commit 2.39, with the postings kept by term
(a dict look-up and three appends per posting, Whoosh's per-posting block
writer); 2.41 and 0.98 with columns and list-minified blocks. Memory: 43-47
bytes a posting held (tracemalloc), against 83-170 by term.

The files are byte for byte those of Whoosh's writer with the same codec
(`tests/test_segments.py` compares them, with runs, merges and deletions).
The fast paths use internals of the pinned whoosh3 3.54.0 codec (W3 field
and postings writers); any other codec gets the same grouping written through
the codec's public per-posting calls.

Measured: see `bench/RESULTS.md` (build, same run, before and after).
"""

from __future__ import annotations

import heapq
import itertools
import operator
import pickle
import struct
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from whoosh.codec import whoosh3
from whoosh.formats import Frequency
from whoosh.system import emptybytes, pack_uint
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .analysis import WordChain, word_chain

# (docnums, weights, values): one term's postings in document order; docnums
# uint32 and weights as added (doubles: a block stores them as floats, its
# maximum as given), numpy arrays; values either the frequencies (uint32, a
# Frequency field's postings: the encoded value is `pack_uint` of each) or
# the format's encoded bytes per posting (a list, b"" where it stores none)
TermPostings = tuple[np.ndarray, np.ndarray, Any]
# (fieldname, term bytes, postings) in (fieldname, term) order
TermStream = Iterator[tuple[str, bytes, TermPostings]]

# Memory accounting for the spill limit. Fields kept by term (`_add_indexed`):
# bytes per distinct term (dict slot, key bytes, the first posting's tuple)
# and per posting (array items, the value's bytes object), fitted to
# tracemalloc's count of what adding documents allocates, on 40 Greve
# meetings (120,918 terms, 355,069 postings, 60.4 MB) and 60 generated files
# (38,352 terms, 661,851 postings, 55.0 MB). Fields kept in columns
# (`FieldColumns`): per posting (the list slot, the frequency, the share of
# the term strings not shared with the analyser's caches: phrase pairs are new
# strings) and per document and field, fitted likewise: 60 generated files
# (574,405 postings, 24.7 MB: 43 bytes a posting) and 40 Greve meetings
# (352,605 postings, 16.5 MB: 47 bytes), against 55.0 and 60.4 MB kept by term.
TERM_BYTES = 310
POSTING_BYTES = 66
COLUMN_POSTING_BYTES = 46
DOCUMENT_FIELD_BYTES = 24
RUN_CHUNK = 4096  # terms per pickled record in a run file

_TERMINFO = struct.Struct("!BfIBBfII")  # whoosh3.W3TermInfo._struct
_USHORT = struct.Struct("!H")  # whoosh.system.pack_ushort
_FREQ_BYTES = tuple(pack_uint(freq) for freq in range(256))  # Frequency's encoded value per small frequency


def float32(value: float) -> float:
    """The value as a posting block stores it (array "f")."""
    return array("f", (value,))[0]


class BulkSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with postings kept by term (module docstring).

    Supports schemas without term vectors or separate spelling fields (the
    pool's spelling pseudo-postings have no place here); refuses others at
    construction rather than writing a different index."""

    def __init__(self, ix, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"BulkSegmentWriter cannot write field {name!r} (term vectors or spelling)")
        # fields whose postings are counted from their analyzer's plain words
        # (`analysis.word_chain`): Frequency fields, every posting's value its
        # frequency; their postings are kept in columns (`FieldColumns`)
        self._chains = word_chains(self.schema)
        self._columns: dict[str, FieldColumns] = {}
        # the other indexed fields (identifiers, dates, paths: a posting or a
        # few per document), term → postings as `_add_posting` keeps them
        self._terms: dict[str, dict[bytes, Any]] = {}
        self._limit = limitmb * 1024 * 1024
        self._size = 0
        self._runs: list[str] = []

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        grown = 0
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    chain = self._chains.get(fieldname)
                    if chain is not None:
                        length, grown_here = self._add_counted(fieldname, field, chain, value, fieldboost)
                    else:
                        length, grown_here = self._add_indexed(fieldname, field, value, fieldboost)
                    grown += grown_here
                    if not field.scorable:
                        length = 0
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        self._size += grown
        if self._size > self._limit:
            self._spill()

    def _add_counted(self, fieldname: str, field, chain: WordChain, value: Any, fieldboost: float) -> tuple[int, int]:
        """A word-chain field's postings of this document into its columns;
        (field length, bytes grown). The words are counted by `Counter` and
        appended as they are: no per-posting Python here."""
        if type(value) is str:
            words = chain(value)
            counts: dict[str, int] = Counter(words)
            length = len(words)
        else:  # a list of words, as Whoosh allows: its own analysis, then the same columns
            counts = {tbytes.decode("utf-8"): freq for tbytes, freq, _, _ in field.index(value)}
            length = sum(counts.values())
        columns = self._columns.get(fieldname)
        if columns is None:
            columns = self._columns[fieldname] = FieldColumns(field.format.field_boost)
        columns.add(self.docnum, counts, fieldboost)
        return length, len(counts) * COLUMN_POSTING_BYTES + DOCUMENT_FIELD_BYTES

    def _add_indexed(self, fieldname: str, field, value: Any, fieldboost: float) -> tuple[int, int]:
        """Any other field's postings through Whoosh's `field.index`, by term; (length, bytes grown)."""
        terms = self._terms.get(fieldname)
        if terms is None:
            terms = self._terms[fieldname] = {}
        docnum = self.docnum
        length = grown = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            weight *= fieldboost
            length += freq
            entry = terms.get(tbytes)
            if entry is None:
                terms[tbytes] = (docnum, weight, vbytes)
                grown += TERM_BYTES
            elif type(entry) is tuple:
                terms[tbytes] = [array("I", (entry[0], docnum)), array("d", (entry[1], weight)), [entry[2], vbytes]]
                grown += 2 * POSTING_BYTES
            else:
                entry[0].append(docnum)
                entry[1].append(weight)
                entry[2].append(vbytes)
                grown += POSTING_BYTES
        return length, grown

    # --- runs --------------------------------------------------------------------------

    def _memory_blocks(self) -> Iterator[TermBlock]:
        """The postings in memory, one block per field in field order, terms
        sorted; each field's columns are let go once grouped (a spill or the
        commit reads them once), so a field's sorted copy never sits beside
        every field's columns."""
        for fieldname in sorted({*self._columns, *self._terms}):
            if fieldname in self._columns:
                yield self._columns.pop(fieldname).block(fieldname)
            else:
                yield _dict_block(fieldname, self._terms.pop(fieldname))

    def _spill(self) -> None:
        """Write the in-memory terms out as one sorted run in the temporary storage."""
        # a random name, as Whoosh's pool names its runs: every writer of an
        # index, the multiprocess writer's sub-writers too, shares one
        # temporary folder ("MAIN.tmp")
        name = f"{random_name()}.run"
        with self._tempstorage.create_file(name).raw_file() as handle:
            for block in self._memory_blocks():
                for chunk in _split_block(block, RUN_CHUNK):
                    pickle.dump(chunk, handle, pickle.HIGHEST_PROTOCOL)
        self._runs.append(name)
        self._columns = {}
        self._terms = {}
        self._size = 0

    def _run_terms(self, name: str) -> TermStream:
        with self._tempstorage.open_file(name).raw_file() as handle:
            while True:
                try:
                    block = pickle.load(handle)
                except EOFError:
                    return
                yield from _block_terms(block)

    def _all_terms(self) -> TermStream:
        """Every term of the segment once, its postings in document order:
        the runs (oldest first), the terms still in memory, then the postings
        Whoosh's merge policy put in the pool (documents of merged segments,
        numbered after the added ones)."""
        memory = (term for block in self._memory_blocks() for term in _block_terms(block))
        if not self._runs and not self.pool.runs and not self.pool.current:
            yield from memory  # one source: nothing to merge
            return
        sources = [self._run_terms(name) for name in self._runs]
        sources.append(memory)
        sources.append(_pool_terms(self.pool.iter_postings()))
        merged = heapq.merge(*(_ranked(rank, source) for rank, source in enumerate(sources)))
        for (fieldname, tbytes), group in itertools.groupby(merged, key=lambda entry: entry[0]):
            parts = [postings for _, _, postings in group]
            yield fieldname, tbytes, parts[0] if len(parts) == 1 else _concatenated(parts)

    # --- commit ------------------------------------------------------------------------

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        try:
            write_terms(self.fieldwriter, self.schema, self._all_terms(), reader, self.docnum)
            self.fieldwriter.close()
        finally:
            if reader is not None:
                reader.close()
        self._columns = {}
        self._terms = {}

    def _close_segment(self) -> None:
        super()._close_segment()
        for name in self._runs:
            if self._tempstorage.file_exists(name):
                self._tempstorage.delete_file(name)
        self._runs = []


class FieldColumns:
    """One word-chain field's postings as added: per document its distinct
    words and their counts appended to flat columns (`list.extend`,
    `array.extend`: C loops), grouped by term only when the field is written
    out (`block`), by sorting term ids with numpy.

    Keeping them by term as they came (a dict look-up and an append per
    posting in Python) was 1.2 ms of the build's ~4.7 ms of CPU per item
    (bench/RESULTS.md, 2026-12-02)."""

    __slots__ = ("boost", "words", "freqs", "starts", "docnums", "boosts")

    def __init__(self, format_boost: float) -> None:
        self.boost = format_boost  # the Frequency format's field_boost: weight = frequency × it
        self.words: list[str] = []  # per posting: the term
        self.freqs = array("I")  # per posting: its frequency in the document
        self.starts = array("q")  # per document: where its postings begin in `words`
        self.docnums = array("I")  # per document: its number
        self.boosts = array("d")  # per document: its field boost (1.0 unless given)

    def add(self, docnum: int, counts: dict[str, int], fieldboost: float) -> None:
        self.starts.append(len(self.words))
        self.docnums.append(docnum)
        self.boosts.append(fieldboost)
        self.words.extend(counts)
        self.freqs.extend(counts.values())

    def block(self, fieldname: str) -> TermBlock:
        """The postings grouped by term, terms in byte order, each term's
        postings in document order (a stable sort of term ids keeps the order
        they were added in): what Whoosh's sorted pool gives, as arrays."""
        words = self.words
        count = len(words)
        unique = sorted(set(words))  # str order is UTF-8 byte order
        rank = dict(zip(unique, range(len(unique))))
        ids = np.fromiter(map(rank.__getitem__, words), dtype=np.int64, count=count)
        order = np.argsort(ids, kind="stable")
        per_document = np.diff(np.append(np.frombuffer(self.starts, dtype=np.int64), count))
        docs = np.repeat(np.frombuffer(self.docnums, dtype=np.uint32), per_document)[order]
        freqs = np.frombuffer(self.freqs, dtype=np.uint32)[order]
        # as `field.index` and the writer compute it: (frequency × format boost) × field boost
        weights = freqs.astype(np.float64) * self.boost
        boosts = np.frombuffer(self.boosts, dtype=np.float64)
        if (boosts != 1.0).any():
            weights *= np.repeat(boosts, per_document)[order]
        bounds = np.zeros(len(unique) + 1, dtype=np.int64)
        np.cumsum(np.bincount(ids, minlength=len(unique)), out=bounds[1:])
        return fieldname, [word.encode("utf-8") for word in unique], bounds, docs, weights, freqs


# (fieldname, terms in order, bounds, docnums, weights, values): a field's
# terms and their postings, term i's at [bounds[i], bounds[i + 1]); values are
# frequencies (uint32, a Frequency field: the encoded value is `pack_uint`
# of it) or the format's encoded bytes per posting (a list)
TermBlock = tuple[str, list, np.ndarray, np.ndarray, np.ndarray, Any]


def _dict_block(fieldname: str, terms: dict[bytes, Any]) -> TermBlock:
    """A block from `BulkSegmentWriter._add_indexed`'s term → postings."""
    keys = sorted(terms)
    docs, weights, values = array("I"), array("d"), []
    bounds = np.zeros(len(keys) + 1, dtype=np.int64)
    for number, tbytes in enumerate(keys, 1):
        entry = terms[tbytes]
        if type(entry) is tuple:
            docs.append(entry[0])
            weights.append(entry[1])
            values.append(entry[2])
        else:
            docs.extend(entry[0])
            weights.extend(entry[1])
            values.extend(entry[2])
        bounds[number] = len(docs)
    return (fieldname, keys, bounds, np.frombuffer(docs, dtype=np.uint32).copy(),
            np.frombuffer(weights, dtype=np.float64).copy(), values)


def _split_block(block: TermBlock, size: int) -> Iterator[TermBlock]:
    """The block in pieces of at most `size` terms (a run file's records, so
    that merging reads a run a piece at a time)."""
    fieldname, terms, bounds, docs, weights, values = block
    for first in range(0, len(terms), size):
        last = min(first + size, len(terms))
        low, high = int(bounds[first]), int(bounds[last])
        yield (fieldname, terms[first:last], bounds[first:last + 1] - low, docs[low:high],
               weights[low:high], values[low:high])


def _block_terms(block: TermBlock) -> TermStream:
    fieldname, terms, bounds, docs, weights, values = block
    edges = bounds.tolist()
    for number, tbytes in enumerate(terms):
        low, high = edges[number], edges[number + 1]
        yield fieldname, tbytes, (docs[low:high], weights[low:high], values[low:high])


def word_chains(schema) -> dict[str, WordChain]:
    """Per indexed Frequency field, its analyzer's token-free index-time form
    (`analysis.word_chain`) where it has one."""
    chains = {}
    for name, field in schema.items():
        if field.indexed and type(field.format) is Frequency:
            chain = word_chain(getattr(field, "analyzer", None))
            if chain is not None:
                chains[name] = chain
    return chains


def _encoded_freq(freq: int) -> bytes:
    """`pack_uint(freq)`, the small ones shared."""
    return _FREQ_BYTES[freq] if freq < 256 else pack_uint(freq)


def _pool_terms(postings: Iterable[tuple[str, bytes, int, float, bytes | None]]) -> TermStream:
    for (fieldname, tbytes), group in itertools.groupby(postings, key=lambda p: (p[0], p[1])):
        docs, weights, values = array("I"), array("d"), []
        for _, _, docnum, weight, vbytes in group:
            docs.append(docnum)
            weights.append(weight)
            values.append(vbytes)
        yield fieldname, tbytes, (np.frombuffer(docs, dtype=np.uint32), np.frombuffer(weights, dtype=np.float64), values)


def _ranked(rank: int, source: TermStream) -> Iterator[tuple[tuple[str, bytes], int, TermPostings]]:
    """Entries keyed for the merge: equal terms come out in source order."""
    for fieldname, tbytes, postings in source:
        yield (fieldname, tbytes), rank, postings


def _concatenated(parts: list[TermPostings]) -> TermPostings:
    """One term's postings from several sources, each in document order."""
    for before, after in zip(parts, parts[1:]):
        if after[0][0] <= before[0][-1]:  # never by construction (sources follow document order)
            raise AssertionError("postings of one term out of document order between runs")
    docs = np.concatenate([part[0] for part in parts])
    weights = np.concatenate([part[1] for part in parts])
    if all(isinstance(part[2], np.ndarray) for part in parts):
        values: Any = np.concatenate([part[2] for part in parts])
    else:  # frequencies beside encoded values (a merged segment's postings): all encoded
        values = [value for part in parts for value in _value_list(part[2])]
    return docs, weights, values


def _value_list(values: Any) -> list:
    """Encoded values, one per posting, from frequencies or as they are."""
    if isinstance(values, np.ndarray):
        return [_encoded_freq(freq) for freq in values.tolist()]
    return list(values)


# --- field lengths -----------------------------------------------------------------------


def length_codes(perdoc, fieldname: str, count: int) -> np.ndarray:
    """The byte-coded field length (Whoosh's `length_to_byte`) of each of a
    segment's `count` documents, read as one array where the codec allows
    (0 where the field is empty or not scorable, or the codec keeps no
    length statistics: `perdoc` None)."""
    codes = np.zeros(count, dtype=np.uint8)
    if perdoc is None:
        return codes
    if not hasattr(perdoc, "_cached_reader"):  # another codec: its public per-document call
        for docnum in range(count):
            codes[docnum] = length_to_byte(perdoc.doc_field_length(docnum, fieldname) or 0)
        return codes
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if column is None:  # no lengths stored for this field
        return codes
    if all(hasattr(column, name) for name in ("_dbfile", "_basepos", "_fixedlen", "_doccount")) and column._fixedlen == 1:
        stored = min(count, column._doccount)  # a missing tail is length 0
        buffer = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
        codes[: buffer.size] = buffer
        return codes
    return np.fromiter((column[d] for d in range(count)), dtype=np.uint8, count=count)


# --- writing terms -----------------------------------------------------------------------


def write_terms(fieldwriter, schema, terms: TermStream, perdoc, doc_count: int) -> None:
    """Write a segment's terms, in order, through the codec's field writer."""
    fast = isinstance(fieldwriter, whoosh3.W3FieldWriter)
    current = None
    for fieldname, tbytes, postings in terms:
        if fieldname not in schema:
            continue
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current = fieldname
            code_array = length_codes(perdoc, fieldname, doc_count)
            codes = code_array.tobytes()
            inline = fast and getattr(fieldwriter._postwriter, "_inlinelimit", 1) > 1
        docs, weights, values = postings
        if inline and len(docs) == 1:
            docnum = int(docs[0])
            vbytes = _encoded_freq(int(values[0])) if isinstance(values, np.ndarray) else values[0]
            _write_single(fieldwriter, tbytes, docnum, float(weights[0]), vbytes, codes[docnum])
        elif fast:
            _write_blocks(fieldwriter, tbytes, docs, weights, values, codes)
        else:
            fieldwriter.start_term(tbytes)
            for docnum, weight, vbytes in zip(docs.tolist(), weights.tolist(), _value_list(values)):
                fieldwriter.add(docnum, weight, vbytes or emptybytes, byte_to_length(codes[docnum]))
            fieldwriter.finish_term()
    if current is not None:
        fieldwriter.finish_field()


def _write_single(fieldwriter, tbytes: bytes, docnum: int, weight: float, vbytes: bytes | None, code: int) -> None:
    """One posting inlined in its term info, as `codec.InliningPostingsWriter` stores it."""
    stored = float32(weight)
    info = _TERMINFO.pack(1, stored, 1, code, code, max(0, weight), docnum, docnum)
    inlined = pickle.dumps(((docnum,), (stored,), (vbytes or emptybytes,)), 2)
    fieldwriter._tindex.add(_USHORT.pack(fieldwriter._fieldid) + tbytes, info + inlined)


class _BlockStats:
    """What `W3TermInfo.add_block` reads of a block (the postings writer's
    own accessors), for a block written by `_write_block`."""

    __slots__ = ("_weights", "_count", "_minid", "_maxid", "_minlength", "_maxlength", "_maxweight")

    def __init__(self, weights: list, count: int, minid: int, maxid: int, minlength: int | None,
                 maxlength: int, maxweight: float) -> None:
        self._weights, self._count, self._minid, self._maxid = weights, count, minid, maxid
        self._minlength, self._maxlength, self._maxweight = minlength, maxlength, maxweight

    def __len__(self) -> int:
        return self._count

    def min_id(self) -> int:
        return self._minid

    def max_id(self) -> int:
        return self._maxid

    def min_length(self) -> int | None:
        return self._minlength

    def max_length(self) -> int:
        return self._maxlength

    def max_weight(self) -> float:
        return self._maxweight


def _write_blocks(fieldwriter, tbytes: bytes, docs: np.ndarray, weights: np.ndarray, values: Any,
                  codes: bytes) -> None:
    """A term's postings block by block, as the codec's postings writer
    (`W3PostingsWriter.add_posting` … `finish_postings`) writes them, with
    each block's arrays minified by numpy (`_write_block`) instead of per
    posting in Python. A term the writer would inline goes through the
    writer itself."""
    fieldwriter.start_term(tbytes)
    writer = fieldwriter._postwriter
    total = len(docs)
    if total < writer._inlinelimit:
        _fill_buffer(writer, docs, weights, values, codes)
        fieldwriter.finish_term()
        return
    terminfo = writer._terminfo
    limit = writer._blocklimit
    for start in range(0, total, limit):
        end = min(start + limit, total)
        _write_block(writer, terminfo, docs[start:end], weights[start:end], values[start:end], codes, end == total)
    # the rest of finish_postings and W3FieldWriter.finish_term
    startoffset = writer._startoffset
    terminfo.set_extent(startoffset, writer._postfile.tell() - startoffset)
    writer._terminfo = None
    fieldwriter._tindex.add(_USHORT.pack(fieldwriter._fieldid) + tbytes, terminfo.to_bytes())


def _length_range(codes: bytes, ids: list[int]) -> tuple[int | None, int]:
    """(shortest, longest) field length of the documents `ids`, their length
    codes looked up in `codes` (`length_codes` as bytes), as add_posting
    tracks them: lengths 0 ignored, None and 0 when every one is."""
    found = bytes(map(codes.__getitem__, ids)).replace(b"\x00", b"")
    if not found:
        return None, 0
    return byte_to_length(min(found)), byte_to_length(max(found))


def _fill_buffer(writer, docs: np.ndarray, weights: np.ndarray, values: Any, codes: bytes) -> None:
    """The postings writer's block buffer as add_posting would leave it."""
    writer._ids = array("I", docs.tolist())
    writer._weights = array("f", weights.tolist())
    writer._values = [value for value in _value_list(values) if value]
    writer._maxweight = max(0, max(weights.tolist()))  # as add_posting: from an int 0
    writer._minlength, writer._maxlength = _length_range(codes, docs.tolist())


def _mini_values(writer, values: Any) -> Any:
    """`W3PostingsWriter._mini_values` of the block's values."""
    fixedsize = writer._format.fixed_value_size()
    if isinstance(values, np.ndarray) and fixedsize == 4:  # frequencies: pack_uint each, joined
        return values.astype(">u4").tobytes()
    kept = [value for value in _value_list(values) if value]  # add_posting keeps non-empty values only
    if fixedsize is None or fixedsize < 0:
        return tuple(kept)
    if fixedsize == 0:
        return None
    return emptybytes.join(kept)


def _write_block(writer, terminfo, docs: np.ndarray, weights: np.ndarray, values: Any, codes: bytes,
                 last: bool) -> None:
    """`W3PostingsWriter._write_block` for one block of postings, the same bytes."""
    if not writer._blockcount:
        writer._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
    # plain lists and C loops: a block holds 128 postings at most, where
    # numpy's per-call cost outweighs its speed (measured on 3,040 documents:
    # numpy's diff and comparisons per block cost more than the lists)
    ids = docs.tolist()
    weights_list = weights.tolist()
    stored_list = array("f", weights_list).tolist()  # the block's array("f")
    count = len(ids)
    minlength, maxlength = _length_range(codes, ids)
    maxweight = max(0, max(weights_list))  # as add_posting: from an int 0
    terminfo.add_block(_BlockStats(stored_list, count, ids[0], ids[-1], minlength, maxlength, maxweight))
    if stored_list.count(1.0) == count:
        mini_weights: Any = None
    elif stored_list.count(stored_list[0]) == count:
        mini_weights = stored_list[0]
    else:
        mini_weights = tuple(stored_list)
    deltas = map(operator.sub, ids, [0, *ids[:-1]])  # delta_encode: from 0 in each block
    databytes = pickle.dumps((tuple(deltas), mini_weights, _mini_values(writer, values)), 2)
    compression = writer._compression
    if len(databytes) < whoosh3.COMPRESSION_MIN_SIZE:
        compression = 0
    if compression:
        databytes = zlib.compress(databytes, compression)
    infobytes = pickle.dumps((count, ids[-1], maxweight, compression, length_to_byte(minlength),
                              length_to_byte(maxlength)), 2)
    postfile = writer._postfile
    blocklength = len(infobytes) + len(databytes)
    postfile.write_int(-blocklength if last else blocklength)
    postfile.write(infobytes)
    postfile.write(databytes)
    writer._blockcount += 1
