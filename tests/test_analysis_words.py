"""`analysis.word_chain`: the index build's token-free form of each analyzer
yields exactly the texts of the analyzer's index-time token stream, for every
indexed field of the schema, on real documents and on edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.analysis import RegexTokenizer, StemFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.analysis.acore import unstopped

from indexer.analysis import word_chain
from indexer.build import meeting_documents
from indexer.ingest import Ingested, discover, try_parse
from indexer.schema import build_schema

ROOT = Path(__file__).resolve().parents[1]
GREVE = ROOT.parent / "shared" / "greve"

EDGE_CASES = [
    "", " ", "og", "og i at", "Tilsyn", "skærpet tilsyn", "Handicapraadet og Aeldreraadet",
    "sag 27.69.48-P35-1-21 og EMN-2025-009242, jf. § 85 i 2021", "12/27845 25-003663",
    "tomgangspladser på plejecentrene", "Bo Ørsted (A) deltog ikke.", "ÆØÅ æøå aa ae oe",
    "café naïve e\u0301", "2022 2023 2024", "a b c d", "ord ord ord ord",
]


def _token_texts(analyzer, value: str) -> list[str]:
    """What Whoosh's Frequency format counts: the unstopped index-time tokens."""
    return [token.text for token in unstopped(analyzer(value, mode="index", boosts=True))]


def _texts() -> list[str]:
    corpus_docs = []
    for corpus, files in ((ROOT / "corpus", 10), (GREVE, 8)):
        if not corpus.is_dir():
            continue
        paths = [p for p in discover(corpus) if isinstance(p, Path)][:files]
        for result in (try_parse(p, corpus) for p in paths):
            if isinstance(result, Ingested):
                corpus_docs.extend(meeting_documents(result))
    return corpus_docs


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    docs = _texts()
    assert len(docs) > 50
    return docs


def test_every_text_field_has_a_word_chain() -> None:
    """The build's fast path covers every Frequency field of the schema (a new
    analyzer step without `index_words` would silently fall back: fail here)."""
    schema = build_schema()
    missing = [name for name, field in schema.items()
               if field.indexed and type(field.format).__name__ == "Frequency"
               and word_chain(field.analyzer) is None]
    assert missing == []


def test_word_chains_equal_token_streams_on_real_documents(documents: list[dict]) -> None:
    schema = build_schema()
    compared = 0
    for doc in documents:
        for name, value in doc.items():
            field = schema[name] if name in schema else None
            if field is None or not field.indexed or not isinstance(value, str):
                continue
            chain = word_chain(getattr(field, "analyzer", None))
            if chain is None:
                continue
            assert list(chain(value)) == _token_texts(field.analyzer, value), (doc.get("id"), name)
            compared += 1
    assert compared > 500


@pytest.mark.parametrize("value", EDGE_CASES)
def test_word_chains_equal_token_streams_on_edge_cases(value: str) -> None:
    schema = build_schema()
    for name, field in schema.items():
        chain = word_chain(getattr(field, "analyzer", None))
        if chain is not None:
            assert list(chain(value)) == _token_texts(field.analyzer, value), name


def test_steps_without_a_word_form_fall_back() -> None:
    """Whoosh's StemFilter has no plain-word form: the analyzer is run as usual."""
    assert word_chain(CompositeAnalyzer(RegexTokenizer(), StemFilter())) is None
    assert word_chain(None) is None
    gaps = RegexTokenizer(r"\s+", gaps=True)
    assert word_chain(CompositeAnalyzer(gaps)) is None


def test_word_pattern_has_no_groups() -> None:
    """`analysis._index_words` reads words with `findall`, which yields whole
    matches only while the pattern has no groups."""
    import re

    from indexer.analysis import WORD_PATTERN
    assert re.compile(WORD_PATTERN).groups == 0


def test_spelling_words_equal_the_spelling_analyzers_tokens(documents: list[dict]) -> None:
    """`spelling_words` (each meeting's vocabulary, `schema.meeting_vocabulary`)
    reads words through the spelling analyzer's word chain: the same words as
    its token stream, called as the vocabulary used to call it (no mode)."""
    from indexer.analysis import spelling_analyzer, spelling_words

    texts = [*EDGE_CASES, *(doc.get("body", "") for doc in documents), *(doc.get("title", "") for doc in documents)]
    for text in texts:
        assert list(spelling_words(text)) == [token.text for token in spelling_analyzer()(text)], text
