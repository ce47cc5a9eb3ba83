"""Rådsarkiv's web app: search pages, case/meeting/item pages, feeds and a JSON API.

`create_app` is the only entry point (tests, `python -m webapp`, any WSGI
server). The app holds one Archive, opened on the first request that needs
it, so a missing index gives a friendly 503 page rather than a crash.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from indexer.kle import load_kle
from indexer.query import MAX_QUERY_CHARS

from . import api, archive_state, errors, exports, feeds, labels, pages, people, security
from .sources import default_corpus_dir


DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # `python -m webapp`'s default listen address


def normalise_base_url(url: str) -> str:
    """"https://arkiv.example.dk/" → "https://arkiv.example.dk"; anything but an
    http(s) address without query or fragment is refused (ValueError)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"base URL must look like https://arkiv.example.dk[/sti], not {url!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def create_app(index_dir: str | Path, *, testing: bool = False, corpus_dir: str | Path | None = None,
               base_url: str = DEFAULT_BASE_URL, kle_files: list[str | Path] | None = None,
               postings_cache_bytes: int | None = None) -> Flask:
    """Build the app for one index folder.

    `corpus_dir` bounds which source documents may be served; by default it
    is the corpus recorded in the index's build summary. `base_url` is the
    public address absolute links (Atom, CSV) start with: the Host header of
    a request is never trusted for them. `kle_files` are KLE emneplan files
    (KL's XML or OS2KLE's text list) whose titles label KLE codes; none by default.
    `postings_cache_bytes` bounds the decoded posting lists kept between
    searches (default: the Archive's, `indexer.postings.CACHE_BYTES`).
    """
    index_path = Path(index_dir)
    corpus_path = Path(corpus_dir) if corpus_dir is not None else default_corpus_dir(index_path)
    app = Flask(__name__)
    app.config.update(
        TESTING=testing,
        DEBUG=False,
        MAX_CONTENT_LENGTH=64 * 1024,  # nothing here accepts a request body
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        BASE_URL=normalise_base_url(base_url),
        KLE=load_kle(kle_files or []),
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["max_query_chars"] = MAX_QUERY_CHARS  # the search boxes' maxlength
    archive_state.install(app, index_path, corpus_path, app.config["KLE"], postings_cache_bytes)
    labels.register(app)
    security.install(app)
    errors.install(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(people.bp)
    return app
