"""Posting lists as numpy arrays, and BM25F ranking over them.

Mostly a posting reader (hence the name; it was `scoring.py`): the BM25F
arithmetic is one function over the arrays it reads.

Whoosh's matcher tree calls Python methods per matching document per query
term; at archive scale (tens of thousands of matches for a common word) that
is most of a search's time. Here each term's posting list is read into two
arrays (document numbers, term frequencies) once, kept in a size-bounded
cache per index generation (common words recur across different searches),
and matching and ranking become vectorised set algebra and BM25 arithmetic.

Reading a list: one read of its extent, then `codec.decode_postings` (each
block decompressed, all blocks' pickled ints and floats parsed by numpy at
once). A search that requires all its words reads the later words' lists
only in the blocks that hold one of its remaining candidates
(`Candidates`, `SearchReads`), and ranks only the matching items.

Measured on the 100k generated archive with the benchmark's 100k query mix
(`bench/results/20261202-162620.json`), old and new code in alternating
processes, CPU time per search with every list decoded again ("cold"),
median: one word 32 -> 19 ms, three words 69 -> 21 ms, a phrase 12 -> 8 ms,
a case number 9 -> 5 ms; the whole mix's p95 69 -> 22 ms (with the facet and
snippet changes in `columns` and `search`), every hit count, order, score,
facet and snippet the same.

The block reader uses the internals of the pinned Whoosh codec (whoosh3
3.54.0, W3 posting blocks); any other matcher falls back to Whoosh's public
per-posting API, so a codec change costs speed, never correctness.
"""

from __future__ import annotations

import functools
import math
import threading

import numpy as np
from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .caching import SizedLRU
from .codec import BlockFilter, decode_postings
from .segments import length_codes

K1 = 1.2
B = 0.75
CACHE_BYTES = 256 * 1024 * 1024
_LENGTH_TABLE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)

Postings = tuple[np.ndarray, np.ndarray]  # (docnums int64, term frequencies float32)
EMPTY: Postings = (np.zeros(0, np.int64), np.zeros(0, np.float32))


def _nbytes(entry) -> int:
    """Bytes of a cache entry: a whole list, or a part (`PostingsCache.keep_part`) with its candidates' mask."""
    if len(entry) == 2:
        return entry[0].nbytes + entry[1].nbytes
    (docs, freqs), mask, _ = entry
    return docs.nbytes + freqs.nbytes + mask.nbytes


def _leaf_postings(leaf, fieldname: str, token: str, wanted: BlockFilter | None = None
                   ) -> tuple[Postings, bool, int] | None:
    """(postings, complete, document frequency) of one term in one segment
    (None: the segment lacks the term); with `wanted`, only the blocks it
    accepts are decoded (`codec.decode_postings`). Deletions are masked by
    the caller (only live items pass)."""
    terms = getattr(leaf, "_terms", None)
    if isinstance(terms, W3TermsReader) and fieldname in leaf.schema:
        try:
            terminfo = terms.term_info(fieldname, leaf._text_to_bytes(fieldname, token))
        except TermNotFound:
            return None
        if terminfo.is_inlined():  # one posting, kept in the term info (`codec.InliningCodec`)
            ids, weights, _ = terminfo.inlined_postings()
            return (np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)), True, len(ids)
        offset, length = terminfo.extent()
        if isinstance(length, tuple):  # whoosh3 3.54.0's from_bytes keeps the length as struct.unpack's 1-tuple
            (length,) = length
        docs, freqs, complete = decode_postings(terms._postfile.get(offset, length), wanted)
        return (docs, freqs), complete, terminfo.doc_frequency()
    if (fieldname, token) not in leaf:
        return None
    found = _matcher_postings(leaf.postings(fieldname, token))
    return found, True, found[0].size


def _matcher_postings(matcher) -> Postings:
    """Another codec: its public per-posting API (slow, but always right)."""
    matcher = getattr(matcher, "child", matcher)  # deletions are masked by the caller
    pairs = []
    while matcher.is_active():
        pairs.append((matcher.id(), matcher.weight()))
        matcher.next()
    if not pairs:
        return EMPTY
    docs, freqs = zip(*pairs)
    return np.array(docs, dtype=np.int64), np.array(freqs, dtype=np.float32)


