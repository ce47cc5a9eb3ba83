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


# --- the query owns its syntax: one chip per filter as given, removed exactly --------------------


def test_filter_tokens_carry_their_spans_in_the_text_as_typed():
    from indexer.query import parse_query

    q = 'tilsyn "skærpet lov:§ 85 råd:socialudvalget fra:2021 år:20'
    tokens = parse_query(q).filter_tokens
    assert [(t.key, t.value) for t in tokens] == [("law", "§ 85"), ("council", "socialudvalget"), ("from", "2021"), ("year", "20")]
    assert [q[t.start:t.end] for t in tokens] == ["lov:§ 85", "råd:socialudvalget", "fra:2021", "år:20"]


def _chips(client, url: str) -> dict[str, str]:
    """Chip label → the URL that removes it, read from the page."""
    import re
    from html import unescape

    page = client.get(url).get_data(as_text=True)
    section = page[page.index('class="active-filters"'):] if 'class="active-filters"' in page else page
    return {unescape(label).strip(): unescape(href) for href, label in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>\s*([^<]+?)\s*<', section)
            if ":" in label}


def test_removing_one_typed_year_leaves_the_other(client, archive):
    """`år:2021 år:20` are two filters; removing the first leaves `år:20`
    (the old chip removal matched by prefix and removed both)."""
    from urllib.parse import parse_qs, urlsplit

    response = archive.search(SearchRequest(q="tilsyn år:2021 år:20"))
    assert [(a.key, a.typed, a.origin) for a in response.applied] == [("year", "2021", "q"), ("year", "20", "q")]
    from webapp.params import without

    state = SearchRequest(q="tilsyn år:2021 år:20")
    first, second = response.applied
    assert without(state, [first]).q == "tilsyn år:20"
    assert without(state, [second]).q == "tilsyn år:2021"
    chips = _chips(client, "/soeg?q=tilsyn+år:2021+år:20")
    removal = next(href for label, href in chips.items() if label.endswith(": 2021"))
    assert parse_qs(urlsplit(removal).query)["q"] == ["tilsyn år:20"]


def test_one_chip_per_law_filter_and_url_filters_removed_by_value(client, archive):
    response = archive.search(SearchRequest(q="lov:§ 85"))
    assert len(response.applied) == 1 and set(response.applied[0].values) == {"serviceloven § 85", "§ 85"}
    both = archive.search(SearchRequest(q="råd:socialudvalget", filters={"council": ["Socialudvalget"]}))
    assert [(a.origin, a.values) for a in both.applied] == [("url", ("Socialudvalget",)), ("q", ("Socialudvalget",))]
    from webapp.params import without

    state = SearchRequest(q="råd:socialudvalget", filters={"council": ("Socialudvalget",)})
    url_chip, typed_chip = both.applied
    assert without(state, [url_chip]).filters == {} and without(state, [url_chip]).q == "råd:socialudvalget"
    assert without(state, [typed_chip]).filters == {"council": ("Socialudvalget",)} and without(state, [typed_chip]).q == ""
