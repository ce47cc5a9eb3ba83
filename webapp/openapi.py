"""The OpenAPI 3 description of /api.

Parameter names, bounds and enums come from params.py and the schema's
facet list, so the document cannot drift from what the API validates; the
response shapes are generated from their declarations (`component_schemas`),
so it cannot drift from what the API answers either.
"""

from __future__ import annotations

from typing import Any

from indexer.query import MAX_QUERY_CHARS
from indexer.schema import FACETS
from indexer.search import MAX_TREATED_BY, MAX_WINDOW, AppliedFilter
from indexer.subjects import SubjectGroup, Subjects

from .jsonschema import Components
from .openapi_people import PEOPLE_SCHEMAS, people_paths
from .params import (
    DEFAULT_PER_PAGE,
    MAX_MEETING_ITEMS_PER_PAGE,
    MAX_MEETING_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_VALUE_CHARS,
    MAX_VALUES_PER_FACET,
    MEETING_ITEMS_PER_PAGE,
    SORTS,
    GROUPS,
)
from .serialize import CaseJSON, CaseLineJSON, ExportRowJSON, ItemJSON, MeetingJSON, SearchResponseJSON

# A search form sends its empty date fields as "fra=&til="; empty means no bound.
DATE_OR_EMPTY = {"type": "string", "anyOf": [{"format": "date"}, {"maxLength": 0}]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _meeting_parameters() -> list[dict[str, Any]]:
    return [
        _path_param("meeting_id", "Mødets id"),
        {"name": "page", "in": "query", "description": "Side af dagsordenen; efter sidste punkt er siden tom",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_MEETING_PAGE, "default": 1}},
        {"name": "per_page", "in": "query", "description": "Punkter pr. side",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_MEETING_ITEMS_PER_PAGE,
                    "default": MEETING_ITEMS_PER_PAGE}},
    ]


def _filter_parameters() -> list[dict[str, Any]]:
    """q, the facet filters, "behandlet af" and the dates: what selects the items."""
    params: list[dict[str, Any]] = [
        {"name": "q", "in": "query", "description": "Søgetekst i søgesproget (\"frase\", OR, -udelad, råd:, år:, sag:, …). Tom med filtre: alt der matcher filtrene.", "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS}},
    ]
    for facet in FACETS:
        params.append(
            {
                "name": facet.key,
                "in": "query",
                "description": f"Filter: {facet.label}. Kan gentages (ELLER inden for samme filter).",
                "schema": {"type": "array", "items": {"type": "string", "maxLength": MAX_VALUE_CHARS}, "maxItems": MAX_VALUES_PER_FACET},
                "style": "form",
                "explode": True,
            }
        )
    params += [
        {
            "name": "treated_by",
            "in": "query",
            "description": "Behandlet af (også: behandlet, treated; i søgefeltet behandlet:Handicaprådet): kun punkter, "
                           "hvis sag er behandlet af hvert af de angivne råd og udvalg — som punkt i arkivet eller som "
                           "tidligere behandling nævnt i et punkt (Sagens forløb, Tidligere behandlinger). Navnet matches "
                           "som råd: (store/små bogstaver, bestemt form, aa/å). Gentag for flere organer (OG).",
            "schema": {"type": "array", "items": {"type": "string", "maxLength": MAX_VALUE_CHARS},
                       "maxItems": MAX_TREATED_BY},
            "style": "form",
            "explode": True,
        },
        {"name": "date_from", "in": "query", "description": "Fra og med dato (ÅÅÅÅ-MM-DD); alias: fra. Tom: ingen grænse", "schema": DATE_OR_EMPTY},
        {"name": "date_to", "in": "query", "description": "Til og med dato (ÅÅÅÅ-MM-DD); alias: til. Tom: ingen grænse. Før fra-datoen: 400", "schema": DATE_OR_EMPTY},
    ]
    return params


def _search_parameters() -> list[dict[str, Any]]:
    return _filter_parameters() + [
        {"name": "group", "in": "query",
         "description": "case: én linje pr. sag (`groups`); total og sider tæller sager, punkter uden sagsnummer står hver for sig",
         "schema": {"type": "string", "enum": list(GROUPS)}},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}},
        {"name": "page", "in": "query", "description": f"Sidetal; resultater efter nr. {MAX_WINDOW} vises ikke (siden er da tom)",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}},
    ]


def component_schemas() -> dict[str, Any]:
    """The components, generated from the shapes' declarations (webapp/jsonschema.py):
    the records (indexer/records.py), the API's JSON (serialize.py) and the
    indexer's dataclasses it serves as they are."""
    components = Components()
    components.schemas["Error"] = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}},
                                   "additionalProperties": False}
    components.add(AppliedFilter, fields={
        "key": "Facetnøgle, eller from/to for en datogrænse.",
        "origin": {"enum": ["url", "q"]},
    }, description="Et filter som givet: fra URL'en (`origin: url`) eller skrevet i søgningen (`origin: q`, "
                   "med positionen [start, end) i søgeteksten) og de facetværdier, det valgte.")
    components.add(SearchResponseJSON)
    components.add(CaseLineJSON, description="Én linje i en søgning med group=case: en sag, eller et punkt uden sagsnummer.")
    components.add(ExportRowJSON, description="Én linje i /soeg.jsonl (samme felter som kolonnerne i /soeg.csv); links er absolutte.")
    components.add(ItemJSON, description="Et dagsordenspunkt (som `python -m indexer parse` skriver det) plus links.")
    components.add(MeetingJSON)
    components.add(SubjectGroup, fields={"titles": "Titlerne i gruppen", "item_ids": "Punkterne i gruppen"})
    components.add(Subjects, description="Bærer sagsnummeret punkter om tydeligt forskellige emner? (indexer/subjects.py)",
                   fields={"mixed": "Titlerne falder i to eller flere grupper uden fælles emneord",
                           "measure": "Målet i én sætning"})
    components.add(CaseJSON)
    return components.schemas


