"""The OpenAPI 3 description of /api, written by hand next to the code it describes.

Parameter names, bounds and enums come from params.py and the schema's
facet list, so the document cannot drift from what the API validates.
"""

from __future__ import annotations

from typing import Any

from indexer.query import MAX_QUERY_CHARS
from indexer.schema import FACETS
from indexer.search import MAX_TREATED_BY, MAX_WINDOW

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


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
    "Hit": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "council": {"type": ["string", "null"]},
            "municipality": {"type": "string"},
            "date": {"type": ["string", "null"], "format": "date"},
            "number": {"type": "integer"},
            "case_number": {"type": ["string", "null"]},
            "kind": {"type": "string", "enum": ["referat", "dagsorden", "notat"]},
            "decision_kind": {"type": ["string", "null"]},
            "url": {"type": "string"},
            "snippet": {"type": "string", "description": "HTML: escaped text with <mark> around matches"},
        },
    },
    "PersonOffer": {
        "type": "object",
        "required": ["id", "name", "municipality", "councils", "url"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "municipality": {"type": "string"},
                       "councils": {"type": "array", "items": {"type": "string"}}, "url": {"type": "string"}},
    },
    "LineTreatment": {
        "type": "object",
        "required": ["council", "date", "in_archive"],
        "properties": {
            "council": {"type": "string"},
            "date": {"type": ["string", "null"], "format": "date"},
            "in_archive": {"type": "boolean", "description": "false: kun henvist til i et andet punkt"},
            "item_id": {"type": ["string", "null"]},
            "decision_kind": {"type": ["string", "null"]},
            "url": {"type": ["string", "null"]},
        },
    },
    "CaseLine": {
        "type": "object",
        "description": "Én linje i en søgning med group=case: en sag, eller et punkt uden sagsnummer.",
        "required": ["case_number", "url", "title", "councils", "treatments", "matching", "items", "hit"],
        "properties": {
            "case_number": {"type": ["string", "null"], "description": "null: et punkt uden sagsnummer"},
            "url": {"type": "string", "description": "Sagens side (eller punktets, uden sagsnummer)"},
            "title": {"type": "string"},
            "councils": {"type": "array", "items": {"type": "string"}, "description": "Organerne i den rækkefølge, de behandlede sagen"},
            "first_date": {"type": ["string", "null"], "format": "date"},
            "last_date": {"type": ["string", "null"], "format": "date"},
            "treatments": {"type": "array", "items": _ref("LineTreatment"), "description": "I datoorden"},
            "decision": {"type": ["string", "null"], "description": "Seneste udfald: den seneste behandling med en beslutning"},
            "decision_kind": {"type": ["string", "null"]},
            "decision_council": {"type": ["string", "null"]},
            "decision_date": {"type": ["string", "null"], "format": "date"},
            "matching": {"type": "integer", "minimum": 1, "description": "Sagens punkter, der matcher søgningen"},
            "items": {"type": "integer", "minimum": 1, "description": "Sagens punkter i arkivet"},
            "hit": _ref("Hit"),
        },
    },
    "ExportRow": {
        "type": "object",
        "description": "Én linje i /soeg.jsonl (samme felter som kolonnerne i /soeg.csv); links er absolutte.",
        "required": ["id", "date", "council", "title", "case_number", "decision", "decision_kind", "url", "snippet"],
        "properties": {
            "id": {"type": "string"},
            "date": {"type": ["string", "null"], "format": "date"},
            "municipality": {"type": "string"},
            "council": {"type": ["string", "null"]},
            "number": {"type": "integer"},
            "title": {"type": "string"},
            "case_number": {"type": ["string", "null"]},
            "kind": {"type": "string"},
            "decision": {"type": ["string", "null"]},
            "decision_kind": {"type": ["string", "null"]},
            "url": {"type": "string", "format": "uri"},
            "meeting_url": {"type": ["string", "null"], "format": "uri"},
            "case_url": {"type": ["string", "null"], "format": "uri"},
            "snippet": {"type": "string", "description": "Uddrag som ren tekst"},
        },
    },
    "FacetValue": {
        "type": "object",
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}, "selected": {"type": "boolean"}},
    },
    "SearchResponse": {
        "type": "object",
        "required": ["total", "page", "per_page", "results", "facets"],
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "results": {"type": "array", "items": _ref("Hit")},
            "facets": {
                "type": "object",
                "properties": {f.key: {"type": "array", "items": _ref("FacetValue")} for f in FACETS},
            },
            "filters": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "suggestion": {"type": ["string", "null"], "description": "Mente du …?"},
            "notes": {"type": "array", "items": {"type": "string"}},
            "partial_match": {"type": "boolean"},
            "timed_out": {"type": "boolean"},
            "case": {"type": ["string", "null"], "description": "Søgningen er dette sagsnummer (som arkivet skriver det)."},
            "people": {"type": "array", "description": "Søgningen er denne persons navn (Gå til personen).",
                       "items": _ref("PersonOffer")},
            "corrected_from": {"type": ["string", "null"],
                               "description": "Intet matchede det indtastede; resultaterne er for `suggestion`."},
            "applied": {"type": "array", "items": _ref("AppliedFilter"),
                        "description": "Hvert filter og hver datogrænse, som brugeren gav det."},
        },
    },
    "AppliedFilter": {
        "type": "object",
        "required": ["key", "typed", "origin", "values"],
        "description": "Et filter som givet: fra URL'en (`origin: url`) eller skrevet i søgningen (`origin: q`, "
                       "med positionen [start, end) i søgeteksten) og de facetværdier, det valgte.",
        "properties": {
            "key": {"type": "string", "description": "Facetnøgle, eller from/to for en datogrænse."},
            "typed": {"type": "string"},
            "origin": {"type": "string", "enum": ["url", "q"]},
            "values": {"type": "array", "items": {"type": "string"}},
            "start": {"type": ["integer", "null"]},
            "end": {"type": ["integer", "null"]},
            "group": {"type": "string", "enum": list(GROUPS), "description": "Kun med group=case"},
            "items_total": {"type": "integer", "description": "group=case: matchende punkter (total tæller linjer)"},
            "lone_items": {"type": "integer", "description": "group=case: linjer, der er punkter uden sagsnummer"},
            "groups": {"type": "array", "items": _ref("CaseLine"),
                       "description": "group=case: sidens linjer; results holder hver linjes bedste punkt"},
        },
    },
    "Item": {
        "type": "object",
        "description": "Et dagsordenspunkt (som `python -m indexer parse` skriver det) plus links.",
        "properties": {
            "id": {"type": "string"},
            "number": {"type": "integer"},
            "title": {"type": "string"},
            "case_number": {"type": ["string", "null"]},
            "kle": {"type": ["string", "null"]},
            "sections": {"type": "array", "items": {"type": "object", "properties": {"heading": {"type": ["string", "null"]}, "text": {"type": "string"}}}},
            "decided_by": {"type": ["string", "null"]},
            "decision": {"type": ["string", "null"]},
            "decision_kind": {"type": ["string", "null"]},
            "votes": {"type": ["object", "null"]},
            "absent": {"type": "array", "items": {"type": "string"}},
            "attachments": {"type": "array", "items": {"type": "object", "properties": {
                "title": {"type": "string"}, "recommended": {"type": "boolean"},
                "url": {"type": ["string", "null"], "description": "Bilaget i kommunens egen publicering"}}}},
            "attachment_count": {"type": ["integer", "null"]},
            "prior_treatments": {"type": "array", "items": {"type": "object"}},
            "treatment_path": {"type": "array", "items": {"type": "object"}},
            "institutions": {"type": "array", "items": {"type": "string"}},
            "law_refs": {"type": "array", "items": {"type": "string"}},
            "closed": {"type": "boolean"},
            "meeting_id": {"type": "string"},
            "municipality": {"type": "string"},
            "council": {"type": ["string", "null"]},
            "kind": {"type": "string"},
            "date": {"type": ["string", "null"], "format": "date"},
            "source": {"type": ["string", "null"]},
            "page": {"type": ["integer", "null"], "minimum": 1,
                     "description": "Siden i kildedokumentet (PDF), hvor punktets overskrift står; kildelinket åbner der (#page=N)"},
            "url": {"type": "string"},
            "publication_url": {"type": ["string", "null"], "description": "Punktet i kommunens egen publicering (FirstAgenda)"},
            "source_url": {"type": ["string", "null"], "description": "Kildedokumentet her, åbnet ved punktets side"},
            "case_url": {"type": ["string", "null"]},
            "meeting_url": {"type": ["string", "null"]},
        },
    },
    "Meeting": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "municipality": {"type": "string"},
            "council": {"type": ["string", "null"]},
            "kind": {"type": "string"},
            "date": {"type": ["string", "null"], "format": "date"},
            "time": {"type": ["string", "null"]},
            "location": {"type": ["string", "null"]},
            "title": {"type": ["string", "null"]},
            "participants": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "affiliation": {"type": ["string", "null"]}, "absent": {"type": "boolean"}, "role": {"type": ["string", "null"]}}}},
            "source": {"type": ["object", "null"]},
            "items": {"type": "array", "items": {"type": "object"}, "description": "Én side af dagsordenen"},
            "items_total": {"type": "integer", "description": "Antal punkter i alt"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "truncated": {"type": "boolean"},
            "url": {"type": "string"},
            "publication_url": {"type": ["string", "null"], "description": "Mødet i kommunens egen publicering (FirstAgenda)"},
        },
    },
    "Treatment": {
        "type": "object",
        "properties": {
            "date": {"type": ["string", "null"], "format": "date"},
            "council": {"type": ["string", "null"]},
            "municipality": {"type": ["string", "null"]},
            "item_id": {"type": ["string", "null"], "description": "null når behandlingen kun er henvist til"},
            "title": {"type": ["string", "null"]},
            "decision": {"type": ["string", "null"]},
            "decision_kind": {"type": ["string", "null"]},
            "source": {"type": ["string", "null"]},
            "in_archive": {"type": "boolean"},
            "relation": {"type": "string"},
            "notes": {"type": "array", "items": {"type": "string"}},
            "referenced_by": {"type": "array", "items": {"type": "string"}},
            "role": {"type": ["string", "null"], "enum": ["høring", "indstilling", "beslutning", "orientering", None],
                     "description": "Organets rolle i behandlingen, som ordlyden siger det"},
            "url": {"type": ["string", "null"]},
            "publication_url": {"type": ["string", "null"], "description": "Punktet i kommunens egen publicering"},
        },
    },
    "Subjects": {
        "type": "object",
        "required": ["mixed", "groups", "measure"],
        "description": "Bærer sagsnummeret punkter om tydeligt forskellige emner? (indexer/subjects.py)",
        "properties": {
            "mixed": {"type": "boolean", "description": "Titlerne falder i to eller flere grupper uden fælles emneord"},
            "groups": {"type": "array", "items": {"type": "object", "required": ["titles", "item_ids"], "properties": {
                "titles": {"type": "array", "items": {"type": "string"}},
                "item_ids": {"type": "array", "items": {"type": "string"}}}}},
            "measure": {"type": "string", "description": "Målet i én sætning"},
        },
    },
    "Case": {
        "type": "object",
        "required": ["case_number", "treatments", "subjects", "dossier_url", "feed_url"],
        "properties": {
            "case_number": {"type": "string"},
            "title": {"type": ["string", "null"]},
            "kle": {"type": ["string", "null"]},
            "municipalities": {"type": "array", "items": {"type": "string"}},
            "url": {"type": "string"},
            "dossier_url": {"type": "string", "description": "Sagsdossieret til udskrift (HTML)"},
            "feed_url": {"type": "string", "description": "Atom-feed for sagen"},
            "subjects": _ref("Subjects"),
            "treatments": {"type": "array", "items": _ref("Treatment"), "description": "I datoorden"},
        },
    },
}


ATOM = {"application/atom+xml": {"schema": {"type": "string",
                                            "description": "Atom 1.0 med <?xml-stylesheet?> til visning i en browser"}}}
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
        "components": {"schemas": {**SCHEMAS, **PEOPLE_SCHEMAS}},
    }
