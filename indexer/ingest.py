"""Ingest: the files of a corpus → Meeting records, or a reason per file.

Layout rule: `<corpus>/<municipality>/<any folders>/<file>`. The municipality
comes from the first folder; everything else comes from the document's text.
One broken document never stops an ingest: every file yields either a
record or an `IngestError` naming the file and the reason.

What is read at all is decided before a file is opened (`refusal`): only
regular files lying inside the corpus, within the per-file size budget. A
named pipe would block the read forever, a link to /dev/zero would read
forever, a link to /etc/passwd would make its lines searchable; such entries
are reported with their kind instead. Names are bytes on Linux: a name that
is not valid UTF-8 is shown with its undecodable bytes as \\xNN (`shown_name`),
which is printable, faithful and reversible (`fs_name`).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .institutions import GAZETTEER_FILE, gazetteer_for
from .parser import ParseError, parse_source
from .readers import ReadError, read_document
from .records import Meeting, Source

# Files that describe the corpus rather than belong to it.
METADATA_FILES = {GAZETTEER_FILE, "README.md", "README.txt", ".gitkeep"}
MB = 1 << 20


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class FileBudget:
    """What one file may cost; a file over budget is reported and skipped.

    * ``max_bytes``: larger files are not read (the 30 MB test file parses
      in about 10 s; a minutes PDF with attachments is rarely over 50 MB).
    * ``seconds``: read and parse time in the build's worker process.
    * ``memory_bytes``: the worker's address-space limit (RLIMIT_AS); a
      reader that runs out of it fails or dies alone.
    * ``pdf_inflated_bytes``: what a PDF's streams may inflate to.

    Defaults can be changed with RAADSARKIV_FILE_MB, RAADSARKIV_FILE_SECONDS,
    RAADSARKIV_WORKER_MEMORY_MB and RAADSARKIV_PDF_INFLATE_MB.
    """

    max_bytes: int = 256 * MB
    seconds: float = 180.0
    memory_bytes: int = 3072 * MB
    pdf_inflated_bytes: int = 512 * MB

    @classmethod
    def from_env(cls) -> FileBudget:
        return cls(
            max_bytes=int(_env_number("RAADSARKIV_FILE_MB", cls.max_bytes / MB) * MB),
            seconds=_env_number("RAADSARKIV_FILE_SECONDS", cls.seconds),
            memory_bytes=int(_env_number("RAADSARKIV_WORKER_MEMORY_MB", cls.memory_bytes / MB) * MB),
            pdf_inflated_bytes=int(_env_number("RAADSARKIV_PDF_INFLATE_MB", cls.pdf_inflated_bytes / MB) * MB),
        )


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


@dataclass
class Duplicates:
    """The one duplicate policy of an ingest and of a build (and so of the
    benchmark's peers, which index what `ingest` yields).

    A file is a duplicate when its bytes equal an earlier file's, or when its
    meeting (same municipality, council, date and kind, hence the same meeting
    id) is already held by an earlier file — a re-encoded copy, a second export
    of the same minutes. The first file in walk order keeps the meeting; a
    build seeds `by_meeting` with the meetings of files it does not re-parse,
    so an unchanged indexed file keeps its meeting against a new copy.
    """

    by_content: dict[str, str] = field(default_factory=dict)  # sha256 → first path
    by_meeting: dict[str, str] = field(default_factory=dict)  # meeting id → first path

    def of_content(self, sha256: str | None, shown: str) -> str | None:
        """Why `shown` is a duplicate by content, or None (unknown hash: never)."""
        if sha256 is None:
            return None
        first = self.by_content.setdefault(sha256, shown)
        return None if first == shown else f"duplicate of {first} (same content)"

    def of_meeting(self, meeting_id: str, shown: str) -> str | None:
        """Why `shown` is a duplicate by meeting, or None."""
        first = self.by_meeting.setdefault(meeting_id, shown)
        return None if first == shown else f"same meeting as {first} ({meeting_id})"

    def of(self, ingested: Ingested) -> str | None:
        """Either reason for a parsed file."""
        return self.of_content(ingested.sha256, ingested.path) or self.of_meeting(ingested.meeting.id, ingested.path)


# --- names -------------------------------------------------------------------------------


def shown_name(name: str) -> str:
    """A file or folder name as records and reports show it.

    Valid UTF-8 is kept as it is. Otherwise Python holds the undecodable
    bytes as lone surrogates, which cannot be stored (UTF-8 refuses them;
    a build once died on one in ``schema.pack``); each such byte is shown
    as \\xNN instead: "caf\\xe9.txt" for latin-1 "café.txt".
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


_ESCAPED_BYTE = re.compile(rb"\\x([0-9a-f]{2})")


def fs_name(shown: str) -> str:
    """The name on disk of a name shown by ``shown_name`` (its inverse)."""
    if "\\x" not in shown:
        return shown
    raw = _ESCAPED_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), shown.encode("utf-8"))
    return os.fsdecode(raw)


# --- what may be read ----------------------------------------------------------------------


class Refused(type(Path())):  # type: ignore[misc]
    """A discovered entry that is reported instead of read, with the reason."""

    reason = "not read"

    def __reduce__(self):  # the reason travels with the path to a parse worker
        return _refused, (str(self), self.reason, type(self))


