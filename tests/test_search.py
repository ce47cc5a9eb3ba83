"""Search over the real seed corpus: Danish morphology, letter variants,
compounds, identifiers, the query language, facets and suggestions."""

from __future__ import annotations

import shutil
import threading
from collections import Counter

import pytest

from indexer.build import build
from indexer.ingest import Ingested, ingest
from indexer.search import Archive, SearchRequest

SOCIAL = "ballerup-socialudvalget-2025-05-06-referat"
PSYK21 = "ballerup-psykiatriraadet-2021-04-22-referat"
IKAST = "ikast-brande-arbejdsmarkeds-psykiatri-og-handicapudvalget-2024-03-06-referat"


def ids(archive, q, **kwargs):
    return [hit.id for hit in archive.search(SearchRequest(q=q, per_page=100, **kwargs)).results]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("magtanvendelse", f"{PSYK21}-10"),  # "Magtanvendelser i 2020"
        ("Handicapraadet", f"{SOCIAL}-4"),  # typed without å
        ("Stoeberiet", f"{PSYK21}-5"),  # ø typed as oe
        ("tomgang", f"{SOCIAL}-6"),  # inside "tomgangspladser"
        ("rapport", f"{PSYK21}-9"),  # inside "tilsynsrapporterne"
        ("konference", f"{IKAST}-15"),  # inside "Rusmiddelkonference"
        ("plads", f"{SOCIAL}-6"),  # "pladser"
        ("godkendes", f"{PSYK21}-1"),  # "Indstillingen godkendt"
        ("27.69.48-P35-1-21", f"{PSYK21}-6"),  # a case number as written
        ("veterankoordinator", "ballerup-psykiatriraadet-2025-11-06-dagsorden-3"),
        ("Maglemosen", f"{SOCIAL}-5"),  # written with Cyrillic look-alikes in the source
    ],
)
def test_finds(archive, query, expected):
    assert expected in ids(archive, query)


def test_case_number_lookup_ranks_the_case_first(archive):
    assert ids(archive, "00.01.10-P35-3-24")[0] == f"{SOCIAL}-4"


def test_paragraph_reference_as_written(archive):
    found = ids(archive, "§ 85")
    assert "ballerup-psykiatriraadet-2025-11-06-dagsorden-5" in found
    assert "ballerup-strateginotat-2016-10-30-notat-1" in found


def test_year_is_searchable(archive):
    assert f"{PSYK21}-10" in ids(archive, "2019")


def test_phrase_is_exact(archive):
    assert f"{SOCIAL}-4" in ids(archive, '"skærpet tilsyn"')
    assert f"{SOCIAL}-4" not in ids(archive, '"tilsyn skærpet"')


def test_or_and_exclude(archive):
    either = set(ids(archive, "veterankoordinator OR Stokholtbuen"))
    assert {"ballerup-psykiatriraadet-2025-11-06-dagsorden-3", f"{SOCIAL}-4"} <= either
    assert f"{SOCIAL}-4" not in ids(archive, "Stokholtbuen -skærpet")


def test_all_words_then_most_words(archive):
    response = archive.search(SearchRequest(q="Stokholtbuen xyzzyplugh"))
    assert response.partial_match and response.total > 0
    strict = archive.search(SearchRequest(q="Stokholtbuen tilsyn"))
    assert not strict.partial_match


def test_title_and_decision_weigh_more_than_body(archive):
    # "Magtanvendelser" is the title of item 10; other items mention it in the body only
    assert ids(archive, "magtanvendelser")[0] == f"{PSYK21}-10"


def test_field_filters_in_query(archive):
    council = archive.search(SearchRequest(q="tilsyn råd:socialudvalget"))
    assert council.total and all(hit.council == "Socialudvalget" for hit in council.results)
    year = archive.search(SearchRequest(q="år:2021"))
    assert year.total == 14 and all(hit.date.startswith("2021") for hit in year.results)
    case = archive.search(SearchRequest(q="sag:00.22.00-A26-1-24"))
    assert sorted(hit.number for hit in case.results) == [6, 7, 8]
    inst = archive.search(SearchRequest(q='institution:"Egebjerg Bygade"'))
    assert {hit.number for hit in inst.results} >= {6, 7}
    muni = archive.search(SearchRequest(q="kommune:ikast-brande"))
    assert muni.total == 16


def test_date_range(archive):
    response = archive.search(SearchRequest(q="fra:2024-01-01 til:2024-12-31", per_page=100))
    assert response.total == 16 and {hit.date for hit in response.results} == {"2024-03-06"}


def test_sort_by_date(archive):
    dates = [hit.date for hit in archive.search(SearchRequest(q="tilsyn", sort="date", per_page=100)).results]
    assert dates == sorted(dates, reverse=True)
    ascending = [hit.date for hit in archive.search(SearchRequest(q="tilsyn", sort="date_asc", per_page=100)).results]
    assert ascending == sorted(ascending)


