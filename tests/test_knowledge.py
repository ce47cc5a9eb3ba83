"""The case and people tables written with each index generation (indexer.knowledge).

The oracle is the assembly over the live store (`cases.assemble_timeline`
given the Archive itself, as every case page was built before the tables):
the table of a generation must hold exactly what it gives, for every case
number. Builds here add a case's later treatment incrementally, lose the
file, find a foreign or broken one, and die between the commit and the write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from bench.generate import generate
from indexer.build import build
from indexer.cases import assemble_timeline, case_timeline
from indexer.knowledge import Blobs, Knowledge, assemble, file_name, read_knowledge
from indexer.people import people_table
from indexer.search import Archive

from conftest import GREVE_CASE_MEETINGS

ROOT = Path(__file__).resolve().parents[1]
CASE = "21-016074"  # Beskæftigelses- og Erhvervsudvalget → Økonomiudvalget → Byråd (tests/conftest.py)
BYRAAD = ("2022-01-31", "Byråd")


def knowledge_files(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name.startswith("knowledge-"))


def generation(index: Path) -> int:
    return Archive(index).current().generation


def archived(timeline: dict) -> list[tuple[str, str]]:
    return [(t["date"], t["council"]) for t in timeline["treatments"] if t["in_archive"]]


def written(index: Path) -> Knowledge:
    """The tables the build wrote for the index's newest generation (the file itself, no fallback)."""
    snapshot = Archive(index).current()
    from indexer.knowledge import content_key

    found = read_knowledge(index, snapshot.generation, content_key(snapshot.searcher.reader()))
    assert found is not None, f"no tables for generation {snapshot.generation}: {knowledge_files(index)}"
    return found


def live_timelines(index: Path) -> dict[str, dict | None]:
    """The oracle: every case number's timeline assembled over the live store."""
    archive = Archive(index)
    return {number: assemble_timeline(archive, number) for number in archive.current().value_counts("case")}


def people_of(table) -> dict:
    """Everyone, whole: each person's meetings and votes read as a person page reads them."""
    return {pid: asdict(table.get(pid)) for pid in table.people}


def legacy_people_bytes(tables: Knowledge) -> bytes:
    """The people table as a file of format 1 or 2 pickled it: every person
    whole, no tally, a table without `appearances` (the classes' shape then)."""
    import pickle

    table = tables.people()
    whole = {pid: table.get(pid) for pid in table.people}
    for person in whole.values():
        del person.__dict__["tally"]
    legacy = type(table)(whole, dict(table.aliases), table.seconds)
    del legacy.__dict__["appearances"]
    return pickle.dumps(legacy, protocol=5)


