"""The JSON API, against an index of the real corpus (conftest's `corpus_index`)."""

from __future__ import annotations

import json
import re

import pytest


STOKHOLTBUEN_ITEM = "ballerup-socialudvalget-2025-05-06-referat-4"
SOCIAL_MEETING = "ballerup-socialudvalget-2025-05-06-referat"
STOKHOLTBUEN_CASE = "00.01.10-P35-3-24"
SHARED_CASE = "00.22.00-A26-1-24"
HIT_KEYS = {"id", "title", "council", "municipality", "date", "number", "case_number", "kind", "url", "snippet"}


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


# --- search ---------------------------------------------------------------------------------


def test_search_envelope(client):
    data = get_json(client, "/api/search?q=stokholtbuen")
    assert {"total", "page", "per_page", "results", "facets", "suggestion"} <= data.keys()
    assert data["total"] == 2 and data["page"] == 1 and data["per_page"] == 20
    assert all(HIT_KEYS <= hit.keys() for hit in data["results"])
    first = next(hit for hit in data["results"] if hit["id"] == STOKHOLTBUEN_ITEM)
    assert first["url"] == f"/punkt/{STOKHOLTBUEN_ITEM}"
    assert first["council"] == "Socialudvalget" and first["date"] == "2025-05-06"
    assert first["case_number"] == STOKHOLTBUEN_CASE and first["kind"] == "referat"
    assert "<mark" in first["snippet"]
    councils = {v["value"]: v["count"] for v in data["facets"]["council"]}
    assert councils == {"Socialudvalget": 1, "Psykiatrirådet": 1}
    assert all({"value", "count"} <= v.keys() for values in data["facets"].values() for v in values)


def test_search_suggestion(client):
    assert get_json(client, "/api/search?q=stokholtbuenn")["suggestion"] == "stokholtbuen"


def test_empty_query_with_filters_lists_everything_matching(client):
    data = get_json(client, "/api/search?council=Socialudvalget&per_page=100")
    assert data["total"] == 10 == len(data["results"])
    assert {hit["council"] for hit in data["results"]} == {"Socialudvalget"}
    by_year = get_json(client, "/api/search?year=2021")
    assert by_year["total"] > 0 and all(hit["date"].startswith("2021") for hit in by_year["results"])


@pytest.mark.parametrize("params, check", [
    ("case=00.01.10-P35-3-24", lambda hit: hit["case_number"] == STOKHOLTBUEN_CASE),
    ("institution=Stokholtbuen", lambda hit: True),
    ("municipality=Ikast-Brande", lambda hit: hit["municipality"] == "Ikast-Brande"),
    ("kind=dagsorden", lambda hit: hit["kind"] == "dagsorden"),
    ("council=Socialudvalget&council=Psykiatrir%C3%A5det", lambda hit: hit["council"] in ("Socialudvalget", "Psykiatrirådet")),
])
def test_search_filters(client, params, check):
    data = get_json(client, f"/api/search?{params}&per_page=100")
    assert data["total"] > 0 and all(check(hit) for hit in data["results"])


def test_search_paging_and_sorting(client):
    everything = get_json(client, "/api/search?municipality=Ballerup&sort=date&per_page=100")
    dates = [hit["date"] for hit in everything["results"]]
    assert dates == sorted(dates, reverse=True)
    second = get_json(client, "/api/search?municipality=Ballerup&sort=date&per_page=5&page=2")
    assert second["page"] == 2 and second["per_page"] == 5
    assert [hit["id"] for hit in second["results"]] == [hit["id"] for hit in everything["results"][5:10]]
    oldest = get_json(client, "/api/search?municipality=Ballerup&sort=date_asc&per_page=1")
    assert oldest["results"][0]["date"] == min(dates)


def test_search_date_range(client):
    data = get_json(client, "/api/search?date_from=2025-01-01&date_to=2025-12-31&per_page=100")
    assert data["total"] > 0 and all(hit["date"].startswith("2025") for hit in data["results"])
    danish = get_json(client, "/api/search?fra=2025-01-01&til=2025-12-31&per_page=100")
    assert danish["total"] == data["total"]


