"""Ingest: the files of a corpus → Meeting records, or a reason per file.

Layout rule: `<corpus>/<municipality>/<any folders>/<file>`. The municipality
comes from the first folder; everything else comes from the document's text.
One broken document never stops an ingest: every file yields either a
record or an `IngestError` naming the file and the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .institutions import GAZETTEER_FILE, gazetteer_for
from .parser import ParseError, parse_source
from .readers import ReadError, read_document
from .records import Meeting, Source

# Files that describe the corpus rather than belong to it.
METADATA_FILES = {GAZETTEER_FILE, "README.md", "README.txt", ".gitkeep"}


@dataclass
class IngestError:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Ingested:
    path: str
    sha256: str
    meeting: Meeting


def municipality_name(folder: str) -> str:
    """ "ikast-brande" → "Ikast-Brande"; a folder may also be named as written."""
    return "-".join(part[:1].upper() + part[1:] for part in folder.replace("_", " ").split("-"))


class UnreadableFolder(type(Path())):  # type: ignore[misc]
    """A folder the walk could not list; ingest reports it like a broken file."""

    reason = "folder is unreadable"


def discover(root: Path) -> Iterator[Path]:
    """Every candidate file below `root`, in a stable order. Symlinked folders
    are not followed (a link loop must not hang an ingest); hidden files and
    corpus metadata are left out; a folder that cannot be listed is yielded
    as an UnreadableFolder, so it is reported rather than silently missing."""
    if root.is_file():
        yield root
        return
    failed: list[OSError] = []
    for folder, dirs, files in os.walk(root, followlinks=False, onerror=failed.append):
        while failed:
            yield _unreadable(failed.pop(), folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in METADATA_FILES:
                continue
            yield Path(folder) / name
    for error in failed:
        yield _unreadable(error, root)


def _unreadable(error: OSError, fallback: Path | str) -> UnreadableFolder:
    folder = UnreadableFolder(error.filename or fallback)
    folder.reason = f"folder is unreadable: {(error.strerror or str(error)).lower()}"
    return folder


def display_path(path: Path, corpus: Path | None = None) -> str:
    """How a source file is named in records: relative to the corpus folder's
    parent ("corpus/ballerup/x.txt"), so the name does not depend on the
    directory a build ran from; relative to the working directory otherwise."""
    base = corpus.resolve().parent if corpus is not None and corpus.is_dir() else Path.cwd().resolve()
    try:
        return str(path.absolute().relative_to(base))
    except ValueError:
        try:
            return str(path.resolve().relative_to(base))
        except ValueError:
            return str(path)


def municipality_folder(path: Path, corpus: Path | None) -> Path:
    """The municipality folder of a file: the first folder below the corpus
    root, or the file's own folder when it is parsed on its own."""
    if corpus is not None and corpus.is_dir():
        try:
            relative = path.resolve().relative_to(corpus.resolve())
            if len(relative.parts) > 1:
                return corpus / relative.parts[0]
        except ValueError:
            pass
    return path.parent


def parse_file(path: Path, corpus: Path | None = None) -> Ingested:
    """Read and parse one file; raises ReadError or ParseError with a reason."""
    source_text = read_document(path)
    folder = municipality_folder(path, corpus)
    shown = display_path(path, corpus)
    meeting = parse_source(
        source_text,
        municipality=municipality_name(folder.resolve().name),
        source=Source(path=shown, sha256=source_text.sha256, format=source_text.format),
        gazetteer=gazetteer_for(folder.resolve()),
        stem=path.stem,
    )
    return Ingested(path=shown, sha256=source_text.sha256, meeting=meeting)


def try_parse(path: Path, corpus: Path | None = None) -> Ingested | IngestError:
    shown = display_path(path, corpus)
    if isinstance(path, UnreadableFolder):
        return IngestError(shown, path.reason)
    try:
        return parse_file(path, corpus)
    except (ReadError, ParseError) as error:
        return IngestError(shown, getattr(error, "reason", None) or str(error))
    except RecursionError:
        return IngestError(shown, "document is too deeply nested to parse")
    except MemoryError:
        return IngestError(shown, "document is too large to parse in memory")
    except Exception as error:  # noqa: BLE001 - one broken file never stops an ingest
        return IngestError(shown, f"unexpected parser failure ({type(error).__name__}: {error})")


def ingest(corpus: Path, paths: list[Path] | None = None) -> Iterator[Ingested | IngestError]:
    """Parse every file (or the given ones); a second copy of the same bytes
    is reported as a duplicate, never indexed twice."""
    seen: dict[str, str] = {}
    for path in paths if paths is not None else discover(corpus):
        result = try_parse(path, corpus)
        if isinstance(result, Ingested):
            first = seen.setdefault(result.sha256, result.path)
            if first != result.path:
                yield IngestError(result.path, f"duplicate of {first} (same content)")
                continue
        yield result