@pytest.fixture
def two_meetings(greve_dir, tmp_path) -> tuple[Path, Path]:
    """A corpus with the case's first two treatments (the Byråd's meeting not yet in it), built."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    (corpus / "greve").mkdir(parents=True)
    for name in GREVE_CASE_MEETINGS[:2]:
        shutil.copyfile(greve_dir / name, corpus / "greve" / name)
    build(corpus, index)
    return corpus, index


def add_byraad(greve_dir: Path, corpus: Path) -> None:
    shutil.copyfile(greve_dir / GREVE_CASE_MEETINGS[2], corpus / "greve" / GREVE_CASE_MEETINGS[2])


def test_the_table_is_written_with_each_generation_and_an_incremental_build_adds_the_later_treatment(
        greve_dir, two_meetings):
    corpus, index = two_meetings
    first = written(index)
    assert BYRAAD not in archived(first.case(CASE))
    assert first.case(CASE) == live_timelines(index)[CASE]

    add_byraad(greve_dir, corpus)
    summary = build(corpus, index)
    assert summary.added == 1 and summary.unchanged == 2 and summary.knowledge_seconds > 0
    second = written(index)
    assert second.generation > first.generation
    timeline = second.case(CASE)
    assert archived(timeline) == [("2022-01-10", "Beskæftigelses- og Erhvervsudvalget"),
                                  ("2022-01-24", "Økonomiudvalget"), BYRAAD]
    byraad = next(t for t in timeline["treatments"] if (t["date"], t["council"]) == BYRAAD)
    assert byraad["decision"] == "Byrådet godkendte Økonomiudvalgets indstilling."
    # the whole generation, not only the new file: every case as the live store assembles it
    oracle = live_timelines(index)
    assert set(second.cases) == set(oracle)
    assert all(second.case(number) == oracle[number] for number in oracle)
    assert case_timeline(Archive(index), CASE) == oracle[CASE]
    # the people of the new meeting too (the Byråd's roll)
    assert people_of(second.people()) == people_of(assemble(Archive(index).current()).people())
    assert len(second.people().people) > len(first.people().people)
    assert knowledge_files(index) == [file_name(first.generation), file_name(second.generation)]


def test_a_build_that_changes_nothing_keeps_the_tables_under_the_new_generation(two_meetings):
    corpus, index = two_meetings
    before = written(index)
    summary = build(corpus, index)
    assert summary.added == summary.updated == summary.removed == 0
    after = written(index)
    assert after.generation >= before.generation
    assert after.cases == before.cases and after.people_bytes == before.people_bytes


def test_every_case_of_a_generated_archive_equals_the_live_assembly(tmp_path):
    """A generated archive: many cases across bodies, references to meetings
    in and outside the archive, mentions of case numbers in the text."""
    generate(tmp_path / "corpus", items=400, seed=5)
    build(tmp_path / "corpus", tmp_path / "index")
    table, oracle = written(tmp_path / "index"), live_timelines(tmp_path / "index")
    assert len(oracle) > 50
    assert set(table.cases) == set(oracle)
    differing = [number for number in oracle if table.case(number) != oracle[number]]
    assert not differing, differing[:5]
    with_references = [t for number in oracle for t in oracle[number]["treatments"] if t["relation"] != "behandling"]
    assert with_references, "the sample should exercise references and mentions"


@pytest.mark.parametrize("damage", ["missing", "truncated", "not a pickle"])
def test_without_a_readable_file_the_tables_are_computed_and_requests_still_answer(two_meetings, damage):
    _, index = two_meetings
    expected = written(index)
    expected_case, expected_people = expected.case(CASE), people_of(expected.people())  # read before the damage
    assert expected_case is not None
    path = index / file_name(expected.generation)
    if damage == "missing":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.write_text("rådsarkiv", encoding="utf-8")
    archive = Archive(index)
    assert case_timeline(archive, CASE) == expected_case
    assert people_of(people_table(archive)) == expected_people
    assert archive.current().knowledge().seconds > 0  # computed, not read


def test_a_file_damaged_after_it_was_opened_costs_no_case_page(two_meetings):
    """The cases are read from the file on lookup (`knowledge.Blobs`): a
    file cut short in place after a server opened it gives short bytes, and
    the case is then assembled from the records, as with no file at all."""
    _, index = two_meetings
    expected = written(index)
    expected_case = expected.case(CASE)
    archive = Archive(index)
    tables = archive.current().knowledge()
    assert tables.seconds == 0 and isinstance(tables.cases, Blobs)  # read from the file
    path = index / file_name(expected.generation)
    path.write_bytes(path.read_bytes()[:200])
    assert tables.case(CASE) is None
    assert case_timeline(archive, CASE) == expected_case


def test_a_file_of_another_index_with_the_same_generation_number_is_not_used(two_meetings, tmp_path):
    """A schema change starts an index afresh, generations counting from the
    start again: a file an earlier index left must not be taken for this one's."""
    _, index = two_meetings
    real = written(index)
    real_case = real.case(CASE)  # read before the file is replaced in place
    foreign = Knowledge(real.generation, ((("MAIN_elsewhere", 0),), 1, 1), {CASE: b"not this"}, real.people_bytes)
    (index / file_name(real.generation)).write_bytes(foreign.to_bytes())
    assert case_timeline(Archive(index), CASE) == real_case


