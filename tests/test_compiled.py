"""The compiled query: each clause's index terms worked out once per search,
and read by matching, ranking and snippets alike (indexer/compiled.py)."""

from __future__ import annotations

import indexer.compiled as compiled
from indexer.compiled import MIN_PREFIX, compile_query
from indexer.query import parse_query
from indexer.search import SearchRequest


def _compiled(archive, q: str):
    return archive.compile(parse_query(q))


def test_a_word_looks_in_every_field_a_phrase_only_in_the_pairs(archive):
    word = _compiled(archive, "tilsyn").groups[0][0]
    fields = {name for name, _ in word.terms}
    assert {"title", "body", "decision", "body_parts", "lemmas"} <= fields
    assert not any(name.endswith("_pairs") for name in fields)
    assert "ids" not in fields  # the identifier field holds case numbers, § references and years only
    case = _compiled(archive, "27.69.48-P35-1-21").groups[0][0]
    assert ("ids", ("#27-69-48-p35-1-21",)) in case.terms  # the spelling-free case key (extract.case_key)
    phrase = _compiled(archive, '"ballerup kommune"').groups[0][0]
    assert phrase.terms and all(name.endswith("_pairs") for name, _ in phrase.terms)
    # the snippet highlights the phrase's words as words
    assert {"body", "decision"} <= {name for name, _ in phrase.words}


def test_small_words_search_nothing_and_a_prefix_searches_its_words(archive):
    query = _compiled(archive, "og")
    assert not query.scored and not query.groups[0][0].searches
    prefix = _compiled(archive, "tils*").groups[0][0]
    assert prefix.searches and prefix.terms == archive.prefix_terms("tils")
    assert all(len(tokens) == 1 and tokens[0].startswith("tils") for _, tokens in prefix.terms)
    short = _compiled(archive, "ti*").groups[0][0]  # shorter than MIN_PREFIX: searched as the word itself
    assert len("ti") < MIN_PREFIX and all(not name.endswith("_pairs") for name, _ in short.terms)


def test_snippet_terms_are_the_words_of_the_searched_clauses_not_the_excluded(archive):
    query = _compiled(archive, "tilsyn -budget")
    terms = query.snippet_terms()
    assert any("tilsyn" in tokens for tokens in terms.values())
    assert not any(token.startswith("budget") for tokens in terms.values() for token in tokens)


def test_each_clause_is_compiled_once_per_search(archive, monkeypatch):
    calls: list[str] = []
    original = compiled.clause_terms

    def counting(clause, tokens, prefix_terms):
        calls.append(clause.text)
        return original(clause, tokens, prefix_terms)

    monkeypatch.setattr(compiled, "clause_terms", counting)
    archive._cache.clear()
    response = archive.search(SearchRequest(q='tilsyn "egebjerg bygade" -budget', per_page=5))
    assert response.total > 0 and response.results[0].snippet
    assert sorted(calls) == sorted(["tilsyn", "egebjerg bygade", "budget"])


def test_compile_query_reads_tokens_through_the_given_analyser():
    seen: list[tuple[str, str]] = []

    def tokens(fieldname: str, text: str) -> tuple[str, ...]:
        seen.append((fieldname, text))
        return (text.lower(),) if fieldname == "body" else ()

    query = compile_query(parse_query("Tilsyn"), tokens, lambda prefix: ())
    assert query.groups[0][0].terms == (("body", ("tilsyn",)),)
    assert query.snippet_terms() == {"body": {"tilsyn"}}
    assert ("body_pairs", "Tilsyn") not in seen  # a word is not looked up as a phrase
