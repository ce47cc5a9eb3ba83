"""The inlining codec (indexer/codec.py) stores the same postings as Whoosh's W3."""

from __future__ import annotations

import threading

import numpy as np

from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec

from indexer.codec import InliningCodec
from indexer.postings import PostingsCache

TEXTS = [
    "tilsyn med plejehjem", "tilsyn tilsyn og tilsyn", "budget for skoler", "plejehjem og budget",
    "uanmeldt tilsyn på plejehjem", "skoler", "enestående ord", "budget budget tilsyn", "",
]


def _index(path, codec, segments: int = 2):
    path.mkdir()
    ix = index.create_in(path, fields.Schema(body=fields.TEXT(), tag=fields.ID(stored=True)))
    chunk = -(-len(TEXTS) // segments)
    for start in range(0, len(TEXTS), chunk):
        writer = ix.writer(codec=codec)
        for n, text in enumerate(TEXTS[start:start + chunk], start):
            writer.add_document(body=text, tag=f"d{n}")
        writer.commit(merge=False)
    return ix


def _all_postings(ix) -> dict:
    with ix.reader() as reader:
        cache = PostingsCache(reader, threading.RLock())
        return {
            (name, text): tuple(map(tuple, (a.tolist() for a in cache.postings(name, text))))
            for name, text in reader.all_terms()
        }


def test_inlined_terms_read_back_as_the_w3_codec_writes_them(tmp_path):
    plain = _index(tmp_path / "plain", W3Codec())
    inlined = _index(tmp_path / "inlined", InliningCodec())
    expected = _all_postings(plain)
    assert _all_postings(inlined) == expected
    # single-posting terms ("enestående") really are inlined, others are not
    with inlined.reader() as reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers()]

        def inlined_in(term) -> list[bool]:
            return [leaf.term_info(*term).is_inlined() for leaf in leaves if term in leaf]

        assert inlined_in(("body", "enestående".encode())) == [True]
        # three postings in the first segment (a block), one in the second (inlined)
        assert inlined_in(("body", b"tilsyn")) == [False, True]


def test_an_inlined_index_merges_and_searches(tmp_path):
    ix = _index(tmp_path / "ix", InliningCodec(), segments=3)
    writer = ix.writer(codec=InliningCodec())
    writer.add_document(body="endnu et enestående tilsyn", tag="ny")
    writer.commit(optimize=True)  # merging reads inlined terms and writes them again
    with ix.searcher() as searcher:
        from whoosh.query import Term

        tags = sorted(hit["tag"] for hit in searcher.search(Term("body", "enestående"), limit=None))
    assert tags == ["d6", "ny"]


def test_block_decoder_reads_what_whooshs_matcher_reads(tmp_path):
    """`codec.decode_postings` against Whoosh's own per-posting reader, on
    lists of many blocks (128 postings each, compressed or not), with weights
    all 1, all equal and varied, over several segments."""
    from indexer.postings import _matcher_postings

    path = tmp_path / "many"
    path.mkdir()
    ix = index.create_in(path, fields.Schema(body=fields.TEXT(), tag=fields.ID(stored=True)))
    for segment in range(3):
        writer = ix.writer(codec=InliningCodec())
        for n in range(700):
            words = ["alle"] + ["ofte"] * (1 + n % 3) + (["hver"] * 2 if n % 2 else []) + [f"ord{n % 97}"]
            if n % 5 == 0:
                words.append("sjældent")
            writer.add_document(body=" ".join(words), tag=f"{segment}-{n}")
        writer.commit(merge=False)
    with ix.reader() as reader:
        cache = PostingsCache(reader, threading.RLock())
        for term in ("alle", "ofte", "hver", "sjældent", "ord5", "mangler"):
            expected_docs, expected_freqs = [], []
            for leaf, offset in reader.leaf_readers():
                if ("body", term) in leaf:
                    docs, freqs = _matcher_postings(leaf.postings("body", term))
                    expected_docs += (docs + offset).tolist()
                    expected_freqs += freqs.tolist()
            docs, freqs = cache.postings("body", term)
            assert docs.tolist() == expected_docs, term
            assert freqs.tolist() == expected_freqs, term
        assert cache.postings("body", "alle")[0].size == 2100  # 17 blocks per segment
        assert set(cache.postings("body", "ofte")[1].tolist()) == {1.0, 2.0, 3.0}


