"""One line per case, "behandlet af både X og Y", and the CSV / JSON Lines exports,
on a quarter of Greve's FirstAgenda archive (conftest's `greve_quarter`).

Every expectation is computed from the parsed records of the same meetings
(conftest's `greve_parsed`), never from the index the answers come from:
the number of distinct case numbers among the matching items, the items of
each case, the bodies each case passed (its items' councils and the earlier
treatments they name), the Byråd's decision on case 21-016074.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest

from indexer.extract import council_key

CASE = "21-016074"  # Beskæftigelses- og Erhvervsudvalget → Økonomiudvalget → Byråd (conftest.GREVE_CASE_MEETINGS)
CASE_BODIES = ["Beskæftigelses- og Erhvervsudvalget", "Økonomiudvalget", "Byråd"]


@dataclass
class Scan:
    """The sample's records as the parser gives them: what the answers must agree with."""

    items: list[dict]  # item record with its meeting's council, date and year

    def matching(self, council: str | None = None, year: str | None = None) -> list[dict]:
        return [r for r in self.items
                if (council is None or r["council"] == council) and (year is None or (r["date"] or "")[:4] == year)]

    def by_case(self) -> dict[str, list[dict]]:
        cases: dict[str, list[dict]] = defaultdict(list)
        for record in self.items:
            if record["case_number"]:
                cases[record["case_number"]].append(record)
        return cases

    def bodies(self, records: list[dict]) -> set[str]:
        """council_key of every body that treated the records' case: their own
        councils and the earlier treatments they name."""
        keys = {council_key(r["council"]) for r in records}
        keys |= {council_key(t["council"]) for r in records for t in r["prior_treatments"]}
        return keys - {""}


@pytest.fixture(scope="module")
def scan(greve_quarter, greve_parsed) -> Scan:
    chosen = set(greve_quarter.files)
    items = []
    for path, _, meeting in greve_parsed:
        if path.name in chosen:
            for item in meeting.items:
                items.append({**item.to_dict(), "council": meeting.council, "date": meeting.date})
    return Scan(items)


@pytest.fixture(scope="module")
def client(greve_quarter):
    from webapp import create_app

    app = create_app(greve_quarter.index, testing=True, corpus_dir=greve_quarter.corpus, base_url="https://arkiv.example.dk")
    return app.test_client()


def api(client, **params) -> dict:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def all_lines(client, **params) -> list[dict]:
    """Every line of a grouped search, paging through it."""
    lines: list[dict] = []
    page = 1
    while True:
        data = api(client, group="case", per_page=100, page=page, **params)
        lines += data["groups"]
        if page * 100 >= data["total"]:
            assert len(lines) == data["total"]
            return lines
        page += 1


def all_ids(client, **params) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        data = api(client, per_page=100, page=page, sort="date", **params)
        ids += [hit["id"] for hit in data["results"]]
        if page * 100 >= data["total"]:
            return ids
        page += 1


def expected_lines(records: list[dict]) -> tuple[dict[str, int], int]:
    """(case number → matching items, items without a case number) of the records."""
    per_case: dict[str, int] = defaultdict(int)
    for record in records:
        if record["case_number"]:
            per_case[record["case_number"]] += 1
    return dict(per_case), sum(1 for r in records if not r["case_number"])


# --- one line per case ---------------------------------------------------------------------------


@pytest.mark.parametrize("filters", [{}, {"council": "Økonomiudvalget"}, {"year": "2023"},
                                     {"council": "Byråd", "year": "2024"}])
def test_grouped_counts_agree_with_a_scan_of_the_records(client, scan, filters):
    records = scan.matching(filters.get("council"), filters.get("year"))
    per_case, lone = expected_lines(records)
    assert len(per_case) > 20 and records  # the sample has real cases in each of these
    first = api(client, group="case", **filters)
    assert first["items_total"] == len(records)
    assert first["total"] == len(per_case) + lone and first["lone_items"] == lone
    assert len(first["groups"]) == min(20, first["total"]) == len(first["results"])
    lines = all_lines(client, **filters)
    cases = [line["case_number"] for line in lines if line["case_number"]]
    assert len(cases) == len(set(cases)), "a case on two lines"
    assert {line["case_number"]: line["matching"] for line in lines if line["case_number"]} == per_case
    assert sum(1 for line in lines if line["case_number"] is None) == lone
    everything = scan.by_case()
    for line in lines:
        if line["case_number"]:
            assert line["items"] == len(everything[line["case_number"]]), line["case_number"]
            assert line["url"] == f"/sag/{line['case_number']}"
        else:
            assert line["items"] == line["matching"] == 1 and line["url"] == line["hit"]["url"]
        dates = [t["date"] for t in line["treatments"] if t["date"]]
        assert dates == sorted(dates)