def test_empty_query_with_filter_lists_everything_matching(archive):
    response = archive.search(SearchRequest(q="", filters={"council": ["Psykiatrirådet"]}, per_page=100))
    assert response.total == 14 + 9


def test_suggestion_from_index_vocabulary(archive):
    response = archive.search(SearchRequest(q="veterankordinator"))
    assert response.suggestion == "veterankoordinator"
    assert archive.search(SearchRequest(q="veterankoordinator")).suggestion is None


def test_snippets_say_where_the_words_are_and_the_web_layer_marks_them(archive):
    """The indexer returns plain text with match spans; the web layer's
    renderer escapes the text and puts the matches in <mark>."""
    from indexer.search import Snippet
    from webapp.serialize import snippet_html, snippet_text

    hit = archive.search(SearchRequest(q="Stokholtbuen")).results[0]
    assert "<" not in hit.snippet.text and hit.snippet.marks
    assert {hit.snippet.text[start:end].lower() for start, end, _ in hit.snippet.marks} == {"stokholtbuen"}
    html = snippet_html(hit.snippet)
    assert '<mark class="hit t0">' in html and "Stokholtbuen" in html
    hostile = Snippet("a <b>&c</b> tilsyn", ((12, 18, 0),))
    assert snippet_html(hostile) == 'a &lt;b&gt;&amp;c&lt;/b&gt; <mark class="hit t0">tilsyn</mark>'
    assert snippet_text(Snippet("to\n  linjer")) == "to linjer"


def test_closed_item_only_title_is_indexed(archive):
    assert f"{IKAST}-16" in ids(archive, "Lukkede meddelelser")


# --- facets ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def records(corpus_dir):
    return [r.meeting for r in ingest(corpus_dir) if isinstance(r, Ingested)]


def test_facet_counts_match_records(archive, records):
    response = archive.search(SearchRequest(q=""))
    expected_council = Counter(m.council for m in records for _ in m.items if m.council)
    assert {v.value: v.count for v in response.facets["council"]} == dict(expected_council)
    expected_year = Counter(m.date[:4] for m in records for _ in m.items)
    assert {v.value: v.count for v in response.facets["year"]} == dict(expected_year)
    expected_inst = Counter(name for m in records for item in m.items for name in item.institutions)
    got_inst = {v.value: v.count for v in response.facets["institution"]}
    for name, count in got_inst.items():
        assert expected_inst[name] == count
    assert response.total == sum(len(m.items) for m in records)


def test_filters_and_across_or_within(archive):
    both = archive.search(SearchRequest(q="", filters={"council": ["Socialudvalget", "Psykiatrirådet"]}))
    assert both.total == 10 + 14 + 9
    combined = archive.search(SearchRequest(q="", filters={"council": ["Socialudvalget", "Psykiatrirådet"], "year": ["2021"]}))
    assert combined.total == 14
    # disjunctive counts: the council facet still shows the other council under the year filter
    council_counts = {v.value: v.count for v in combined.facets["council"]}
    assert council_counts["Psykiatrirådet"] == 14
    year_counts = {v.value: v.count for v in combined.facets["year"]}
    assert year_counts["2025"] == 10 + 9


def test_kle_group_and_law_facets(archive):
    response = archive.search(SearchRequest(q=""))
    kle = {v.value: v.count for v in response.facets["kle"]}
    assert kle["27.69"] >= 3
    assert len(response.facets["law"]) <= 12  # the facet shows the top values
    assert "serviceloven § 85" in archive.facet_value_counts("law")


# --- hostile queries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ['"', '"""', "-", "- -", "OR", "OR OR", "a" * 5000, "råd:", "år:abc", "fra:2021-13-45", "*", "?", "tilsyn*",
     "\x00\x01", "<script>alert(1)</script>", " OR ".join(["tilsyn"] * 1000), "(((", "sag:", "§", "§§"],
)
def test_malformed_queries_never_raise(archive, query):
    response = archive.search(SearchRequest(q=query))
    assert response.total >= 0


# --- incremental builds ------------------------------------------------------------------


def test_incremental_rebuild(tmp_path, corpus_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    index = tmp_path / "index"
    first = build(corpus, index)
    assert (first.added, first.items) == (5, 50)
    again = build(corpus, index)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)

    social = corpus / "ballerup/socialudvalget-2025-05-06-referat.txt"
    social.write_text(social.read_text(encoding="utf-8").replace("Stokholtbuen", "Solsikken"), encoding="utf-8")
    (corpus / "ballerup/strateginotat-2016-10-30-notat.txt").unlink()
    new = corpus / "ikast-brande/kopi-med-ny-dato.txt"
    new.write_text(
        (corpus / "ballerup/psykiatriraadet-2021-04-22-referat.txt").read_text(encoding="utf-8").replace("22-04-2021", "23-04-2021").replace("22. april 2021", "23. april 2021"),
        encoding="utf-8",
    )
    third = build(corpus, index)
    assert (third.added, third.updated, third.removed, third.unchanged) == (1, 1, 1, 3)
    archive = Archive(index)
    assert archive.search(SearchRequest(q="Solsikken")).total > 0
    assert archive.search(SearchRequest(q="Stokholtbuen", filters={"council": ["Socialudvalget"]})).total == 0
    assert archive.item("ballerup-strateginotat-2016-10-30-notat-1") is None
    assert archive.search(SearchRequest(q="", filters={"municipality": ["Ikast-Brande"]})).total == 16 + 14