def _block(ids: list[int], weights) -> bytes:
    """One block's data as W3PostingsWriter pickles it (ids delta-coded from 0)."""
    import pickle

    deltas = [b - a for a, b in zip([0] + ids, ids)]
    return pickle.dumps((tuple(deltas), weights, b"\x00\x00\x00\x01" * len(ids)), 2)


def test_block_reader_reads_every_layout_a_block_can_have():
    """`codec._parse_blocks` reads the common layout with numpy and must give
    what unpickling gives for every other one: first ids of one, two and four
    bytes, gaps of 256 and more inside a block, weights None, one float or a
    tuple, blocks of one to three postings (TUPLE1-3, no MARK)."""
    import numpy as np

    from indexer.codec import _parse_blocks

    cases = [
        (list(range(5, 133)), None),
        (list(range(300, 428)), 2.0),
        (list(range(70_000, 70_128)), tuple(float(1 + n % 4) for n in range(128))),
        ([3, 10, 400, 401, 402, 5000, 5001], None),  # gaps over 255 inside the block
        ([7, 8, 9], (1.0, 2.0, 3.0)),
        ([12], None),
        ([20, 21], 3.0),
        (list(range(1, 9)), tuple(float(n) for n in range(1, 9))),
        ([2**20, 2**20 + 1, 2**20 + 300, 2**20 + 301], None),
    ]
    raws = [_block(ids, weights) for ids, weights in cases]
    docs, freqs = _parse_blocks(raws, [len(ids) for ids, _ in cases])
    expected_docs = [d for ids, _ in cases for d in ids]
    expected_freqs = []
    for ids, weights in cases:
        if weights is None:
            expected_freqs += [1.0] * len(ids)
        elif isinstance(weights, float):
            expected_freqs += [weights] * len(ids)
        else:
            expected_freqs += list(weights)
    assert docs.tolist() == expected_docs
    assert freqs.tolist() == expected_freqs
    assert docs.dtype == np.int64 and freqs.dtype == np.float32


def test_blocks_outside_the_candidates_are_not_decoded(tmp_path):
    """`decode_postings` with a block filter decodes exactly the accepted
    blocks — every posting in their docnum ranges — and says the list is incomplete."""
    from indexer.codec import decode_postings

    path = tmp_path / "skip"
    path.mkdir()
    ix = index.create_in(path, fields.Schema(body=fields.TEXT()))
    writer = ix.writer(codec=InliningCodec())
    for n in range(1000):
        writer.add_document(body="alle" + (" halvdelen" if n % 2 else ""))
    writer.commit()
    with ix.reader() as reader:
        (leaf, _), = reader.leaf_readers()
        terminfo = leaf._terms.term_info("body", b"alle")
        offset, length = terminfo.extent()
        length = length[0] if isinstance(length, tuple) else length
        extent = leaf._terms._postfile.get(offset, length)
        docs, _, complete = decode_postings(extent)
        assert complete and docs.tolist() == list(range(1000))
        seen = []

        def every_other(first, last):
            seen.append((first.tolist(), last.tolist()))
            return np.arange(first.size) % 2 == 0

        docs, freqs, complete = decode_postings(extent, every_other)
        (firsts, lasts), = seen
        assert firsts == [0, 128, 256, 384, 512, 640, 768, 896] and lasts[-1] == 999
        assert not complete
        assert docs.tolist() == [d for d in range(1000) if (d // 128) % 2 == 0]
        assert freqs.tolist() == [1.0] * docs.size
        docs, _, complete = decode_postings(extent, lambda first, last: np.ones(first.size, dtype=bool))
        assert complete and docs.size == 1000
