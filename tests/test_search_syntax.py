"""Prefixes, filters as users type them, and bad dates in the query box (seed corpus)."""

from __future__ import annotations

from indexer.search import SearchRequest


def test_prefix_search(archive):
    response = archive.search(SearchRequest(q="tils*"))
    titles = " ".join(hit.title.lower() for hit in response.results)
    assert response.total >= 5 and "tilsyn" in titles
    assert archive.search(SearchRequest(q="tilsyn")).total <= response.total


def test_prefix_too_short_or_unknown_says_why(archive):
    short = archive.search(SearchRequest(q="ti*"))
    assert any("for kort" in note for note in short.notes)
    unknown = archive.search(SearchRequest(q="xqzw*"))
    assert unknown.total == 0 and any("Ingen ord i arkivet begynder med «xqzw»" in n for n in unknown.notes)


def test_council_filter_as_users_write_it(archive):
    exact = archive.search(SearchRequest(q="", filters={"council": ["Socialudvalget"]})).total
    assert exact > 0
    for typed in ("socialudvalg", "SOCIALUDVALGET", "råd:Socialudvalget"):
        q, filters = (typed, {}) if ":" in typed else ("", {"council": [typed]})
        assert archive.search(SearchRequest(q=q, filters=filters)).total == exact, typed
    missing = archive.search(SearchRequest(q="råd:Handicaprådet"))
    assert missing.total == 0 and any("ingen møder i Handicaprådet" in n for n in missing.notes)


def test_law_references_are_hierarchical(archive):
    bare = archive.search(SearchRequest(q="lov:§ 85"))
    named = archive.search(SearchRequest(q="lov:serviceloven § 85"))
    assert bare.total == named.total > 0
    assert set(bare.filters["law"]) == {"serviceloven § 85", "§ 85"}
    assert all(v.startswith("serviceloven") for v in archive.search(SearchRequest(q="lov:serviceloven")).filters["law"])


def test_bad_date_in_the_query_box_is_said(archive):
    response = archive.search(SearchRequest(q="fra:2025-13-01 tilsyn"))
    assert any("Fra-datoen «2025-13-01» er ikke en gyldig dato" in note for note in response.notes)


def test_danish_and_english_filter_names_in_the_url(client):
    english = client.get("/api/search?q=&municipality=Ballerup").get_json()["total"]
    danish = client.get("/api/search?q=&kommune=Ballerup").get_json()["total"]
    assert english == danish > 0
    assert client.get("/api/search?q=&kommune=Ikast-Brande").get_json()["total"] < english + 100
