"""Crash safety of the index: killed builds, searches during a commit, two builds at once.

Every build here is `python -m indexer build` in its own process (its own
session, so that everything it starts can be found and cleaned up), over a
generated archive (`bench.generate`). One module fixture builds the starting
index S0 once; each test works on a copy of it (the corpus folder is always
called `corpus`, so source paths stay the same and builds stay incremental).

The change S0 → S1 adds a new municipality of 70+ files (so the build takes
the multiprocess-writer path, PARALLEL_MIN_FILES), edits three files and
deletes three. A fresh build of S1 from scratch, started in the background
at the beginning, is the reference every recovered index is compared with.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from bench.generate import generate
from indexer.build import INDEX_NAME, BuildBusy, build
from indexer.search import Archive, SearchRequest

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ("tilsyn", "budget", "handicap", '"skærpet tilsyn"', "botilbud OR bofællesskab", "råd:socialudvalget")
SENTINEL = "kodeordgenerationæøå"
BUILD_TIMEOUT = 120


# --- processes ---------------------------------------------------------------------------------


def cli_build(base: Path) -> subprocess.Popen:
    """`python -m indexer build` for <base>/corpus → <base>/index, in a new session.

    Output goes to files, not pipes: a killed build's surviving children
    would hold a pipe open and make reading it wait forever.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    logs = base / "logs"
    logs.mkdir(exist_ok=True)
    stamp = f"{time.monotonic_ns()}"
    out, err = (logs / f"{stamp}.out").open("w+"), (logs / f"{stamp}.err").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build", "--corpus", str(base / "corpus"), "--index", str(base / "index")],
        cwd=ROOT, env=env, stdout=out, stderr=err, text=True, start_new_session=True,
    )
    process.logs = (out, err)  # type: ignore[attr-defined]
    return process


def finish(process: subprocess.Popen, timeout: float = BUILD_TIMEOUT) -> tuple[int, str, str]:
    """Wait for a build; (exit code, stdout, stderr)."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_session(process.pid)
        process.wait()
        pytest.fail(f"build did not finish within {timeout} s (hung?)\n{read_logs(process)[1][-2000:]}")
    out, err = read_logs(process)
    return process.returncode, out, err


def read_logs(process: subprocess.Popen) -> tuple[str, str]:
    texts = []
    for handle in process.logs:  # type: ignore[attr-defined]
        handle.flush()
        handle.seek(0)
        texts.append(handle.read())
        handle.close()
    return texts[0], texts[1]


def session_processes(session: int) -> list[tuple[int, str]]:
    """Live (non-zombie) processes of a session we started, with their command lines."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[3]) != session or fields[0] == "Z":
                continue
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        found.append((int(entry), command))
    return found


