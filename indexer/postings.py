"""Posting lists as numpy arrays, and BM25F ranking over them.

Mostly a posting reader (hence the name; it was `scoring.py`): the BM25F
arithmetic is one method over the arrays it reads.

Whoosh's matcher tree calls Python methods per matching document per query
term; at archive scale (tens of thousands of matches for a common word) that
is most of a search's time. Here each term's posting list is read block by
block into two arrays (document numbers, term frequencies) once, kept in a
size-bounded cache per index generation (common words recur across different
searches), and matching and ranking become vectorised set algebra and BM25
arithmetic.

The block reader uses the internals of the pinned Whoosh codec (whoosh3
3.54.0, W3 posting blocks); any other matcher falls back to Whoosh's public
per-posting API, so a codec change costs speed, never correctness.
"""

from __future__ import annotations

import math
import threading

import numpy as np
from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .caching import SizedLRU
from .codec import decode_postings
from .segments import length_codes

K1 = 1.2
B = 0.75
CACHE_BYTES = 256 * 1024 * 1024
_LENGTH_TABLE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)

Postings = tuple[np.ndarray, np.ndarray]  # (docnums int64, term frequencies float32)
EMPTY: Postings = (np.zeros(0, np.int64), np.zeros(0, np.float32))


def _nbytes(postings: Postings) -> int:
    return postings[0].nbytes + postings[1].nbytes


def _leaf_postings(leaf, fieldname: str, token: str) -> Postings | None:
    """All postings of one term in one segment as arrays (None: the segment
    lacks the term). Deletions are masked by the caller (only live items pass)."""
    terms = getattr(leaf, "_terms", None)
    if isinstance(terms, W3TermsReader) and fieldname in leaf.schema:
        try:
            terminfo = terms.term_info(fieldname, leaf._text_to_bytes(fieldname, token))
        except TermNotFound:
            return None
        if terminfo.is_inlined():  # one posting, kept in the term info (`codec.InliningCodec`)
            ids, weights, _ = terminfo.inlined_postings()
            return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)
        offset, length = terminfo.extent()
        if isinstance(length, tuple):  # whoosh3 3.54.0's from_bytes keeps the length as struct.unpack's 1-tuple
            (length,) = length
        return decode_postings(terms._postfile.get(offset, length))
    if (fieldname, token) not in leaf:
        return None
    return _matcher_postings(leaf.postings(fieldname, token))


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
        key = (fieldname, token)
        found = self._cache.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._read(fieldname, token)
        return self._cache.put(key, found)

    def _read(self, fieldname: str, token: str) -> Postings:
        parts = []
        for leaf, offset in self.leaves:
            found = _leaf_postings(leaf, fieldname, token)
            if found is not None:
                parts.append((found[0] + offset, found[1]) if offset else found)
        if not parts:
            return EMPTY
        if len(parts) == 1:
            return parts[0]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

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
        """Add one term's BM25 contribution (times `boost`) to `scores` in place;
        with `within` (a boolean docnum mask, the search's matching items) only
        for those documents. Ranking reads only the matching items' scores, and
        a common word of a three-word search has tens of times more postings
        than the search has matches; each document's score is the same either way."""
        docs, freqs = self.postings(fieldname, token)
        if not docs.size:
            return
        idf = math.log(1.0 + (self.doc_count - docs.size + 0.5) / (docs.size + 0.5))
        if within is not None:
            keep = within[docs]
            docs, freqs = docs[keep], freqs[keep]
        norm = self.norms(fieldname)[docs]
        scores[docs] += boost * idf * (freqs * (K1 + 1.0)) / (freqs + norm)
