"""The benchmark's peers index what we index and answer what we answer (no timing here).

A tiny archive — the seed corpus plus Greve's three meetings of case
21-016074 — is built by Rådsarkiv and analysed once for the peers
(`bench.analysed`), then indexed by tantivy and by SQLite FTS5 with
Datasette-style facets (`bench.peers`). The peers must hold the same items,
find the same items for the query mix drawn from the archive
(`bench.mix`) and count the same facet values, or the benchmark's ratios
compare different work. Speed belongs in `make bench`.
"""

from __future__ import annotations

import shutil

import pytest

from bench.analysed import FACET_FIELDS, analyse_corpus, read_analysed
from bench.mix import draw_mix, spellings, typos
from bench.peers import Fts5FacetPeer, TantivyPeer, edit_distance, peer_query
from indexer.extract import case_key

# Kinds whose meaning is the same on both sides, so the hit counts must agree
# exactly: words are ANDed, a phrase is its words in order, a case number is its key.
EXACT_KINDS = {"ét ord", "frase", "frase med småord", "personnavn", "sagsnummer", "sagsnummer, anden stavning",
               "facetfiltreret", "sammensat ords del"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, corpus_dir, greve_case_corpus):
    """(our built archive, analysed JSON lines, tantivy peer, FTS5 peer, our build summary)."""
    from indexer.build import build
    from indexer.search import Archive

    root = tmp_path_factory.mktemp("bench-peers")
    corpus = root / "corpus"
    shutil.copytree(corpus_dir, corpus, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(greve_case_corpus / "greve", corpus / "greve")
    summary = build(corpus, root / "index")
    analysed = root / "analysed.jsonl"
    analysis = analyse_corpus(corpus, analysed, procs=1)
    TantivyPeer.build(analysed, root / "tantivy")
    Fts5FacetPeer.build(analysed, root / "fts5f.sqlite")
    return {
        "archive": Archive(root / "index"), "analysed": analysed, "analysis": analysis, "summary": summary,
        "tantivy": TantivyPeer(root / "tantivy"), "fts5f": Fts5FacetPeer(root / "fts5f.sqlite"),
    }


def test_peers_hold_exactly_our_items(tiny):
    ids = [item.id for item in read_analysed(tiny["analysed"])]
    assert len(ids) == tiny["summary"].items == tiny["analysis"]["items"]
    assert len(set(ids)) == len(ids)
    assert tiny["tantivy"].searcher.num_docs == len(ids)
    count = tiny["fts5f"].connection.execute("SELECT count(*) FROM items").fetchone()[0]
    assert count == len(ids)
    # the three Greve meetings' items are in (read from the JSON by tests/test_greve_case.py)
    assert any(item.case_number == "21-016074" for item in read_analysed(tiny["analysed"]))


def test_mix_is_drawn_from_the_archive(tiny):
    mix = draw_mix(tiny["analysed"])
    kinds = {query.kind for query in mix}
    assert {"ét ord", "tre ord", "frase", "frase med småord", "personnavn", "sagsnummer",
            "sagsnummer, anden stavning", "stavefejl", "facetfiltreret"} <= kinds
    words = {w for item in read_analysed(tiny["analysed"]) for w in item.words.split()}
    for query in mix:
        if query.kind == "stavefejl":
            assert query.q not in words  # a typo is no word of the archive
        elif query.kind in {"ét ord", "frase", "frase med småord"}:
            assert all(w in words for w in query.q.strip('"').split())


@pytest.mark.parametrize("peer", ["tantivy", "fts5f"])
def test_peers_find_what_we_find(tiny, peer):
    from indexer.search import SearchRequest

    archive, searcher = tiny["archive"], tiny[peer]
    checked = 0
    for query in draw_mix(tiny["analysed"]):
        filters = {"council": [query.council]} if query.council else {}
        ours = archive.search(SearchRequest(q=query.q, filters=filters, per_page=100))
        theirs = searcher.search(query.q, query.council)
        assert theirs.total > 0, query
        if query.kind in EXACT_KINDS:
            assert theirs.total == ours.total, (query, ours.total, theirs.total)
            checked += 1
        if ours.total <= 20:  # every hit shown: the same items
            assert set(theirs.ids) == {hit.id for hit in ours.results}, query
    assert checked >= 6


@pytest.mark.parametrize("peer", ["tantivy", "fts5f"])
def test_peers_count_our_facets(tiny, peer):
    from indexer.search import SearchRequest

    query = next(q for q in draw_mix(tiny["analysed"]) if q.kind == "ét ord")
    ours = tiny["archive"].search(SearchRequest(q=query.q))
    theirs = tiny[peer].search(query.q)
    for name in FACET_FIELDS:
        assert theirs.facets[name] == {v.value: v.count for v in ours.facets[name]}, name


def test_case_number_in_any_spelling_meets_the_same_key(tiny):
    for spelling in ["21-016074", "21 016074", "21-16074", "21 16074"]:
        assert peer_query(spelling).cases == ["#21-16074"]
        assert tiny["tantivy"].search(spelling).total == tiny["fts5f"].search(spelling).total == 3
    assert spellings("EMN-2025-009242") == ["EMN 2025 009242", "EMN-2025-9242", "2025-009242", "emn-2025-009242"]
    assert all(case_key(s) == case_key("27.69.48-P35-1-21") for s in spellings("27.69.48-P35-1-21"))


def test_typos_are_answered_for_the_nearest_word(tiny):
    vocabulary = {w for item in read_analysed(tiny["analysed"]) for w in item.words.split()}
    assert typos("tilsyn", vocabulary)[0] == "tilssyn"
    # FTS5 answers for the one nearest term; tantivy's fuzzy query takes every
    # term within the distance (as Elasticsearch's fuzzy match does), so more.
    exact = {peer: tiny[peer].search("tilsyn") for peer in ("tantivy", "fts5f")}
    fuzzy = {peer: tiny[peer].search("tilssyn") for peer in ("tantivy", "fts5f")}
    assert fuzzy["fts5f"].corrected and fuzzy["fts5f"].total == exact["fts5f"].total > 0
    assert fuzzy["tantivy"].corrected and fuzzy["tantivy"].total >= exact["tantivy"].total == exact["fts5f"].total
    assert edit_distance("magtanvendlse", "magtanvendelse", 2) == 1
    assert edit_distance("tislyn", "tilsyn", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2
