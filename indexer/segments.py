"""Writing an index segment with postings grouped by term, not queued one by one.

Whoosh's segment writer turns every posting into a 5-tuple in an external
sorting pool (size accounting, pickled runs, a heap merge), and at commit feeds
them one by one through the codec's field writer, looking up each posting's
field length in the just-written length column. That per-posting Python was
most of our build: profiled on 3,000 generated items (`bench.profile_build`,
635 postings per item), Whoosh's writing cost 5.75 ms per item against 1.35 ms
for the analysis it includes and 1.34 ms for parsing.

`BulkSegmentWriter` writes the same files. While documents are added, each
field's postings go into a dict of term → postings in document order (a
term's first posting as a tuple: most terms of this index, the phrase pairs,
occur once, the tuple then grows into a list of arrays); past the writer's memory limit the dict is written out as a
sorted run. At commit the runs and the dict are merged term by term, and
each term is written whole: a term with one posting straight into the term
table as the inlining codec stores it (`indexer.codec`), longer lists block by
block through the codec's own block writer, with block statistics taken from
the segment's length column read once as an array. Postings of segments
merged into this one (Whoosh's merge policy, `add_reader`) still arrive
through Whoosh's pool and are grouped the same way.

The terms of a document's fields come from each analyzer's token-free form
(`analysis.word_chain`: the same texts as its index-time tokens, without a
Token object per word through a generator per step) counted by
`collections.Counter` (`field_postings`), not from Whoosh's Frequency format
counting tokens in Python.

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
import pickle
import struct
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

# (docnums, weights, values): one term's postings in document order; weights
# as added (doubles: a block stores them as floats, its maximum as given),
# values the format's encoded bytes per posting (b"" where it stores none)
TermPostings = tuple[array, array, list]
# (fieldname, term bytes, postings) in (fieldname, term) order
TermStream = Iterator[tuple[str, bytes, TermPostings]]

# Memory accounting for the spill limit: bytes per distinct term (dict slot,
# key bytes, the first posting's tuple) and per posting (array items, the
# value's bytes object). Fitted to tracemalloc's count of what adding
# documents allocates, on 40 Greve meetings (120,918 terms, 355,069 postings,
# 60.4 MB) and 60 generated files (38,352 terms, 661,851 postings, 55.0 MB).
TERM_BYTES = 310
POSTING_BYTES = 66
RUN_CHUNK = 4096  # terms per pickled record in a run file
SMALL_TERM = 16  # postings up to which block statistics are computed without numpy

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
        self._terms: dict[str, dict[bytes, Any]] = {}
        # fields whose postings are counted from their analyzer's plain words
        # (`analysis.word_chain`): Frequency fields, every posting's value its frequency
        self._chains = word_chains(self.schema)
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
                    terms = self._terms.get(fieldname)
                    if terms is None:
                        terms = self._terms[fieldname] = {}
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in field_postings(field, self._chains.get(fieldname), value):
                        weight *= fieldboost
                        if scorable:
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

    # --- runs --------------------------------------------------------------------------

    def _spill(self) -> None:
        """Write the in-memory terms out as one sorted run in the temporary storage."""
        # a random name, as Whoosh's pool names its runs: every writer of an
        # index, the multiprocess writer's sub-writers too, shares one
        # temporary folder ("MAIN.tmp")
        name = f"{random_name()}.run"
        with self._tempstorage.create_file(name).raw_file() as handle:
            for chunk in _chunks(_memory_terms(self._terms), RUN_CHUNK):
                pickle.dump(chunk, handle, pickle.HIGHEST_PROTOCOL)
        self._runs.append(name)
        self._terms = {}
        self._size = 0

    def _run_terms(self, name: str) -> TermStream:
        with self._tempstorage.open_file(name).raw_file() as handle:
            while True:
                try:
                    chunk = pickle.load(handle)
                except EOFError:
                    return
                yield from chunk

    def _all_terms(self) -> TermStream:
        """Every term of the segment once, its postings in document order:
        the runs (oldest first), the terms still in memory, then the postings
        Whoosh's merge policy put in the pool (documents of merged segments,
        numbered after the added ones)."""
        sources = [self._run_terms(name) for name in self._runs]
        sources.append(_memory_terms(self._terms))
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
        self._terms = {}

    def _close_segment(self) -> None:
        super()._close_segment()
        for name in self._runs:
            if self._tempstorage.file_exists(name):
                self._tempstorage.delete_file(name)
        self._runs = []


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


def field_postings(field, chain: WordChain | None, value: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
    """`field.index(value)`: (term bytes, frequency, weight, encoded value) per
    distinct term. With the field's word chain (`word_chains`) the words are
    counted by `collections.Counter` instead of through Whoosh's tokens:
    what its Frequency format makes of the same words (`Frequency.word_values`,
    encoded as `FieldType.index` does), per word in first-seen order its UTF-8
    bytes, count, weight (count × the format's boost, as the sum of tokens'
    boosts of 1.0) and encoded count."""
    if chain is None or type(value) is not str:
        return field.index(value)
    boost = field.format.field_boost
    return [(word.encode("utf-8"), freq, freq * boost, _FREQ_BYTES[freq] if freq < 256 else pack_uint(freq))
            for word, freq in Counter(chain(value)).items()]


def _memory_terms(terms: dict[str, dict[bytes, Any]]) -> TermStream:
    for fieldname in sorted(terms):
        field_terms = terms[fieldname]
        for tbytes in sorted(field_terms):
            entry = field_terms[tbytes]
            if type(entry) is tuple:
                entry = (array("I", (entry[0],)), array("d", (entry[1],)), [entry[2]])
            yield fieldname, tbytes, entry


def _pool_terms(postings: Iterable[tuple[str, bytes, int, float, bytes | None]]) -> TermStream:
    for (fieldname, tbytes), group in itertools.groupby(postings, key=lambda p: (p[0], p[1])):
        docs, weights, values = array("I"), array("d"), []
        for _, _, docnum, weight, vbytes in group:
            docs.append(docnum)
            weights.append(weight)
            values.append(vbytes)
        yield fieldname, tbytes, (docs, weights, values)


def _ranked(rank: int, source: TermStream) -> Iterator[tuple[tuple[str, bytes], int, TermPostings]]:
    """Entries keyed for the merge: equal terms come out in source order."""
    for fieldname, tbytes, postings in source:
        yield (fieldname, tbytes), rank, postings


def _concatenated(parts: list[TermPostings]) -> TermPostings:
    """One term's postings from several sources, each in document order."""
    docs, weights, values = array("I"), array("d"), []
    for part_docs, part_weights, part_values in parts:
        if docs and part_docs[0] <= docs[-1]:  # never by construction (sources follow document order)
            raise AssertionError("postings of one term out of document order between runs")
        docs.extend(part_docs)
        weights.extend(part_weights)
        values.extend(part_values)
    return docs, weights, values