class PostingsCache:
    """Posting arrays and document lengths for one reader (one generation)."""

    def __init__(self, reader, lock: threading.RLock, limit_bytes: int = CACHE_BYTES) -> None:
        """`lock` guards every read through `reader` (Whoosh readers share file
        handles between threads); cached arrays are read without it."""
        self.reader = reader
        self.leaves = reader.leaf_readers()
        self.doc_count = max(1, reader.doc_count())
        # an entry over an eighth of the limit is read but not kept: one common
        # word's postings must not evict everything else
        self._cache: SizedLRU[Postings] = SizedLRU(limit_bytes, sizeof=_nbytes, largest_share=1 / 8)
        self._lengths: dict[str, np.ndarray] = {}
        self._norms: dict[str, np.ndarray] = {}
        self._lock = lock

    @property
    def size(self) -> int:
        """Bytes of posting arrays cached."""
        return self._cache.size

    def clear(self) -> None:
        """Forget the cached postings (the benchmark's "cold" calls)."""
        self._cache.clear()

    def postings(self, fieldname: str, token: str) -> Postings:
        """Every posting of the term (cached)."""
        key = (fieldname, token)
        found = self._cache.get(key)
        if found is not None:
            return found
        found, _, _ = self.read(fieldname, token)
        return self._cache.put(key, found)

    def cached(self, fieldname: str, token: str) -> Postings | None:
        return self._cache.get((fieldname, token))

    def keep(self, fieldname: str, token: str, postings: Postings) -> Postings:
        return self._cache.put((fieldname, token), postings)

    def part(self, fieldname: str, token: str) -> tuple[Postings, np.ndarray, int] | None:
        """The cached part of a list read for some candidates: (postings, the
        candidates' mask, the whole list's document frequency)."""
        return self._cache.get((fieldname, token, "part"))

    def keep_part(self, fieldname: str, token: str, postings: Postings, mask: np.ndarray, frequency: int) -> None:
        """Cache a list read only for the candidates in `mask`: a search
        repeated, or any whose candidates it covers, reads it from here (a
        server answering the same searches, the benchmark's "warm" calls)."""
        self._cache.put((fieldname, token, "part"), (postings, mask, frequency))

    def read(self, fieldname: str, token: str, candidates: Candidates | None = None) -> tuple[Postings, bool, int]:
        """(postings, complete, document frequency) read from the index, not
        the cache; with `candidates`, only the blocks holding any of them."""
        parts = []
        complete, frequency = True, 0
        with self._lock:
            for leaf, offset in self.leaves:
                wanted = candidates.block_filter(offset) if candidates is not None else None
                found = _leaf_postings(leaf, fieldname, token, wanted)
                if found is None:
                    continue
                (docs, freqs), leaf_complete, leaf_frequency = found
                parts.append((docs + offset, freqs) if offset else (docs, freqs))
                complete &= leaf_complete
                frequency += leaf_frequency
        if not parts:
            return EMPTY, True, 0
        if len(parts) == 1:
            return parts[0], complete, frequency
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])), complete, frequency

    def doc_frequency(self, fieldname: str, token: str) -> int:
        """Documents holding the term (from the term infos: nothing decoded)."""
        found = self._cache.get((fieldname, token))
        if found is not None:
            return int(found[0].size)
        with self._lock:
            return sum(_leaf_frequency(leaf, fieldname, token) for leaf, _ in self.leaves)

    def lengths(self, fieldname: str) -> np.ndarray:
        """Field length of every document (0 where the field is empty)."""
        found = self._lengths.get(fieldname)
        if found is None:
            with self._lock:
                chunks = [self._leaf_lengths(leaf, fieldname) for leaf, _ in self.leaves]
            found = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
            self._lengths[fieldname] = found
        return found

    @staticmethod
    def _leaf_lengths(leaf, fieldname: str) -> np.ndarray:
        # the length column as the segment writer reads it (one read where the codec allows)
        return _LENGTH_TABLE[length_codes(getattr(leaf, "_perdoc", None) or leaf, fieldname, leaf.doc_count_all())]

    def average_length(self, fieldname: str) -> float:
        return max(1.0, self.reader.field_length(fieldname) / self.doc_count)

    def norms(self, fieldname: str) -> np.ndarray:
        """BM25's length normalisation `K1 * (1 - B + B * length / average)` of
        every document, computed once per field and generation: element by
        element the same float32 values as computing it for a term's
        postings each time, which cost a gather and three array operations
        per term and search."""
        found = self._norms.get(fieldname)
        if found is None:
            found = K1 * ((1.0 - B) + B * self.lengths(fieldname) / self.average_length(fieldname))
            self._norms[fieldname] = found
        return found

    def bm25(self, fieldname: str, token: str, boost: float, scores: np.ndarray,
             within: np.ndarray | None = None) -> None:
        """Add one term's BM25 contribution (times `boost`) to `scores` in place
        (with `within`, a boolean docnum mask, only for those documents)."""
        docs, freqs = self.postings(fieldname, token)
        add_bm25(self, fieldname, (docs, freqs), int(docs.size), boost, scores, within)


def add_bm25(cache: PostingsCache, fieldname: str, postings: Postings, frequency: int, boost: float,
             scores: np.ndarray, within: np.ndarray | None) -> None:
    """Add one term's BM25 contribution (times `boost`) to `scores` in place;
    with `within` (a boolean docnum mask, the search's matching items) only
    for those documents, and `postings` need only hold theirs. Ranking reads
    only the matching items' scores, and a common word of a three-word search
    has tens of times more postings than the search has matches; each
    document's score is the same either way. `frequency` is the term's
    document frequency over the whole index (the idf)."""
    docs, freqs = postings
    if not frequency or not docs.size:
        return
    idf = math.log(1.0 + (cache.doc_count - frequency + 0.5) / (frequency + 0.5))
    if within is not None:
        keep = within[docs]
        docs, freqs = docs[keep], freqs[keep]
    norm = cache.norms(fieldname)[docs]
    scores[docs] += boost * idf * (freqs * (K1 + 1.0)) / (freqs + norm)


