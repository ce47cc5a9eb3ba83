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

The read side's decoder is here too (`decode_postings`): a term's W3 blocks
read as numpy arrays at once, optionally only the blocks holding a search's
candidates. The on-disk format is unchanged.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from collections.abc import Callable

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


BlockFilter = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (first, last docnum of each block) → decode it?


def decode_postings(extent: bytes | memoryview, wanted: BlockFilter | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """(document numbers int64, term frequencies float32, complete) of one
    term's W3 posting list, `extent` being its bytes as the term info locates
    them (the header tag, then the blocks). With `wanted`, only the blocks
    whose docnum range it accepts are decoded (complete is False when any
    was skipped): every posting of the documents in those ranges, as a
    search needs when it already knows its candidates.

    Whoosh's own reader (`W3LeafMatcher`) reads a block at a time through
    seeks on the postings file, unpickles it into Python ints and floats and
    delta-decodes each block's ids in a Python generator: about 40-60 µs per
    block of 128 postings, so a common word's 30,000 postings in four fields
    cost ~10 ms before any matching. Here the extent is read once, each
    block's info is unpickled (the block's last docnum and whether it is
    compressed), the wanted blocks decompressed, and the data of all of them —
    pickled tuples of small ints and of floats, in the one layout
    `W3PostingsWriter` writes — read by numpy in one pass (`_parse_blocks`);
    a block in any other layout is unpickled as before. Measured on the 100k
    generated archive, one segment's 40,455 postings of "kommune" in
    `lemmas` (317 blocks): 10.8 ms with `pickle.loads` per block and numpy
    arrays from the Python objects (of it zlib 3.8 ms), 3.7 ms here."""
    view = memoryview(extent)
    if bytes(view[:4]) != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a W3 posting list")
    stream = io.BytesIO(view)
    unpickler = pickle.Unpickler(stream)
    blocks: list[tuple[int, int, int, int]] = []  # (count, compression, data start, end)
    last_ids: list[int] = []
    position = 4
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(view, position)
        end = position + 4 + abs(length)
        stream.seek(position + 4)
        count, last_id, _maxweight, compression, _minlength, _maxlength = unpickler.load()
        blocks.append((count, compression, stream.tell(), end))
        last_ids.append(last_id)
        if length < 0:
            break
        position = end
    complete = True
    if wanted is not None:
        last = np.array(last_ids, dtype=np.int64)
        chosen = wanted(np.concatenate(([0], last[:-1] + 1)), last)
        complete = bool(chosen.all())
        if not complete:
            blocks = [block for block, keep in zip(blocks, chosen.tolist()) if keep]
    raws = [zlib.decompress(view[start:end]) if compression else bytes(view[start:end])
            for _, compression, start, end in blocks]
    docs, freqs = _parse_blocks(raws, [count for count, _, _, _ in blocks])
    return docs, freqs, complete


# Pickle opcodes of the layout W3PostingsWriter's blocks have (protocol 2):
# PROTO 2, MARK, the ids' delta ints (the first of any size, the rest under
# 256: BININT1), TUPLE, BINPUT 0, then the weights: None (all 1), one float
# (all equal), or MARK, BINFLOATs, TUPLE; then the values, which are not read.
_HEAD = (0x80, 0x02, 0x28)
_BININT1, _BININT2, _BININT, _TUPLE, _BINPUT = 0x4B, 0x4D, 0x4A, 0x74, 0x71
_NONE, _BINFLOAT, _MARK = 0x4E, 0x47, 0x28
_INT_WIDTH = np.zeros(256, dtype=np.int64)
_INT_WIDTH[[_BININT1, _BININT2, _BININT]] = (1, 2, 4)
_SMALLEST_FAST = 4  # a tuple of 1-3 items pickles as TUPLE1-3, without MARK: read by pickle
# Fewer blocks than this are unpickled: the numpy pass costs ~20 array
# operations whatever the list's length (~0.1 ms), one block's unpickling ~10 µs.
FEWEST_BLOCKS_FOR_NUMPY = 8


def _parse_blocks(raws: list[bytes], counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The ids (absolute) and weights of decompressed W3 blocks, in order.

    Each block is checked opcode by opcode against the layout above; the
    blocks that do not follow it exactly (ids with a gap of 256 or more after
    the first, a short block, any other writer) are unpickled."""
    if len(raws) < FEWEST_BLOCKS_FOR_NUMPY:
        return _unpickled(raws, counts)
    sizes = np.array(counts, dtype=np.int64)
    out_starts = np.cumsum(sizes) - sizes
    total = int(sizes.sum())
    deltas = np.zeros(total, dtype=np.int64)
    weights = np.ones(total, dtype=np.float32)
    lengths = np.array([len(raw) for raw in raws], dtype=np.int64)
    buf = np.frombuffer(b"".join(raws), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    fast = np.flatnonzero((sizes >= _SMALLEST_FAST) & (lengths >= 2 * sizes + 8))
    good = _read_fast(buf, starts[fast], sizes[fast], out_starts[fast], deltas, weights)
    done = np.zeros(len(raws), dtype=bool)
    done[fast[good]] = True
    for block in np.flatnonzero(~done).tolist():
        _unpickle_block(raws[block], counts[block], int(out_starts[block]), deltas, weights)
    return _undelta(deltas, out_starts), weights


def _read_fast(buf: np.ndarray, starts: np.ndarray, sizes: np.ndarray, out_starts: np.ndarray,
               deltas: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Fill `deltas` and `weights` for the given blocks (each at `starts` in
    `buf`, `sizes` postings, written from `out_starts`); returns which of
    them really had the layout (the others' slots hold garbage, to be
    overwritten). Every step is one array operation over all postings of all
    blocks (`block`: each posting's block, `within`: its rank in it)."""
    last = buf.size - 1
    good = np.ones(starts.size, dtype=bool)
    for offset, byte in enumerate(_HEAD):
        good &= buf[starts + offset] == byte
    width = _INT_WIDTH[buf[starts + 3]]
    good &= width > 0
    # the first id: little-endian, of 1, 2 or 4 bytes (BININT is signed; docnum deltas are never negative)
    quads = np.ndarray((buf.size - 3,), dtype="<u4", buffer=buf, strides=(1,))
    first = quads[np.minimum(starts + 4, buf.size - 4)].astype(np.int64) & ((1 << (8 * width)) - 1)
    good &= first < 2**31
    block = np.repeat(np.arange(starts.size), sizes)
    within = _ranks(sizes)
    # where each posting goes: all blocks (the common case) fill the arrays in order
    out = slice(None) if block.size == deltas.size else out_starts[block] + within
    # the other ids: BININT1 pairs, read as one little-endian (opcode, value) u2
    pairs = np.ndarray((buf.size - 1,), dtype="<u2", buffer=buf, strides=(1,))
    pair = pairs[np.minimum((starts + 2 + width)[block] + 2 * within, last - 1)]
    later = within > 0
    _flag(good, block, later & ((pair & 0xFF) != _BININT1))
    deltas[out] = np.where(later, pair >> 8, first[block])
    closing = np.minimum(starts + 4 + width + 2 * (sizes - 1), last - 2)
    good &= (buf[closing] == _TUPLE) & (buf[closing + 1] == _BINPUT) & (buf[closing + 2] == 0)
    at = np.minimum(closing + 3, last)
    weights[out] = _weights(buf, at, sizes, good, block, within)
    return good


def _weights(buf: np.ndarray, at: np.ndarray, sizes: np.ndarray, good: np.ndarray, block: np.ndarray,
             within: np.ndarray) -> np.ndarray:
    """Each posting's weight from its block's weights opcode at `at`: None
    (1.0), one BINFLOAT for all, or a tuple of BINFLOATs (checked: the
    blocks not in the layout are marked in `good`)."""
    last = buf.size - 1
    kind = buf[at]
    good &= (kind == _NONE) | (kind == _BINFLOAT) | (kind == _MARK)
    found = np.ones(block.size, dtype=np.float32)
    tupled = (kind == _MARK)[block]
    if tupled.any():
        opcodes = np.minimum(at[block] + 1 + 9 * within, last - 8)
        _flag(good, block, tupled & (buf[opcodes] != _BINFLOAT))
        closing = np.minimum(at + 1 + 9 * sizes, last)
        good &= (kind != _MARK) | (buf[closing] == _TUPLE)
        chosen = np.flatnonzero(tupled)
        found[chosen] = _doubles(buf, opcodes[chosen] + 1)
    single = (kind == _BINFLOAT)[block]
    if single.any():
        values = _doubles(buf, np.minimum(at + 1, last - 7))
        found[single] = values[block[single]]
    return found


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0..n-1 for each n in `counts`, concatenated."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def _doubles(buf: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The big-endian doubles (pickle's BINFLOAT) starting at each position:
    one gather from a view of the buffer with a double at every byte offset
    (a gather of eight bytes each cost 30 ns a posting)."""
    every_offset = np.ndarray((buf.size - 7,), dtype=">f8", buffer=buf, strides=(1,))
    return every_offset[at]


def _flag(good: np.ndarray, block: np.ndarray, wrong: np.ndarray) -> None:
    """Mark the blocks owning any wrong position as not in the layout."""
    if wrong.any():
        good[np.unique(block[wrong])] = False


def _unpickled(raws: list[bytes], counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """`_parse_blocks` for a few blocks: each unpickled."""
    ids: list[int] = []
    weights: list[float] = []
    starts: list[int] = []
    for raw, count in zip(raws, counts):
        block_ids, block_weights, _values = pickle.loads(raw)
        starts.append(len(ids))
        ids.extend(block_ids)
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
    deltas = np.array(ids, dtype=np.int64)
    return _undelta(deltas, np.array(starts, dtype=np.int64)), np.array(weights, dtype=np.float32)


def _unpickle_block(raw: bytes, count: int, start: int, deltas: np.ndarray, weights: np.ndarray) -> None:
    ids, block_weights, _values = pickle.loads(raw)
    deltas[start:start + count] = ids
    if block_weights is None:
        weights[start:start + count] = 1.0
    elif isinstance(block_weights, float):
        weights[start:start + count] = block_weights
    else:
        weights[start:start + count] = block_weights


def _undelta(deltas: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Absolute ids from per-block delta lists concatenated (`starts`: where
    each block begins; a block's first delta is its first id)."""
    if starts.size <= 1:
        return np.cumsum(deltas)
    running = np.cumsum(deltas)
    counts = np.diff(np.append(starts, deltas.size))
    before = running[starts] - deltas[starts]  # what earlier blocks summed to
    return running - np.repeat(before, counts)
