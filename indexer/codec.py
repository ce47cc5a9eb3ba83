"""The index codec: Whoosh's W3 codec with rare terms stored inline.

Most terms of this index occur in one document: a phrase-pair field holds
every adjacent word pair of every text ("indstillingen om", "om tilsyn"), and
most pairs are unique. Whoosh's W3 codec writes each term's postings as a
block of their own in the postings file — a header, a pickled tuple, a
terminfo pointing at it — so a build's commit cost grows with the number of
*terms*, not postings. The codec can store a term's postings inside its term
info instead ("inlining", `inlinelimit`), but whoosh3 3.54.0 calls a method
that does not exist on that path (`set_inline`; the term info has
`set_inlined`), so it is effectively switched off (the default limit, 1,
inlines only empty lists). `InliningCodec` repairs the call and inlines terms
with a single posting.

Measured on 20 Greve meetings (342 items, 131,871 distinct terms, 335,403
postings; one writer, CPU seconds, two runs each, same session): commit 7.3 and
8.1 s with W3Codec, 6.6 and 6.3 s inlining (about -15%); index 26.1 → 23.3 MB
(-11%); reading every posting of 20,000 terms no slower (0.96/0.89 →
0.85/0.81 s). The commit still costs about 50 µs of CPU per term in
Whoosh's Python writer — the wall a build meets (bench/RESULTS.md).
`tests/test_codec.py` checks the postings equal W3's and that a merge of
inlined segments works (the repaired path also had to give every inlined
posting a bytes value). Readers need nothing new:
the W3 reader already serves inlined term infos (as a list matcher), so an
index written by this codec opens with plain Whoosh too.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3PostingsWriter

INLINE_LIMIT = 2  # inline terms with fewer postings than this: exactly one


class InliningPostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            # One value per posting, as a block holds them: the writer keeps only
            # non-empty values, and a list matcher without values answers "" (a
            # str) where a segment merge asserts bytes.
            values = self._values if len(self._values) == len(self._ids) else [b""] * len(self._ids)
            terminfo.set_inlined(self._ids, self._weights, values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


class InliningCodec(W3Codec):
    def __init__(self, blocklimit: int = 128, compression: int = 3, inlinelimit: int = INLINE_LIMIT) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids: bool = False):
        return InliningPostingsWriter(
            dbfile, blocklimit=self._blocklimit, byteids=byteids,
            compression=self._compression, inlinelimit=self._inlinelimit,
        )


# --- reading: a term's whole posting list as arrays -------------------------------------

_BLOCK_LENGTH = struct.Struct("!i")  # W3: each block starts with its signed length (negative: the last)


def decode_postings(extent: bytes | memoryview) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers int64, term frequencies float32) of one term's W3
    posting list, `extent` being its bytes as the term info locates them
    (the header tag, then the blocks).

    Whoosh's own reader (`W3LeafMatcher`) reads a block at a time through
    seeks on the postings file and delta-decodes each block's ids in a
    Python generator: about 40-60 µs per block of 128 postings, so a common
    word's 30,000 postings in four fields cost ~10 ms before any matching.
    Here the extent is read once, each block's info and data are unpickled
    in C, and the ids of all blocks are delta-decoded together by one
    cumulative sum (each block's first id is absolute: its delta base is 0).
    Measured in `postings.PostingsCache` (the module docstring)."""
    view = memoryview(extent)
    if bytes(view[:4]) != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a W3 posting list")
    stream = io.BytesIO(view)
    unpickler = pickle.Unpickler(stream)
    ids: list[int] = []
    weights: list[float] = []
    starts: list[int] = []
    position = 4
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(view, position)
        end = position + 4 + abs(length)
        stream.seek(position + 4)
        count, _maxid, _maxweight, compression, _minlength, _maxlength = unpickler.load()
        if compression:
            data = pickle.loads(zlib.decompress(view[stream.tell():end]))
        else:
            data = unpickler.load()
        starts.append(len(ids))
        ids.extend(data[0])
        block_weights = data[1]
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if length < 0:
            break
        position = end
    return _undelta(np.array(ids, dtype=np.int64), np.array(starts, dtype=np.int64)), np.array(weights, dtype=np.float32)


def _undelta(deltas: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Absolute ids from per-block delta lists concatenated (`starts`: where
    each block begins; a block's first delta is its first id)."""
    if starts.size <= 1:
        return np.cumsum(deltas)
    running = np.cumsum(deltas)
    counts = np.diff(np.append(starts, deltas.size))
    before = running[starts] - deltas[starts]  # what earlier blocks summed to
    return running - np.repeat(before, counts)
