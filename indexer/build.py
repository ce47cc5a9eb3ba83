"""Build and incrementally update the index from a corpus folder.

Crash safety comes from Whoosh itself: a commit writes new segment files and
then atomically renames a new table of contents into place, so a reader (or a
build killed at any moment) only ever sees the previous complete generation.
The writer lock makes a second concurrent build wait briefly, then refuse
with a clear message instead of corrupting anything. After the commit the
build writes the new generation's case and people tables beside it
(`knowledge`); a build killed before that leaves a generation without them,
which readers then compute for themselves.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import queue
import shutil
import stat
import tempfile
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import TOC, LockError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name

from .codec import InliningCodec
from .ingest import Duplicates, FileBudget, IngestError, Ingested, Refused, discover, display_path
from .people import roll_names
from .report import Coverage
from .segments import BulkSegmentWriter
from .schema import build_schema, item_document, meeting_document, same_schema
from .workers import ParsePool, die_with_parent

SUMMARY_FILE = "build-summary.json"
INDEX_NAME = "MAIN"
PARALLEL_MIN_FILES = 64  # below this, starting writer processes costs more than it saves
SUMMARY_TEMP_GRACE = 300.0  # seconds; a younger summary temp file may belong to a build finishing now


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
    knowledge_seconds: float = 0.0  # of `seconds`: the case and people tables, after the commit
    # what the parser understood of the files this build read (indexer/report.py)
    coverage: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def open_or_create(index_dir: Path):
    """The index at `index_dir`; an index written with another schema (an
    older version of Rådsarkiv) is started afresh rather than left to fail
    every build. Whoosh's create_in replaces it under the same atomic TOC."""
    index_dir.mkdir(parents=True, exist_ok=True)
    schema = build_schema()
    if whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME):
        ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
        if same_schema(ix.schema, schema):
            return ix
    return whoosh_index.create_in(str(index_dir), schema, indexname=INDEX_NAME)


def indexed_sources(ix) -> dict[str, tuple[str, str]]:
    """source path → (sha256, meeting id) of every document in the index."""
    with ix.searcher() as searcher:
        return {
            fields["source_path"]: (fields.get("sha256", ""), fields.get("id", ""))
            for fields in searcher.documents(doctype="meeting")
        }


def file_sha256(path: Path) -> str | None:
    """The file's hash, or None when it cannot be read as a regular file.

    Opened without blocking and checked after opening: a file swapped for a
    named pipe after the walk must not stall the build here."""
    digest = hashlib.sha256()
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
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


def parallel_procs() -> int:
    return max(1, os.cpu_count() or 1)


def parse_procs() -> int:
    """Parse workers: one core is left to indexing (the main process or its sub-writers)."""
    return max(1, min(4, (os.cpu_count() or 1) - 1))