def kill_session(session: int) -> None:
    """SIGKILL what is left of a build we started (its session id is its pid)."""
    for pid, _ in session_processes(session):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_until(predicate, timeout: float, interval: float = 0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def sub_writers(session: int) -> list[int]:
    """The build's index sub-writers (spawned processes that are not parse workers)."""
    return [pid for pid, command in session_processes(session) if "spawn_main" in command and not _parse_worker(pid)]


def _parse_worker(pid: int) -> bool:
    from indexer.workers import ROLE, ROLE_VARIABLE

    try:
        return f"{ROLE_VARIABLE}={ROLE}".encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


# --- index state ---------------------------------------------------------------------------------


def index_state(index: Path) -> dict:
    """What a reader sees: generation, every item id, totals of a few searches."""
    ix = whoosh_index.open_dir(str(index), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        items = sorted(fields["id"] for fields in searcher.documents(doctype="item"))
        meetings = sorted(fields["id"] for fields in searcher.documents(doctype="meeting"))
    archive = Archive(index)
    totals = {q: archive.search(SearchRequest(q=q)).total for q in QUERIES}
    return {"generation": ix.latest_generation(), "items": items, "meetings": meetings, "totals": totals}


def same_content(a: dict, b: dict) -> bool:
    return a["items"] == b["items"] and a["meetings"] == b["meetings"] and a["totals"] == b["totals"]


# --- the archive and its change ------------------------------------------------------------------------


def with_word(text: str, word: str) -> str:
    marker = "\n\nBeslutning\n\n"
    at = text.find(marker)
    sentence = f"Testen kontrollerer ordet {word} her."
    return text.rstrip("\n") + f"\n\n{sentence}\n" if at == -1 else text[:at] + f"\n\n{sentence}" + text[at:]


def first_items(text: str, count: int) -> str:
    """A generated text document cut before its item `count + 1` (keeps builds short)."""
    cut = re.search(rf"(?m)^Punkt {count + 1}: ", text)
    return text[: cut.start()] if cut else text


def to_s1(corpus: Path, nyby: Path, *, files: int | None = None, sentinel: bool = False) -> int:
    """S0 → S1: a new municipality (all its files, or the first `files` text
    files), three edited files, three deleted. Returns how many files were added."""
    target = corpus / "nyby"
    if files is None:
        shutil.copytree(nyby, target)
    else:
        target.mkdir()
        for path in sorted(nyby.glob("*.txt"))[:files]:
            shutil.copyfile(path, target / path.name)
    if sentinel:
        for path in sorted(target.glob("*.txt")):
            path.write_text(with_word(path.read_text(encoding="utf-8"), SENTINEL), encoding="utf-8")
    old = sorted(p for p in corpus.glob("*/*.txt") if p.parent != target)
    for path in old[:3]:
        path.write_text(with_word(path.read_text(encoding="utf-8"), "kodeordændret"), encoding="utf-8")
    for path in old[-3:]:
        path.unlink()
    return len([p for p in target.iterdir() if p.suffix in (".txt", ".html")])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    base = root / "base"
    generate(base / "corpus", items=300, seed=5)
    generate(root / "nyby-src", items=1000, seed=9)
    [nyby] = [p for p in (root / "nyby-src").iterdir() if p.is_dir()]
    for path in nyby.glob("*.txt"):  # many files, few items each: the multiprocess path, quickly
        path.write_text(first_items(path.read_text(encoding="utf-8"), 4), encoding="utf-8")
    build(base / "corpus", base / "index")
    fresh = root / "fresh"
    shutil.copytree(base / "corpus", fresh / "corpus")
    new_files = to_s1(fresh / "corpus", nyby)
    assert new_files >= 64, "S1 must add enough files for the multiprocess writer"
    world = {"root": root, "base": base, "nyby": nyby, "s0": index_state(base / "index"), "fresh": fresh, "_s1": None}
    world["reference"] = cli_build(fresh)  # a from-scratch build of S1, in the background
    # An index whose writer lock this process holds, and a CLI build against
    # it started now: it waits out its lock timeout while the other tests run.
    held = copy_of_s0(world, "held")
    ix = whoosh_index.open_dir(str(held / "index"), indexname=INDEX_NAME)
    world["held_writer"] = ix.writer()
    world["held"], world["refused"] = held, cli_build(held)
    yield world
    world["held_writer"].cancel()
    for process in (world["reference"], world["refused"]):
        kill_session(process.pid)


@pytest.fixture(scope="module")
def s1(world) -> dict:
    """The state of a from-scratch build of S1."""
    if world["_s1"] is None:
        code, _, err = finish(world["reference"])
        assert code == 0, err[-2000:]
        world["_s1"] = index_state(world["fresh"] / "index")
    return world["_s1"]


def copy_of_s0(world, name: str) -> Path:
    target = world["root"] / name
    shutil.copytree(world["base"], target)
    return target


def restore_index(world, target: Path) -> None:
    shutil.rmtree(target / "index")
    shutil.copytree(world["base"] / "index", target / "index")


# --- killing builds ---------------------------------------------------------------------------------


def _kill_after(delay: float):
    def run(process: subprocess.Popen, index: Path) -> dict:
        time.sleep(delay)
        return {"alive": process.poll() is None}
    return run


def _kill_when_sub_writers_run(delay: float):
    """The main process dies `delay` s after its first sub-writer process appears."""
    def run(process: subprocess.Popen, index: Path) -> dict:
        found = wait_until(lambda: sub_writers(process.pid) or process.poll() is not None, 60)
        time.sleep(delay)
        return {"alive": process.poll() is None, "sub_writer_seen": isinstance(found, list)}
    return run


def _kill_after_batches(count: int):
    """The main process dies once it has handed `count` batches of documents
    to its sub-writers (Whoosh's *.doclist job files): mid-indexing."""
    def run(process: subprocess.Popen, index: Path) -> dict:
        seen: set[str] = set()

        def sent() -> bool | str:
            if process.poll() is not None:
                return "finished"
            try:
                seen.update(n for n in os.listdir(index / f"{INDEX_NAME}.tmp") if n.endswith(".doclist"))
            except OSError:
                pass
            return len(seen) >= count

        phase = wait_until(sent, 60, interval=0.001)
        return {"alive": process.poll() is None, "phase": "indexing" if phase is True else phase, "batches": len(seen)}
    return run


def _kill_during_commit(process: subprocess.Popen, index: Path) -> dict:
    """The main process dies as soon as the commit writes its first segment
    column file (the sub-writers finishing), before the new TOC exists."""
    before = set(os.listdir(index))

    def committing():
        if process.poll() is not None:
            return "finished"
        new = set(os.listdir(index)) - before
        return "commit" if any(name.endswith((".col", ".seg")) for name in new) else None

    phase = wait_until(committing, 60, interval=0.0005)
    new_toc = any(re.fullmatch(rf"_{INDEX_NAME}_\d+\.toc", n) for n in set(os.listdir(index)) - before)
    return {"alive": process.poll() is None, "phase": phase, "toc_written_before_kill": new_toc}


KILL_POINTS = {
    "startup": _kill_after(0.3),
    "sub-writer starting": _kill_when_sub_writers_run(0.1),
    "indexing": _kill_after_batches(2),
    "commit": _kill_during_commit,
}


@pytest.fixture(scope="module")
def kill_runs(world):
    """S0 → S1 builds killed at several points (SIGKILL to the build's main
    process only, as the OOM killer or `kill -9` would), then one sub-writer
    killed, then a build left to finish. Records what each left behind."""
    target = copy_of_s0(world, "kills")
    to_s1(target / "corpus", world["nyby"])
    runs = {}
    for name, wait in KILL_POINTS.items():
        for attempt in range(3):
            process = cli_build(target)
            observed = wait(process, target / "index")
            try:
                os.kill(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=BUILD_TIMEOUT)
            read_logs(process)
            leftovers = wait_until(lambda: not session_processes(process.pid), 1.0, interval=0.05)
            left = session_processes(process.pid)
            kill_session(process.pid)
            observed.update(returncode=process.returncode, orphans=left, cleaned=leftovers)
            if observed["alive"] and observed.get("phase", "commit") in ("commit", "indexing"):
                break
            restore_index(world, target)  # the build won the race: try again from S0
        observed["state"] = index_state(target / "index")
        runs[name] = observed

    # a sub-writer dies (OOM killer, segfault): the build must fail, not hang, and change nothing
    process = cli_build(target)
    children = wait_until(lambda: sub_writers(process.pid) or process.poll() is not None, 60)
    time.sleep(0.8)
    victims = sub_writers(process.pid) if isinstance(children, list) else []
    for pid in victims[:1]:
        os.kill(pid, signal.SIGKILL)
    started = time.monotonic()
    code, _, err = finish(process, timeout=60)
    runs["sub-writer killed"] = {"victims": victims[:1], "returncode": code, "stderr": err,
                                 "seconds": time.monotonic() - started, "state": index_state(target / "index")}
    kill_session(process.pid)

    code, out, err = finish(cli_build(target))
    runs["recovery"] = {"returncode": code, "stdout": out, "stderr": err, "state": index_state(target / "index"),
                        "files": sorted(os.listdir(target / "index"))}
    return runs


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_build_leaves_the_previous_index_answering_unchanged(world, kill_runs, point):
    run = kill_runs[point]
    assert run["alive"], f"the build ended before it could be killed at {point}"
    assert run["returncode"] == -signal.SIGKILL
    assert run["state"]["generation"] == world["s0"]["generation"]
    assert same_content(run["state"], world["s0"])


def test_kills_really_landed_mid_indexing_and_inside_the_commit(kill_runs):
    indexing = kill_runs["indexing"]
    assert indexing["phase"] == "indexing" and indexing["batches"] >= 2
    commit = kill_runs["commit"]  # segment files written, new table of contents not yet
    assert commit["phase"] == "commit" and not commit["toc_written_before_kill"]


def test_killed_sub_writer_fails_the_build_without_hanging_or_changing_the_index(world, kill_runs):
    run = kill_runs["sub-writer killed"]
    assert run["victims"], "no sub-writer process was seen"
    assert run["returncode"] not in (0, None) and run["seconds"] < 30
    assert same_content(run["state"], world["s0"])


def test_next_build_after_the_kills_completes_and_is_consistent(kill_runs, s1):
    run = kill_runs["recovery"]
    assert run["returncode"] == 0, run["stderr"][-2000:]
    assert same_content(run["state"], s1)
    assert len(run["state"]["items"]) == len(set(run["state"]["items"]))
    assert re.search(rf"{len(s1['items'])} punkter i indekset", run["stdout"])


def test_killed_builds_leave_no_temporary_files_after_the_next_build(kill_runs):
    files = kill_runs["recovery"]["files"]
    tocs = [name for name in files if name.endswith(".toc")]
    assert len(tocs) == 1, tocs
    assert not [name for name in files if name.endswith(".tmp") or ".toc." in name], files


def test_killed_build_leaves_no_orphan_processes(kill_runs):
    """Sub-writers die with the build, even when it is killed while they
    are still starting (fixed in df47512: PR_SET_PDEATHSIG came too late)."""
    assert kill_runs["sub-writer starting"]["sub_writer_seen"]
    for point in KILL_POINTS:
        assert not kill_runs[point]["orphans"], (point, kill_runs[point]["orphans"])


# --- searches while a build commits ---------------------------------------------------------------------


def test_searches_never_fail_while_builds_replace_the_index(world):
    """Threads search (and open fresh Archives, as new web workers do) in a
    loop while one build adds a municipality and the next deletes it again.
    No search may fail, and every answer comes from one whole generation: a
    word in each new file is found in all of them or in none."""
    target = copy_of_s0(world, "searching")
    new_files = to_s1(target / "corpus", world["nyby"], files=30, sentinel=True)
    archive = Archive(target / "index")
    keep = [i for i in world["s0"]["items"]][:50]
    errors: list[BaseException] = []
    seen: set[int] = set()
    stop = threading.Event()

    def searching(shared: bool) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                current = archive if shared else Archive(target / "index")
                seen.add(current.search(SearchRequest(q=SENTINEL)).total)
                current.search(SearchRequest(q=QUERIES[n % len(QUERIES)], page=1 + n % 2))
                current.search(SearchRequest(q="", filters={"year": ["2025"]}, sort="date"))
                current.item(keep[n % len(keep)])
                current.meetings()
            except BaseException as error:  # noqa: BLE001 - collected and reported by the test
                errors.append(error)
                return

    threads = [threading.Thread(target=searching, args=(n < 3,), daemon=True) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.3)
        code, _, err = finish(cli_build(target))
        assert code == 0, err[-2000:]
        assert wait_until(lambda: archive.search(SearchRequest(q=SENTINEL)).total == new_files, 3, 0.1)
        shutil.rmtree(target / "corpus" / "nyby")
        code, _, err = finish(cli_build(target))
        assert code == 0, err[-2000:]
        assert wait_until(lambda: archive.search(SearchRequest(q=SENTINEL)).total == 0, 3, 0.1)
        time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, repr(errors[0])
    assert seen <= {0, new_files}, sorted(seen)


# --- two builds at once ------------------------------------------------------------------------------------


def test_two_builds_at_once_wait_or_refuse_and_never_corrupt(world, s1):
    """Two real builds started together on one index; and a build (CLI and
    in-process) against an index whose writer lock is held elsewhere."""
    target = copy_of_s0(world, "two")
    to_s1(target / "corpus", world["nyby"])
    first, second = cli_build(target), cli_build(target)
    results = [finish(first), finish(second)]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 1]), results
    for code, out, err in results:
        if code == 1:
            assert "another build is updating this index" in err and "Traceback" not in err
    assert same_content(index_state(target / "index"), s1)
    code, out, err = finish(cli_build(target))  # the index still takes an ordinary incremental build
    assert code == 0 and "nye 0, ændrede 0, fjernede 0" in out, (out, err)

    held = world["held"]
    with pytest.raises(BuildBusy, match="another build"):
        build(held / "corpus", held / "index", lock_timeout=0.2)
    refused_code, refused_out, refused_err = finish(world["refused"])
    assert refused_code == 1 and not refused_out.strip()
    assert re.fullmatch(r"error: .*another build is updating this index.*\n", refused_err), refused_err
    assert same_content(index_state(held / "index"), world["s0"])


