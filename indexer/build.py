"""Build and incrementally update the index from a corpus folder.

Crash safety comes from Whoosh itself: a commit writes new segment files and
then atomically renames a new table of contents into place, so a reader (or a
build killed at any moment) only ever sees the previous complete generation.
The writer lock makes a second concurrent build wait briefly, then refuse
with a clear message instead of corrupting anything.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.query import Term

from .ingest import IngestError, Ingested, discover, display_path, try_parse
from .schema import build_schema, item_document, meeting_document

SUMMARY_FILE = "build-summary.json"
INDEX_NAME = "MAIN"
PARALLEL_MIN_FILES = 32  # below this, starting worker processes costs more than it saves


class BuildBusy(RuntimeError):
    """Another build holds the index's writer lock."""


@dataclass
class BuildSummary:
    corpus: str
    index: str
    files: int = 0
    items: int = 0
    meetings: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def open_or_create(index_dir: Path):
    index_dir.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME):
        return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
    return whoosh_index.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)


def indexed_sources(ix) -> dict[str, str]:
    """source path → sha256 of every document in the index (from meeting docs)."""
    with ix.searcher() as searcher:
        return {
            fields["source_path"]: fields.get("sha256", "")
            for fields in searcher.documents(doctype="meeting")
        }


def file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


class Progress:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, total: int, stream=sys.stderr) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.enabled = hasattr(stream, "isatty") and stream.isatty() and total > 0
        self.last = 0.0

    def step(self, label: str = "") -> None:
        self.done += 1
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and self.done < self.total):
            return
        self.last = now
        width = 30
        filled = int(width * self.done / self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label[:40]:<40}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def default_workers() -> int:
    """Parse in all cores but one; the main process analyses and indexes."""
    return max(1, (os.cpu_count() or 1) - 1)


def build(
    corpus: Path,
    index_dir: Path,
    *,
    lock_timeout: float = 5.0,
    on_progress: Callable[[str], None] | None = None,
    writer_limitmb: int = 256,
    workers: int | None = None,
) -> BuildSummary:
    """Bring the index at `index_dir` up to date with `corpus`.

    Only new or changed files (by content hash) are parsed; files gone from
    the corpus are removed. Raises BuildBusy when another build is running.
    Parsing runs in worker processes while this process indexes, because
    Whoosh's analysis and the parser are both pure Python.
    """
    started = time.perf_counter()
    summary = BuildSummary(corpus=str(corpus.resolve()), index=str(index_dir.resolve()))
    ix = open_or_create(index_dir)
    try:
        writer = ix.writer(timeout=lock_timeout, limitmb=writer_limitmb)
    except LockError as error:
        raise BuildBusy(f"{index_dir}: another build is updating this index; try again when it has finished") from error
    try:
        known = indexed_sources(ix)
        paths = list(discover(corpus))
        summary.files = len(paths)
        changed = _plan(writer, paths, corpus, known, summary)
        progress = Progress(len(changed))
        for (path, shown), result in zip(changed, parse_many([p for p, _ in changed], corpus, workers)):
            progress.step(path.name)
            if on_progress:
                on_progress(shown)
            _apply(writer, shown, result, known, summary)
        present = {shown for _, shown in ((p, display_path(p, corpus)) for p in paths)}
        for gone in sorted(set(known) - present):
            writer.delete_by_term("source_path", gone)
            summary.removed += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    _count(ix, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    write_summary(index_dir, summary)
    return summary


def _plan(writer, paths: list[Path], corpus: Path, known: dict[str, str], summary: BuildSummary) -> list[tuple[Path, str]]:
    """Sort files into unchanged (same hash as indexed), duplicates (same bytes
    as a file earlier in the walk) and those to parse."""
    seen_hashes: dict[str, str] = {}
    changed: list[tuple[Path, str]] = []
    for path in paths:
        shown = display_path(path, corpus)
        sha = file_sha256(path)
        if sha is not None and sha in seen_hashes:
            summary.skipped.append({"path": shown, "reason": f"duplicate of {seen_hashes[sha]} (same content)"})
            _drop(writer, shown, known, summary)
            continue
        if sha is not None:
            seen_hashes[sha] = shown
        if sha is not None and known.get(shown) == sha:
            summary.unchanged += 1
            continue
        changed.append((path, shown))
    return changed


def parse_many(paths: list[Path], corpus: Path, workers: int | None = None) -> Iterator[Ingested | IngestError]:
    """try_parse over `paths`, in order; in worker processes for large batches.

    Workers are started with "forkserver" rather than fork: a build may run
    beside threads (a web server, a test's searcher) whose locks a fork
    would copy in a held state.
    """
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(paths) < PARALLEL_MIN_FILES:
        for path in paths:
            yield try_parse(path, corpus)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(partial(try_parse, corpus=corpus), paths, chunksize=4)


def _apply(writer, shown: str, result: Ingested | IngestError, known: dict[str, str], summary: BuildSummary) -> None:
    if isinstance(result, IngestError):
        summary.skipped.append({"path": result.path, "reason": result.reason})
        _drop(writer, shown, known, summary)
        return
    if shown in known:
        writer.delete_by_term("source_path", shown)
        summary.updated += 1
    else:
        summary.added += 1
    add_meeting(writer, result)


def _drop(writer, shown: str, known: dict[str, str], summary: BuildSummary) -> None:
    """A file that no longer parses (or became a duplicate) leaves the index."""
    if shown in known:
        writer.delete_by_term("source_path", shown)
        summary.removed += 1


def add_meeting(writer, ingested: Ingested) -> None:
    meeting = ingested.meeting
    writer.delete_by_term("meeting_id", meeting.id)  # an id taken over by another file
    writer.add_document(**meeting_document(meeting))
    for item in meeting.items:
        writer.add_document(**item_document(item, meeting))


def _count(ix, summary: BuildSummary) -> None:
    with ix.searcher() as searcher:
        summary.items = sum(1 for _ in searcher.document_numbers(doctype="item"))
        summary.meetings = sum(1 for _ in searcher.document_numbers(doctype="meeting"))


def write_summary(index_dir: Path, summary: BuildSummary) -> None:
    target = index_dir / SUMMARY_FILE
    temporary = target.with_suffix(".json.tmp")
    temporary.write_text(summary.to_json(), encoding="utf-8")
    os.replace(temporary, target)


def read_summary(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build_from_records(index_dir: Path, meetings: Iterable[Ingested]) -> None:
    """Index already-parsed records (used by the benchmark to time the index alone)."""
    ix = open_or_create(index_dir)
    writer = ix.writer(limitmb=256)
    for ingested in meetings:
        add_meeting(writer, ingested)
    writer.commit()
