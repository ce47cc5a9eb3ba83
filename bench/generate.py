"""Deterministic generator of realistic council archives for benchmarking.

    python -m bench.generate --items 100000 --seed 1 OUT/

writes OUT/<municipality>/<body>-YYYY-MM-DD-referat.txt (a share as .html),
one file per meeting, in the text format of the real extractions in
`corpus/`, so that a benchmark measures the real ingest path and not a
friendlier one. Why the pieces look the way they do:

* Scale is in municipality-years. One municipality writes about 1,500 items a
  year (the real volume of a mid-sized Danish municipality) in 8-20 item
  meetings of its Kommunalbestyrelse/Byråd, Økonomiudvalg, standing
  committees and advisory councils. More items means more municipalities and
  years, not bigger meetings.
* Cases travel. A case (one KLE case number) passes through 2-4 bodies in date
  order (Handicaprådet → Socialudvalget → Økonomiudvalget →
  Kommunalbestyrelsen); every later treatment lists the earlier ones under
  "Tidligere behandling" (or "Behandlingsforløb" / "Tidligere
  udvalgsbeslutninger" in the Byråd layout), which is what the cross-body
  features of the archive are tested against.
* Wording is learnt. Prose is sampled from a Markov chain over the corpus's own
  sentences (`bench.vocabulary`), so word frequencies, stemming load and phrase
  structure follow the real minutes.
* Memory is per municipality. Each municipality is planned (calendar, cases,
  numbering), written and dropped before the next, so 1M items need no more
  memory than 10k. Municipalities are independent random streams, so the
  output does not depend on `jobs` and is byte-identical for the same
  (items, seed, html_share) and corpus.

The steps live in their own modules: `bench.world` (municipalities, bodies,
people, institutions, sizing), `bench.planner` (calendar, travelling cases,
numbering), `bench.writer` (minutes text) and `bench.formats` (text and HTML
documents); this module runs them per municipality and writes the tree.
"""


from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import vocabulary as V
from .formats import HEADINGS
from .planner import Meeting, Planner, calendar
from .world import (
    FINAL_YEAR, KIND_ORDER, Municipality, build_municipality, chosen_municipalities, split, world_shape,
)
from .writer import Writer

__all__ = ["HEADINGS", "GenerationSummary", "generate", "main", "world_shape"]

MANIFEST = ".bench-manifest.json"
GENERATOR_VERSION = 1

# --- summary -----------------------------------------------------------------------


@dataclass
class GenerationSummary:
    """What a run wrote. `files` counts every file (documents and the
    per-municipality institutions.tsv gazetteers); `meetings` the documents."""

    files: int
    items: int
    meetings: int
    municipalities: int
    cases_multi_body: int
    seconds: float
    bytes: int = 0
    years: int = 0
    html_documents: int = 0
    corpus_digest: str = ""

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds if self.seconds else float("inf")

    def __str__(self) -> str:
        return (
            f"files={self.files} items={self.items} meetings={self.meetings} municipalities={self.municipalities} "
            f"years={self.years} cases_multi_body={self.cases_multi_body} html={self.html_documents} "
            f"size={self.bytes / 1e6:.1f} MB seconds={self.seconds:.2f} ({self.items_per_second:,.0f} items/s)"
        )


@dataclass
class _Partial:
    files: int = 0
    items: int = 0
    meetings: int = 0
    cases_multi_body: int = 0
    bytes: int = 0
    html_documents: int = 0



# --- one municipality, then the world ---------------------------------------------------