def test_summaries_of_builds_finishing_together_do_not_collide(tmp_path):
    from indexer.build import BuildSummary, read_summary, write_summary

    errors: list[BaseException] = []

    def finishing(name: str) -> None:
        for _ in range(300):
            try:
                write_summary(tmp_path, BuildSummary(corpus=name, index=str(tmp_path), skipped=[{"path": name * 40}] * 40))
            except BaseException as error:  # noqa: BLE001 - collected for the assertion
                errors.append(error)

    threads = [threading.Thread(target=finishing, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, repr(errors[0])
    assert read_summary(tmp_path)["corpus"] in ("a", "b")


# --- the index over many builds ----------------------------------------------------------------------------


def _rewrite_all(corpus: Path, round_: int) -> None:
    for path in sorted(corpus.rglob("*.txt")):
        path.write_text(with_word(path.read_text(encoding="utf-8"), f"kodeordrunde{round_}"), encoding="utf-8")


def test_repeated_updates_keep_the_index_compact(tmp_path):
    corpus = tmp_path / "corpus"
    generate(corpus, items=80, seed=3)
    build(corpus, tmp_path / "index")
    for round_ in range(4):  # every file edited, four times: a re-export, a parser upgrade ...
        _rewrite_all(corpus, round_)
        build(corpus, tmp_path / "index")
    ix = whoosh_index.open_dir(str(tmp_path / "index"), indexname=INDEX_NAME)
    with ix.reader() as reader:
        live, stored = reader.doc_count(), reader.doc_count_all()
    assert stored <= 2 * live, f"{stored} documents stored for {live} live ones"


def test_index_from_an_older_version_is_rebuilt_not_broken(tmp_path):
    """An index written by a version whose schema lacked a field (as the
    *_pairs fields were added between two commits of this project)."""
    from whoosh.fields import Schema

    from indexer.schema import build_schema

    corpus = tmp_path / "corpus"
    generate(corpus, items=40, seed=4)
    current = build_schema()
    older = Schema(**{name: field for name, field in current.items() if name != "ids"})
    (tmp_path / "index").mkdir()
    whoosh_index.create_in(str(tmp_path / "index"), older, indexname=INDEX_NAME)
    summary = build(corpus, tmp_path / "index")
    fresh = build(corpus, tmp_path / "fresh")
    assert summary.items == fresh.items > 0
    assert Archive(tmp_path / "index").search(SearchRequest(q="tilsyn")).total == \
        Archive(tmp_path / "fresh").search(SearchRequest(q="tilsyn")).total


def test_failed_build_says_why_in_one_line(kill_runs):
    run = kill_runs["sub-writer killed"]
    assert run["returncode"] == 1
    assert "Traceback" not in run["stderr"] and re.search(r"(?m)^error: .*sub-writer", run["stderr"]), run["stderr"][-1500:]
