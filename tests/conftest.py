"""Shared fixtures: the real corpus, the shared format samples, a built index."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED_FORMATS = ROOT.parent / "shared" / "formats"
SHARED_GREVE = ROOT.parent / "shared" / "greve"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def shared_formats() -> Path:
    if not SHARED_FORMATS.is_dir():
        pytest.skip(f"{SHARED_FORMATS} is not present (the shared format samples live beside the checkout)")
    return SHARED_FORMATS


@pytest.fixture(scope="session")
def greve_dir() -> Path:
    """Greve Kommune's FirstAgenda archive (342 meetings), read in place, never copied."""
    if not SHARED_GREVE.is_dir():
        pytest.skip(f"{SHARED_GREVE} is not present (the shared Greve archive lives beside the checkout)")
    return SHARED_GREVE


@pytest.fixture(scope="session")
def greve_parsed(greve_dir):
    """Every Greve meeting: (file, its JSON, the parsed Meeting), parsed once per session (~30 s)."""
    import json

    from indexer.ingest import parse_file

    parsed = []
    for path in sorted(greve_dir.glob("*.json")):
        parsed.append((path, json.loads(path.read_text(encoding="utf-8")), parse_file(path, greve_dir).meeting))
    return parsed


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """The seed corpus, indexed once per test session."""
    from indexer.build import build

    index_dir = tmp_path_factory.mktemp("corpus-index")
    summary = build(CORPUS, index_dir)
    assert summary.items > 0 and not summary.skipped, summary.skipped
    return index_dir


@pytest.fixture(scope="module")
def app(corpus_index, corpus_dir):
    """The web app on the corpus index (the API and page tests share it)."""
    from webapp import create_app

    return create_app(corpus_index, testing=True, corpus_dir=corpus_dir)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def archive(corpus_index):
    from indexer.search import Archive

    return Archive(corpus_index)