def _chunks(stream: Iterable, size: int) -> Iterator[list]:
    iterator = iter(stream)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


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
            codes = length_codes(perdoc, fieldname, doc_count)
            inline = fast and getattr(fieldwriter._postwriter, "_inlinelimit", 1) > 1
        docs, weights, values = postings
        if inline and len(docs) == 1:
            _write_single(fieldwriter, tbytes, docs[0], weights[0], values[0], int(codes[docs[0]]))
        elif fast:
            _write_blocks(fieldwriter, tbytes, docs, weights, values, codes)
        else:
            fieldwriter.start_term(tbytes)
            for docnum, weight, vbytes in zip(docs, weights, values):
                fieldwriter.add(docnum, weight, vbytes or emptybytes, byte_to_length(int(codes[docnum])))
            fieldwriter.finish_term()
    if current is not None:
        fieldwriter.finish_field()


def _write_single(fieldwriter, tbytes: bytes, docnum: int, weight: float, vbytes: bytes | None, code: int) -> None:
    """One posting inlined in its term info, as `codec.InliningPostingsWriter` stores it."""
    stored = float32(weight)
    info = _TERMINFO.pack(1, stored, 1, code, code, max(0, weight), docnum, docnum)
    inlined = pickle.dumps(((docnum,), (stored,), (vbytes or emptybytes,)), 2)
    fieldwriter._tindex.add(_USHORT.pack(fieldwriter._fieldid) + tbytes, info + inlined)


def _write_blocks(fieldwriter, tbytes: bytes, docs: array, weights: array, values: list, codes: np.ndarray) -> None:
    """A term's postings block by block through the codec's own block writer,
    its per-posting buffer filled a block at a time."""
    fieldwriter.start_term(tbytes)
    writer = fieldwriter._postwriter
    limit = writer._blocklimit
    total = len(docs)
    for start in range(0, total, limit):
        end = min(start + limit, total)
        block_docs, block_weights = docs[start:end], weights[start:end]
        writer._ids = block_docs
        writer._weights = array("f", block_weights)
        writer._values = [v for v in values[start:end] if v]
        writer._maxweight = max(0, max(block_weights))  # as add_posting: from an int 0
        if end - start <= SMALL_TERM:
            block_codes = [int(codes[d]) for d in block_docs]
            nonzero = [c for c in block_codes if c]
            low, high = (min(nonzero), max(nonzero)) if nonzero else (0, 0)
        else:
            block_codes = codes[np.frombuffer(block_docs, dtype=np.uint32)]
            nonzero = block_codes[block_codes > 0]
            low, high = (int(nonzero.min()), int(nonzero.max())) if nonzero.size else (0, 0)
        writer._minlength = byte_to_length(low) if low else None
        writer._maxlength = byte_to_length(high)
        if end < total:
            writer._write_block()
    fieldwriter.finish_term()