def test_grouped_word_search_counts_over_all_matches_not_a_page(client, scan):
    """A word search's lines are the cases of every matching item (found by the plain search)."""
    ids = set(all_ids(client, q="budget"))
    records = [r for r in scan.items if r["id"] in ids]
    per_case, lone = expected_lines(records)
    assert len(records) == len(ids) > 100  # more than a page of items and of cases
    lines = all_lines(client, q="budget")
    assert len(lines) == len(per_case) + lone > 20
    assert {line["case_number"]: line["matching"] for line in lines if line["case_number"]} == per_case
    # The lines keep the plain ranking: each line's best item is the first of its case in the plain list.
    plain = [hit["case_number"] or hit["id"] for hit in api(client, q="budget", per_page=100)["results"]]
    first_seen = list(dict.fromkeys(plain))
    assert [line["case_number"] or line["hit"]["id"] for line in lines[: len(first_seen)]][:10] == first_seen[:10]


def test_a_case_line_has_its_bodies_dates_and_latest_outcome(client, scan):
    case_records = sorted(scan.by_case()[CASE], key=lambda r: r["date"])
    assert [r["council"] for r in case_records] == ["Beskæftigelses- og Erhvervsudvalget", "Økonomiudvalget", "Byråd"]
    line = next(line for line in all_lines(client, case=CASE))
    assert line["case_number"] == CASE and line["matching"] == line["items"] == 3
    assert line["councils"] == CASE_BODIES
    archived = [(t["council"], t["date"]) for t in line["treatments"] if t["in_archive"]]
    assert archived == [(r["council"], r["date"]) for r in case_records]
    assert line["first_date"] == case_records[0]["date"] and line["last_date"] == case_records[-1]["date"]
    byraad = case_records[-1]
    assert byraad["decision"] and line["decision"] == byraad["decision"]
    assert line["decision_kind"] == byraad["decision_kind"]
    assert (line["decision_council"], line["decision_date"]) == ("Byråd", byraad["date"])


def test_grouped_page_shows_one_line_per_case(client, scan):
    records = scan.matching("Økonomiudvalget")
    per_case, lone = expected_lines(records)
    html = client.get("/soeg", query_string={"council": "Økonomiudvalget", "group": "case"}).get_data(as_text=True)
    assert f"{len(per_case)} sager" in html.replace(".", "")
    assert html.count('class="result case-line"') == 20
    assert 'aria-current="true" class="current">Én linje pr. sag</a>' in html
    assert 'href="/soeg?council=%C3%98konomiudvalget">Alle punkter</a>' in html
    assert 'name="group" value="case"' in html  # a new search from the box keeps the view


# --- behandlet af både X og Y --------------------------------------------------------------------


def expected_treated_by(scan: Scan, *bodies: str) -> tuple[set[str], set[str]]:
    """(cases, item ids) treated by every body, by the scan."""
    wanted = {council_key(body) for body in bodies}
    cases = {case for case, records in scan.by_case().items() if wanted <= scan.bodies(records)}
    ids = {r["id"] for r in scan.items if r["case_number"] in cases}
    ids |= {r["id"] for r in scan.items if not r["case_number"] and wanted <= scan.bodies([r])}
    return cases, ids


def test_treated_by_several_bodies_agrees_with_the_records(client, scan):
    cases, ids = expected_treated_by(scan, "Byråd", "Klima-, Teknik- og Miljøudvalget")
    assert len(cases) > 20
    # as the URL writes it in Danish and in English, and as typed in the box, in any spelling of the bodies
    for params in ({"behandlet": ["byrådet", "klima- teknik og miljoeudvalget"]},
                   {"treated_by": ["Byråd 2022-2025", "Klima-, Teknik- og Miljøudvalget"]},
                   {"q": 'behandlet:Byrådet behandlet:"Klima-, Teknik- og Miljøudvalget"'}):
        assert set(all_ids(client, **params)) == ids, params
        assert {line["case_number"] for line in all_lines(client, **params)} == cases, params
    # An item of such a case that neither body's meeting holds is found too (its case passed both).
    councils = {r["council"] for r in scan.items if r["id"] in ids}
    assert councils - {"Byråd", "Klima-, Teknik- og Miljøudvalget"}


