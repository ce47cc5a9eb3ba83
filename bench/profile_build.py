"""Where our build's seconds go, phase by phase, in one process.

    python -m bench.profile_build CORPUS [--files N] [--top 15]

The real build spreads the work over a parse worker and Whoosh's sub-writer
processes, which hides the split; this runs the same steps one after the
other on the first N files of CORPUS and times each:

1. parse — readers + structure parser (`indexer.ingest.try_parse`);
2. records → documents — `indexer.build.meeting_documents`, of which the
   stored record (`schema.pack`: JSON + zlib) is timed apart;
3. analysis — every indexed field through its own analyzer and the term
   counting, as the build's writer does it (token-free word chains counted
   by `Counter` where the analyzer has one, `indexer.segments.FieldColumns`
   then keeps the counts as they are; else Whoosh's `field.index`), per
   field; `--whoosh` times Whoosh's own analysis and counting;
4. writing — one segment writer as the build's (`indexer.segments.
   BulkSegmentWriter`, the inlining codec) adding the documents and
   committing; minus the analysis it repeats, this is posting collection
   and stored-field writes and the commit. `--whoosh` times Whoosh's own
   SegmentWriter instead, to compare.

Measured on 200 generated files (2,840 items), one process, a loaded
machine: writing 3.74 ms per item (postings and commit 2.39 of it) with
postings kept by term in a dict; 2.41 (0.98) with postings kept in columns
and blocks minified from lists (`indexer.segments`, 2026-12-07).

Then the writing phase again under cProfile, top functions by own time.
Figures per item; the machine's other load inflates all phases alike.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from indexer.build import meeting_documents
from indexer.codec import InliningCodec
from indexer.ingest import Ingested, discover, try_parse
from indexer.schema import build_schema, pack
from indexer.segments import BulkSegmentWriter, word_chains


def profile(corpus: Path, files: int, top: int, whoosh_writer: bool = False) -> str:
    paths = [p for p in discover(corpus) if isinstance(p, Path)][:files]
    started = time.perf_counter()
    parsed = [r for r in (try_parse(p, corpus) for p in paths) if isinstance(r, Ingested)]
    t_parse = time.perf_counter() - started
    items = sum(len(r.meeting.items) for r in parsed)

    started = time.perf_counter()
    documents = [doc for r in parsed for doc in meeting_documents(r)]
    t_docs = time.perf_counter() - started
    started = time.perf_counter()
    for r in parsed:
        for item in r.meeting.items:
            pack(item.to_dict())
    t_pack = time.perf_counter() - started

    schema = build_schema()
    per_field: Counter = Counter()
    chains = {} if whoosh_writer else word_chains(schema)
    for doc in documents:
        for name, value in doc.items():
            field = schema[name]
            if not field.indexed or not isinstance(value, str):
                continue
            chain = chains.get(name)
            began = time.perf_counter()
            if chain is not None:
                Counter(chain(value))
            else:
                for _ in field.index(value):
                    pass
            per_field[name] += time.perf_counter() - began
    t_analysis = sum(per_field.values())

    from whoosh import index as whoosh_index
    from whoosh.writing import SegmentWriter

    def write() -> float:
        folder = Path(tempfile.mkdtemp(prefix="profile-build-"))
        try:
            ix = whoosh_index.create_in(str(folder), build_schema(), indexname="MAIN")
            began = time.perf_counter()
            options = {"limitmb": 256, "compound": False, "codec": InliningCodec()}
            writer = SegmentWriter(ix, **options) if whoosh_writer else BulkSegmentWriter(ix, **options)
            for doc in documents:
                writer.add_document(**doc)
            writer.commit()
            return time.perf_counter() - began
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    t_write = write()
    profiler = cProfile.Profile()
    profiler.enable()
    write()
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(top)

    def ms(seconds: float) -> str:
        return f"{seconds / items * 1000:7.2f} ms/punkt"

    total = t_parse + t_docs + t_write
    lines = [
        f"{len(parsed)} filer, {items} punkter, {len(documents)} dokumenter (punkter + møder)",
        f"parse (læsere + strukturparser)       {ms(t_parse)}  {t_parse / total:5.0%}",
        f"poster → dokumenter                   {ms(t_docs)}  {t_docs / total:5.0%}",
        f"  heraf lagret post (JSON + zlib)     {ms(t_pack)}",
        f"skrivning (ét skriveprogram)          {ms(t_write)}  {t_write / total:5.0%}",
        f"  heraf analyse af felterne           {ms(t_analysis)}",
        f"  heraf postings + lagrede felter     {ms(t_write - t_analysis)}",
        f"i alt, én proces                      {ms(total)}  ({items / total:.0f} punkter/s)",
        "analyse pr. felt:",
        *(f"  {name:<16} {ms(seconds)}" for name, seconds in per_field.most_common()),
        "",
        "skrivning under cProfile (egen tid):",
        *stream.getvalue().splitlines()[:top + 12],
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--whoosh", action="store_true", help="time Whoosh's SegmentWriter, not the build's")
    args = parser.parse_args()
    print(profile(args.corpus, args.files, args.top, args.whoosh))


if __name__ == "__main__":
    main()
