"""KLE titles from the user's KLE files (../shared/kle/, read in place; the project ships none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.kle import KleFileError, load_kle
from indexer.search import Archive, SearchRequest

SHARED_KLE = Path(__file__).resolve().parents[2] / "shared" / "kle"
PLAN = SHARED_KLE / "KLE-Emneplan_Version2-0_2015-08-01.xml"
OS2KLE = SHARED_KLE / "OS2KLE_v3.23_2026-02.txt"


@pytest.fixture(scope="module")
def kle_files():
    if not PLAN.is_file() or not OS2KLE.is_file():
        pytest.skip(f"{SHARED_KLE} is not present")
    return [PLAN, OS2KLE]


def test_titles_of_all_three_levels(kle_files):
    kle = load_kle(kle_files)
    assert kle.label("27") == "27 Social service"
    assert kle.label("27.69") == "27.69 Retssikkerhed"
    assert kle.label("27.69.48") == "27.69.48 Handicapråd"
    assert kle.label("99.99") == "99.99"  # unknown codes stay as they are
    assert "27.69" in kle.codes_matching("retssikkerhed")
    assert len(load_kle([PLAN]).titles) == 41 + 691 + 3457  # the plan's hovedgrupper, grupper and emner


def test_newer_list_wins_for_emner(kle_files):
    old, both = load_kle([PLAN]), load_kle(kle_files)
    changed = [code for code in both.titles if code in old.titles and old.titles[code] != both.titles[code]]
    assert changed and all(len(code) == 8 for code in changed)  # emner only: the text list has no groups


def test_unreadable_kle_file(tmp_path):
    broken = tmp_path / "kle.xml"
    broken.write_text("<KLE-Emneplan><Hovedgruppe>", encoding="utf-8")
    with pytest.raises(KleFileError, match="kle.xml"):
        load_kle([broken])
    with pytest.raises(KleFileError, match="not found"):
        load_kle([tmp_path / "missing.txt"])


def test_pages_and_filter_with_titles(kle_files, corpus_index, corpus_dir):
    from webapp import create_app

    app = create_app(corpus_index, testing=True, corpus_dir=corpus_dir, kle_files=kle_files)
    client = app.test_client()
    page = client.get("/soeg?q=tilsyn").get_data(as_text=True)
    assert "27.69 Retssikkerhed" in page or "00.01 Kommunens styrelse" in page
    item = client.get("/punkt/ballerup-psykiatriraadet-2021-04-22-referat-6").get_data(as_text=True)
    assert "27 Social service › 27.69 Retssikkerhed › 27.69.48 Handicapråd" in item
    archive = Archive(corpus_index, kle=load_kle(kle_files))
    by_title = archive.search(SearchRequest(q="kle:retssikkerhed"))
    by_code = archive.search(SearchRequest(q="kle:27.69"))
    assert by_title.total == by_code.total > 0


def test_without_kle_codes_stay_bare(client):
    item = client.get("/punkt/ballerup-psykiatriraadet-2021-04-22-referat-6").get_data(as_text=True)
    assert "27.69.48" in item and "27.69.48 Handicapråd" not in item
