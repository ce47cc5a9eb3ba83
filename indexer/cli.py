"""Command line: `python -m indexer parse|build|search`.

Exit codes: 0 success, 1 some input failed (listed), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_CORPUS = Path("corpus")
DEFAULT_INDEX = Path("var/index")


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_parse(args: argparse.Namespace) -> int:
    from .ingest import IngestError, discover, try_parse

    target = Path(args.path)
    if not target.exists():
        print(f"{target}: no such file or folder", file=sys.stderr)
        return 2
    if args.report:
        args.check = True
    if not args.check:
        if target.is_dir():
            print(f"{target}: is a folder; use `parse --check {target}` to check every file in it", file=sys.stderr)
            return 2
        result = try_parse(target)
        if isinstance(result, IngestError):
            print(f"error: {result}", file=sys.stderr)
            return 1
        _print_json(result.meeting.to_dict())
        return 0
    from .report import Coverage

    failures = 0
    total = Coverage()
    for path in discover(target):
        result = try_parse(path, target)
        if isinstance(result, IngestError):
            failures += 1
            total.add_failure()
            print(f"FEJL {result.path}: {result.reason}")
            continue
        meeting = result.meeting
        if args.report:
            one = Coverage()
            one.add(meeting)
            total.merge(one)
            print(f"ok   {result.path}: {meeting.kind} {meeting.council or '-'} {meeting.date or '-'} · {one.line()}")
        else:
            print(f"ok   {result.path}: {meeting.kind} {meeting.council or '-'} {meeting.date or '-'}, {len(meeting.items)} punkter")
    if args.report:
        print(f"I alt {total.files} filer · {total.line()}")
        if args.json:
            _print_json(total.to_dict())
    return 1 if failures else 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildBusy, SubWriterFailed, build
    from .report import Coverage

    corpus, index = Path(args.corpus), Path(args.index)
    if not corpus.is_dir():
        print(f"{corpus}: corpus folder not found", file=sys.stderr)
        return 2
    try:
        summary = build(corpus, index)
    except (BuildBusy, SubWriterFailed) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"{summary.files} filer, {summary.meetings} møder, {summary.items} punkter i indekset "
        f"(nye {summary.added}, ændrede {summary.updated}, fjernede {summary.removed}, uændrede {summary.unchanged}) "
        f"på {summary.seconds:.2f} s"
    )
    for skipped in summary.skipped:
        print(f"  sprunget over: {skipped['path']}: {skipped['reason']}")
    if summary.coverage.get("files"):
        print(f"  forstået i de læste filer: {Coverage(**{k: v for k, v in summary.coverage.items() if k != 'shares'}).line()}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from .search import Archive, SearchRequest
    from .snapshot import IndexMissing

    try:
        archive = Archive(Path(args.index))
    except IndexMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    filters = {key: values for key, values in (
        ("council", args.council), ("year", args.year), ("municipality", args.municipality),
        ("case", args.case), ("institution", args.institution), ("kind", args.kind),
    ) if values}
    response = archive.search(SearchRequest(q=args.query, filters=filters, sort=args.sort, page=args.page, per_page=args.per_page))
    if args.json:
        from dataclasses import asdict

        _print_json(asdict(response))  # the search's own data; page links are the web app's
        return 0
    print(f"{response.total} punkter ({response.seconds * 1000:.0f} ms)")
    for note in response.notes:
        print(f"  bemærk: {note}")
    if response.suggestion:
        print(f"  Mente du: {response.suggestion}?")
    for hit in response.results:
        print(f"- {hit.date or '????-??-??'}  {hit.council or '-'}  punkt {hit.number}: {hit.title}  [{hit.case_number or '-'}]  {hit.id}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description="Rådsarkiv indexer")
    sub = parser.add_subparsers(dest="command", required=True)

    parse = sub.add_parser("parse", help="parse one document to JSON, or --check every file below a folder")
    parse.add_argument("path")
    parse.add_argument("--check", action="store_true", help="one line per file: ok, or the error and its reason")
    parse.add_argument("--report", action="store_true",
                       help="like --check, with the share of meetings and items that got each field, per file and in total")
    parse.add_argument("--json", action="store_true", help="with --report: the totals as JSON as well")
    parse.set_defaults(func=cmd_parse)

    build = sub.add_parser("build", help="build or update the index from a corpus folder")
    build.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    build.add_argument("--index", default=str(DEFAULT_INDEX))
    build.set_defaults(func=cmd_build)

    search = sub.add_parser("search", help="search the index from the terminal")
    search.add_argument("query")
    search.add_argument("--index", default=str(DEFAULT_INDEX))
    for name in ("council", "year", "municipality", "case", "institution", "kind"):
        search.add_argument(f"--{name}", action="append")
    search.add_argument("--sort", choices=("relevance", "date", "date_asc"), default="relevance")
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--per-page", type=int, default=20)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=cmd_search)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
