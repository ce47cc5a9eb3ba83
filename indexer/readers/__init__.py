"""Readers: one file of any supported format → repaired plain text.

The structure parser sees one kind of input whatever the source format:
plain text with one block per heading, paragraph or table row, blocks
separated by a blank line, already passed through ``repair_text``. Keeping
format knowledge here means the parser needs one set of patterns, not three.

Format modules are imported lazily, so reading a .txt file never loads the
PDF library and a broken optional dependency only affects its own format.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ReadError", "SourceText", "SUPPORTED_SUFFIXES", "read_document"]


@dataclass(frozen=True)
class SourceText:
    """The repaired text of one source file and where it came from."""

    path: Path
    format: str  # "txt" | "html" | "pdf"
    text: str  # repaired; blocks separated by blank lines
    sha256: str  # of the raw file bytes, so re-ingests can skip unchanged files


class ReadError(Exception):
    """A file that cannot be turned into text, with a short reason a person can act on.

    ``str(error)`` reads "<path>: <reason>" so an ingest report can print it
    as is; ``path`` and ``reason`` stay available separately.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# suffix → (format name, module that provides extract_text(data, path) -> str)
_FORMATS: dict[str, tuple[str, str]] = {
    ".txt": ("txt", "txt"),
    ".text": ("txt", "txt"),
    ".html": ("html", "html"),
    ".htm": ("html", "html"),
    ".pdf": ("pdf", "pdf"),
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_FORMATS)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or a ReadError saying why they cannot be had."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(path, "file not found") from None
    except IsADirectoryError:
        raise ReadError(path, "is a directory, not a file") from None
    except PermissionError:
        raise ReadError(path, "file is unreadable: permission denied") from None
    except OSError as error:
        raise ReadError(path, f"file is unreadable: {error.strerror or error}") from None


def read_document(path: Path) -> SourceText:
    """Read one .txt/.text, .html/.htm or .pdf file into repaired text.

    Raises ReadError (never anything else for a bad file) for unsupported
    suffixes, unreadable, empty, binary, encrypted or text-less files.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        shown = suffix or "(none)"
        raise ReadError(path, f"unsupported file type {shown}; supported: .txt, .text, .html, .htm, .pdf")
    fmt, module_name = _FORMATS[suffix]
    data = _read_bytes(path)
    if not data.strip():
        raise ReadError(path, "empty file")
    module = importlib.import_module(f"{__name__}.{module_name}")
    text = module.extract_text(data, path)
    return SourceText(path=path, format=fmt, text=text, sha256=hashlib.sha256(data).hexdigest())
