"""Case numbers in any spelling, the case page's one address, and typo correction
(the seeds plus the Aarhus agenda page, copied to a temporary corpus)."""

from __future__ import annotations

import shutil

import pytest

from indexer.build import build
from indexer.extract import case_key
from indexer.search import Archive, SearchRequest

AARHUS = "aarhus_byraad_2025-10-08_dagsorden.html"


@pytest.fixture(scope="module")
def mixed(corpus_dir, shared_formats, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("mixed") / "corpus"
    shutil.copytree(corpus_dir, corpus)
    (corpus / "aarhus").mkdir()
    shutil.copyfile(shared_formats / AARHUS, corpus / "aarhus" / AARHUS)
    index = tmp_path_factory.mktemp("mixed-index")
    build(corpus, index)
    from webapp import create_app

    return Archive(index), create_app(index, testing=True, corpus_dir=corpus)


def test_case_key_spellings():
    spellings = ["EMN-2025-009242", "EMN 2025 009242", "emn-2025-9242", "2025-009242", "2025 9242"]
    assert {case_key(s) for s in spellings} == {"2025-9242"}
    assert case_key("27.69.48-P35-1-21") == case_key("27 69 48 p35 1 21") == "27-69-48-p35-1-21"
    assert case_key("tilsyn") is None and case_key("2021") is None


@pytest.mark.parametrize("typed", ["EMN-2025-009242", "EMN 2025 009242", "EMN-2025-9242", "2025-009242", "emn-2025-009242"])
def test_any_spelling_finds_the_case(mixed, typed):
    archive, _ = mixed
    response = archive.search(SearchRequest(q=typed))
    assert response.case == "EMN-2025-009242"
    assert any(hit.case_number == "EMN-2025-009242" for hit in response.results)
    assert response.results[0].case_number == "EMN-2025-009242"


def test_kle_case_number_spaced(mixed):
    archive, _ = mixed
    response = archive.search(SearchRequest(q="27 69 48 P35 1 21"))
    assert response.case == "27.69.48-P35-1-21" and response.total >= 1


def test_case_filter_in_any_spelling(mixed):
    archive, _ = mixed
    exact = archive.search(SearchRequest(q="", filters={"case": ["EMN-2025-009242"]})).total
    assert exact >= 1
    assert archive.search(SearchRequest(q="sag:emn-2025-9242")).total == exact


def test_case_page_has_one_address(mixed):
    _, app = mixed
    client = app.test_client()
    moved = client.get("/sag/emn-2025-009242")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/sag/EMN-2025-009242")
    assert client.get("/sag/EMN-2025-009242").status_code == 200
    unknown = client.get("/sag/2021")
    assert unknown.status_code == 404 and "findes ikke" in unknown.get_data(as_text=True)
    api = client.get("/api/cases/EMN-2025-9242")
    assert api.status_code == 200 and api.get_json()["case_number"] == "EMN-2025-009242"
    page = client.get("/soeg?q=EMN+2025+009242").get_data(as_text=True)
    assert "Gå til sagen EMN-2025-009242" in page


@pytest.mark.parametrize("typo, word", [("magtanvendlse", "magtanvendelse"), ("borgerindragelse", "borgerinddragelse")])
def test_a_typo_shows_the_results_for_the_closest_word(mixed, typo, word):
    archive, app = mixed
    response = archive.search(SearchRequest(q=typo))
    assert response.total > 0 and response.corrected_from == typo and word in response.suggestion.lower()
    page = app.test_client().get(f"/soeg?q={typo}").get_data(as_text=True)
    assert "Viser resultater for" in page and "søg i stedet efter" in page
