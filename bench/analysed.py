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

Per item: ``title``, ``decision``, ``body``, ``notes`` (stems, as our text
fields hold them), ``parts`` (compound-part stems, our ``*_parts`` fields),
``words`` (every normalised word, small words included, in order: what our
phrase pairs are made of; a peer answers phrases with positions instead),
``ids`` (our ``ids`` field's tokens) and the facets ``municipality``,
``council``, ``year``, ``decision_kind``, ``kle``. Closed items are indexed
by title only, as ours.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer.analysis import WORD_PATTERN, analyze, analyze_parts, identifier_analyzer, normalise_word
from indexer.ingest import Ingested, discover, try_parse
from indexer.records import Item, Meeting
from indexer.schema import ATTENDANCE_FIELD, facet_values, item_document

TEXT_FIELDS = ("title", "decision", "body", "notes")
FACET_FIELDS = ("municipality", "council", "year", "decision_kind", "kle")
_WORDS = re.compile(WORD_PATTERN)


@dataclass
class AnalysedItem:
    rowid: int
    id: str
    title_text: str  # the title as written, the one stored field a result line needs
    case_number: str | None
    people: list[str]  # names the record holds (absent members, voters), for the query mix
    title: str
    decision: str
    body: str
    notes: str
    parts: str
    words: str
    ids: str
    municipality: str | None
    council: str | None
    year: str | None
    decision_kind: str | None
    kle: str | None


def stems(text: str) -> str:
    return " ".join(analyze(text)) if text else ""


def normalised_words(text: str) -> list[str]:
    """Every word of `text` as the phrase pairs hold it: normalised, small words kept."""
    return [normalise_word(match.group()) for match in _WORDS.finditer(text)]


def identifier_tokens(text: str) -> list[str]:
    return [token.text for token in identifier_analyzer()(text, mode="index")]


def analyse_item(item: Item, meeting: Meeting, rowid: int) -> AnalysedItem:
    """One item as the peers index it (mirrors `indexer.schema.item_document`)."""
    document = item_document(item, meeting)  # our own document: the peers index its texts
    body, decision = document["body"], document["decision"]
    notes = document["notes"]  # as we index them: with the roll's absences
    # the roll's other names (our low-weight "people" field) are words, never phrases
    attended = document[ATTENDANCE_FIELD]
    texts = (item.title, decision, body, notes)
    facets = facet_values(item, meeting)
    ids_source = "\n".join(filter(None, [item.case_number or "", *item.law_refs, body, decision, item.title, notes]))
    people = list(dict.fromkeys([*item.absent, *((item.votes.for_ + item.votes.against) if item.votes else [])]))
    return AnalysedItem(
        rowid=rowid, id=item.id, title_text=item.title, case_number=item.case_number, people=people,
        title=stems(item.title), decision=stems(decision), body=stems(body), notes=stems("\n".join(filter(None, [notes, attended]))),
        parts=" ".join(token for text in texts if text for token in analyze_parts(text)),
        words=" ".join(word for text in texts if text for word in normalised_words(text)),
        ids=" ".join(identifier_tokens(ids_source)),
        **{key: (facets[key][0] if facets[key] else None) for key in FACET_FIELDS},
    )


def _analyse_file(args: tuple[str, str]) -> tuple[str | None, list[dict]]:
    """Worker: parse and analyse one file; (sha256 or None, its items without rowids)."""
    path, corpus = args
    result = try_parse(Path(path), Path(corpus))
    if not isinstance(result, Ingested):
        return None, []
    meeting = result.meeting
    return result.sha256, [asdict(analyse_item(item, meeting, 0)) for item in meeting.items]


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
