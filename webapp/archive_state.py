"""One Archive per app, opened on first use.

Opening lazily means the server starts (and explains itself) before an index
exists: every page answers 503 "Indekset er ikke bygget endnu" until a build
has committed, and then the next request opens it without a restart.
"""

from __future__ import annotations

import threading
from pathlib import Path
from flask import Flask, current_app
from werkzeug.exceptions import ServiceUnavailable

from indexer.kle import KleTitles
from indexer.search import Archive
from indexer.snapshot import IndexMissing, IndexOutdated

EXTENSION_KEY = "raadsarkiv"


class IndexUnavailable(ServiceUnavailable):
    """The index folder holds no index yet (or one this version cannot read)."""

    description = "Indekset er ikke bygget endnu."


class IndexNeedsRebuild(IndexUnavailable):
    description = "Indekset er bygget af en anden version af Rådsarkiv og skal bygges igen (python -m indexer build)."


class ArchiveHolder:
    """Opens the Archive once, thread-safely, and retries while it is missing."""

    def __init__(self, index_dir: Path, corpus_dir: Path | None, kle: KleTitles | None = None,
                 postings_cache_bytes: int | None = None) -> None:
        self.index_dir = index_dir
        self.corpus_dir = corpus_dir
        self.kle = kle
        self.postings_cache_bytes = postings_cache_bytes  # None: the Archive's default
        self._archive: Archive | None = None
        self._lock = threading.Lock()

    def get(self) -> Archive:
        archive = self._archive
        if archive is not None:
            return archive
        with self._lock:
            if self._archive is None:
                try:
                    sizing = {} if self.postings_cache_bytes is None else {"postings_cache_bytes": self.postings_cache_bytes}
                    self._archive = Archive(self.index_dir, kle=self.kle, **sizing)
                except IndexOutdated as error:
                    raise IndexNeedsRebuild() from error
                except IndexMissing as error:
                    raise IndexUnavailable() from error
            return self._archive


def install(app: Flask, index_dir: Path, corpus_dir: Path | None, kle: KleTitles | None = None,
            postings_cache_bytes: int | None = None) -> None:
    app.extensions[EXTENSION_KEY] = ArchiveHolder(index_dir, corpus_dir, kle, postings_cache_bytes)


def holder() -> ArchiveHolder:
    return current_app.extensions[EXTENSION_KEY]


def get_archive() -> Archive:
    """The app's Archive; raises IndexUnavailable (503) when none is built."""
    return holder().get()
