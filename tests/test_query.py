"""The query language parser: every input parses, nothing raises."""

from hypothesis import given, settings, strategies as st

from indexer.query import MAX_QUERY_CHARS, Clause, parse_query, parse_date_bound


def test_plain_words_are_and_groups():
    parsed = parse_query("skærpet tilsyn")
    assert parsed.groups == [[Clause("skærpet")], [Clause("tilsyn")]]


def test_phrase_or_exclude_and_filters():
    parsed = parse_query('"skærpet tilsyn" botilbud OR bofællesskab -corona råd:Socialudvalget år:2025 sag:00.01.10-P35-3-24')
    assert parsed.groups == [[Clause("skærpet tilsyn", phrase=True)], [Clause("botilbud"), Clause("bofællesskab")]]
    assert parsed.excluded == [Clause("corona")]
    assert parsed.filters == {"council": ["Socialudvalget"], "year": ["2025"], "case": ["00.01.10-P35-3-24"]}


def test_quoted_filter_values_and_aliases():
    parsed = parse_query('institution:"Egebjerg Bygade" raad:handicapraadet kommune:Ballerup')
    assert parsed.filters == {"institution": ["Egebjerg Bygade"], "council": ["handicapraadet"], "municipality": ["Ballerup"]}
    assert parsed.empty


def test_date_range():
    parsed = parse_query("tilsyn fra:2021-01-01 til:2021-12")
    assert (parsed.date_from, parsed.date_to) == ("2021-01-01", "2021-12-31")
    assert parse_date_bound("2024", upper=True) == "2024-12-31"
    assert parse_date_bound("2024-02", upper=True) == "2024-02-29"
    bad = parse_query("fra:igår")
    assert bad.date_from is None and bad.notes


def test_malformed_input_becomes_plain_words():
    assert parse_query('"skærpet tilsyn').groups == [[Clause("skærpet")], [Clause("tilsyn")]]
    assert parse_query("-").groups == [] and parse_query("- OR -").groups == []
    assert parse_query("OR tilsyn").groups == [[Clause("tilsyn")]]
    assert parse_query("https://ballerup.dk/x").groups == [[Clause("https://ballerup.dk/x")]]


def test_overlong_query_is_cut_with_a_note():
    parsed = parse_query("tilsyn " * 2000)
    assert parsed.notes and len(parsed.groups) <= 32
    assert sum(len(c.text) for g in parsed.groups for c in g) <= MAX_QUERY_CHARS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_never_raises(text):
    parse_query(text)
