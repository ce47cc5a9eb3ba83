"""The OpenAPI description of the people endpoints (merged into openapi.py's document).

Kept beside webapp/people.py's JSON shape; tests/test_people.py and the
schemathesis contract test check the two against each other."""

from __future__ import annotations

from typing import Any

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "required": required, "properties": properties,
                              "additionalProperties": False}  # closed: an undeclared key fails the contract tests
    if description:
        schema["description"] = description
    return schema


COUNTS = _object(
    ["meetings", "present", "absent", "partly", "votes_for", "votes_against", "votes_abstained"],
    {name: {"type": "integer", "minimum": 0} for name in
     ("meetings", "present", "absent", "partly", "votes_for", "votes_against", "votes_abstained")},
)

PERSON_SUMMARY_PROPERTIES: dict[str, Any] = {
    "id": {"type": "string", "pattern": "^[a-z0-9-]+$", "description": "Kommune og navn som slug: greve-tina-rottboell"},
    "name": {"type": "string"},
    "municipality": {"type": "string"},
    "bodies": {"type": "array", "items": {"type": "string"}},
    "parties": {"type": "array", "items": {"type": "string"}, "description": "Partibogstaver som referaterne skriver dem"},
    "counts": _ref("PersonCounts"),
    "url": {"type": "string"},
    "api_url": {"type": "string"},
}
SUMMARY_REQUIRED = ["id", "name", "municipality", "bodies", "parties", "counts", "url", "api_url"]

PEOPLE_SCHEMAS: dict[str, Any] = {
    "PersonCounts": COUNTS,
    "PersonSummary": _object(SUMMARY_REQUIRED, PERSON_SUMMARY_PROPERTIES),
    "PeopleList": _object(["total", "people"], {
        "total": {"type": "integer", "minimum": 0},
        "people": {"type": "array", "items": _ref("PersonSummary")},
    }),
    "PersonVote": _object(
        ["item_id", "meeting_id", "date", "council", "number", "title", "position", "as_written", "via_party", "url"],
        {
            "item_id": {"type": "string"}, "meeting_id": {"type": "string"}, "date": NULLABLE_DATE,
            "council": NULLABLE_STRING, "number": {"type": "integer"}, "title": {"type": "string"},
            "position": {"type": "string", "enum": ["for", "against", "abstained"]},
            "as_written": {"type": "string", "description": "Stemmen som referatet skriver den: «(Ø)», «Liselott Blixt (UP)»"},
            "via_party": {**NULLABLE_STRING, "description": "Stemmen er afgivet for personens parti, ikke ved navn"},
            "decision_kind": NULLABLE_STRING, "url": {"type": "string"},
        },
    ),
    "PersonMeeting": _object(
        ["meeting_id", "date", "council", "status", "listed", "absent_items", "items_total", "url"],
        {
            "meeting_id": {"type": "string"}, "date": NULLABLE_DATE, "council": NULLABLE_STRING,
            "status": {"type": "string", "enum": ["present", "absent", "partly"]},
            "listed": {"type": "boolean", "description": "På mødets deltagerliste (ellers kun nævnt ved et punkt)"},
            "absent_items": {"type": "array", "items": _object(["item_id", "number", "title"], {
                "item_id": {"type": "string"}, "number": {"type": "integer"}, "title": {"type": "string"},
                "note": {**NULLABLE_STRING, "description": "Fraværsnoten som skrevet"},
            })},
            "items_total": {"type": "integer"}, "role": NULLABLE_STRING, "note": NULLABLE_STRING,
            "url": {"type": "string"},
        },
    ),
    "Person": _object(
        [*SUMMARY_REQUIRED, "feed_url", "spellings", "party_history", "body_details", "meetings", "votes",
         "mentions_total", "mentions"],
        {
            **PERSON_SUMMARY_PROPERTIES,
            "feed_url": {"type": "string"},
            "spellings": {"type": "array", "description": "Stavemåder der er lagt sammen; reason er null for hovedformen",
                          "items": _object(["name", "count", "reason"], {
                              "name": {"type": "string"}, "count": {"type": "integer"},
                              "reason": {"type": ["string", "null"], "enum": ["mellemnavn", "stavefejl", None]},
                          })},
            "party_history": {"type": "array", "items": _object(["date", "party"], {
                "date": NULLABLE_DATE, "party": {"type": "string"}})},
            "body_details": {"type": "array", "items": _object(["council", "meetings", "affiliations"], {
                "council": {"type": "string"}, "meetings": {"type": "integer"}, "first": NULLABLE_DATE,
                "last": NULLABLE_DATE, "affiliations": {"type": "array", "items": {"type": "string"}},
                "roles": {"type": "array", "items": {"type": "string"}},
            })},
            "meetings": {"type": "array", "items": _ref("PersonMeeting"), "description": "Nyeste først"},
            "votes": {"type": "array", "items": _ref("PersonVote"), "description": "Nyeste først"},
            "mentions_total": {"type": "integer", "minimum": 0},
            "mentions": {"type": "array", "description": "Punkter hvis tekst nævner personen (frasesøgning), nyeste først",
                         "items": _object(["id", "title", "url"], {
                             "id": {"type": "string"}, "title": {"type": "string"}, "date": NULLABLE_DATE,
                             "council": NULLABLE_STRING, "number": {"type": "integer"}, "url": {"type": "string"},
                         })},
        },
        "En person: råd og udvalg, møder (til stede/fraværende), stemmer og omtaler.",
    ),
}


def people_paths(not_found: dict[str, Any], unavailable: dict[str, Any], ok) -> dict[str, Any]:
    return {
        "/api/people": {
            "get": {
                "operationId": "listPeople",
                "summary": "Personer i arkivet, efter navn",
                "parameters": [{"name": "municipality", "in": "query", "description": "Kun én kommune",
                                "schema": {"type": "string", "maxLength": 200}}],
                "responses": {"200": ok("Personerne", "PeopleList"), "503": unavailable},
            }
        },
        "/api/people/{person_id}": {
            "get": {
                "operationId": "getPerson",
                "summary": "En person: råd og udvalg, møder, fravær, stemmer og omtaler",
                "parameters": [{"name": "person_id", "in": "path", "required": True, "description": "Personens id",
                                "schema": {"type": "string"}}],
                "responses": {"200": ok("Personen", "Person"), "404": not_found, "503": unavailable},
            }
        },
    }
