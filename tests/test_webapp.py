"""The HTML side of the web app, against an index of the real corpus.

The index is built once per session by conftest's `corpus_index` fixture
(indexer.build.build over corpus/). Pages are read with a small stdlib
HTML parser so assertions follow links the way a user would.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
STOKHOLTBUEN_ITEM = "ballerup-socialudvalget-2025-05-06-referat-4"
VOTE_ITEM = "ballerup-socialudvalget-2025-05-06-referat-6"
SOCIAL_MEETING = "ballerup-socialudvalget-2025-05-06-referat"
STOKHOLTBUEN_CASE = "00.01.10-P35-3-24"


# --- a tiny HTML reader ------------------------------------------------------------------


class Page(HTMLParser):
    """Links with their text and the landmarks/classes they sit in."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.links: list[dict] = []
        self.inputs: list[dict[str, str]] = []
        self.labels_for: set[str] = set()
        self.headings: list[int] = []
        self._open_links: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "a":
            link = {"href": attributes.get("href", ""), "attrs": attributes, "text": "", "context": list(self.stack)}
            self.links.append(link)
            self._open_links.append(link)
        elif tag == "input":
            self.inputs.append(attributes)
        elif tag == "label" and "for" in attributes:
            self.labels_for.add(attributes["for"])
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in self.VOID:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag):
        if tag == "a" and self._open_links:
            self._open_links.pop()
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        for link in self._open_links:
            link["text"] += data

    def links_in(self, tag: str, **attrs: str) -> list[dict]:
        """Links inside an element with the given tag and attribute values
        (class matches one of the element's classes)."""
        def matches(element: tuple[str, dict[str, str]]) -> bool:
            name, attributes = element
            if name != tag:
                return False
            for key, value in attrs.items():
                key = key.rstrip("_").replace("_", "-")
                if key == "class":
                    if value not in attributes.get("class", "").split():
                        return False
                elif attributes.get(key) != value:
                    return False
            return True

        return [link for link in self.links if any(matches(e) for e in link["context"])]


