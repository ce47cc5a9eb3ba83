"""Parsing in guarded worker processes: one file can cost one file, never the build.

Every file a build reads is read and parsed in a worker process with a memory
limit (RLIMIT_AS, `FileBudget.memory_bytes`) and a deadline per file
(`FileBudget.seconds`). Whatever a file does to its reader — PDFium aborting
on a failed allocation (SIGABRT), a segfault in a native library, running out
of memory, a parse that never ends — ends or stalls only that worker: the file
is reported with the reason, a fresh worker takes its place and the build goes
on. Workers die with the build (PR_SET_PDEATHSIG), so a killed build leaves
no reader behind.

Results come back in the order the files were given, so a build is as
deterministic as a sequential one (the first of two files holding the same
meeting keeps it). Parsing in workers also overlaps parsing with indexing,
which the build does in the main process or its sub-writers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .ingest import FileBudget, Ingested, IngestError, display_path, try_parse

READY = "ready"
# Set in a parse worker's environment from its first instruction on, so that
# tools (and the crash tests) can tell it from the build's index sub-writers;
# its name (/proc/<pid>/comm) follows once it runs.
ROLE_VARIABLE, ROLE = "RAADSARKIV_PROCESS", "parse-worker"
PROCESS_NAME = b"raadsarkiv-read"
START_SECONDS = 120.0  # a worker that cannot even import the parser in this time is broken


class WorkerStartFailed(RuntimeError):
    """A parse worker process could not be started."""


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: workers then exit when their pipe closes


def name_process(name: bytes) -> None:
    """Name this process for ps and /proc/<pid>/comm (prctl PR_SET_NAME), so a
    parse worker can be told from the build's index sub-writers."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(15, ctypes.c_char_p(name[:15]), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def limit_memory(limit: int) -> None:
    """Cap this process's address space; allocations past it fail (MemoryError, or a native abort)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass  # no rlimits here: the file budget's time limit still holds


def _worker_main(conn: Connection, parent: int, corpus: Path | None, budget: FileBudget) -> None:
    die_with_parent()
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)
    name_process(PROCESS_NAME)
    _warm_up(budget)
    limit_memory(budget.memory_bytes)
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        number, path = task
        result = try_parse(path, corpus, budget)
        try:
            conn.send((number, result))
        except MemoryError:
            conn.send((number, IngestError(result.path, "document is too large to parse in memory")))


def _warm_up(budget: FileBudget) -> None:
    """Import every reader before the first deadline starts, so a file's time
    budget is spent on the file, not on loading libraries."""
    import importlib

    from .readers import pdf

    pdf.INFLATE_LIMIT = budget.pdf_inflated_bytes
    for name in ("html", "txt"):
        importlib.import_module(f"{__package__}.readers.{name}")


def death_reason(exitcode: int | None) -> str:
    """Why a worker ended, for the file it was reading."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the reader crashed on this file ({name}{hint}); skipped"
    return f"the reader stopped on this file (exit code {exitcode}); skipped"


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: tuple[int, Path] | None = None
    deadline: float = 0.0


@dataclass
class ParsePool:
    """Worker processes that parse files for one build (see the module doc)."""

    corpus: Path | None
    budget: FileBudget = field(default_factory=FileBudget.from_env)
    procs: int = 1
    workers: list[_Worker] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")  # no inherited index lock or thread state

    # --- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self.workers:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []

    def _start_worker(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(child_end, os.getpid(), self.corpus, self.budget), daemon=True,
            name="raadsarkiv-parse",
        )
        os.environ[ROLE_VARIABLE] = ROLE  # inherited by the spawned interpreter only
        try:
            process.start()
        finally:
            os.environ.pop(ROLE_VARIABLE, None)
        child_end.close()
        if not parent_end.poll(START_SECONDS):
            process.kill()
            raise WorkerStartFailed(f"a parse worker did not start within {START_SECONDS:.0f} s")
        try:
            parent_end.recv()
        except (EOFError, OSError) as error:
            process.join()
            raise WorkerStartFailed(f"a parse worker failed to start (exit code {process.exitcode})") from error
        worker = _Worker(process, parent_end)
        self.workers.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self.workers.remove(worker)

    # --- parsing ---------------------------------------------------------------------

    def parse(self, paths: Iterable[Path]) -> Iterator[tuple[Path, Ingested | IngestError]]:
        """(path, result) for every path, in the given order."""
        pending = list(enumerate(paths))
        pending.reverse()
        inputs = {number: path for number, path in pending}
        done: dict[int, Ingested | IngestError] = {}
        next_out = 0
        while next_out < len(inputs):
            self._dispatch(pending)
            for number, result in self._collect():
                done[number] = result
            while next_out in done:
                yield inputs[next_out], done.pop(next_out)
                next_out += 1

    def _dispatch(self, pending: list[tuple[int, Path]]) -> None:
        while pending:
            idle = next((w for w in self.workers if w.task is None), None)
            if idle is None:
                if len(self.workers) >= self.procs:
                    return
                idle = self._start_worker()
            task = pending.pop()
            idle.conn.send(task)
            idle.task, idle.deadline = task, time.monotonic() + self.budget.seconds

    def _collect(self) -> list[tuple[int, Ingested | IngestError]]:
        """Results of the workers that finished, crashed or ran out of time."""
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return []
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        ready = set(wait([w.conn for w in busy], timeout))
        results = []
        for worker in busy:
            assert worker.task is not None
            number, path = worker.task
            if worker.conn in ready:
                try:
                    got_number, result = worker.conn.recv()
                    if got_number == number:
                        worker.task = None
                        results.append((number, result))
                        continue
                    result = IngestError(self._shown(path), "the reader answered out of turn; skipped")
                except (EOFError, OSError):
                    worker.process.join(5)
                    result = IngestError(self._shown(path), death_reason(worker.process.exitcode))
            elif time.monotonic() >= worker.deadline:
                result = IngestError(self._shown(path), f"reading and parsing took longer than the "
                                                        f"{self.budget.seconds:g} s allowed per file; skipped")
            else:
                continue
            self._replace(worker)
            results.append((number, result))
        return results

    def _shown(self, path: Path) -> str:
        return display_path(path, self.corpus)