def build(
    corpus: Path,
    index_dir: Path,
    *,
    lock_timeout: float = 5.0,
    on_progress: Callable[[str], None] | None = None,
    writer_limitmb: int = 256,
    procs: int | None = None,
    budget: FileBudget | None = None,
) -> BuildSummary:
    """Bring the index at `index_dir` up to date with `corpus`.

    Only new or changed files (by content hash) are parsed, each in a guarded
    worker process within its `budget` (see indexer.workers); files gone from
    the corpus are removed. Raises BuildBusy when another build is running.
    """
    started = time.perf_counter()
    budget = budget or FileBudget.from_env()
    summary = BuildSummary(corpus=str(corpus.resolve()), index=str(index_dir.resolve()))
    ix = open_or_create(index_dir)
    paths = list(discover(corpus, budget))
    plan = _plan(ix, paths, corpus)
    opened_at = time.time()
    writer = _open_writer(ix, index_dir, len(plan.changed), lock_timeout, writer_limitmb, procs)
    try:
        sweep_litter(index_dir, writer, opened_at)
        if ix.latest_generation() != plan.generation:  # another build committed while we planned
            plan = _plan(ix, paths, corpus)
        summary.files, summary.unchanged, summary.skipped = len(paths), plan.unchanged, list(plan.skipped)
        for shown in plan.drop:
            _drop(writer, shown, plan.known, summary)
        progress = Progress(len(plan.changed))
        shown_of = dict(plan.changed)
        coverage = Coverage()
        with ParsePool(corpus, budget, parse_procs()) as pool:
            for path, result in pool.parse(shown_of):
                progress.step(Path(shown_of[path]).name)  # the shown name: a terminal may refuse the raw one
                if on_progress:
                    on_progress(shown_of[path])
                if isinstance(result, IngestError):
                    coverage.add_failure()
                else:
                    coverage.add(result.meeting)
                _apply(writer, shown_of[path], result, plan.known, plan.duplicates, summary)
        summary.coverage = coverage.to_dict()
        for gone in plan.gone:
            writer.delete_by_term("source_path", gone)
            summary.removed += 1
        writer.commit(optimize=_worth_compacting(ix))
    except BaseException:
        writer.cancel()
        raise
    summary.knowledge_seconds = _write_knowledge(ix, index_dir)
    _count(ix, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    write_summary(index_dir, summary)
    return summary


def _write_knowledge(ix, index_dir: Path) -> float:
    """Write the committed generation's case and people tables; the seconds it took.

    The index is committed and whole whether or not this succeeds: a
    failure is reported, and readers compute the tables themselves.

    The assembly runs in a process of its own (`_knowledge_main`): it holds
    every record of the generation at once, and a Python process keeps what
    it freed. In the build's process it raised the build's peak memory on
    Greve + seeds from 83 MB to 182 MB (bench, 20261202-033418; 149 MB with
    the records' section text dropped, `knowledge._without_text`); in a child
    the build's own peak is again what indexing needs, and the child's is
    reported with the other helper processes."""
    import multiprocessing

    started = time.perf_counter()
    process = multiprocessing.get_context("spawn").Process(
        target=_knowledge_main, args=(str(index_dir),), name="raadsarkiv-knowledge")
    process.start()
    process.join()
    if process.exitcode != 0:
        print(f"warning: the case and people tables were not written (exit code {process.exitcode}); "
              "the server computes them on first use", file=sys.stderr)
    return round(time.perf_counter() - started, 3)


def _knowledge_main(index_dir: str) -> None:
    """The table-writing process: dies with the build, says why it failed."""
    from .knowledge import write_knowledge  # it reads through the snapshot, which imports this module
    from .workers import die_with_parent

    die_with_parent()
    try:
        write_knowledge(whoosh_index.open_dir(index_dir, indexname=INDEX_NAME), Path(index_dir))
    except Exception as error:  # noqa: BLE001 - the commit stands; the tables are an optimisation
        print(f"warning: {type(error).__name__}: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def sweep_litter(index_dir: Path, writer, opened_at: float) -> list[str]:
    """Remove what failed or killed builds left in the index folder; the names removed.

    A build killed mid-way leaves segment files no table of contents names,
    the multiprocess writer's temporary folder (job lists, posting runs) and
    temporary TOC, summary and table (`knowledge`) files; Whoosh cleans only
    segment and TOC files, and only at a later commit. Called with the writer lock held, so no
    other build is writing; the segments kept are those the writer read
    under the lock plus its own new one. Whoosh names every writer's
    temporary folder alike ("MAIN.tmp"), so in the one this writer uses only
    files older than the writer (`opened_at`, before the lock was taken) go.
    """
    live = {segment.segment_id() for segment in writer.segments} | {writer.newsegment.segment_id()}
    own_temp = Path(writer.temp_storage().folder).name
    segment_file, toc_file = TOC._segment_pattern(INDEX_NAME), TOC._pattern(INDEX_NAME)
    current_toc = f"_{INDEX_NAME}_{writer.generation - 1}.toc"
    removed = []
    for entry in sorted(index_dir.iterdir()):
        name = entry.name
        if entry.is_dir():
            if name.endswith(".tmp"):
                targets = [f for f in entry.iterdir() if f.stat().st_mtime < opened_at - 1] if name == own_temp else [entry]
                removed += [_remove(target) for target in targets]
        elif ((match := segment_file.match(name)) and match.group(1) not in live) \
                or (toc_file.match(name) and name != current_toc) or ".toc." in name \
                or (name.startswith((".summary-", ".knowledge-")) and time.time() - entry.stat().st_mtime > SUMMARY_TEMP_GRACE):
            removed.append(_remove(entry))
    return removed


def _remove(path: Path) -> str:
    try:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    except FileNotFoundError:
        pass
    return path.name


def _worth_compacting(ix) -> bool:
    """Rewrite the index into one segment when updates have left more than a
    quarter of its documents deleted (Whoosh's default merge keeps them)."""
    with ix.reader() as reader:
        stored, live = reader.doc_count_all(), reader.doc_count()
    return stored > 0 and (stored - live) > stored // 4


def _open_writer(ix, index_dir: Path, changed: int, lock_timeout: float, limitmb: int, procs: int | None):
    """A writer holding the index lock, its segments written by
    `segments.BulkSegmentWriter` (postings grouped by term; the same files as
    Whoosh's writer, 1.7x the build throughput at 10k). Large batches use
    Whoosh's multiprocess writer with one segment per process (no final
    merge): measured 2.7x the throughput of a single writer on two cores.
    Small updates use a single writer, which also merges small segments."""
    procs = parallel_procs() if procs is None else procs
    # compound=False: Whoosh reads a compound segment's parts through BytesIO
    # copies, so a server would hold the whole index in anonymous memory;
    # separate files are read on demand (measured at 100k items: server peak 1.1 GB
    # with compound segments, 307 MB without; bench/RESULTS.md).
    try:
        if procs > 1 and changed >= PARALLEL_MIN_FILES:
            return LinkedMpWriter(ix, procs=procs, multisegment=True, start_method="spawn",
                                  limitmb=limitmb, timeout=lock_timeout, compound=False, codec=InliningCodec())
        return BulkSegmentWriter(ix, limitmb=limitmb, timeout=lock_timeout, compound=False, codec=InliningCodec())
    except LockError as error:
        raise BuildBusy(f"{index_dir}: another build is updating this index; try again when it has finished") from error


def _subwriter_main(parent: int, *args) -> None:
    die_with_parent()
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)
    BulkSubWriterTask(*args).run()


class BulkSubWriterTask(SubWriterTask):
    """Whoosh's sub-writer loop (whoosh.multiproc.SubWriterTask.run, multisegment
    mode) with our segment writer: read the job files the parent writes, add
    their documents, write one segment."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = BulkSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        if not self.multisegment:
            raise ValueError("the bulk sub-writer writes one segment per process (multisegment=True)")
        self.resultqueue.put((None, set(), writer._finalize_segment()), timeout=5)


class SubWriterFailed(RuntimeError):
    """An index sub-writer process died; the build is cancelled, the index untouched."""


class LinkedMpWriter(MpWriter):
    """Whoosh's multiprocess writer (multisegment), made safe to fail.

    * Sub-writers start with "spawn" (no inherited lock descriptor or held
      thread lock) and die with the build, so a build killed with SIGKILL
      leaves no orphan holding the index lock.
    * Whoosh's own writer blocks forever on a full job queue when a
      sub-writer has crashed, and at commit it silently drops a missing
      sub-writer's segment. Here a dead sub-writer raises SubWriterFailed
      instead, and the build's cancel() leaves the previous index intact.
    """

    def _new_task(self):
        args = (os.getpid(), self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment)
        task = self._mpctx.Process(target=_subwriter_main, args=args, daemon=True)
        self.tasks.append(task)
        task.start()
        return task

    def _check_tasks(self) -> None:
        for task in self.tasks:
            if not task.is_alive() and task.exitcode not in (None, 0):
                raise SubWriterFailed(f"an index sub-writer died (exit code {task.exitcode}); nothing was committed")

    def _put(self, job) -> None:
        while True:
            try:
                self.jobqueue.put(job, timeout=1)
                return
            except queue.Full:
                self._check_tasks()

    def _enqueue(self):
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as handle:
            for item in self.docbuffer:
                pickle.dump(item, handle, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self._put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        results = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=1))
            except queue.Empty:
                self._check_tasks()
        for task in self.tasks:
            task.join()
        self._check_tasks()
        finalsegments += [segment for _, _, segment in results]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()


@dataclass
class Plan:
    generation: int
    known: dict[str, tuple[str, str]]  # indexed source path → (sha256, meeting id)
    duplicates: Duplicates = field(default_factory=Duplicates)
    changed: list[tuple[Path, str]] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)  # indexed files that became duplicates
    gone: list[str] = field(default_factory=list)  # indexed files no longer in the corpus
    skipped: list[dict[str, str]] = field(default_factory=list)
    unchanged: int = 0


def _plan(ix, paths: list[Path], corpus: Path) -> Plan:
    """Sort files into unchanged (same hash as indexed), duplicates (same bytes
    as a file earlier in the walk), those to parse, and those gone.

    The hash here only decides what to skip without parsing; the hash stored
    with a meeting is the reader's, of the bytes actually parsed, so a file
    that changes between plan and parse is stored as what was indexed and
    parsed again by the next build. Same-meeting duplicates are known only
    after parsing (`_apply`), through the same `Duplicates`, seeded here with
    the meetings of the files that are not parsed again."""
    plan = Plan(generation=ix.latest_generation(), known=indexed_sources(ix))
    present: set[str] = set()
    for path in paths:
        shown = display_path(path, corpus)
        present.add(shown)
        sha = None if isinstance(path, Refused) else file_sha256(path)
        if reason := plan.duplicates.of_content(sha, shown):
            plan.skipped.append({"path": shown, "reason": reason})
            plan.drop.append(shown)
            continue
        if sha is not None and plan.known.get(shown, ("", ""))[0] == sha:
            plan.unchanged += 1
            continue
        plan.changed.append((path, shown))
    plan.gone = sorted(set(plan.known) - present)
    changed = {shown for _, shown in plan.changed}
    for path, (_, meeting_id) in plan.known.items():
        if path in present and path not in changed and path not in plan.drop:
            plan.duplicates.by_meeting.setdefault(meeting_id, path)
    return plan


def _apply(writer, shown: str, result: Ingested | IngestError, known: dict[str, tuple[str, str]],
           duplicates: Duplicates, summary: BuildSummary) -> None:
    if isinstance(result, IngestError):
        summary.skipped.append({"path": result.path, "reason": result.reason})
        _drop(writer, shown, known, summary)
        return
    if reason := duplicates.of_meeting(result.meeting.id, shown):  # a re-encoded copy, a second export
        summary.skipped.append({"path": shown, "reason": reason})
        _drop(writer, shown, known, summary)
        return
    try:
        documents = meeting_documents(result)
    except Exception as error:  # noqa: BLE001 - one broken record never stops a build
        summary.skipped.append({"path": shown, "reason": f"cannot be indexed ({type(error).__name__}: {error})"})
        _drop(writer, shown, known, summary)
        return
    if shown in known:
        writer.delete_by_term("source_path", shown)
        summary.updated += 1
    else:
        summary.added += 1
    for document in documents:
        writer.add_document(**document)


def _drop(writer, shown: str, known: dict[str, tuple[str, str]], summary: BuildSummary) -> None:
    """A file that no longer parses (or became a duplicate) leaves the index."""
    if shown in known:
        writer.delete_by_term("source_path", shown)
        summary.removed += 1


def meeting_documents(ingested: Ingested) -> list[dict]:
    """The index documents of one meeting, all made before any is added, so a
    record that cannot be stored is skipped whole, never half-indexed."""
    meeting = ingested.meeting
    roll = roll_names(meeting.participants)
    return [meeting_document(meeting), *(item_document(item, meeting, roll) for item in meeting.items)]


def _count(ix, summary: BuildSummary) -> None:
    with ix.searcher() as searcher:
        summary.items = sum(1 for _ in searcher.document_numbers(doctype="item"))
        summary.meetings = sum(1 for _ in searcher.document_numbers(doctype="meeting"))


def write_summary(index_dir: Path, summary: BuildSummary) -> None:
    target = index_dir / SUMMARY_FILE
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=index_dir, prefix=".summary-", suffix=".tmp", delete=False)
    with handle:
        handle.write(summary.to_json())
    os.replace(handle.name, target)  # a unique name: builds finishing together never collide


def read_summary(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

