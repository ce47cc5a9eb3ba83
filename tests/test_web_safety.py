"""Web safety: no input gives a 500, everything is escaped, queries are bounded,
only public routes exist and no URL reaches the file system.

The app runs over a small generated archive (`bench.generate`) plus a
document `testby/` whose text is full of markup (`<script>`, an `<img
onerror>`, a formula for spreadsheets), an HTML page showing a `<script>` as
text, and meeting records whose source path was tampered with (written into
the index directly, as a stale or hostile index could hold them).

Complements tests/test_webapp.py and tests/test_api.py (which cover /soeg's
`q`/`page`/`sort`/`council` and a few traversal paths): here every route and
every parameter, hypothesis-generated, and a live waitress server spoken to
over raw sockets so that no client normalises a path first.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlencode
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate
from indexer.build import build
from indexer.ingest import Ingested, try_parse
from indexer.records import Source
from indexer.schema import FACET_KEYS
from webapp import create_app

ROOT = Path(__file__).resolve().parents[1]
ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = '<script>alert("xss")</script>'
IMG = "<img src=x onerror=alert(1)>"
WORD = "kodeordxss"  # found only in the markup-laden document
HTML_WORD = "kodeordhtmlxss"
SECRET = "HEMMELIGT-UDEN-FOR-KORPUS"
PUBLIC_ROUTES = {
    "/", "/soeg", "/soeg.atom", "/soeg.csv", "/soeg.jsonl", "/punkt/<item_id>", "/sag/<path:case_number>",
    "/moede/<meeting_id>", "/moede/<meeting_id>/kilde", "/institution/<slug>", "/raad/<slug>",
    "/api/search", "/api/items/<item_id>", "/api/meetings/<meeting_id>", "/api/cases/<path:case_number>",
    "/api/openapi.json", "/static/<path:filename>",
    "/person/<person_id>", "/person/<person_id>.atom", "/api/people", "/api/people/<person_id>",
    "/sag/<path:case_number>.atom", "/sag/<path:case_number>/dossier", "/raad/<slug>.atom", "/institution/<slug>.atom",
}
SEARCH_ROUTES = ("/soeg", "/soeg.atom", "/soeg.csv", "/soeg.jsonl", "/api/search")
RECORD_ROUTES = ("/punkt/", "/moede/", "/sag/", "/institution/", "/raad/", "/api/items/", "/api/meetings/",
                 "/api/cases/", "/person/", "/api/people/")
PATHOLOGICAL = {
    "a thousand ORs": " OR ".join(f"ord{n}" for n in range(1000)),
    "a thousand ORs of one word": " OR ".join(["tilsyn"] * 1000),
    "one-letter wildcard": "a*",
    "wildcards only": "* ? * ?",
    "huge phrase": '"' + " ".join(["skærpet tilsyn med botilbud"] * 400) + '"',
    "10,000 characters": ("tilsynsrapport " * 700)[:10_000],
    "10,000 distinct words": " ".join(f"x{n}y" for n in range(2000))[:10_000],
    "a thousand exclusions": " ".join(f"-ord{n}" for n in range(1000)),
    "a thousand filters": " ".join(f"råd:r{n}" for n in range(1000)),
    "nested parentheses": "(" * 2000 + "tilsyn" + ")" * 2000,
    "many quotes": '"' * 3001,
    "control characters": "tilsyn\x00\x01\x1b[31m\u202e\ufeff\x7f",
}


# --- the archive ----------------------------------------------------------------------------------


def markup_document(text: str) -> str:
    """A generated text document with markup in its location, participants,
    item title, body and decision, and a spreadsheet formula as a title."""
    text = re.sub(r"(?m)^Mødested .*$", f"Mødested Rådhuset {SCRIPT}", text, count=1)
    text = re.sub(r"(?m)^(Mødedeltagere .*)$", rf"\1, Eva {IMG} (A)", text, count=1)
    text = re.sub(r"(?m)^Punkt 1: (.*)$", rf"Punkt 1: \1 {SCRIPT}", text, count=1)
    text = re.sub(r"(?m)^Punkt 2: (.*)$", r"Punkt 2: =HYPERLINK(\"http://x\";\"\1\")", text, count=1)
    sentence = f"Testen kontrollerer ordet {WORD} her {SCRIPT} {IMG} og {{{{7*7}}}} slut."
    at = text.index("\n\nBeslutning\n\n")
    text = text[:at] + f"\n\n{sentence}" + text[at:]
    end = text.index("\n\nBeslutning\n\n") + len("\n\nBeslutning\n\n")
    return text[:end] + f"Godkendt {SCRIPT}\n\n" + text[end:]


def tampered_meetings(good: Ingested, corpus: Path, outside: Path) -> dict[str, str]:
    """Meeting id → a source path no one should be able to make the app serve."""
    link = corpus / "testby" / "link-ud.txt"
    link.symlink_to(outside)
    return {
        "tampered-absolute": "/etc/passwd",
        "tampered-absolute-outside": str(outside),
        "tampered-dotdot": "../../../../../../etc/passwd",
        "tampered-dotdot-outside": f"{corpus.name}/../{outside.name}",
        "tampered-deep-dotdot": f"{corpus.name}/testby/../../{outside.name}",
        "tampered-symlink-out": f"{corpus.name}/testby/{link.name}",
        "tampered-folder": f"{corpus.name}/testby",
        "tampered-corpus-root": corpus.name,
        "tampered-nul": f"{corpus.name}/testby/x\x00.txt",
        "tampered-long": f"{corpus.name}/" + "a/" * 3000 + "x.txt",
        "tampered-encoded": f"{corpus.name}/%2e%2e/{outside.name}",
        "tampered-index": "index/build-summary.json",
        "tampered-empty": "",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    corpus = root / "corpus"
    generate(corpus, items=150, seed=11)
    [municipality] = [p for p in corpus.iterdir() if p.is_dir()]
    source = sorted(municipality.glob("*.txt"))[0]
    testby = corpus / "testby"
    testby.mkdir()
    document = testby / "markup.txt"
    document.write_text(markup_document(source.read_text(encoding="utf-8")), encoding="utf-8")
    (testby / "side.html").write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><h1>REFERAT Seniorrådet d. 01-02-2025</h1>"
        "<h2>Punkt 1: Orientering</h2><p>Teksten &lt;script&gt;alert('html')&lt;/script&gt; med ordet "
        f"{HTML_WORD}.</p><h3>Beslutning</h3><p>Taget til efterretning</p></body></html>", encoding="utf-8")
    outside = root / "outside.txt"
    outside.write_text(SECRET, encoding="utf-8")
    index = root / "index"
    summary = build(corpus, index)
    assert not summary.skipped, summary.skipped

    parsed = try_parse(document, corpus)
    assert isinstance(parsed, Ingested), parsed
    from indexer.schema import meeting_document
    from whoosh import index as whoosh_index

    from indexer.build import INDEX_NAME

    tampered = tampered_meetings(parsed, corpus, outside)
    writer = whoosh_index.open_dir(str(index), indexname=INDEX_NAME).writer()
    for meeting_id, path in tampered.items():
        meeting = copy.deepcopy(parsed.meeting)
        meeting.id, meeting.items = meeting_id, []
        meeting.source = Source(path=path, sha256="0" * 64, format="txt")
        writer.add_document(**meeting_document(meeting))
    writer.commit()
    app = create_app(index, testing=True, corpus_dir=corpus)
    return {"root": root, "corpus": corpus, "index": index, "app": app, "meeting": parsed.meeting,
            "tampered": tampered, "outside": outside}


@pytest.fixture()
def client(site):
    return site["app"].test_client()


# --- helpers ------------------------------------------------------------------------------------------


class Markup(HTMLParser):
    """Every start tag with its attributes, and the text a reader sees."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(html: str, *shown: str) -> None:
    """No script element, no event handler, no javascript: URL; `shown` appear as text."""
    page = Markup(html)
    assert not [tag for tag, _ in page.tags if tag in ("script", "iframe", "object", "embed", "svg")], page.tags
    handlers = [(tag, name) for tag, attrs in page.tags for name, _ in attrs if name.lower().startswith("on")]
    assert not handlers, handlers
    urls = [value for _, attrs in page.tags for name, value in attrs if name in ("href", "src", "action")]
    assert not [u for u in urls if (u or "").strip().lower().startswith(("javascript:", "data:text/html"))], urls
    assert "<script" not in html.lower()
    text = " ".join("".join(page.text).split())
    for fragment in shown:
        assert " ".join(fragment.split()) in text, fragment


