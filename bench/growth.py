"""The growth table: every engine's figures by archive size, from the saved runs.

`python -m bench.growth [RESULTS_DIR]` reads `bench/results/*.json` (one
file per `make bench` run) and prints, per generated size and for the real
archive, each engine's end-to-end build rate, index size, cold p50/p95 with
facets and (where the run measured HTTP) server memory, with ratios to
tantivy. A size measured in several runs shows its newest run; the run is
named beside each row, because figures from a loaded machine and a quiet one
differ by up to 5× in absolute terms — compare ratios within a row, and the
growth of one engine down its column.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("ours", "tantivy", "fts5f", "fts5")
LABELS = {"ours": "Rådsarkiv", "tantivy": "tantivy", "fts5f": "FTS5+facetter", "fts5": "FTS5 (rå)"}
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Point:
    """One engine at one archive size, in one run."""

    run: str
    archive: str
    items: int
    engine: str
    items_per_s: float
    index_mb: float
    p50_ms: float | None
    p95_ms: float | None
    server_mb: float | None


def points(results_dir: Path) -> list[Point]:
    found = []
    for path in sorted(results_dir.glob("*.json")):
        run = json.loads(path.read_text())
        for archive in run.get("results", []):
            if "name" not in archive:
                continue  # an older file layout
            overall = archive.get("queries", {}).get("overall", {})
            http = archive.get("http") or {}
            for engine, build in archive.get("build", {}).items():
                query = overall.get(engine, {})
                server = http.get("ours" if engine == "ours" else "peer", {}) if engine in ("ours", "fts5") else {}
                found.append(Point(
                    run=run.get("when", path.stem), archive=archive["name"], items=archive["items"], engine=engine,
                    items_per_s=build.get("items_per_s", 0.0), index_mb=build.get("index_bytes", 0) / 1e6,
                    p50_ms=query.get("median_ms"), p95_ms=query.get("p95_ms"),
                    server_mb=server["peak_kib"] / 1024 if server.get("peak_kib") else None,
                ))
    return found


def newest(found: list[Point]) -> dict[tuple[str, str], Point]:
    """(archive, engine) → the newest run's point."""
    latest: dict[tuple[str, str], Point] = {}
    for point in sorted(found, key=lambda p: p.run):
        latest[(point.archive, point.engine)] = point
    return latest


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(value: float | None, peer: float | None) -> str:
    return "" if value is None or not peer else f" ({value / peer:.1f}×)"


def table(found: list[Point]) -> str:
    latest = newest(found)
    archives = sorted({a for a, _ in latest}, key=lambda a: (not a[0].isdigit(), next(
        p.items for (name, _), p in latest.items() if name == a)))
    lines = ["| archive | engine | run | build items/s | index MB | cold p50 ms | cold p95 ms (× tantivy) | server MB |",
             "|---|---|---|---|---|---|---|---|"]
    for archive in archives:
        peer = latest.get((archive, "tantivy"))
        for engine in ENGINES:
            point = latest.get((archive, engine))
            if point is None:
                continue
            lines.append(
                f"| {archive} | {LABELS[engine]} | {point.run} | {_fmt(point.items_per_s, 0)} | {_fmt(point.index_mb)} | "
                f"{_fmt(point.p50_ms)} | {_fmt(point.p95_ms)}{_ratio(point.p95_ms, peer.p95_ms if peer else None)} | "
                f"{_fmt(point.server_mb, 0)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(table(points(Path(args[0]) if args else RESULTS)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