@pytest.mark.parametrize("params", [
    "page=0", "page=x", "page=10001", "page=501", "per_page=0", "per_page=101", "sort=best",
    "date_from=2025-1-1", "fra=2025-02-30", "til=tomorrow", "fra=2025-06-01&til=2025-01-01", "council=" + "x" * 300,
])
def test_bad_parameters_are_400_json_in_danish(client, params):
    data = get_json(client, f"/api/search?q=tilsyn&{params}", status=400)
    assert set(data) == {"message"}
    assert re.search(r"[æøå]|skal|gyldig|Højst|ligger", data["message"])


# --- records -----------------------------------------------------------------------------------


def test_item_record_with_links(client):
    data = get_json(client, f"/api/items/{STOKHOLTBUEN_ITEM}")
    for key in ("id", "number", "title", "case_number", "kle", "sections", "decided_by", "decision", "decision_kind",
                "votes", "absent", "attachments", "attachment_count", "prior_treatments", "treatment_path",
                "institutions", "law_refs", "closed", "meeting_id", "municipality", "council", "kind", "date", "source"):
        assert key in data, key
    assert data["url"] == f"/punkt/{STOKHOLTBUEN_ITEM}"
    assert data["case_url"] == f"/sag/{STOKHOLTBUEN_CASE}"
    assert data["meeting_url"] == f"/moede/{SOCIAL_MEETING}"
    assert data["title"] == "Skærpet tilsyn for Stokholtbuen"


def test_meeting_record_with_links(client):
    data = get_json(client, f"/api/meetings/{SOCIAL_MEETING}")
    assert data["url"] == f"/moede/{SOCIAL_MEETING}"
    assert data["council"] == "Socialudvalget" and data["date"] == "2025-05-06"
    assert any(p["absent"] for p in data["participants"])
    assert [item["number"] for item in data["items"]] == list(range(1, 11))
    assert data["items"][3]["url"] == f"/punkt/{STOKHOLTBUEN_ITEM}"


def test_case_treatments_in_date_order(client):
    data = get_json(client, f"/api/cases/{STOKHOLTBUEN_CASE}")
    assert data["case_number"] == STOKHOLTBUEN_CASE
    steps = [(t["date"], t["council"], t["in_archive"], t["item_id"]) for t in data["treatments"]]
    assert steps == [
        ("2025-03-11", "Socialudvalget", False, None),
        ("2025-04-23", "Handicaprådet", False, None),
        ("2025-05-06", "Socialudvalget", True, STOKHOLTBUEN_ITEM),
    ]
    for treatment in data["treatments"]:
        assert {"date", "council", "item_id", "title", "decision", "source", "in_archive"} <= treatment.keys()
    assert data["treatments"][2]["decision"] == "Taget til efterretning"


def test_case_with_several_items_in_one_meeting(client):
    data = get_json(client, f"/api/cases/{SHARED_CASE}")
    archived = [t["item_id"] for t in data["treatments"] if t["in_archive"]]
    assert archived == [f"{SOCIAL_MEETING}-6", f"{SOCIAL_MEETING}-7", f"{SOCIAL_MEETING}-8"]
    dates = [t["date"] for t in data["treatments"]]
    assert dates == sorted(dates)


def test_case_number_with_slash_reaches_the_route(client):
    for url in ("/api/cases/12%2F27845", "/api/cases/12/27845"):
        assert get_json(client, url, status=404) == {"message": "Sagsnummeret findes ikke i arkivet."}


@pytest.mark.parametrize("url", ["/api/items/findes-ikke", "/api/meetings/findes-ikke", "/api/cases/findes-ikke",
                                 f"/api/items/{SOCIAL_MEETING}", f"/api/meetings/{STOKHOLTBUEN_ITEM}", "/api/findes-ikke"])
def test_unknown_records_are_404_json(client, url):
    data = get_json(client, url, status=404)
    assert set(data) == {"message"} and "findes ikke" in data["message"]


def test_wrong_method_is_405_json(client):
    response = client.post("/api/search")
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert response.get_json()["message"]


