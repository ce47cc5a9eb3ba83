"""Posting lists read only for a search's candidates (postings.Candidates,
SearchReads) give the search it gives with whole lists: the same items, order,
scores and facets — on a generated archive large enough that lists have many
blocks and candidates skip some of them."""

from __future__ import annotations

import pytest

from indexer.postings import SearchReads
from indexer.search import Archive, SearchRequest

QUERIES = [
    "orientering kommune",
    "budget tilsyn kommune",
    "handicap plan orientering",
    "beslutning udvalget -budget",
    "indstilling godkendt orientering",
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from bench.generate import generate
    from indexer.build import build

    root = tmp_path_factory.mktemp("reads")
    generate(root / "corpus", items=1500, seed=5)
    build(root / "corpus", root / "index")
    return root / "index"


def _answer(archive: Archive, q: str, **filters) -> tuple:
    response = archive.search(SearchRequest(q=q, per_page=100, filters=filters))
    return (response.total, [(hit.id, hit.score) for hit in response.results],
            {key: [(v.value, v.count) for v in values] for key, values in response.facets.items()})


def test_candidate_reads_answer_as_whole_lists(generated, monkeypatch):
    whole = Archive(generated, response_cache=0)
    monkeypatch.setattr(SearchReads, "SELECTIVE", 0.0)  # never restrict a read
    expected = {q: _answer(whole, q) for q in QUERIES}
    expected_filtered = _answer(whole, "orientering kommune", council=["Socialudvalget"])

    monkeypatch.setattr(SearchReads, "SELECTIVE", 1.01)  # restrict every read that follows another group
    restricted = Archive(generated, response_cache=0)
    postings = restricted.current().postings
    for q in QUERIES:
        postings.clear()
        assert _answer(restricted, q) == expected[q], q
        assert _answer(restricted, q) == expected[q], q  # again, from the cached parts
    assert _answer(restricted, "orientering kommune", council=["Socialudvalget"]) == expected_filtered
    assert any(expected[q][0] for q in QUERIES)
    # the reads really were partial: some list was cached as a part, not whole
    assert any(len(key) == 3 for key in postings._cache._data.keys())


def test_a_block_is_read_when_any_candidate_is_in_its_range():
    """Including a candidate on the block's first or last docnum, in a
    segment that starts past docnum 0."""
    import numpy as np

    from indexer.postings import Candidates

    mask = np.zeros(1100, dtype=bool)
    mask[[127, 228, 600]] = True
    first = np.array([0, 28, 129, 300, 501, 601])
    last = np.array([27, 128, 299, 500, 600, 999])
    wanted = Candidates(mask).block_filter(100)  # segment-local docnum d is 100 + d
    assert wanted(first, last).tolist() == [True, True, False, True, False, False]
    assert Candidates(mask).block_filter(0)(first, last).tolist() == [False, True, True, False, True, False]