def generate_municipality(out: Path, name: str, budget: int, years: list[int], seed: int, html_share: float) -> _Partial:
    """Plan, render and write one municipality; nothing is kept afterwards."""
    model = V.load_model()
    rng = random.Random(f"{seed}:{name}")
    municipality = build_municipality(name, rng, model)
    meetings: list[Meeting] = []
    for year, year_budget in zip(years, split(budget, len(years))):
        if year_budget:
            meetings += calendar(municipality, year, year_budget, rng)
    meetings.sort(key=lambda m: (m.ordinal, KIND_ORDER[m.body.kind.kind]))
    planner = Planner(municipality, rng, model)
    planner.plan(meetings)
    for meeting in meetings:
        meeting.html = rng.random() < html_share
    writer = Writer(municipality, rng, model, pool_size=max(1500, min(8000, budget // 2)))
    folder = out / municipality.slug
    folder.mkdir(parents=True, exist_ok=True)
    partial = _Partial(cases_multi_body=planner.multi_body)
    for meeting in meetings:
        text, count = writer.render(meeting)
        suffix = "html" if meeting.html else "txt"
        path = folder / f"{meeting.body.slug}-{meeting.date.isoformat()}-referat.{suffix}"
        data = text.encode("utf-8")
        path.write_bytes(data)
        partial.files += 1
        partial.meetings += 1
        partial.items += count
        partial.bytes += len(data)
        partial.html_documents += meeting.html
    gazetteer = _gazetteer_text(municipality).encode("utf-8")
    (folder / "institutions.tsv").write_bytes(gazetteer)
    partial.files += 1
    partial.bytes += len(gazetteer)
    return partial


def _gazetteer_text(municipality: Municipality) -> str:
    """The municipality's institutions in the corpus's gazetteer format, so
    the indexer's institution lookup is part of what gets measured."""
    lines = [f"# Gazetteer of {municipality.name} institutions, written by bench.generate.", "# name\tkind\taliases (separated by ;)"]
    for inst in municipality.institutions:
        aliases = inst.full if inst.full != inst.name else ""
        lines.append(f"{inst.name}\t{inst.kind}\t{aliases}")
    return "\n".join(lines) + "\n"


def _run(args: tuple[Path, str, int, list[int], int, float]) -> _Partial:
    return generate_municipality(*args)


def prepare_output(out: Path) -> None:
    """Start from an empty folder. A folder holding an earlier run (it has our
    manifest) is cleared; anything else that is not empty is refused."""
    if out.exists() and any(out.iterdir()):
        manifest = out / MANIFEST
        if not manifest.is_file():
            raise FileExistsError(f"{out} is not empty and was not written by bench.generate; refusing to overwrite it")
        previous = json.loads(manifest.read_text(encoding="utf-8"))
        for slug in previous.get("municipalities", []):
            target = out / slug
            if target.is_dir() and target.resolve().parent == out.resolve():
                shutil.rmtree(target)
        manifest.unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(out: Path, items: int, seed: int = 1, html_share: float = 0.1, jobs: int = 1) -> GenerationSummary:
    """Write an archive of exactly `items` agenda items under `out`.

    The same (items, seed, html_share) and corpus give a byte-identical tree;
    `jobs` only changes how fast it is written.
    """
    if items < 1:
        raise ValueError("items must be at least 1")
    if not 0.0 <= html_share <= 1.0:
        raise ValueError("html_share must be between 0 and 1")
    started = time.perf_counter()
    out = Path(out)
    model = V.load_model()
    prepare_output(out)
    count, span = world_shape(items)
    names = chosen_municipalities(count, seed)
    years = list(range(FINAL_YEAR - span + 1, FINAL_YEAR + 1))
    tasks = [(out, name, budget, years, seed, html_share) for name, budget in zip(names, split(items, count))]
    if jobs > 1 and len(tasks) > 1:
        with multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn").Pool(min(jobs, len(tasks))) as pool:
            partials = pool.map(_run, tasks, chunksize=1)
    else:
        partials = [_run(task) for task in tasks]
    manifest = {
        "generator": "bench.generate", "version": GENERATOR_VERSION, "items": items, "seed": seed,
        "html_share": html_share, "corpus_digest": model.digest, "years": [years[0], years[-1]],
        "municipalities": [V.slugify(name) for name in names],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    total = _Partial()
    for partial in partials:
        for key, value in asdict(partial).items():
            setattr(total, key, getattr(total, key) + value)
    if total.items != items:  # the planner's contract; a mismatch is a bug, not a warning
        raise AssertionError(f"wrote {total.items} items, asked for {items}")
    return GenerationSummary(
        files=total.files + 1, items=total.items, meetings=total.meetings, municipalities=count,
        cases_multi_body=total.cases_multi_body, seconds=time.perf_counter() - started, bytes=total.bytes,
        years=span, html_documents=total.html_documents, corpus_digest=model.digest,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (must be empty or an earlier bench.generate output)")
    parser.add_argument("--items", type=int, required=True, help="exact number of agenda items to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--html-share", type=float, default=0.1, help="share of meetings written as HTML (default 0.1)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="worker processes, 0 = one per CPU (default); the output is identical for any value")
    args = parser.parse_args(argv)
    try:
        jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
        summary = generate(args.out, args.items, args.seed, args.html_share, jobs)
    except (ValueError, FileExistsError) as error:
        parser.error(str(error))
    print(f"bench.generate → {args.out}")
    print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