def test_a_case_that_passed_three_bodies(client, scan):
    cases, ids = expected_treated_by(scan, *CASE_BODIES)
    assert CASE in cases
    lines = all_lines(client, behandlet=["beskæftigelses- og erhvervsudvalget", "økonomiudvalget", "byrådet"])
    assert {line["case_number"] for line in lines} == cases
    assert all({council_key(b) for b in CASE_BODIES} <= {council_key(c) for c in line["councils"]} for line in lines)


def test_treated_by_an_unknown_body_says_so_and_finds_nothing(client):
    data = api(client, behandlet=["Byrådet", "Handicaprådet i Gotham"])
    assert data["total"] == 0
    assert any("Handicaprådet i Gotham" in note for note in data["notes"])


def test_treated_by_chips_are_removable(client, scan):
    _, both = expected_treated_by(scan, "Byråd", "Økonomiudvalget")
    _, only = expected_treated_by(scan, "Økonomiudvalget")
    html = client.get("/soeg", query_string={"behandlet": ["byrådet", "økonomiudvalget"]}).get_data(as_text=True)
    assert f"{len(both)} punkter fundet" in html.replace(".", "")
    chips = dict((label, url) for url, label in
                 re.findall(r'<a class="chip" href="([^"]+)">([^<]+?) <span', html))
    assert set(chips) == {"Behandlet af: Byråd", "Behandlet af: Økonomiudvalget"}
    removed = client.get(chips["Behandlet af: Byråd"].replace("&amp;", "&")).get_data(as_text=True)
    assert f"{len(only)} punkter fundet" in removed.replace(".", "")


# --- exports -------------------------------------------------------------------------------------


def test_csv_has_every_item_in_columns_a_danish_spreadsheet_reads(client, scan):
    response = client.get("/soeg.csv")  # no query: every item, more rows than the old 1,000-row cap
    body = response.get_data()
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(scan.items) > 1000
    assert {"id", "dato", "råd", "sagsnummer", "beslutning", "beslutningstype", "url", "uddrag"} <= rows[0].keys()
    by_id = {r["id"]: r for r in scan.items}
    assert {row["id"] for row in rows} == set(by_id)
    dates = [row["dato"] for row in rows]
    assert dates == sorted(dates, reverse=True)
    for row in rows:
        record = by_id[row["id"]]
        assert row["råd"] == record["council"] and row["sagsnummer"] == (record["case_number"] or "")
        decision = "" if record["closed"] else (record["decision"] or "")
        assert row["beslutning"] in (decision, "'" + decision)  # formulas are neutralised with a quote
        assert row["url"] == f"https://arkiv.example.dk/punkt/{row['id']}"
        assert "<mark" not in row["uddrag"]


def test_csv_of_a_search_holds_the_search_with_plain_snippets(client):
    ids = all_ids(client, q="budget")
    rows = list(csv.DictReader(io.StringIO(client.get("/soeg.csv?q=budget").get_data().decode("utf-8-sig")), delimiter=";"))
    assert [row["id"] for row in rows] == ids
    assert all("<mark" not in row["uddrag"] for row in rows) and any("udget" in row["uddrag"] for row in rows)


def test_json_lines_every_line_is_json_and_an_export_row(client, scan):
    validator = pytest.importorskip("jsonschema_rs", reason="comes with the test extra (schemathesis)")
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]["ExportRow"]
    check = validator.validator_for(schema)
    response = client.get("/soeg.jsonl", query_string={"council": "Økonomiudvalget"})
    assert response.status_code == 200 and response.mimetype == "application/jsonl"
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == len(scan.matching("Økonomiudvalget"))
    for line in lines:
        row = json.loads(line)
        check.validate(row)
        assert row["council"] == "Økonomiudvalget" and row["url"].startswith("https://arkiv.example.dk/punkt/")


def test_search_page_links_both_exports(client):
    html = client.get("/soeg?q=budget&group=case").get_data(as_text=True)
    assert 'href="/soeg.csv?q=budget&amp;sort=date">Hent som CSV</a>' in html
    assert 'href="/soeg.jsonl?q=budget&amp;sort=date">Hent som JSON Lines</a>' in html


def test_exports_are_not_bound_by_the_result_window(client, scan, monkeypatch):
    """Paging stops at MAX_WINDOW results; an export streams past it (here a window of 500)."""
    import indexer.search

    monkeypatch.setattr(indexer.search, "MAX_WINDOW", 500)
    assert api(client, per_page=100, page=6, sort="date_asc")["results"] == []  # past the window: an empty page
    rows = list(csv.reader(io.StringIO(client.get("/soeg.csv?sort=date").get_data().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) - 1 == len(scan.items) > 500
    assert sum(1 for _ in client.get("/soeg.jsonl").get_data(as_text=True).splitlines()) == len(scan.items)