class UnreadableFolder(Refused):
    """A folder the walk could not list; ingest reports it like a broken file."""

    reason = "folder is unreadable"


def _refused(path: Path | str, reason: str, kind: type[Refused] = Refused) -> Refused:
    entry = kind(path)
    entry.reason = reason
    return entry


FILE_KINDS = (
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "folder"),
)


def file_kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "regular file"
    return next((name for test, name in FILE_KINDS if test(mode)), "special file")


def refusal(path: Path, root: Path | None, budget: FileBudget | None = None) -> str | None:
    """Why `path` must not be read, or None for a regular file inside `root`.

    Decided from lstat/stat alone, so nothing is opened: opening a FIFO
    blocks, reading a character device may never end. A symbolic link is
    followed only to check what it points at; its target must be a regular
    file whose real path lies inside the corpus (`root`, already resolved),
    the rule the web app applies before serving a source.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return "file not found"
    except OSError as error:
        return f"file is unreadable: {(error.strerror or str(error)).lower()}"
    via = ""
    real = path
    if stat.S_ISLNK(info.st_mode):
        via = " (through a symbolic link)"
        try:
            real = path.resolve(strict=True)
            info = real.stat()
        except FileNotFoundError:
            return "symbolic link to a missing file (file not found)"
        except RuntimeError:  # Python 3.11 and 3.12 say "Symlink loop" this way
            return "symbolic link loop; not read"
        except OSError as error:
            return f"symbolic link cannot be followed: {(error.strerror or str(error)).lower()}"
    kind = file_kind(info.st_mode)
    if kind != "regular file":
        return f"is a {kind}{via}, not a regular file; not read"
    if via and root is not None and not real.is_relative_to(root):
        return "symbolic link to a file outside the corpus; not read"
    budget = budget or FileBudget.from_env()
    if info.st_size > budget.max_bytes:
        return (f"file is too large ({info.st_size / MB:.0f} MB; the limit is "
                f"{budget.max_bytes / MB:.0f} MB per file); not read")
    return None


def municipality_name(folder: str) -> str:
    """ "ikast-brande" → "Ikast-Brande"; a folder may also be named as written."""
    return "-".join(part[:1].upper() + part[1:] for part in folder.replace("_", " ").split("-"))


def discover(root: Path, budget: FileBudget | None = None) -> Iterator[Path]:
    """Every candidate file below `root`, in a stable order. Symlinked folders
    are not followed (a link loop must not hang an ingest); hidden files and
    corpus metadata are left out. An entry that must not be read (see
    `refusal`) and a folder that cannot be listed are yielded as `Refused`
    with the reason, so they are reported rather than silently missing."""
    budget = budget or FileBudget.from_env()
    if not root.is_dir():
        yield checked(root, None, budget)
        return
    real_root = root.resolve()
    failed: list[OSError] = []
    for folder, dirs, files in os.walk(root, followlinks=False, onerror=failed.append):
        while failed:
            yield _unreadable(failed.pop(), folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in METADATA_FILES:
                continue
            yield checked(Path(folder) / name, real_root, budget)
    for error in failed:
        yield _unreadable(error, root)


def checked(path: Path, root: Path | None, budget: FileBudget | None = None) -> Path:
    """`path` itself when it may be read, else a `Refused` saying why."""
    if isinstance(path, Refused):
        return path
    reason = refusal(path, root, budget)
    return path if reason is None else _refused(path, reason)


def _unreadable(error: OSError, fallback: Path | str) -> UnreadableFolder:
    reason = f"folder is unreadable: {(error.strerror or str(error)).lower()}"
    return _refused(error.filename or fallback, reason, UnreadableFolder)  # type: ignore[return-value]


def display_path(path: Path, corpus: Path | None = None) -> str:
    """How a source file is named in records: relative to the corpus folder's
    parent ("corpus/ballerup/x.txt"), so the name does not depend on the
    directory a build ran from; relative to the working directory otherwise."""
    base = corpus.resolve().parent if corpus is not None and corpus.is_dir() else Path.cwd().resolve()
    try:
        return shown_name(str(path.absolute().relative_to(base)))
    except ValueError:
        try:
            return shown_name(str(path.resolve().relative_to(base)))
        except ValueError:
            return shown_name(str(path))


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
        municipality=municipality_name(shown_name(folder.resolve().name)),
        source=Source(path=shown, sha256=source_text.sha256, format=source_text.format),
        gazetteer=gazetteer_for(folder.resolve()),
        stem=shown_name(path.stem),
    )
    return Ingested(path=shown, sha256=source_text.sha256, meeting=meeting)


def try_parse(path: Path, corpus: Path | None = None, budget: FileBudget | None = None) -> Ingested | IngestError:
    """The file's record, or why there is none; never raises for a bad file."""
    shown = display_path(path, corpus)
    root = corpus.resolve() if corpus is not None and corpus.is_dir() else None
    path = checked(path, root, budget)
    if isinstance(path, Refused):
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
    """Parse every file (or the given ones); a second copy of the same bytes or
    of the same meeting is reported as a duplicate (`Duplicates`), never
    yielded twice."""
    duplicates = Duplicates()
    for path in paths if paths is not None else discover(corpus):
        result = try_parse(path, corpus)
        if isinstance(result, Ingested) and (reason := duplicates.of(result)):
            yield IngestError(result.path, reason)
            continue
        yield result
