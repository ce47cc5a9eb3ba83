"""Serving a meeting's source document, and nothing else from the disk.

The path comes from the index, never from the URL (the URL only names a
meeting), and is served only when it resolves to a regular file inside the
corpus folder: a tampered or stale index cannot make the app read
/etc/passwd. Documents are served as plain text, PDF, or as a download,
never as HTML in our origin, so a corpus HTML file cannot run script here.
"""

from __future__ import annotations

from pathlib import Path

from indexer.build import read_summary
from indexer.ingest import fs_name

INLINE_TYPES = {".txt": "text/plain", ".pdf": "application/pdf"}


def default_corpus_dir(index_dir: Path) -> Path | None:
    """The corpus the index was built from, as recorded in its build summary."""
    summary = read_summary(index_dir) or {}
    corpus = summary.get("corpus")
    if not isinstance(corpus, str) or not corpus:
        return None
    return Path(corpus)


def resolve_source(source_path: str | None, corpus_dir: Path | None) -> Path | None:
    """The source file, if it is a file lying under the corpus folder."""
    if not source_path or corpus_dir is None:
        return None
    try:
        root = corpus_dir.resolve()
        candidate = Path(fs_name(source_path))  # a name shown as \xNN is found by its bytes
        if not candidate.is_absolute():
            candidate = root.parent / candidate  # records name sources relative to the corpus's parent
        candidate = candidate.resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
    except (OSError, ValueError, RuntimeError):
        return None
    return candidate


def source_mimetype(path: Path) -> tuple[str, bool]:
    """(mimetype, as_attachment) for a source document."""
    mimetype = INLINE_TYPES.get(path.suffix.lower())
    if mimetype is None:
        return "application/octet-stream", True
    return mimetype, False