def test_a_build_killed_between_its_commit_and_the_table_write_still_serves_correct_pages(
        greve_dir, two_meetings):
    """The build process dies (os._exit) right after Whoosh's commit, before
    the tables are written: the new generation is served, its case pages
    computed from it; the next build writes its tables."""
    corpus, index = two_meetings
    old = written(index)
    add_byraad(greve_dir, corpus)
    script = ("import os, sys; from pathlib import Path; import indexer.build as b; "
              "b._write_knowledge = lambda *args: os._exit(9); "
              "b.build(Path(sys.argv[1]), Path(sys.argv[2]))")
    died = subprocess.run([sys.executable, "-c", script, str(corpus), str(index)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)
    assert died.returncode == 9, died.stderr[-2000:]
    assert generation(index) > old.generation  # committed ...
    assert knowledge_files(index) == [file_name(old.generation)]  # ... but no tables for it

    from webapp import create_app

    client = create_app(index, testing=True, corpus_dir=corpus).test_client()
    case = client.get(f"/api/cases/{CASE}").get_json()
    assert BYRAAD in [(t["date"], t["council"]) for t in case["treatments"] if t["in_archive"]]
    assert client.get(f"/sag/{CASE}").status_code == 200
    assert case_timeline(Archive(index), CASE) == live_timelines(index)[CASE]

    summary = build(corpus, index)  # nothing to change; the tables are written now
    assert summary.added == summary.updated == summary.removed == 0
    assert written(index).case(CASE) == live_timelines(index)[CASE]


def test_a_killed_builds_temporary_table_file_is_swept_by_the_next_build(two_meetings):
    corpus, index = two_meetings
    litter = index / ".knowledge-abc123.tmp"
    litter.write_bytes(b"half a table")
    old = os.stat(litter).st_mtime - 3600
    os.utime(litter, (old, old))
    build(corpus, index)
    assert not litter.exists()


def test_a_people_table_that_cannot_be_assembled_costs_only_the_people_pages(two_meetings, monkeypatch):
    import indexer.knowledge as knowledge

    _, index = two_meetings
    expected = written(index).case(CASE)

    def broken(*args):
        raise KeyError("Christian Hawwa")

    monkeypatch.setattr(knowledge, "assemble_people_by_meeting", broken)
    tables = Knowledge.from_bytes(assemble(Archive(index).current()).to_bytes())
    assert tables.case(CASE) == expected
    with pytest.raises(knowledge.PeopleUnavailable, match="Christian Hawwa"):
        tables.people()


@pytest.mark.parametrize("old_format", [1, 2])
def test_a_file_of_an_earlier_format_is_still_read(two_meetings, old_format):
    """An index built before the file format changed (format 1: one pickle;
    format 2: the cases read on lookup, every person's appearances inside the
    people table) keeps its tables until its next build, rather than each
    server assembling them; what is read equals what was written."""
    import pickle
    from array import array
    from itertools import accumulate

    from indexer.knowledge import MAGIC

    _, index = two_meetings
    current = written(index)
    cases = {number: current.cases[number] for number in current.cases}
    people, expected_people = legacy_people_bytes(current), people_of(current.people())  # read before the file is replaced
    if old_format == 1:
        data = pickle.dumps({"format": 1, "generation": current.generation, "content": current.content,
                             "cases": cases, "people": people}, protocol=5)
    else:
        numbers = list(cases)
        header = pickle.dumps({"format": 2, "generation": current.generation, "content": current.content,
                               "numbers": numbers, "ends": array("q", accumulate(len(cases[n]) for n in numbers)).tobytes(),
                               "people": len(people)}, protocol=5)
        data = b"".join([MAGIC, len(header).to_bytes(8, "little"), header, people, *(cases[n] for n in numbers)])
    path = index / file_name(current.generation)
    path.write_bytes(data)
    old = written(index)
    assert isinstance(old.cases, Blobs) == (old_format == 2) and dict(old.cases) == cases
    assert old.case(CASE) is not None
    assert people_of(old.people()) == expected_people
    assert old.people().appearances is None  # the old table holds its people whole
    # and the current format round-trips through bytes
    assert dict(Knowledge.from_bytes(old.to_bytes()).cases) == cases


def test_the_people_table_keeps_summaries_and_reads_a_persons_appearances_on_lookup(two_meetings):
    """A server holds everyone's names, bodies and counts; one person's
    meetings and votes are read from the file when their page asks."""
    _, index = two_meetings
    tables = Archive(index).current().knowledge()
    assert tables.seconds == 0  # read from the file
    table = tables.people()
    assert isinstance(table.appearances, Blobs) and set(table.appearances) == set(table.people)
    assert all(not p.meetings and not p.votes for p in table.people.values())
    whole = assemble(Archive(index).current()).people()
    assert people_of(table) == people_of(whole)
    busiest = max(table.people.values(), key=lambda p: p.counts()["meetings"])
    person = table.get(busiest.id)
    assert busiest.counts()["meetings"] == len(person.meetings) > 0
    assert person.counts() == person.count_appearances()
    assert table.summary(busiest.id).meetings == []  # the lookup gave a copy; the summary stays small


def test_a_file_damaged_after_it_was_opened_costs_no_person_page(two_meetings):
    """A person's appearances read as short bytes: the people table is
    assembled from the records, and the page answers as before."""
    _, index = two_meetings
    archive = Archive(index)
    tables = archive.current().knowledge()
    expected = people_of(tables.people())
    someone = next(iter(expected))
    path = index / file_name(tables.generation)
    path.write_bytes(path.read_bytes()[:200])
    assert asdict(tables.person(someone)) == expected[someone]
    assert tables.people().appearances is None  # assembled whole, in memory