def _leaf_frequency(leaf, fieldname: str, token: str) -> int:
    try:
        return int(leaf.doc_frequency(fieldname, token))
    except TermNotFound:
        return 0


class Candidates:
    """The documents a search can still match (a boolean docnum mask, copied):
    a posting list read for them decodes only the blocks whose docnum range
    holds any (`codec.decode_postings`). Measured on the 100k generated
    archive, "orientering ballerup kommune": after "ballerup" (9,588 items)
    "orientering" needs 72 of its 464 blocks and, after both (2,778),
    "kommune" 209 of 1,395 — items of one municipality and period lie close
    in docnum order, as the build adds them folder by folder."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask.copy()

    @functools.cached_property
    def prefix(self) -> np.ndarray:
        """Candidates before each docnum (computed when a list is first read for them)."""
        return np.concatenate(([0], np.cumsum(self.mask, dtype=np.int32)))

    def block_filter(self, offset: int) -> BlockFilter:
        """Whether a block of the segment at `offset` (its first and last docnum) holds any candidate."""
        prefix = self.prefix
        top = prefix.size - 1

        def wanted(first: np.ndarray, last: np.ndarray) -> np.ndarray:
            return prefix[np.minimum(offset + last + 1, top)] > prefix[np.minimum(offset + first, top)]

        return wanted


def _covers(mask: np.ndarray, other: np.ndarray) -> bool:
    """Every document of `other` is in `mask`."""
    return other is mask or not (other & ~mask).any()


class SearchReads:
    """One search's posting reads. Whole lists come from and go to the
    generation's `PostingsCache`; a list read only for the search's
    candidates (`Candidates`) is not whole, so it is kept here, for this
    search's matching and ranking only, with the whole list's document
    frequency (the idf must not change)."""

    SELECTIVE = 0.25  # candidates restrict a read when they are under this share of the documents

    def __init__(self, cache: PostingsCache) -> None:
        self.cache = cache
        self._partial: dict[tuple[str, str], tuple[Postings, np.ndarray, int]] = {}

    def candidates(self, mask: np.ndarray) -> Candidates | None:
        """The mask as `Candidates` when it is selective enough to skip blocks (else None: whole lists)."""
        return Candidates(mask) if mask.sum() < self.SELECTIVE * mask.size else None

    def postings(self, fieldname: str, token: str, candidates: Candidates | None = None) -> Postings:
        """The term's postings: all of them, or at least every one of the candidates."""
        return self._read(fieldname, token, candidates)[0]

    def _read(self, fieldname: str, token: str, candidates: Candidates | None) -> tuple[Postings, int]:
        whole = self.cache.cached(fieldname, token)
        if whole is not None:
            return whole, int(whole[0].size)
        key = (fieldname, token)
        partial = self._partial.get(key)
        if partial is not None and candidates is not None and _covers(partial[1], candidates.mask):
            return partial[0], partial[2]
        if candidates is not None:
            cached = self.cache.part(fieldname, token)
            if cached is not None and _covers(cached[1], candidates.mask):
                self._partial[key] = cached
                return cached[0], cached[2]
        postings, complete, frequency = self.cache.read(fieldname, token, candidates)
        if complete:
            return self.cache.keep(fieldname, token, postings), frequency
        assert candidates is not None
        self._partial[key] = (postings, candidates.mask, frequency)
        self.cache.keep_part(fieldname, token, postings, candidates.mask, frequency)
        return postings, frequency

    def known(self, fieldname: str, token: str, docs: np.ndarray) -> np.ndarray | None:
        """The term's sorted docnums as far as this search has read them,
        when that is all of them or covers every one of `docs`; None when
        they were not read (nothing is decoded here)."""
        whole = self.cache.cached(fieldname, token)
        if whole is not None:
            return whole[0]
        partial = self._partial.get((fieldname, token))
        if partial is not None and partial[1][docs].all():
            return partial[0][0]
        return None

    def doc_frequency(self, fieldname: str, token: str) -> int:
        partial = self._partial.get((fieldname, token)) or self.cache.part(fieldname, token)
        return partial[2] if partial is not None else self.cache.doc_frequency(fieldname, token)

    def bm25(self, fieldname: str, token: str, boost: float, scores: np.ndarray,
             within: np.ndarray, candidates: Candidates | None) -> None:
        """`add_bm25` for the documents in `within` (`candidates`: the same, to read only their blocks)."""
        postings, frequency = self._read(fieldname, token, candidates)
        add_bm25(self.cache, fieldname, postings, frequency, boost, scores, within)
