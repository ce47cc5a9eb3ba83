"""Follow anything, dossiers, original publications, PDF pages, mixed subjects.

Feeds of every kind are parsed as Atom with ElementTree, and the page a
browser gets for a feed is checked against the Atom's entries; the dossier of
a real Greve case is checked against the records; the page each PDF item
starts on was read by hand from the two PDFs in ../shared/formats (PDFium's
plain text per page, the heading "3. Kvalitetsstandarder for stof- og
alkoholbehandling 2012-2013" on page 6 — the Ballerup contents page lists
the same pages); the subject measure is checked on Greve's whole archive.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from xml.etree import ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://127.0.0.1:8000"  # create_app's default base URL
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # Chromium navigating
STOKHOLTBUEN_CASE = "00.01.10-P35-3-24"
GREVE_CASE = "21-016074"
GREVE_MIXED_CASE = "21-016162"  # "Gensidig introduktion" and "Drøftelse af udvalgets årsplan", one number


def parse_feed(response) -> ET.Element:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/atom+xml"
    assert b"<?xml-stylesheet" not in response.data  # browsers get a page of their own (feed_page)
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    return feed


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def check_entries(feed: ET.Element, client) -> None:
    """Newest first; every entry has a title, an absolute link that answers, a date and a summary."""
    rows = entries(feed)
    assert rows
    updated = [e.findtext(f"{ATOM}updated") for e in rows]
    assert updated == sorted(updated, reverse=True)
    for entry in rows:
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith(BASE + "/punkt/") and entry.findtext(f"{ATOM}id") == link
        assert entry.findtext(f"{ATOM}title")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}summary").get("type") == "text" and entry.findtext(f"{ATOM}summary")
        assert client.get(link.removeprefix(BASE)).status_code == 200


# --- feeds over the seed corpus ----------------------------------------------------------------


def test_search_feed_is_titled_with_the_words_and_filters(client):
    feed = parse_feed(client.get("/soeg.atom", query_string={"q": "tilsyn", "council": "Socialudvalget"}))
    assert feed.findtext(f"{ATOM}title") == "Rådsarkiv: søgning: tilsyn, Socialudvalget"
    check_entries(feed, client)
    api = client.get("/api/search", query_string={"q": "tilsyn", "council": "Socialudvalget"}).get_json()
    assert len(entries(feed)) == min(api["total"], 50)
    assert {e.find(f"{ATOM}category").get("term") for e in entries(feed)} == {"Socialudvalget"}


def test_case_feed_follows_the_case_and_carries_its_decisions(client):
    feed = parse_feed(client.get(f"/sag/{STOKHOLTBUEN_CASE}.atom"))
    assert feed.findtext(f"{ATOM}title") == f"Rådsarkiv: sag {STOKHOLTBUEN_CASE}"
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == f"{BASE}/sag/{STOKHOLTBUEN_CASE}"
    check_entries(feed, client)
    case = client.get(f"/api/cases/{STOKHOLTBUEN_CASE}").get_json()
    archived = [t for t in case["treatments"] if t["in_archive"]]
    assert {e.find(f"{ATOM}link").get("href") for e in entries(feed)} == {BASE + t["url"] for t in archived}
    newest = max(archived, key=lambda t: t["date"])
    summary = entries(feed)[0].findtext(f"{ATOM}summary")
    assert summary.startswith(f"{newest['council']}, ") and "Beslutning" in summary
    # A spelling of the case number leads to the same feed; an unknown one is a Danish 404.
    assert parse_feed(client.get(f"/sag/{STOKHOLTBUEN_CASE.lower()}.atom")).findtext(f"{ATOM}title") == \
        f"Rådsarkiv: sag {STOKHOLTBUEN_CASE}"
    missing = client.get("/sag/99-999999.atom")
    assert missing.status_code == 404 and "Sagsnummeret findes ikke" in missing.get_data(as_text=True)


def test_council_institution_and_person_feeds(client):
    council = parse_feed(client.get("/raad/socialudvalget.atom"))
    assert council.findtext(f"{ATOM}title") == "Rådsarkiv: Socialudvalget"
    check_entries(council, client)
    assert {e.find(f"{ATOM}category").get("term") for e in entries(council)} == {"Socialudvalget"}
    institution = parse_feed(client.get("/institution/stokholtbuen.atom"))
    assert institution.findtext(f"{ATOM}title").startswith("Rådsarkiv: ") and "Stokholtbuen" in institution.findtext(f"{ATOM}title")
    check_entries(institution, client)
    person = parse_feed(client.get("/person/ballerup-lolan-marianne-ottesen.atom"))
    assert person.findtext(f"{ATOM}title") == "Rådsarkiv: Lolan Marianne Ottesen (Ballerup)"
    check_entries(person, client)
    for missing in ("/raad/findes-ikke.atom", "/institution/findes-ikke.atom"):
        assert client.get(missing).status_code == 404


@pytest.mark.parametrize("page, feed, title", [
    (f"/sag/{STOKHOLTBUEN_CASE}", f"/sag/{STOKHOLTBUEN_CASE}.atom", f"Rådsarkiv: sag {STOKHOLTBUEN_CASE}"),
    ("/raad/socialudvalget", "/raad/socialudvalget.atom", "Rådsarkiv: Socialudvalget"),
    ("/institution/stokholtbuen", "/institution/stokholtbuen.atom", None),
    ("/person/ballerup-lolan-marianne-ottesen", "/person/ballerup-lolan-marianne-ottesen.atom",
     "Rådsarkiv: Lolan Marianne Ottesen (Ballerup)"),
    ("/soeg?q=tilsyn&council=Socialudvalget", "/soeg.atom?q=tilsyn&amp;council=Socialudvalget&amp;sort=date",
     "Rådsarkiv: søgning: tilsyn, Socialudvalget"),
])
def test_pages_link_their_feed(client, page, feed, title):
    html = client.get(page).get_data(as_text=True)
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">', html)
    assert len(links) == 1, links
    shown_title, href = links[0]
    assert href == feed
    if title:
        assert shown_title == title
    assert re.search(r'<a class="follow" href="[^"]*">Følg |>Følg søgningen', html)


def test_feed_opened_in_a_browser_is_a_readable_danish_page(client):
    """A browser asking for the feed (Accept prefers text/html) gets a Danish
    page rendered from the same feed: its title, the address to copy into a
    feed reader, a how-to note and every entry of the Atom, in its order —
    no XSLT (Chromium deprecates it and covers such pages with a banner)."""
    from html import unescape

    path = f"/sag/{STOKHOLTBUEN_CASE}.atom"
    page = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.mimetype == "text/html" and "Accept" in page.headers["Vary"]
    html = unescape(page.get_data(as_text=True))
    feed = parse_feed(client.get(path, headers={"Accept": "application/atom+xml"}))
    assert f"<h1>Rådsarkiv: sag {STOKHOLTBUEN_CASE}</h1>" in html
    assert 'lang="da"' in html and "Sådan følger du med" in html and "feedlæser" in html
    assert f'value="{BASE}{path}"' in html  # the feed's own absolute address, ready to copy
    shown = re.findall(r'<li class="feed-entry">\s*<h3><a href="([^"]+)">([^<]+)</a>', html)
    assert shown == [(e.find(f"{ATOM}link").get("href"), e.findtext(f"{ATOM}title")) for e in entries(feed)]
    assert shown and "6. maj 2025" in html
    assert client.get("/static/feed.xsl").status_code == 404  # the stylesheet is gone


# --- a real Greve case: dossier, publication links, subjects ----------------------------------


@pytest.fixture(scope="module")
def greve_client(greve_case_client):
    return greve_case_client


def test_dossier_has_every_body_decision_whole_in_date_order(greve_client):
    case = greve_client.get(f"/api/cases/{GREVE_CASE}").get_json()
    assert case["dossier_url"] == f"/sag/{GREVE_CASE}/dossier" and case["feed_url"] == f"/sag/{GREVE_CASE}.atom"
    response = greve_client.get(case["dossier_url"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    from markupsafe import escape

    positions = []
    for treatment in (t for t in case["treatments"] if t["in_archive"]):
        record = greve_client.get(f"/api/items/{treatment['item_id']}").get_json()
        assert record["decision"], treatment
        for paragraph in record["decision"].split("\n\n"):
            assert str(escape(paragraph.strip())) in html, (treatment["council"], paragraph[:80])
        positions.append(html.index(str(escape(record["decision"].split("\n\n")[0].strip()))))
        # every attachment, linked to the publication, and the item's own publication link
        for attachment in record["attachments"]:
            assert f'href="{escape(attachment["url"])}"' in html
        assert f'href="{escape(record["publication_url"])}"' in html
    assert len(positions) == 3 and positions == sorted(positions)
    assert html.count("Se i kommunens publicering") >= 3
    assert "Økonomiudvalget anbefaler overfor Byrådet" in html and "Byrådet godkendte Økonomiudvalgets indstilling." in html


def test_case_and_item_pages_link_the_original_publication(greve_client):
    case = greve_client.get(f"/api/cases/{GREVE_CASE}").get_json()
    page = greve_client.get(f"/sag/{GREVE_CASE}").get_data(as_text=True)
    for treatment in (t for t in case["treatments"] if t["in_archive"]):
        assert treatment["publication_url"].startswith("https://dagsordener.greve.dk/")
        assert f'href="{treatment["publication_url"]}"' in page
        item = greve_client.get(treatment["url"]).get_data(as_text=True)
        assert f'href="{treatment["publication_url"]}"' in item and "Se i kommunens publicering" in item
    assert f'href="/sag/{GREVE_CASE}/dossier"' in page


def test_print_stylesheet_hides_the_chrome_and_prints_link_addresses(client):
    css = client.get("/static/style.css").get_data(as_text=True)
    printed = css[css.index("@media print"):]
    for selector in (".site-header", ".header-search", "nav", "button", ".follow"):
        assert selector in printed.split("display: none")[0], selector
    assert 'content: " <" attr(href) ">"' in printed and "break-inside: avoid" in printed


def test_case_with_different_subjects_says_so(greve_client):
    mixed = greve_client.get(f"/api/cases/{GREVE_MIXED_CASE}").get_json()
    assert mixed["subjects"]["mixed"] is True
    assert sorted(group["titles"] for group in mixed["subjects"]["groups"]) == [
        ["Drøftelse af udvalgets årsplan"], ["Gensidig introduktion"]]
    page = greve_client.get(f"/sag/{GREVE_MIXED_CASE}").get_data(as_text=True)
    assert "Forskellige emner under samme sagsnummer" in page and "«Gensidig introduktion»" in page
    consistent = greve_client.get(f"/api/cases/{GREVE_CASE}").get_json()
    assert consistent["subjects"]["mixed"] is False and len(consistent["subjects"]["groups"]) == 1
    assert "Forskellige emner" not in greve_client.get(f"/sag/{GREVE_CASE}").get_data(as_text=True)


def test_live_case_answers_agree_with_the_openapi_document(greve_client):
    schemathesis = pytest.importorskip("schemathesis", reason="install the test extra: pip install -e '.[test]'")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", greve_client.application)
    for case_number in (GREVE_CASE, GREVE_MIXED_CASE):
        schema.find_operation_by_id("getCase").Case(path_parameters={"case_number": case_number}).call_and_validate()
    schema.find_operation_by_id("getItem").Case(
        path_parameters={"item_id": "greve-oekonomiudvalget-2022-01-24-referat-16"}).call_and_validate()
    feed = schema.find_operation_by_id("getCaseFeed").Case(path_parameters={"case_number": GREVE_CASE}).call_and_validate()
    assert feed.status_code == 200 and ET.fromstring(feed.content).tag == f"{ATOM}feed"


# --- the subject measure on Greve's whole archive ------------------------------------------------


def test_subject_measure_on_greve(greve_parsed):
    """The figures in indexer/subjects.py's docstring: 30 of the 267 case
    numbers with more than one title are flagged; the collective numbers read
    by hand are among them, consistent cases (one subject, reworded titles) are not."""
    from indexer.subjects import subject_groups

    cases: dict[str, list[dict[str, str]]] = defaultdict(list)
    for _, _, meeting in greve_parsed:
        for item in meeting.items:
            if item.case_number:
                cases[item.case_number].append({"id": item.id, "title": item.title})
    several = {number: items for number, items in cases.items() if len({i["title"] for i in items}) > 1}
    flagged = {number for number, items in several.items() if subject_groups(items, ignore=["Greve"]).mixed}
    assert (len(several), len(flagged)) == (267, 30)
    assert {"23-001975", "23-010617", "24-004681", "21-016162", "22-001245"} <= flagged
    consistent = {"24-011518", "25-006765", "21-014675", "21-002860", "23-003100", "23-008509", "22-000228", "24-013048",
                  "21-002636", "23-012555"}
    assert consistent <= several.keys() and not consistent & flagged


# --- PDF sources open at the item's page ------------------------------------------------------------

BALLERUP_PAGES = {1: 3, 2: 3, 3: 6, 4: 7, 5: 9, 6: 10, 7: 12, 8: 14}  # read by hand, see the module docstring
SYDDJURS_PAGES = {715: 3}


@pytest.mark.parametrize("name, expected", [
    ("ballerup_sfu_2012-12-04_referat.pdf", BALLERUP_PAGES),
    ("syddjurs_puk_2013-06-20_referat.pdf", SYDDJURS_PAGES),
])
def test_pdf_items_know_their_page(shared_formats, name, expected):
    from indexer.ingest import parse_file

    meeting = parse_file(shared_formats / name, shared_formats).meeting
    assert {item.number: item.page for item in meeting.items} == expected
    assert all(item.to_dict()["page"] == item.page for item in meeting.items)


def test_pdf_page_texts_join_to_the_document_text(shared_formats):
    from indexer.readers import read_document

    source = read_document(shared_formats / "ballerup_sfu_2012-12-04_referat.pdf")
    assert len(source.pages) == 15
    assert source.text == "\n\n".join(page for page in source.pages if page)
    assert "3. Kvalitetsstandarder for stof- og alkoholbehandling 2012-2013" in source.pages[5]


def test_item_page_links_the_pdf_at_the_item(shared_formats, tmp_path):
    from indexer.build import build
    from webapp import create_app

    corpus = tmp_path / "corpus"
    (corpus / "ballerup").mkdir(parents=True)
    shutil.copyfile(shared_formats / "ballerup_sfu_2012-12-04_referat.pdf", corpus / "ballerup" / "ballerup_sfu_2012-12-04_referat.pdf")
    build(corpus, tmp_path / "index")
    client = create_app(tmp_path / "index", testing=True, corpus_dir=corpus).test_client()
    [hit] = [h for h in client.get("/api/search", query_string={"q": "rygestopkurser evaluering"}).get_json()["results"]
             if h["number"] == 8]
    record = client.get(f"/api/items/{hit['id']}").get_json()
    assert record["page"] == 14 and record["source_url"] == f"/moede/{record['meeting_id']}/kilde#page=14"
    page = client.get(f"/punkt/{hit['id']}").get_data(as_text=True)
    assert f'href="/moede/{record["meeting_id"]}/kilde#page=14"' in page and "side 14" in page
    meeting = client.get(f"/moede/{record['meeting_id']}").get_data(as_text=True)
    assert '/kilde#page=6">side 6 i kildedokumentet' in meeting
    assert client.get(f"/moede/{record['meeting_id']}/kilde").mimetype == "application/pdf"
