"""Shared fixtures: the real corpus, the shared format samples, a built index."""

from __future__ import annotations

from dataclasses import dataclass
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


# A Greve case that went from a fagudvalg through Økonomiudvalget to the Byråd (21-016074).
GREVE_CASE_MEETINGS = [
    "beskaeftigelses-og-erhvervsudvalget-2022-01-10-0800-02e86ff6.json",
    "oekonomiudvalget-2022-01-24-0800-442acc45.json",
    "byraad-2022-2025-2022-01-31-1900-779d518b.json",
]


@pytest.fixture(scope="session")
def greve_case_corpus(greve_dir, tmp_path_factory) -> Path:
    """A corpus folder holding the three meetings of that case as `greve/…` (copies, in tmp)."""
    import shutil

    corpus = tmp_path_factory.mktemp("greve-case") / "corpus"
    (corpus / "greve").mkdir(parents=True)
    for name in GREVE_CASE_MEETINGS:
        shutil.copyfile(greve_dir / name, corpus / "greve" / name)
    return corpus


@pytest.fixture(scope="session")
def greve_case_client(greve_case_corpus, tmp_path_factory):
    """A test client over an index of those three meetings (built once per run)."""
    from indexer.build import build
    from webapp import create_app

    index = tmp_path_factory.mktemp("greve-case-index")
    build(greve_case_corpus, index)
    return create_app(index, testing=True, corpus_dir=greve_case_corpus).test_client()


@dataclass(frozen=True)
class GreveSample:
    corpus: Path  # a corpus folder holding the sample as greve/…
    index: Path  # its built index
    files: tuple[str, ...]  # the sample's file names


@pytest.fixture(scope="session")
def greve_quarter(greve_dir, tmp_path_factory) -> GreveSample:
    """Every fourth Greve meeting (every one with RAADSARKIV_SLOW=1) and the
    meetings of the case above, copied to tmp and indexed once per session
    (about 1,400 items, ~90 s on a shared machine)."""
    import os
    import shutil

    from indexer.build import build

    step = 1 if os.environ.get("RAADSARKIV_SLOW") else 4
    names = [path.name for path in sorted(greve_dir.glob("*.json"))[::step]]
    names += [name for name in GREVE_CASE_MEETINGS if name not in names]
    corpus = tmp_path_factory.mktemp("greve-quarter") / "corpus"
    (corpus / "greve").mkdir(parents=True)
    for name in names:
        shutil.copyfile(greve_dir / name, corpus / "greve" / name)
    index = tmp_path_factory.mktemp("greve-quarter-index")
    summary = build(corpus, index)
    assert summary.items > 1000 and not summary.skipped, summary.skipped
    return GreveSample(corpus, index, tuple(names))


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


def _greve_split_index(greve_dir: Path, tmp_path_factory, start: int, step: int, name: str) -> Path:
    """An index of every `step`-th Greve meeting from `start` (copies in tmp, sorted by file name)."""
    import shutil

    from indexer.build import build

    corpus = tmp_path_factory.mktemp(name) / "corpus"
    (corpus / "greve").mkdir(parents=True)
    for path in sorted(greve_dir.glob("*.json"))[start::step]:
        shutil.copyfile(path, corpus / "greve" / path.name)
    index = tmp_path_factory.mktemp(f"{name}-index")
    build(corpus, index)
    return index


@pytest.fixture(scope="session")
def greve_quarter_index(greve_dir, tmp_path_factory) -> Path:
    """Every fourth Greve meeting (the first of each four), indexed once per session (~40 s):
    the people-search tests and the held-out morphology set share it."""
    return _greve_split_index(greve_dir, tmp_path_factory, 0, 4, "greve-quarter")