ATOM = {"application/atom+xml": {"schema": {"type": "string",
                                            "description": "Atom 1.0; en browser (Accept: text/html) får feedet som en læsbar side"}}}
HTML_ERROR = {"text/html": {"schema": {"type": "string"}}}


def _feed(operation_id: str, summary: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"get": {
        "operationId": operation_id, "summary": summary, "parameters": parameters, "tags": ["feeds"],
        "responses": {"200": {"description": "Atom-feedet, nyeste først", "content": ATOM},
                      "400": {"description": "Ugyldig parameter", "content": HTML_ERROR},
                      "404": {"description": "Findes ikke", "content": HTML_ERROR},
                      "503": {"description": "Indekset er ikke bygget endnu", "content": HTML_ERROR}},
    }}


def feed_paths() -> dict[str, Any]:
    """The Atom feeds (webapp/feeds.py): not JSON, but part of what a client can follow."""
    return {
        "/soeg.atom": _feed("getSearchFeed", "Følg en søgning (søgesidens parametre)", _search_parameters()),
        "/sag/{case_number}.atom": _feed("getCaseFeed", "Følg en sag",
                                         [_path_param("case_number", "Sagsnummer i enhver stavemåde")]),
        "/raad/{slug}.atom": _feed("getCouncilFeed", "Følg et råd eller udvalg", [_path_param("slug", "Rådets adresse")]),
        "/institution/{slug}.atom": _feed("getInstitutionFeed", "Følg en institution",
                                          [_path_param("slug", "Institutionens adresse")]),
        "/person/{person_id}.atom": _feed("getPersonFeed", "Følg en person", [_path_param("person_id", "Personens id")]),
    }


def openapi_document() -> dict[str, Any]:
    not_found = _error("Findes ikke")
    unavailable = _error("Indekset er ikke bygget endnu")
    bad = _error("Ugyldig parameter")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Rådsarkiv API",
            "version": "1.1.0",
            "description": "Fuldtekstsøgning i kommunale dagsordener og referater. Fejl returneres som {\"message\": \"…\"} på dansk.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "searchItems",
                    "summary": "Søg i dagsordenspunkter",
                    "parameters": _search_parameters(),
                    "responses": {"200": _ok("Resultater", "SearchResponse"), "400": bad, "503": unavailable},
                }
            },
            "/api/items/{item_id}": {
                "get": {
                    "operationId": "getItem",
                    "summary": "Et dagsordenspunkt",
                    "parameters": [_path_param("item_id", "Punktets id")],
                    "responses": {"200": _ok("Punktet", "Item"), "404": not_found, "503": unavailable},
                }
            },
            "/api/meetings/{meeting_id}": {
                "get": {
                    "operationId": "getMeeting",
                    "summary": "Et møde med deltagere og en side af dets punkter",
                    "parameters": _meeting_parameters(),
                    "responses": {"200": _ok("Mødet", "Meeting"), "400": bad, "404": not_found, "503": unavailable},
                }
            },
            "/api/cases/{case_number}": {
                "get": {
                    "operationId": "getCase",
                    "summary": "En sags behandlinger på tværs af råd og udvalg, i datoorden",
                    "parameters": [_path_param("case_number", "Sagsnummer; må indeholde skråstreg (12/27845)")],
                    "responses": {"200": _ok("Sagen", "Case"), "404": not_found, "503": unavailable},
                }
            },
            "/soeg.csv": {
                "get": {
                    "operationId": "exportCsv",
                    "summary": "Alle matchende punkter som CSV (semikolon, UTF-8 med BOM), nyeste først, streamet",
                    "parameters": _filter_parameters(),
                    "responses": {
                        "200": {"description": "Kolonner: id, dato, kommune, råd, punkt, titel, sagsnummer, dokumenttype, "
                                               "beslutning, beslutningstype, url, uddrag",
                                "content": {"text/csv": {"schema": {"type": "string"}}}},
                        "400": {"description": "Ugyldig parameter", "content": {"text/html": {"schema": {"type": "string"}}}},
                        "503": {"description": "Indekset er ikke bygget endnu", "content": {"text/html": {"schema": {"type": "string"}}}},
                    },
                }
            },
            "/soeg.jsonl": {
                "get": {
                    "operationId": "exportJsonLines",
                    "summary": "Alle matchende punkter som JSON Lines (ét ExportRow-objekt pr. linje), nyeste først, streamet",
                    "parameters": _filter_parameters(),
                    "responses": {
                        "200": {"description": "Én linje pr. punkt; hver linje er et ExportRow",
                                "content": {"application/jsonl": {"schema": {"type": "string"}}}},
                        "400": {"description": "Ugyldig parameter", "content": {"text/html": {"schema": {"type": "string"}}}},
                        "503": {"description": "Indekset er ikke bygget endnu", "content": {"text/html": {"schema": {"type": "string"}}}},
                    },
                }
            },
            **people_paths(not_found, unavailable, _ok),
            **feed_paths(),
            "/api/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "Denne beskrivelse",
                    "responses": {"200": {"description": "OpenAPI-dokumentet", "content": {"application/json": {}}}},
                }
            },
        },
        "components": {"schemas": {**component_schemas(), **PEOPLE_SCHEMAS}},
    }