def html_of(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- front page and browsing ----------------------------------------------------------------


def test_home_has_search_councils_and_latest_meetings(client):
    html = html_of(client.get("/"))
    page = Page(html)
    hrefs = [link["href"] for link in page.links]
    assert 'action="/soeg"' in html and 'name="q"' in html
    assert "/raad/socialudvalget" in hrefs
    assert "/raad/arbejdsmarkeds-psykiatri-og-handicapudvalget" in hrefs
    assert f"/moede/{SOCIAL_MEETING}" in hrefs
    assert "Ballerup" in html and "Ikast-Brande" in html


def test_council_page_lists_meetings_by_year(client):
    page = Page(html_of(client.get("/raad/psykiatriraadet")))
    hrefs = [link["href"] for link in page.links]
    assert "/moede/ballerup-psykiatriraadet-2025-11-06-dagsorden" in hrefs
    assert "/moede/ballerup-psykiatriraadet-2021-04-22-referat" in hrefs
    html = client.get("/raad/psykiatriraadet").get_data(as_text=True)
    assert html.index(">2025<") < html.index(">2021<")


def test_council_page_for_notes_without_council(client):
    html = html_of(client.get("/raad/notater"))
    assert "/moede/ballerup-strateginotat-2016-10-30-notat" in html


def test_institution_page_lists_items(client):
    page = Page(html_of(client.get("/institution/stokholtbuen")))
    hrefs = [link["href"] for link in page.links]
    assert f"/punkt/{STOKHOLTBUEN_ITEM}" in hrefs
    assert "/punkt/ballerup-psykiatriraadet-2021-04-22-referat-9" in hrefs


@pytest.mark.parametrize("path", ["/raad/findes-ikke", "/institution/findes-ikke", "/punkt/findes-ikke",
                                  "/moede/findes-ikke", "/sag/99.99.99-X00-0-00", "/findes-ikke"])
def test_unknown_pages_give_danish_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'lang="da"' in html and "findes ikke" in html


# --- search ------------------------------------------------------------------------------------


def test_blank_search_shows_query_language_tips(client):
    html = html_of(client.get("/soeg"))
    for tip in ('"skærpet tilsyn"', " OR ", "-corona", "råd:", "år:", "sag:", "institution:", "kommune:", "fra:", "til:"):
        assert tip in html.replace("&#34;", '"').replace("&quot;", '"'), tip


def test_search_shows_total_snippets_and_facets(client):
    html = html_of(client.get("/soeg?q=stokholtbuen"))
    page = Page(html)
    assert "2 punkter fundet" in html
    assert f"/punkt/{STOKHOLTBUEN_ITEM}" in [link["href"] for link in page.links]
    assert re.search(r'<mark class="hit[^"]*">Stokholtbuen</mark>', html)
    facet_links = page.links_in("nav", class_="facet")
    assert any("Socialudvalget" in link["text"] for link in facet_links)
    assert any(re.search(r"Psykiatrirådet\s+1", squash(link["text"])) for link in facet_links)


def test_no_hits_gives_helpful_empty_state(client):
    html = html_of(client.get("/soeg?q=qqxxzzyy"))
    assert "Ingen punkter matcher" in html
    assert "Sådan søger du" in html


def test_a_typo_shows_the_corrected_results_and_a_link_to_what_was_typed(client):
    html = html_of(client.get("/soeg?q=stokholtbuenn"))
    assert "2 punkter fundet" in html and "Viser resultater for" in html
    page = Page(html)
    [link] = page.links_in("p", class_="suggestion")
    assert link["text"] == "stokholtbuenn"  # "søg i stedet efter …": what was typed
    assert parse_qs(urlsplit(link["href"]).query)["q"] == ["stokholtbuenn"]


def test_facet_click_through_filters_and_can_be_removed(client):
    start = Page(html_of(client.get("/soeg?q=tilsyn")))
    council_links = start.links_in("nav", aria_label="Filtrér efter Råd og udvalg")
    [psychiatry] = [link for link in council_links if link["text"].strip().startswith("Psykiatrirådet")]
    expected = int(re.search(r"(\d+)\s*$", squash(psychiatry["text"]))[1])
    assert parse_qs(urlsplit(psychiatry["href"]).query)["council"] == ["Psykiatrirådet"]

    filtered_html = html_of(client.get(psychiatry["href"]))
    filtered = Page(filtered_html)
    assert f"{expected} punkt" in filtered_html
    result_meta = [link["text"] for link in filtered.links_in("p", class_="meta") if link["href"].startswith("/moede/")]
    assert result_meta and all(text.startswith("Psykiatrirådet") for text in result_meta)
    # shown as active (aria-current in the facet list) and removable (a chip)
    selected = [link for link in filtered.links_in("nav", class_="facet") if link["attrs"].get("aria-current")]
    assert [squash(link["text"]).split(" ")[0] for link in selected] == ["Psykiatrirådet"]
    [chip] = filtered.links_in("section", class_="active-filters")
    assert "Psykiatrirådet" in chip["text"]
    assert "council" not in parse_qs(urlsplit(chip["href"]).query)
    assert selected[0]["href"] == chip["href"]

    removed = Page(html_of(client.get(chip["href"])))
    assert not removed.links_in("section", class_="active-filters")


def test_filter_typed_in_the_query_is_active_and_removable(client):
    html = html_of(client.get("/soeg?q=tilsyn+r%C3%A5d:Socialudvalget"))
    [chip] = Page(html).links_in("section", class_="active-filters")
    assert "Socialudvalget" in chip["text"]
    assert parse_qs(urlsplit(chip["href"]).query)["q"] == ["tilsyn"]


def test_several_values_of_one_facet_are_ored(client):
    one = client.get("/api/search?council=Socialudvalget").get_json()["total"]
    two = client.get("/api/search?council=Socialudvalget&council=Psykiatrir%C3%A5det").get_json()["total"]
    html = html_of(client.get("/soeg?council=Socialudvalget&council=Psykiatrir%C3%A5det"))
    assert two > one and f"{two} punkter fundet" in html
    assert len(Page(html).links_in("section", class_="active-filters")) == 2


def test_sort_by_date_orders_results(client):
    page = Page(html_of(client.get("/soeg?q=tilsyn&sort=date")))
    dates = [link["href"] for link in page.links_in("ol", class_="results") if link["href"].startswith("/moede/")]
    found = [re.search(r"(\d{4}-\d{2}-\d{2})", href)[1] for href in dates]
    assert found == sorted(found, reverse=True) and len(set(found)) > 1
    sort_nav = page.links_in("nav", aria_label="Sortering")
    assert [link["text"] for link in sort_nav if link["attrs"].get("aria-current")] == ["Nyeste først"]


def test_pagination_marks_current_page_and_keeps_state(client):
    html = html_of(client.get("/soeg?council=Socialudvalget&per_page=3&page=2"))
    page = Page(html)
    pages = page.links_in("nav", aria_label="Sider")
    current = [link for link in pages if link["attrs"].get("aria-current") == "page"]
    assert [link["text"] for link in current] == ["2"]
    for link in pages:
        query = parse_qs(urlsplit(link["href"]).query)
        assert query["council"] == ["Socialudvalget"] and query["per_page"] == ["3"]
    assert '<ol class="results" start="4">' in html


def test_page_past_the_last_offers_the_first(client):
    html = html_of(client.get("/soeg?council=Socialudvalget&page=5"))
    assert "Der er ikke så mange sider" in html
    assert 'href="/soeg?council=Socialudvalget"' in html


def test_date_range_filters_and_is_removable(client):
    html = html_of(client.get("/soeg?q=tilsyn&fra=2025-01-01&til=2025-12-31"))
    page = Page(html)
    metas = [link["href"] for link in page.links_in("ol", class_="results") if link["href"].startswith("/moede/")]
    assert metas and all("2025-" in href for href in metas)
    chips = page.links_in("section", class_="active-filters")
    assert any("Periode" in chip["text"] for chip in chips)


def test_query_is_escaped_never_executed(client):
    response = client.get("/soeg", query_string={"q": "<script>alert(1)</script>"})
    html = html_of(response)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_state_survives_in_the_form(client):
    html = html_of(client.get("/soeg?q=tilsyn&council=Socialudvalget&sort=date"))
    assert '<input type="hidden" name="council" value="Socialudvalget">' in html
    assert '<input type="hidden" name="sort" value="date">' in html


# --- item, case and meeting pages ------------------------------------------------------------


def test_item_page_shows_the_item_in_full(client):
    html = html_of(client.get(f"/punkt/{STOKHOLTBUEN_ITEM}"))
    page = Page(html)
    hrefs = [link["href"] for link in page.links]
    assert "Skærpet tilsyn for Stokholtbuen" in html
    assert f"/sag/{STOKHOLTBUEN_CASE}" in hrefs
    assert f"/moede/{SOCIAL_MEETING}" in hrefs
    assert '<section class="decision"' in html and "Taget til efterretning" in html
    assert "Endelig tilsynsrapport - Stokholtbuen februar 2025" in html and "Anbefalet" in html
    assert "/institution/stokholtbuen" in hrefs
    law_links = [link for link in page.links if "law" in parse_qs(urlsplit(link["href"]).query)]
    assert any(link["text"] == "lov om socialtilsyn § 6" for link in law_links)
    assert "Fraværende" in html and "Dorte Dahl" in html
    assert "Sagsfremstilling" in html


def test_item_page_shows_votes(client):
    html = html_of(client.get(f"/punkt/{VOTE_ITEM}"))
    votes = squash(re.search(r'<table class="votes">(.*?)</table>', html, re.S)[1])
    assert re.search(r"For</th> <td>5</td>", votes)
    assert re.search(r"Imod</th> <td>1</td>", votes)
    assert re.search(r"Undlod</th> <td>1</td>", votes)
    assert "Kate Svarrer" in votes


def test_item_page_case_history_includes_items_of_the_same_meeting(client):
    html = html_of(client.get(f"/punkt/{VOTE_ITEM}"))
    history = Page(html).links_in("section", class_="timeline-section")
    hrefs = [link["href"] for link in history]
    assert f"/punkt/{SOCIAL_MEETING}-7" in hrefs
    assert f"/punkt/{SOCIAL_MEETING}-8" in hrefs
    assert f"/punkt/{VOTE_ITEM}" not in hrefs
    assert hrefs.index(f"/punkt/{SOCIAL_MEETING}-7") < hrefs.index(f"/punkt/{SOCIAL_MEETING}-8")
    section = html[html.index("Sagens forløb"):]
    assert "6. september 2022" in section and "Kun henvist til" in section


def test_case_page_stokholtbuen_in_date_order(client):
    html = html_of(client.get(f"/sag/{STOKHOLTBUEN_CASE}"))
    entries = re.findall(r'<li class="treatment (archived|referenced)">(.*?)</li>', html, re.S)
    summary = [(state, squash(re.sub(r"<[^>]+>", " ", body))) for state, body in entries]
    assert [s for s, _ in summary] == ["referenced", "referenced", "archived"]
    assert summary[0][1].startswith("11. marts 2025 – Socialudvalget")
    assert summary[1][1].startswith("23. april 2025 – Handicaprådet")
    assert summary[2][1].startswith("6. maj 2025 – Socialudvalget")
    assert f'href="/punkt/{STOKHOLTBUEN_ITEM}"' in entries[2][1]
    for _, body in entries[:2]:
        assert "Kun henvist til" in body
        assert "mødet findes ikke i arkivet" in body
    assert "meddelsespunkt 1" in entries[0][1]  # the referencing note


def test_case_route_accepts_slashes(client):
    response = client.get("/sag/12%2F27845")
    assert response.status_code == 404
    assert "Sagsnummeret findes ikke i arkivet" in response.get_data(as_text=True)
    assert client.get("/sag/12/27845").status_code == 404


def test_meeting_page_has_participants_items_and_source(client):
    html = html_of(client.get(f"/moede/{SOCIAL_MEETING}"))
    page = Page(html)
    hrefs = [link["href"] for link in page.links]
    assert "Maria Lundahl Assov" in html and "Fraværende" in html and "Dorte Dahl" in html
    assert all(f"/punkt/{SOCIAL_MEETING}-{n}" in hrefs for n in range(1, 11))
    assert f"/moede/{SOCIAL_MEETING}/kilde" in hrefs
    with client.get(f"/moede/{SOCIAL_MEETING}/kilde") as source:
        assert source.status_code == 200 and source.mimetype == "text/plain"
        assert "sandbox" in source.headers["Content-Security-Policy"]
        assert "Stokholtbuen" in source.get_data().decode("utf-8", "replace")


def test_source_outside_the_corpus_is_never_served(corpus_index, tmp_path):
    other = tmp_path / "other-corpus"
    other.mkdir()
    client = create_app(corpus_index, testing=True, corpus_dir=other).test_client()
    assert client.get(f"/moede/{SOCIAL_MEETING}/kilde").status_code == 404
    html = html_of(client.get(f"/moede/{SOCIAL_MEETING}"))
    assert f"/moede/{SOCIAL_MEETING}/kilde" not in html
    assert "socialudvalget-2025-05-06-referat.txt" in html  # the path is still shown


@pytest.mark.parametrize("path", ["/static/../../etc/passwd", "/static/..%2F..%2Fpyproject.toml",
                                  "/moede/..%2F..%2Fetc%2Fpasswd/kilde", "/static/%2e%2e/__init__.py"])
def test_no_url_reaches_the_file_system(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"root:" not in response.data and b"create_app" not in response.data


# --- feeds and exports ---------------------------------------------------------------------


def test_atom_feed_parses_and_lists_hits_newest_first(client):
    response = client.get("/soeg.atom?q=tilsyn")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    api_total = client.get("/api/search?q=tilsyn").get_json()["total"]
    assert len(entries) == min(api_total, 50) > 0
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert any(link.endswith(f"/punkt/{STOKHOLTBUEN_ITEM}") for link in links)
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)


def test_atom_feed_escapes_the_query(client):
    response = client.get("/soeg.atom", query_string={"q": "<script>&"})
    feed = ET.fromstring(response.data)
    assert "<script>&" in feed.findtext(f"{ATOM}title")


def test_csv_export_parses_and_contains_hits(client):
    response = client.get("/soeg.csv?council=Socialudvalget")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 10
    assert {row["råd"] for row in rows} == {"Socialudvalget"}
    assert f"{SOCIAL_MEETING}-4" in {row["id"] for row in rows}
    assert all(row["url"].endswith(f"/punkt/{row['id']}") for row in rows)


# --- validation, errors, robustness ---------------------------------------------------------------


BAD_PARAMETERS = [
    "page=0", "page=abc", "page=-1", "page=1.5", "page=501", "per_page=0", "per_page=101", "per_page=x",
    "page=99999", "sort=newest", "sort=%3Cb%3E", "fra=2025-13-01", "fra=i+går", "til=2025-02-30",
    "fra=2025-05-01&til=2025-01-01", "fra=20250101",
]


@pytest.mark.parametrize("route", ["/soeg", "/soeg.atom", "/soeg.csv", "/soeg.jsonl"])
@pytest.mark.parametrize("params", BAD_PARAMETERS)
def test_bad_parameters_give_a_danish_400_page(client, route, params):
    response = client.get(f"{route}?q=tilsyn&{params}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and 'lang="da"' in html
    assert "Ugyldig forespørgsel" in html
    assert "Traceback" not in html


ODD_QUERIES = [
    '"', '""', 'OR', 'OR OR', '-', '-"', 'råd:', 'år:', 'sag:', 'fra:xyz', 'til:2021-13', 'fra:2025 til:2021',
    '\x00', '*', '((((', '§', '§ 85', 'a' * 5000, '"skærpet tilsyn', 'tilsyn -tilsyn', 'kommune:ukendt',
    '\u202e\u0000\ufeff', 'æøå ÆØÅ', '%', '<b>fed</b>', "' OR 1=1 --", 'x:y:z', '12/27845', '-- --',
]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_odd_queries_never_give_500(client, q):
    expected = 400 if len(q) > 500 else 200  # a query over 500 characters is refused, never cut
    for route in ("/soeg", "/soeg.atom", "/soeg.csv", "/soeg.jsonl", "/api/search"):
        response = client.get(route, query_string={"q": q})
        assert response.status_code == expected, (route, q, response.status_code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.text(max_size=60),
    page=st.one_of(st.none(), st.text(max_size=6), st.integers(-5, 600).map(str)),
    sort=st.one_of(st.none(), st.sampled_from(["relevance", "date", "date_asc", "", "x"])),
    council=st.lists(st.text(max_size=20), max_size=3),
)
def test_search_answers_200_or_400_for_any_input(client, q, page, sort, council):
    params = {"q": q, "council": council}
    if page is not None:
        params["page"] = page
    if sort is not None:
        params["sort"] = sort
    response = client.get("/soeg", query_string=params)
    assert response.status_code in (200, 400)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segment=st.text(min_size=1, max_size=40))
def test_record_pages_answer_200_or_404_for_any_id(client, segment):
    from urllib.parse import quote

    for prefix in ("/punkt/", "/moede/", "/sag/", "/institution/", "/raad/"):
        response = client.get(prefix + quote(segment, safe=""))
        assert response.status_code in (200, 404, 308), (prefix, segment, response.status_code)


def test_other_methods_are_refused_in_danish(client):
    response = client.post("/soeg")
    assert response.status_code == 405
    assert "Metoden er ikke tilladt" in response.get_data(as_text=True)


def test_unexpected_errors_show_a_generic_danish_500(corpus_index, corpus_dir):
    app = create_app(corpus_index, testing=True, corpus_dir=corpus_dir)

    class Broken:
        def search(self, request):
            raise RuntimeError("secret internal detail")

    app.extensions["raadsarkiv"]._archive = Broken()
    response = app.test_client().get("/soeg?q=tilsyn")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Der opstod en fejl" in html
    assert "secret internal detail" not in html and "Traceback" not in html
    assert response.headers["X-Frame-Options"] == "DENY"


def test_missing_index_gives_friendly_503(tmp_path):
    client = create_app(tmp_path / "no-index-here", testing=True).test_client()
    response = client.get("/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Indekset er ikke bygget endnu" in html and 'lang="da"' in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and api.get_json() == {"message": "Indekset er ikke bygget endnu."}


def test_index_built_after_start_is_picked_up(tmp_path, corpus_dir):
    from indexer.build import build

    index_dir = tmp_path / "later"
    client = create_app(index_dir, testing=True, corpus_dir=corpus_dir).test_client()
    assert client.get("/").status_code == 503
    build(corpus_dir / "ikast-brande", index_dir)
    assert client.get("/").status_code == 200


# --- security headers, markup rules, accessibility -------------------------------------------------


EXPECTED_CSP = {
    "default-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'",
    "base-uri 'none'", "form-action 'self'",
}


@pytest.mark.parametrize("path", [
    "/", "/soeg?q=tilsyn", f"/punkt/{STOKHOLTBUEN_ITEM}", "/findes-ikke", "/soeg?page=0", "/static/style.css",
    "/soeg.atom?q=tilsyn", "/soeg.csv?q=tilsyn", "/api/search?q=tilsyn", "/api/items/findes-ikke", "/api/openapi.json",
])
def test_security_headers_everywhere(client, path):
    with client.get(path) as response:
        assert response.status_code < 500
        csp = {part.strip() for part in response.headers["Content-Security-Policy"].split(";")}
        assert EXPECTED_CSP <= csp
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
        assert response.headers["X-Frame-Options"] == "DENY"


PAGES = ["/", "/soeg", "/soeg?q=tilsyn", "/soeg?q=qqxxzzyy", f"/punkt/{STOKHOLTBUEN_ITEM}", f"/punkt/{VOTE_ITEM}",
         f"/sag/{STOKHOLTBUEN_CASE}", f"/moede/{SOCIAL_MEETING}", "/institution/stokholtbuen", "/raad/socialudvalget",
         "/findes-ikke", "/soeg?page=0"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_or_style(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "<script" not in html
    assert "<style" not in html
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handlers


@pytest.mark.parametrize("path", PAGES)
def test_pages_meet_structural_accessibility_rules(client, path):
    html = client.get(path).get_data(as_text=True)
    page = Page(html)
    assert '<html lang="da">' in html
    assert '<a class="skip-link" href="#indhold">' in html and 'id="indhold"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    for field in page.inputs:
        if field.get("type") != "hidden":
            assert field.get("id") in page.labels_for, field
    assert page.headings and page.headings[0] == 1 and page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:]):
        assert after <= before + 1, page.headings  # no skipped levels
    for nav in re.findall(r"<nav[^>]*>", html):
        assert "aria-label=" in nav


def test_stylesheet_has_visible_focus(client):
    with client.get("/static/style.css") as response:
        css = response.get_data(as_text=True)
    assert ":focus-visible" in css and "outline: 3px" in css


def test_only_public_routes_exist(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert rules == {
        "/", "/soeg", "/soeg.atom", "/soeg.csv", "/soeg.jsonl", "/punkt/<item_id>", "/sag/<path:case_number>",
        "/moede/<meeting_id>", "/moede/<meeting_id>/kilde", "/institution/<slug>", "/raad/<slug>",
        "/api/search", "/api/items/<item_id>", "/api/meetings/<meeting_id>", "/api/cases/<path:case_number>",
        "/api/openapi.json", "/static/<path:filename>",
        "/person/<person_id>", "/person/<person_id>.atom", "/api/people", "/api/people/<person_id>",
        "/sag/<path:case_number>.atom", "/sag/<path:case_number>/dossier", "/raad/<slug>.atom", "/institution/<slug>.atom",
    }
    assert not app.debug


def test_case_page_fetches_each_referencing_item_once(archive, monkeypatch):
    """An item that refers to several treatments of its case is fetched and
    labelled once per page (webapp/casework.py), with the same label everywhere."""
    from collections import Counter

    from webapp.casework import ordered_timeline

    fetched: Counter = Counter()
    real_item = archive.item

    def counting_item(item_id):
        fetched[item_id] += 1
        return real_item(item_id)

    monkeypatch.setattr(archive, "item", counting_item)
    timeline = ordered_timeline(archive, STOKHOLTBUEN_CASE)
    links = [link for entry in timeline["treatments"] for link in entry["referenced_by_links"]]
    referring = Counter(link["id"] for link in links)
    assert links and max(referring.values()) > 1  # the case has an item referring to several treatments
    assert all(fetched[item_id] == 1 for item_id in referring), fetched
    assert len({(link["id"], link["label"]) for link in links}) == len(referring)