def assert_danish_error(response, status: int) -> None:
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "werkzeug" not in body.lower()
    if response.mimetype == "application/json":
        message = response.get_json()["message"]
        assert re.search(r"[æøåÆØÅ]|skal|ikke|findes|Højst|ugyldig|ligger|dato", message), message
    else:
        assert response.mimetype == "text/html" and 'lang="da"' in body
        assert re.search(r"Ugyldig forespørgsel|findes ikke|Siden findes ikke", body), body[:500]


def xss_item(client) -> dict:
    [hit] = client.get(f"/api/search?q={WORD}").get_json()["results"]
    return client.get(f"/api/items/{quote(hit['id'], safe='')}").get_json()


# --- only public routes, no debug ---------------------------------------------------------------------


def test_only_public_routes_exist_and_no_debug(site):
    app = site["app"]
    assert {rule.rule for rule in app.url_map.iter_rules()} == PUBLIC_ROUTES
    for rule in app.url_map.iter_rules():
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    production = create_app(site["index"], corpus_dir=site["corpus"])
    assert not production.debug and not production.testing
    assert not production.config["PROPAGATE_EXCEPTIONS"]


def test_webapp_main_serves_with_waitress_not_the_debug_server():
    source = (ROOT / "webapp" / "__main__.py").read_text(encoding="utf-8")
    assert "waitress" in source and "app.run(" not in source and "debug=True" not in source


