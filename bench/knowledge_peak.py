"""The case and people tables' assembly, alone: time, peak memory, and a digest of what it made.

    python -m bench.knowledge_peak INDEX

Assembles the tables of the index's current generation in this process as
the build's helper does (`knowledge.assemble`) and prints the seconds, the
process's peak resident memory (and the snapshot's share of it), and a
digest of every case's timeline and every person's record, so that two
versions of the assembly can be compared for memory and for sameness on
the same index.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import resource
import time
from dataclasses import asdict
from pathlib import Path


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    args = parser.parse_args()

    from indexer.knowledge import assemble
    from indexer.snapshot import IndexView

    snapshot = IndexView(args.index).current()
    base = peak_mb()
    began = time.perf_counter()
    tables = assemble(snapshot)
    seconds = time.perf_counter() - began
    digest = hashlib.sha1()
    for number in sorted(tables.cases):
        digest.update(number.encode())
        digest.update(pickle.dumps(pickle.loads(tables.cases[number]), protocol=pickle.HIGHEST_PROTOCOL))
    people = tables.people()
    for person_id in sorted(people.people):
        whole = asdict(people.get(person_id))
        whole.pop("tally", None)  # kept since the people table's summaries; the same counts as its lists
        digest.update(repr(whole).encode())
    print(f"{seconds:.1f} s, peak {peak_mb()} MB (snapshot {base} MB), {len(tables.cases)} cases, "
          f"{len(people.people)} people, digest {digest.hexdigest()[:12]}")


if __name__ == "__main__":
    main()
