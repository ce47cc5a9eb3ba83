"""What a server process holds for one index, step by step.

    python -m bench.memory INDEX [--people]

Opens the index as the web app does (`snapshot.IndexView`) and prints the
process's anonymous memory (what the system cannot reclaim: Python objects,
numpy arrays) after each step a server takes on its first requests: the
snapshot (searcher, facet table, meeting list), the case and people tables
(`knowledge`), the spelling vocabulary, the facet counts and case keys, and
with --people the people table (a name query or a people list: everyone's
summary) and then every person's page, one after another (each person's
meetings and votes read from the tables' file and dropped again).
File pages (the index's segments, the tables' file) are the page cache's,
shared between processes and reclaimable, and are shown apart.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
from pathlib import Path


def resident() -> tuple[int, int]:
    """(anonymous, file-backed) resident memory of this process, MB."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("RssAnon", "RssFile")):
                found[line.split(":")[0]] = int(line.split()[1]) // 1024
    return found.get("RssAnon", 0), found.get("RssFile", 0)


def peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def every_person(knowledge) -> int:
    """Read each person whole, as their page does, keeping none: what is left is what the reads retain."""
    read = 0
    for person_id in list(knowledge.people().people):
        person = knowledge.person(person_id)
        read += len(person.meetings) + len(person.votes)
    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--people", action="store_true", help="also unpickle the people table")
    args = parser.parse_args()

    from indexer.snapshot import IndexView

    view = IndexView(args.index)
    snapshot = None
    steps = [
        ("snapshot (searcher, facet table, meetings)", lambda: view.current()),
        ("case and people tables read", lambda: snapshot.knowledge()),
        ("spelling vocabulary", lambda: snapshot.vocabulary()),
        ("facet counts and case keys",
         lambda: (snapshot.case_numbers(), [snapshot.value_counts(k) for k in ("council", "year", "municipality")])),
    ]
    if args.people:
        steps.append(("people table (summaries)", lambda: snapshot.knowledge().people()))
        steps.append(("every person's page read once", lambda: every_person(snapshot.knowledge())))
    anon, file_backed = resident()
    print(f"{'start':<45} {anon:>7} MB anonymous {file_backed:>6} MB file")
    for label, step in steps:
        began = time.perf_counter()
        value = step()
        if snapshot is None:
            snapshot = value
        gc.collect()
        anon, file_backed = resident()
        print(f"{label:<45} {anon:>7} MB anonymous {file_backed:>6} MB file "
              f"{time.perf_counter() - began:6.1f} s  (peak {peak()} MB)")


if __name__ == "__main__":
    main()