# --- no input gives a 500 ---------------------------------------------------------------------------------

TEXT = st.text(max_size=40)
LONG_TEXT = st.builds(lambda s, n: (s * n)[:10_000], st.text(min_size=1, max_size=12), st.integers(800, 10_000))
NUMBERS = st.one_of(
    st.none(), st.integers(-10**30, 10**30).map(str), st.integers(-5, 600).map(str), TEXT,
    st.sampled_from(["", " 1 ", "+1", "1e3", "1.0", "0x10", "00000000001", "٣", "１", "²", "1\x00", "99999999999"]),
)
DATES = st.one_of(
    st.none(), TEXT, st.dates(min_value=date(1, 1, 1)).map(str),
    st.sampled_from(["2025-02-30", "0000-01-01", "2025-1-1", "9999-12-31", "2025-13-01", "20250101",
                     " 2025-01-01 ", "2025-01-01T00:00", "２０２５-01-01", "-2025-01-01"]),
)
FACET_VALUES = st.lists(st.one_of(TEXT, st.text(min_size=195, max_size=205), st.sampled_from(["Socialudvalget", "2025"])),
                        max_size=22)


def printable(text: str) -> str:
    """Control characters count as spaces in parameters (as the app reads them)."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def expected_status(params: dict) -> int | None:
    """200 or 400 by the documented rules (webapp/params.py), None when the
    rules leave it open (e.g. non-ASCII digits)."""

    def number(name: str, low: int, high: int) -> int | None | str:
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        if re.fullmatch(r"[0-9]{1,7}", raw):
            return int(raw) if low <= int(raw) <= high else "bad"
        return None if re.fullmatch(r"\d{1,7}", raw) else "bad"

    per_page = number("per_page", 1, 100)
    if per_page == "bad":
        return 400
    page = number("page", 1, 500)  # a bound of its own (webapp/params.py MAX_PAGE); past the window a page is empty
    if page == "bad":
        return 400
    if len(params.get("q") or "") > 500:
        return 400  # refused, never cut
    unknown = False
    if (params.get("sort") or "").strip() not in ("", "relevance", "date", "date_asc"):
        return 400
    bounds = {}
    for name in ("fra", "til", "date_from", "date_to"):
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return 400
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
            unknown = True
            continue
        try:
            bounds[name] = date.fromisoformat(raw)
        except ValueError:
            return 400
    low = bounds.get("date_from") or bounds.get("fra")
    high = bounds.get("date_to") or bounds.get("til")
    if low and high and low > high:
        return 400
    for key in FACET_KEYS:
        values = params.get(f"facet:{key}", [])  # counted as sent, as the OpenAPI document states the limits
        if len(values) > 20 or any(len(v) > 200 for v in values):
            return 400
    return None if unknown else 200


def query_string(params: dict) -> str:
    pairs = []
    for name, value in params.items():
        if name.startswith("facet:"):
            pairs += [(name[6:], v) for v in value]
        elif value is not None:
            pairs.append((name, value))
    return urlencode(pairs)


def check_search_response(route: str, response, expected: int | None) -> None:
    assert response.status_code in (200, 400), (route, response.status_code)
    if expected is not None:
        assert response.status_code == expected, (route, response.get_data(as_text=True)[:300])
    if response.status_code == 400:
        assert_danish_error(response, 400)
        assert response.mimetype == ("application/json" if route.startswith("/api/") else "text/html")
        return
    body = response.get_data()
    if route == "/soeg.atom":
        assert ET.fromstring(body).tag == f"{ATOM}feed"
    elif route == "/soeg.csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][0] == "id"
    elif route == "/soeg.jsonl":
        assert all(isinstance(json.loads(line), dict) for line in body.decode("utf-8").splitlines())
    elif route == "/api/search":
        assert {"total", "results", "facets"} <= json.loads(body).keys()
    else:
        assert 'lang="da"' in body.decode()


@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(
    q=st.one_of(st.none(), TEXT, LONG_TEXT, st.sampled_from(list(PATHOLOGICAL.values()))),
    page=NUMBERS, per_page=NUMBERS,
    sort=st.one_of(st.none(), TEXT, st.sampled_from(["relevance", "date", "date_asc", " date ", "DATE"])),
    fra=DATES, til=DATES, date_from=DATES, date_to=DATES,
    facets=st.dictionaries(st.sampled_from([*FACET_KEYS, "ukendt", "q2"]), FACET_VALUES, max_size=3),
)
def test_search_routes_answer_200_or_a_danish_400_for_any_parameters(client, q, page, per_page, sort, fra, til,
                                                                      date_from, date_to, facets):
    params = {"q": q, "page": page, "per_page": per_page, "sort": sort, "fra": fra, "til": til,
              "date_from": date_from, "date_to": date_to, **{f"facet:{k}": v for k, v in facets.items()}}
    expected = expected_status(params)
    url = query_string(params)
    for route in SEARCH_ROUTES:
        check_search_response(route, client.get(f"{route}?{url}"), expected)


@pytest.mark.parametrize("params", [
    "page=-1", "page=99999999999999999999999999", "page=0", "per_page=-5", "per_page=1000000000000",
    "page=1e3", "page=%00", "sort=%00", "fra=2025-02-30", "til=0000-01-01", "fra=%00",
    "fra=2025-06-01&til=2025-01-01", "date_from=9999-99-99", "council=" + "x" * 201,
    "&".join(["year=2025"] * 21), "page=%", "page=%zz", "per_page=%ff%fe",
])
def test_malformed_parameters_give_a_danish_400_everywhere(client, params):
    for route in SEARCH_ROUTES:
        assert_danish_error(client.get(f"{route}?q=tilsyn&{params}"), 400)


@pytest.mark.parametrize("params", [{"q": "\x08"}, {"q": "tilsyn\x00"}, {"q": "\x1b[31m"}, {"q": "a\x0cb"},
                                    {"q": "tilsyn", "council": "Social\x01udvalget"}, {"q": "\ufffe\uffff"}])
def test_atom_feed_is_well_formed_for_any_query(client, params):
    """(Fixed in df47512: control characters in the query made the feed invalid XML.)"""
    response = client.get("/soeg.atom", query_string=params)
    assert response.status_code == 200
    assert ET.fromstring(response.data).tag == f"{ATOM}feed"


@pytest.mark.parametrize("q", ["%00", "%ff%fe%fd", "%ED%A0%80", "%", "%zz", "%C0%AF", quote("\u202e" * 5000),
                               quote("\x00\x01\x02\x1b\x7f" * 100), quote("tilsyn " * 1500)])
def test_odd_encodings_and_10000_character_queries_never_fail(client, q):
    """Queries over 500 characters are refused with a Danish 400 (never cut, never a 500)."""
    too_long = len(unquote(q, errors="replace")) > 500
    for route in SEARCH_ROUTES:
        response = client.get(f"{route}?q={q}")
        assert response.status_code == (400 if too_long else 200), (route, q[:40], response.status_code)
        if too_long:
            assert_danish_error(response, 400)


SEGMENTS = st.one_of(
    st.text(min_size=1, max_size=60),
    LONG_TEXT,
    st.sampled_from(["..", ".", "%2e%2e", "../../etc/passwd", "..\\..\\windows", "\x00", "a/b/c", "%00", "~root",
                     "<script>alert(1)</script>", "' OR 1=1 --", "tampered-dotdot", "tampered-absolute"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(segment=SEGMENTS, encode_slash=st.booleans(), suffix=st.sampled_from(["", "/kilde", "/", "?x=%00"]))
def test_record_routes_answer_200_or_a_danish_404_for_any_id(client, segment, encode_slash, suffix):
    encoded = quote(segment, safe="" if encode_slash else "/")
    for prefix in RECORD_ROUTES:
        tail = suffix if prefix == "/moede/" or suffix.startswith("?") else ""
        response = client.get(prefix + encoded + tail)
        assert response.status_code in (200, 404, 308), (prefix, segment[:40], response.status_code)
        if response.status_code == 404:
            assert_danish_error(response, 404)
            assert response.mimetype == ("application/json" if prefix.startswith("/api/") else "text/html")
        assert SECRET.encode() not in response.data and b"root:x:" not in response.data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.one_of(st.text(min_size=1, max_size=60), st.sampled_from([
    "../webapp/__init__.py", "..%2f__init__.py", "%2e%2e/%2e%2e/pyproject.toml", "..\\__init__.py", "/etc/passwd",
    "//etc/passwd", "style.css/../../__init__.py", "style.css%00.py", "%252e%252e/__init__.py", ".../...//x",
])), query=st.dictionaries(TEXT, TEXT, max_size=3))
def test_static_and_front_page_never_fail_nor_leave_the_assets(site, client, path, query):
    assets = {p.read_bytes() for p in (ROOT / "webapp" / "static").iterdir() if p.is_file()}
    response = client.get("/static/" + quote(path, safe="/%"), query_string=query)
    assert response.status_code in (200, 404, 308, 400), (path, response.status_code)
    if response.status_code == 200:
        assert response.data in assets
    response.close()
    front = client.get("/", query_string=query)
    assert front.status_code == 200
    assert client.get("/api/openapi.json", query_string=query).status_code == 200


# --- escaping -----------------------------------------------------------------------------------------------


def test_document_markup_is_shown_as_text_on_item_meeting_case_and_lists(site, client):
    item = xss_item(client)
    assert SCRIPT in item["title"]  # stored as the document wrote it ...
    page = client.get(f"/punkt/{quote(item['id'], safe='')}")
    assert page.status_code == 200
    assert_inert(page.get_data(as_text=True), SCRIPT, f"{WORD} her {SCRIPT} {IMG} og {{{{7*7}}}}")  # ... shown as text
    meeting = client.get(f"/moede/{quote(item['meeting_id'], safe='')}")
    assert meeting.status_code == 200
    assert_inert(meeting.get_data(as_text=True), SCRIPT)
    case = client.get(f"/sag/{quote(item['case_number'], safe='/')}")
    assert case.status_code == 200
    assert_inert(case.get_data(as_text=True), SCRIPT)
    from webapp.labels import council_slug

    record = client.get(f"/api/meetings/{quote(item['meeting_id'], safe='')}").get_json()
    for url in ("/", f"/raad/{council_slug(record['council'])}", "/institution/findes-ikke"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_inert(response.get_data(as_text=True))


def test_document_markup_is_escaped_in_search_snippets_and_titles(client):
    for q in (WORD, HTML_WORD):
        response = client.get("/soeg", query_string={"q": q})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert_inert(html)
        assert "&lt;script&gt;" in html, q
    assert_inert(client.get("/soeg", query_string={"q": WORD}).get_data(as_text=True), SCRIPT)


def test_document_markup_is_escaped_in_the_atom_feed(client):
    response = client.get("/soeg.atom", query_string={"q": WORD})
    assert response.status_code == 200
    assert b"<script" not in response.data
    [entry] = ET.fromstring(response.data).findall(f"{ATOM}entry")
    assert SCRIPT in entry.findtext(f"{ATOM}title")  # text, XML-escaped on the wire
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"  # plain text: a feed reader renders nothing of it as markup
    assert f"{WORD} her {SCRIPT}" in summary.text  # the document's markup, as text


def test_spreadsheet_formulas_are_neutralised_in_csv(client):
    response = client.get("/soeg.csv", query_string={"q": WORD})
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    titles = [row["titel"] for row in rows]
    assert titles and all(not t.startswith(("=", "+", "-", "@")) for t in titles)
    response = client.get("/soeg.csv", query_string={"municipality": "Testby", "per_page": "100"})
    titles = [row["titel"] for row in csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";")]
    assert any(t.startswith("'=HYPERLINK") for t in titles), titles


@pytest.mark.parametrize("params", [
    {"q": SCRIPT},
    {"q": f"{SCRIPT} stokholtbuenn"},  # a suggestion repeats the query
    {"q": f"fra:{SCRIPT}"},  # a note quotes the bad date
    {"q": f"råd:{SCRIPT}"},  # a note quotes the unknown council, a chip shows it
    {"council": SCRIPT, "q": "tilsyn"},
    {"institution": IMG},
    {"q": f'"{IMG}"', "sort": "date"},
    {"q": "tilsyn", "law": '"><svg onload=alert(1)>'},
])
def test_query_markup_is_shown_as_text(client, params):
    response = client.get("/soeg", query_string=params)
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True))
    feed = client.get("/soeg.atom", query_string=params)
    assert feed.status_code == 200 and b"<script" not in feed.data and b"<img" not in feed.data
    ET.fromstring(feed.data)
    api = client.get("/api/search", query_string=params)
    assert api.status_code == 200 and api.mimetype == "application/json"
    assert api.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", [f"/punkt/{quote(SCRIPT, safe='')}", f"/moede/{quote(SCRIPT, safe='')}",
                                 f"/sag/{quote(SCRIPT)}", f"/institution/{quote(IMG, safe='')}",
                                 f"/soeg?page={quote(SCRIPT)}", f"/raad/{quote(SCRIPT, safe='')}",
                                 f"/moede/{quote(SCRIPT, safe='')}/kilde"])
def test_error_pages_do_not_echo_markup(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert_inert(response.get_data(as_text=True))


# --- pathological queries are bounded ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_queries_are_answered_within_seconds(client, name):
    """As long as the API accepts (500 characters): longer ones are refused, see above."""
    for route in SEARCH_ROUTES:
        started = time.perf_counter()
        response = client.get(route, query_string={"q": PATHOLOGICAL[name][:500]})
        seconds = time.perf_counter() - started
        assert response.status_code == 200, (route, response.status_code)
        assert seconds < 5, (route, seconds)


def test_search_cut_off_by_the_time_limit_is_still_answered(client, monkeypatch):
    """With the limit at zero every search runs out of time at once: the
    answer is a page that says so, never an error or a hang."""
    import indexer.search

    monkeypatch.setattr(indexer.search, "SEARCH_SECONDS", 0.0)
    data = client.get("/api/search", query_string={"q": "tilsyn budget handicap kodeordtid"}).get_json()
    assert data["timed_out"] is True and data["total"] == 0
    assert any("for lang tid" in note for note in data["notes"])
    page = client.get("/soeg", query_string={"q": "tilsyn budget kodeordtid2"})
    assert page.status_code == 200 and "for lang tid" in page.get_data(as_text=True)


# --- no URL reaches the file system ----------------------------------------------------------------------------


def test_tampered_source_paths_are_never_served(site, client):
    for meeting_id in site["tampered"]:
        response = client.get(f"/moede/{meeting_id}/kilde")
        assert response.status_code == 404, (meeting_id, response.status_code)
        assert SECRET.encode() not in response.data and b"root:x:" not in response.data
        assert_danish_error(response, 404)
        page = client.get(f"/moede/{meeting_id}")
        assert page.status_code == 200 and f"/moede/{meeting_id}/kilde" not in page.get_data(as_text=True)


def test_corpus_sources_are_served_inert(site, client):
    item = xss_item(client)
    text = client.get(f"/moede/{quote(item['meeting_id'], safe='')}/kilde")
    assert text.status_code == 200 and text.mimetype == "text/plain"
    assert "sandbox" in text.headers["Content-Security-Policy"]
    [hit] = client.get(f"/api/search?q={HTML_WORD}").get_json()["results"]
    meeting_id = client.get(f"/api/items/{quote(hit['id'], safe='')}").get_json()["meeting_id"]
    html = client.get(f"/moede/{quote(meeting_id, safe='')}/kilde")
    assert html.status_code == 200 and html.mimetype != "text/html"
    assert "attachment" in html.headers.get("Content-Disposition", "")
    assert "sandbox" in html.headers["Content-Security-Policy"]
    text.close()
    html.close()


@pytest.mark.parametrize("path", [
    "/static/../../etc/passwd", "/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/%252e%252e/__init__.py", "/static/..%5c__init__.py", "/static//etc/passwd", "/static/%2Fetc%2Fpasswd",
    "/static/style.css%00../../__init__.py", "/static/./../__init__.py", "/static/%c0%ae%c0%ae/__init__.py",
    "/static/\u2025/__init__.py", "/moede/..%2F..%2F..%2Fetc%2Fpasswd/kilde", "/punkt/..%2F..%2Findex",
    "/sag/../../../etc/passwd", "/api/cases/..%2F..%2F..%2Fetc%2Fpasswd", "/static/../index/build-summary.json",
])
def test_path_traversal_is_refused(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404, 308), (path, response.status_code)
    for marker in (b"root:x:", b"create_app", b"[project]", SECRET.encode(), b'"corpus"'):
        assert marker not in response.data, (path, marker)
    response.close()


# --- a live server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw_get(port: int, target: str, timeout: float = 10.0) -> tuple[int, bytes, float]:
    """One HTTP/1.0 GET with the request target sent exactly as given."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    data = b"".join(chunks)
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data, time.perf_counter() - started


