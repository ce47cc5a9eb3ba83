"""The bulk segment writer (indexer/segments.py) writes the files Whoosh's own
writer writes, byte for byte: on real documents, with its memory spilled to
runs, with segments merged into it and documents deleted, with both codecs."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from indexer.build import meeting_documents
from indexer.codec import InliningCodec
from indexer.ingest import Ingested, discover, try_parse
from indexer.schema import build_schema
from indexer.segments import BulkSegmentWriter, length_codes

ROOT = Path(__file__).resolve().parents[1]
GREVE = ROOT.parent / "shared" / "greve"


def _documents(corpus: Path, files: int) -> list[dict]:
    paths = [p for p in discover(corpus) if isinstance(p, Path)][:files]
    parsed = [r for r in (try_parse(p, corpus) for p in paths) if isinstance(r, Ingested)]
    return [doc for r in parsed for doc in meeting_documents(r)]


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    """The seeds plus, where the shared archive is present, a few Greve meetings
    (FirstAgenda HTML sections: long bodies, many phrase pairs)."""
    docs = _documents(ROOT / "corpus", 10)
    if GREVE.is_dir():
        docs += _documents(GREVE, 6)
    assert len(docs) > 50
    return docs


def _segment_files(folder: Path) -> list[tuple[str, bytes]]:
    """(segment number and extension, contents) of every segment file of the
    current generation, in segment order: the random segment names aside,
    what two writers of the same documents must agree on."""
    ix = index.open_dir(str(folder), indexname="MAIN")
    out = []
    for number, segment in enumerate(ix._segments()):
        prefix = segment.segment_id()  # "MAIN_<random>"
        for path in sorted(folder.glob(f"{prefix}*")):
            out.append((f"{number}{path.name[len(prefix):]}", path.read_bytes()))
    return out


def _write(folder: Path, writer_class, batches: list[list[dict]], codec, limitmb: int = 64,
           deletions: list[str] = ()) -> list[tuple[str, bytes]]:
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema(), indexname="MAIN")
    for number, batch in enumerate(batches):
        writer = writer_class(ix, codec=codec, compound=False, limitmb=limitmb)
        if number == len(batches) - 1:
            for item_id in deletions:
                writer.delete_by_term("id", item_id)
        for doc in batch:
            writer.add_document(**doc)
        # all but the last batch commit a segment of their own; the last merges them all into its own
        last = number == len(batches) - 1
        writer.commit(merge=False, optimize=last)
    return _segment_files(folder)


@pytest.mark.parametrize("codec", [InliningCodec, W3Codec], ids=["inlining", "w3"])
def test_one_segment_is_written_byte_for_byte_as_whoosh_writes_it(tmp_path, documents, codec):
    expected = _write(tmp_path / "whoosh", SegmentWriter, [documents], codec())
    assert _write(tmp_path / "bulk", BulkSegmentWriter, [documents], codec()) == expected
    assert {name.split(".")[-1] for name, _ in expected} >= {"trm", "pst"}


def test_spilled_runs_give_the_same_segment(tmp_path, documents):
    """A 1 MB limit spills the terms to runs; merged back they are the
    same segment."""
    expected = _write(tmp_path / "whoosh", SegmentWriter, [documents], InliningCodec())
    folder = tmp_path / "bulk"
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema(), indexname="MAIN")
    writer = BulkSegmentWriter(ix, codec=InliningCodec(), compound=False, limitmb=1)
    for doc in documents:
        writer.add_document(**doc)
    assert len(writer._runs) >= 2
    writer.commit()
    assert _segment_files(folder) == expected
    assert not list(folder.glob("*.tmp/*.run"))  # the runs are gone with the writer


def test_merged_segments_and_deletions_give_the_same_index(tmp_path, documents):
    third = len(documents) // 3
    batches = [documents[:third], documents[third:2 * third], documents[2 * third:]]
    deleted = [doc["id"] for doc in documents[:third:7]]
    expected = _write(tmp_path / "whoosh", SegmentWriter, batches, InliningCodec(), deletions=deleted)
    got = _write(tmp_path / "bulk", BulkSegmentWriter, batches, InliningCodec(), deletions=deleted)
    assert {name.split(".")[0] for name, _ in expected} == {"0"}  # the earlier segments merged into one
    assert got == expected


def test_boosts_and_word_lists_give_the_same_segment(tmp_path, documents):
    """Postings kept in columns carry a document's and a field's boost into
    their weights as Whoosh's writer does, and a word-chain field given a
    list of words (Whoosh's pre-analysed form) is counted like its text."""
    varied = []
    for number, doc in enumerate(documents[:60]):
        doc = dict(doc)
        if number % 3 == 0:
            doc["_boost"] = 1.5
        if number % 4 == 1 and doc.get("body"):
            doc["_body_boost"] = 0.3
            doc["_title_pairs_boost"] = 2.0
        if number % 5 == 2 and doc.get("title"):
            doc["notes"] = doc["title"].lower().split() + ["tilsyn", "tilsyn"]
        varied.append(doc)
    assert any(isinstance(doc.get("notes"), list) for doc in varied)
    expected = _write(tmp_path / "whoosh", SegmentWriter, [varied], InliningCodec())
    assert _write(tmp_path / "bulk", BulkSegmentWriter, [varied], InliningCodec()) == expected


@pytest.mark.parametrize("codec", [InliningCodec, W3Codec], ids=["inlining", "w3"])
def test_long_posting_lists_are_written_block_by_block_as_whoosh_writes_them(tmp_path, codec):
    """Generated minutes share their words across hundreds of items: terms of
    many 128-posting blocks, with the field lengths of each block, spilled to
    runs and merged back."""
    from bench.generate import generate

    corpus = tmp_path / "corpus"
    generate(corpus, items=500, seed=5)
    docs = _documents(corpus, 10_000)
    expected = _write(tmp_path / "whoosh", SegmentWriter, [docs], codec())
    assert _write(tmp_path / "bulk", BulkSegmentWriter, [docs], codec(), limitmb=4) == expected
    with index.open_dir(str(tmp_path / "bulk"), indexname="MAIN").reader() as reader:
        assert max(reader.doc_frequency("body", term) for term in reader.lexicon("body")) > 3 * 128


def test_a_schema_the_writer_cannot_serve_is_refused(tmp_path):
    ix = index.create_in(str(tmp_path), fields.Schema(body=fields.TEXT(vector=True)))
    with pytest.raises(ValueError, match="body"):
        BulkSegmentWriter(ix)


def test_length_codes_read_the_length_column(tmp_path):
    ix = index.create_in(str(tmp_path), fields.Schema(body=fields.TEXT(), tag=fields.ID()))
    writer = ix.writer()
    for text in ["et to tre", "", "fire " * 300, "fem"]:
        writer.add_document(body=text or None, tag="x")
    writer.commit()
    with ix.reader() as reader:
        perdoc = reader._perdoc
        codes = length_codes(perdoc, "body", 4).tolist()
        assert [byte_to_length(c) for c in codes] == [perdoc.doc_field_length(d, "body") or 0 for d in range(4)]
        assert codes[1] == 0 and codes[2] > codes[0] > codes[3] > 0
        assert length_codes(perdoc, "tag", 4).tolist() == [0, 0, 0, 0]  # not scorable: no lengths


def _postings_by_id(index_dir: Path) -> dict:
    """(field, term) → the sorted ids of the documents holding it: what an
    index says, whatever its segments and document numbers."""
    import threading

    from indexer.postings import PostingsCache

    ix = index.open_dir(str(index_dir), indexname="MAIN")
    with ix.reader() as reader:
        ids = [fields.get("id") for fields in reader.all_stored_fields()]
        cache = PostingsCache(reader, threading.RLock())
        return {(name, text): sorted(ids[d] for d in cache.postings(name, text)[0].tolist())
                for name, text in reader.all_terms()}


def test_parallel_sub_writers_spilling_runs_index_what_one_writer_does(tmp_path):
    """The build's two sub-writers share one temporary folder; spilling runs
    every megabyte, each must read back its own runs only."""
    from bench.generate import generate
    from indexer.build import PARALLEL_MIN_FILES, build

    corpus = tmp_path / "corpus"
    generate(corpus, items=1200, seed=3)
    assert len(list(corpus.rglob("*.*"))) >= PARALLEL_MIN_FILES
    build(corpus, tmp_path / "one", procs=1)
    build(corpus, tmp_path / "two", procs=2, writer_limitmb=1)
    assert len(index.open_dir(str(tmp_path / "two"), indexname="MAIN")._segments()) == 2
    expected = _postings_by_id(tmp_path / "one")
    assert len(expected) > 10_000
    assert _postings_by_id(tmp_path / "two") == expected
