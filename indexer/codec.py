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

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter

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