def test_api_has_security_headers(client):
    response = client.get("/api/search?q=tilsyn")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# --- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_document_describes_the_routes(client, app):
    response = client.get("/api/openapi.json")
    document = json.loads(response.data)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert {"/api/search", "/api/items/{item_id}", "/api/meetings/{meeting_id}", "/api/cases/{case_number}",
            "/api/openapi.json"} <= paths.keys()
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()}
    assert set(paths) <= routes
    params = {p["name"] for p in paths["/api/search"]["get"]["parameters"]}
    assert {"q", "council", "year", "case", "institution", "municipality", "kind", "sort", "page", "per_page",
            "group", "treated_by"} <= params
    assert {"/soeg.csv", "/soeg.jsonl"} <= paths.keys()
    assert {"CaseLine", "LineTreatment", "ExportRow"} <= document["components"]["schemas"].keys()
    sort = next(p for p in paths["/api/search"]["get"]["parameters"] if p["name"] == "sort")
    assert sort["schema"]["enum"] == ["relevance", "date", "date_asc"]
    # every $ref resolves
    text = json.dumps(document)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', text)):
        assert ref in document["components"]["schemas"], ref


# --- one line per case, "behandlet af", exports --------------------------------------------------


MAGLEMOSEN_CASE = "15.00.00-P05-3-25"


def test_one_line_per_case_with_its_treatments(client):
    """The Stokholtbuen case: Socialudvalget and Handicaprådet only referred to
    (Tidligere behandlinger), then Socialudvalget's own item, as the minutes say."""
    data = get_json(client, "/api/search?q=stokholtbuen&group=case")
    assert data["group"] == "case" and data["items_total"] == 2
    line = next(g for g in data["groups"] if g["case_number"] == STOKHOLTBUEN_CASE)
    assert [(t["council"], t["date"], t["in_archive"]) for t in line["treatments"]] == [
        ("Socialudvalget", "2025-03-11", False), ("Handicaprådet", "2025-04-23", False),
        ("Socialudvalget", "2025-05-06", True)]
    assert line["councils"] == ["Socialudvalget", "Handicaprådet"]
    assert line["decision"] == "Taget til efterretning" and line["decision_date"] == "2025-05-06"
    assert line["url"] == f"/sag/{STOKHOLTBUEN_CASE}" and line["hit"]["id"] == STOKHOLTBUEN_ITEM
    assert data["total"] == len({g["case_number"] or g["hit"]["id"] for g in data["groups"]})


def test_treated_by_both_bodies_in_any_spelling(client):
    """Both Ballerup cases whose Tidligere behandlinger name the Handicapråd and the Socialudvalg."""
    for query in ("treated_by=Handicaprådet&treated_by=Socialudvalget", "behandlet=handicapraadet&behandlet=socialudvalg",
                  "q=behandlet%3AHandicapr%C3%A5det+behandlet%3ASocialudvalget"):
        data = get_json(client, f"/api/search?{query}&group=case")
        assert {g["case_number"] for g in data["groups"]} == {STOKHOLTBUEN_CASE, MAGLEMOSEN_CASE}, query
        assert data["filters"]["treated_by"] == ["Handicaprådet", "Socialudvalget"]
    assert get_json(client, "/api/search?treated_by=Handicaprådet&treated_by=Psykiatrirådet")["total"] == 0
    assert get_json(client, "/api/search?group=sag", status=400)["message"].startswith("Gruppering")


def test_grouped_search_and_exports_agree_with_the_openapi_document(app):
    """Live answers of the new parameters and endpoints, validated against the document."""
    schemathesis = pytest.importorskip("schemathesis", reason="install the test extra: pip install -e '.[test]'")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    search = schema.find_operation_by_id("searchItems")
    for query in ({"q": "tilsyn", "group": "case"}, {"group": "case", "per_page": 100},
                  {"treated_by": ["Handicaprådet", "Socialudvalget"], "group": "case"},
                  {"treated_by": ["Handicaprådet", "Socialudvalget"]}, {"q": "tilsyn", "group": "case", "page": 50}):
        search.Case(query=query).call_and_validate()
    for operation in ("exportCsv", "exportJsonLines"):
        schema.find_operation_by_id(operation).Case(query={"q": "tilsyn"}).call_and_validate()


def test_grouped_page_names_a_meeting_that_took_a_case_in_several_items_once(client):
    """The Socialudvalg took 00.22.00-A26-1-24 as items 6, 7 and 8 of one meeting: one step, "(3 punkter)"."""
    html = client.get("/soeg?q=tilsyn&group=case").get_data(as_text=True)
    line = html[html.index(f"Sag {SHARED_CASE}:"):]
    steps = line[: line.index("</ol>")]
    assert steps.count("<li>") == 3
    assert f'<a href="/punkt/{SOCIAL_MEETING}-6">Socialudvalget</a>, 6. maj 2025 (3 punkter)</li>' in steps
