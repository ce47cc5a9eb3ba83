"""The analysed archive the peers index: Rådsarkiv's own records and tokens.

A peer that must do the same work as Rådsarkiv needs the same words: the
same readers and structure parser (`indexer.ingest`), the same Danish
analyser (`indexer.analysis`: normalised, stop words dropped, Snowball stems
with the project's overrides, compound parts from the hunspell lexicon,
identifier tokens with spelling-free case keys) and the same facet values
(`indexer.schema.facet_values`). This module runs them once per archive and
writes one JSON line per item, whitespace-joined tokens per field, so each
peer's build then measures its indexing alone ("build after analysis", as
issue 14's anchor run states it) while the analysis itself — the floor
every engine here shares — is measured once, on all cores.

Per item: ``fields``, every field our search looks a query word up in
(`word_fields`: the stemmed text fields, their compound parts, the
identifiers, the attendance names, the dictionary entries), each holding
exactly the tokens our index holds, because the document is our own
`indexer.schema.item_document` and each field goes through our schema's own
analyzer; ``words`` (every normalised word of the text fields, small words
included, in order: what our phrase pairs are made of; a peer answers
phrases with positions instead); and the facets municipality, council,
year, decision kind and KLE group. Closed items hold their title only, as
ours.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from indexer.analysis import WORD_PATTERN, normalise_word
from indexer.ingest import Ingested, discover, try_parse
from indexer.people import roll_names
from indexer.records import Item, Meeting
from indexer.schema import FACET_KEYS, TEXT_FIELDS, build_schema, item_document

FACET_FIELDS = ("municipality", "council", "year", "decision_kind", "kle")
_WORDS = re.compile(WORD_PATTERN)


def word_fields() -> tuple[str, ...]:
    """The fields a query word is looked up in, exactly those our search uses
    (`indexer.compiled.FIELD_WEIGHTS` without the phrase pairs, which the peers
    answer from positions in ``words`` instead)."""
    from indexer.compiled import FIELD_WEIGHTS

    return tuple(name for name in FIELD_WEIGHTS if not name.endswith("_pairs"))


@lru_cache(maxsize=1)
def _schema():
    return build_schema()


def field_tokens(name: str, text: str, mode: str = "index") -> list[str]:
    """`text` through our schema's own analyzer for field `name`."""
    if not text:
        return []
    return list(_schema()[name].process_text(text, mode=mode))


@dataclass
class AnalysedItem:
    rowid: int
    id: str
    title_text: str  # the title as written, the one stored field a result line needs
    case_number: str | None
    people: list[str]  # names the record holds (absent members, voters), for the query mix
    fields: dict[str, str]  # field → its tokens joined by spaces (see word_fields)
    words: str  # every normalised word of the text fields, small words kept, in order
    facets: dict[str, str | None]  # FACET_FIELDS → value

    def __getattr__(self, name: str):
        if name in FACET_FIELDS:
            return self.facets.get(name)
        raise AttributeError(name)


def normalised_words(text: str) -> list[str]:
    """Every word of `text` as the phrase pairs hold it: normalised, small words kept."""
    return [normalise_word(match.group()) for match in _WORDS.finditer(text)]


def analyse_item(item: Item, meeting: Meeting, rowid: int, roll=None) -> AnalysedItem:
    """One item as the peers index it: our own index document
    (`indexer.schema.item_document`), each field through its own analyzer."""
    doc = item_document(item, meeting, roll)
    fields = {name: " ".join(field_tokens(name, doc.get(name) or "")) for name in word_fields()}
    words = " ".join(w for name in TEXT_FIELDS for w in normalised_words(doc.get(name) or ""))
    facets = {key: (doc["facets"][FACET_KEYS.index(key)] or (None,))[0] for key in FACET_FIELDS}
    people = list(dict.fromkeys([*item.absent, *((item.votes.for_ + item.votes.against) if item.votes else [])]))
    return AnalysedItem(rowid=rowid, id=item.id, title_text=item.title, case_number=item.case_number,
                        people=people, fields=fields, words=words, facets=facets)


def _analyse_file(args: tuple[str, str]) -> tuple[str | None, list[dict]]:
    """Worker: parse and analyse one file; (sha256 or None, its items without rowids)."""
    path, corpus = args
    result = try_parse(Path(path), Path(corpus))
    if not isinstance(result, Ingested):
        return None, []
    meeting = result.meeting
    roll = roll_names(meeting.participants)
    return result.sha256, [asdict(analyse_item(item, meeting, 0, roll)) for item in meeting.items]


def analyse_corpus(corpus: Path, target: Path, procs: int | None = None) -> dict:
    """Parse and analyse every file of `corpus` on all cores into `target` (JSON lines).

    Duplicates (same bytes twice) are dropped as `indexer.ingest.ingest` drops
    them, so the peers hold exactly the items our build holds."""
    started = time.perf_counter()
    paths = [(str(p), str(corpus)) for p in discover(corpus) if isinstance(p, Path)]
    procs = procs or max(1, os.cpu_count() or 1)
    seen: set[str] = set()
    count = 0
    with target.open("w", encoding="utf-8") as out, multiprocessing.get_context("fork").Pool(procs) as pool:
        for sha, items in pool.imap(_analyse_file, paths, chunksize=4):
            if sha is None or sha in seen:
                continue
            seen.add(sha)
            for item in items:
                count += 1
                item["rowid"] = count
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return {"items": count, "files": len(paths), "seconds": time.perf_counter() - started, "procs": procs}


def read_analysed(path: Path) -> Iterator[AnalysedItem]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield AnalysedItem(**json.loads(line))