@pytest.fixture(scope="module")
def server(site):
    port = free_port()
    log = (site["root"] / "server.log").open("w+")  # a file, not a pipe nobody reads: it could fill and block
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", "--index", str(site["index"]), "--corpus", str(site["corpus"]),
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=log, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if raw_get(port, "/", timeout=2)[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        log.seek(0)
        pytest.fail("python -m webapp did not answer: " + log.read()[-2000:])
    yield port
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def test_live_server_is_waitress_without_debugger(server):
    status, data, _ = raw_get(server, "/")
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    assert status == 200 and b"server: waitress" in head and b"werkzeug" not in head
    for target in ("/console", "/__debugger__", "/?__debugger__=yes&cmd=resource&f=style.css", "/admin",
                   "/.git/config", "/.env", "/index/build-summary.json"):
        status, data, _ = raw_get(server, target)
        assert status == 404 or (target.startswith("/?") and status == 200), (target, status)
        assert b"Werkzeug Debugger" not in data and b"__debugger__" not in data.split(b"\r\n\r\n", 1)[-1]


@pytest.mark.parametrize("target", [
    "/static/../../../../etc/passwd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..\\..\\pyproject.toml", "/static/....//....//etc/passwd", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/../../../../etc/passwd", "/static/../__init__.py", "/static/%2e%2e%2f__init__.py",
    "http://127.0.0.1/static/../../pyproject.toml", "/moede/..%2f..%2f..%2fetc%2fpasswd/kilde",
    "/moede/tampered-dotdot/kilde", "/moede/tampered-symlink-out/kilde", "/moede/tampered-absolute-outside/kilde",
])
def test_live_server_path_traversal_over_raw_http(server, target):
    status, data, _ = raw_get(server, target)
    if status == 308:  # merged slashes: follow the redirect, which must stay on this site and fail too
        location = re.search(rb"\r\nlocation: ([^\r]+)", data, re.IGNORECASE)[1].decode()
        assert location.startswith(("/", "http://127.0.0.1")), location
        status, data, _ = raw_get(server, re.sub(r"^http://[^/]+", "", location))
    assert status in (400, 404), (target, status)
    for marker in (b"root:x:", b"create_app", b"[project]", SECRET.encode()):
        assert marker not in data, (target, marker)


def test_live_server_answers_pathological_queries_without_blocking_others(server):
    slow = [f"/soeg?{urlencode({'q': q[:500]})}" for q in PATHOLOGICAL.values()][:6]
    results: dict[str, tuple[int, float]] = {}

    def fetch(target: str) -> None:
        status, _, seconds = raw_get(server, target, timeout=20)
        results[target] = (status, seconds)

    threads = [threading.Thread(target=fetch, args=(t,)) for t in slow]
    for thread in threads:
        thread.start()
    status, _, seconds = raw_get(server, "/soeg?q=tilsyn")
    assert status == 200 and seconds < 5
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == len(slow)
    for target, (status, seconds) in results.items():
        assert status == 200 and seconds < 8, (target[:60], status, seconds)