def test_duplicate_document_is_indexed_once(tmp_path, corpus_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    shutil.copy(corpus / "ballerup/socialudvalget-2025-05-06-referat.txt", corpus / "ballerup/zz-kopi.txt")
    summary = build(corpus, tmp_path / "index")
    assert summary.items == 50
    assert [s["path"].endswith("zz-kopi.txt") for s in summary.skipped] == [True]
    assert "duplicate" in summary.skipped[0]["reason"]


def test_searching_while_rebuilding(tmp_path, corpus_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    index = tmp_path / "index"
    build(corpus, index)
    archive = Archive(index)
    errors, totals = [], []
    stop = threading.Event()

    def searcher():
        while not stop.is_set():
            try:
                totals.append(archive.search(SearchRequest(q="tilsyn")).total)
            except Exception as error:  # noqa: BLE001 - the test records any failure
                errors.append(error)
            # A thread answering cached searches back to back holds the GIL
            # so tightly that the build's many small reads in the same process
            # wait 5 ms each (Python's switch interval): the test took minutes.
            stop.wait(0.002)

    thread = threading.Thread(target=searcher)
    thread.start()
    try:
        for round_ in range(3):
            target = corpus / "ballerup/socialudvalget-2025-05-06-referat.txt"
            target.write_text(target.read_text(encoding="utf-8") + f"\n\nEkstra tekst {round_}\n", encoding="utf-8")
            build(corpus, index)
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert totals and min(totals) > 0


@pytest.mark.parametrize("phrase", ["deltog ikke", "Mustafa Arslan"])
def test_phrases_with_small_words_and_names_of_absent_members(archive, phrase):
    """Absence notes are searchable as written ("Mustafa Arslan deltog ikke i sagens behandling")."""
    response = archive.search(SearchRequest(q=f'"{phrase}"', per_page=100))
    assert response.total >= 10
    for hit in response.results:
        record = archive.item(hit.id)
        text = " ".join([*record["attendance"], record.get("decision") or "", *(s["text"] for s in record["sections"])])
        assert phrase.lower() in " ".join(text.lower().split())


def test_a_participants_name_is_never_corrected(archive):
    """"Lolan Marianne Ottesen" once became "Lolan marine Ottesen": a word that is
    part of a participant's name is not a typo."""
    snapshot = archive.current()
    assert "marianne" in snapshot.name_words
    response = archive.search(SearchRequest(q="Marianne"))
    assert response.suggestion is None and response.corrected_from is None


def test_one_loop_highlighter_highlights_as_whoosh():
    """`search._StemmedHighlighter` gives Whoosh's `highlight` snippet — the
    same fragments, chosen and ordered the same — for texts with stop words,
    numbers, letter variants, long runs without a match and many matches."""
    from whoosh.highlight import ContextFragmenter, highlight

    from indexer.schema import build_schema
    from indexer.search import SpanFormatter, _fast_highlighter, _StemmedHighlighter

    schema = build_schema()
    filler = "Udvalget drøftede sagen og tog orienteringen til efterretning. " * 6
    texts = [
        "Socialudvalget godkendte, at tilsynet med Botilbuddet Stokholtbuen skærpes i 2025. " + filler
        + "Tilsynet skal afrapporteres. Og tilsyn igen, tilsyn... tilsyn!",
        "Sag 00.01.10-P35-8-25: Handicaprådet og Byrådet — i og på og af; x y z æ ø å AA aa. " + filler,
        filler + "Indstillingen om magtanvendelser blev taget til efterretning (3,5 mio. kr. i 2024).",
        "",
        "og i på af",
    ]
    term_sets = [{"tilsyn"}, {"handicapråd", "byråd"}, {"magtanvend", "indstilling"}, {"udvalg", "sag"},
                 {"og"}, {"25", "p35"}, {"ingenting"}]
    for fieldname in ("body", "decision"):
        analyzer = schema[fieldname].analyzer
        fast = _fast_highlighter(analyzer)
        assert isinstance(fast, _StemmedHighlighter)
        for text in texts:
            for terms in term_sets:
                for maxchars, surround in ((220, 60), (40, 10)):
                    expected = highlight(text, terms, analyzer, ContextFragmenter(maxchars=maxchars, surround=surround),
                                         SpanFormatter(), top=2, mode="query")
                    found = fast.highlight(text, terms, ContextFragmenter(maxchars=maxchars, surround=surround), top=2)
                    assert found == expected, (text[:40], terms)
        assert any(fast.highlight(text, {"tilsyn"}, ContextFragmenter(maxchars=220, surround=60), 2).marks
                   for text in texts)
    assert _fast_highlighter(schema["body_parts"].analyzer) is None
