"""The declared shapes against what is written and served.

indexer/records.py declares the stored records once (TypedDicts); the
writers must produce exactly those keys, and the API (whose OpenAPI
components are generated from the declarations, all closed) must answer
only what its document declares: a key nobody declared fails here.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import pytest

from indexer.ingest import parse_file
from indexer.records import (AgendaEntry, AttachmentRecord, ItemData, ItemRecord, MeetingData, MeetingRecord,
                             MeetingSummary, ParticipantRecord, PathStepRecord, PriorTreatmentRecord, SectionRecord,
                             SourceRecord, VotesRecord)
from indexer.schema import item_record, meeting_record, meeting_summary

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def meetings():
    return [parse_file(path, CORPUS).meeting for path in sorted(CORPUS.rglob("*.txt")) if path.name != "README.md"]


def _shape_of(hint: Any) -> type | None:
    """The TypedDict a hint holds (through Annotated, Optional and list), if any."""
    while True:
        origin, args = get_origin(hint), get_args(hint)
        if origin is typing.Annotated:
            hint = args[0]
        elif origin in (list, typing.Union, types.UnionType):
            shapes = [s for s in map(_shape_of, args) if s is not None]
            return shapes[0] if shapes else None
        else:
            return hint if typing.is_typeddict(hint) else None


def assert_shape(data: Any, shape: type, where: str = "") -> None:
    """`data` has exactly `shape`'s keys, and so has every nested record."""
    hints = get_type_hints(shape, include_extras=True)
    assert set(data) == set(hints), (where or shape.__name__, set(data) ^ set(hints))
    for key, hint in hints.items():
        nested = _shape_of(hint)
        if nested is None or data[key] is None:
            continue
        for n, value in enumerate(data[key] if isinstance(data[key], list) else [data[key]]):
            assert_shape(value, nested, f"{where}{shape.__name__}.{key}[{n}]")


def test_every_record_shape_is_reached(meetings):
    """The seeds hold an example of each nested shape, so the checks below check them."""
    items = [item for meeting in meetings for item in meeting.items]
    assert any(item.votes for item in items) and any(item.sections for item in items)
    assert any(item.prior_treatments for item in items) and any(item.attachments for item in items)
    assert any(meeting.participants for meeting in meetings) and all(meeting.source for meeting in meetings)


def test_to_dict_writes_exactly_the_declared_keys(meetings):
    for meeting in meetings:
        assert_shape(meeting.to_dict(), MeetingData)
        for item in meeting.items:
            assert_shape(item.to_dict(), ItemData)


def test_stored_records_have_exactly_the_declared_keys(meetings):
    for meeting in meetings:
        assert_shape(meeting_summary(meeting), MeetingSummary)
        assert_shape(meeting_record(meeting), MeetingRecord)
        for item in meeting.items:
            assert_shape(item_record(item, meeting), ItemRecord)


def test_the_declarations_follow_the_dataclasses():
    """Each nested record declares the fields of the dataclass it serialises."""
    from indexer import records

    pairs = [(records.Section, SectionRecord), (records.Attachment, AttachmentRecord),
             (records.Treatment, PriorTreatmentRecord), (records.PathStep, PathStepRecord),
             (records.Participant, ParticipantRecord), (records.Source, SourceRecord)]
    for cls, shape in pairs:
        assert [f.name for f in dataclass_fields(cls)] == list(get_type_hints(shape)), cls.__name__
    assert [f.name for f in dataclass_fields(records.Item)] == list(get_type_hints(ItemData))
    assert set(get_type_hints(VotesRecord)) == {"for", "against", "abstained", "counts"}
    assert {f.name for f in dataclass_fields(records.Meeting)} == set(get_type_hints(MeetingData))
    assert set(get_type_hints(AgendaEntry)) <= set(get_type_hints(ItemData))


def test_the_index_stores_the_declared_records(archive):
    """Read back from a built index, records have the declared keys (nothing is lost or added on the way)."""
    for row in archive.meetings():
        meeting = archive.meeting(row["id"])
        assert_shape(meeting, MeetingRecord)
        for item in archive.items_of_meeting(row["id"]):
            assert_shape(item, ItemRecord)


# --- live API responses against the generated document -------------------------------------------


def _validator(document: dict[str, Any], name: str):
    jsonschema_rs = pytest.importorskip("jsonschema_rs", reason="comes with the test extra (schemathesis)")
    return jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{name}", "components": document["components"]})


def _api_urls(client) -> list[tuple[str, str]]:
    """(url, response schema) of every /api endpoint over the whole seeds archive:
    searches of each kind, every item, meeting (first and a later agenda page), case and person."""
    urls = [(f"/api/search?{query}", "SearchResponse") for query in (
        "q=tilsyn", "q=tilsyn&group=case", "group=case&per_page=100", "per_page=100", "q=tilsn",
        "q=stokholtbuen", "council=Socialudvalget&sort=date", "q=%22sk%C3%A6rpet+tilsyn%22", "q=Tina",
        "treated_by=Handicapr%C3%A5det&treated_by=Socialudvalget&group=case", "q=tilsyn&group=case&page=50")]
    everything = client.get("/api/search?per_page=100").get_json()
    assert everything["total"] <= 100, "the seeds archive fits one page"
    records = [client.get(hit["url"].replace("/punkt/", "/api/items/")).get_json() for hit in everything["results"]]
    urls += [(f"/api/items/{record['id']}", "Item") for record in records]
    for meeting_id in sorted({record["meeting_id"] for record in records}):
        urls += [(f"/api/meetings/{meeting_id}", "Meeting"), (f"/api/meetings/{meeting_id}?page=2&per_page=3", "Meeting")]
    for case_number in sorted({record["case_number"] for record in records if record["case_number"]}):
        urls.append((f"/api/cases/{case_number}", "Case"))
    people = client.get("/api/people").get_json()["people"]
    urls += [("/api/people", "PeopleList")] + [(person["api_url"], "Person") for person in people]
    return urls


def test_every_api_response_is_what_the_document_declares(client):
    document = client.get("/api/openapi.json").get_json()
    validators: dict[str, Any] = {}
    checked: set[str] = set()
    for url, name in _api_urls(client):
        response = client.get(url)
        assert response.status_code == 200, url
        check = validators.setdefault(name, _validator(document, name))
        errors = [f"{e.instance_path}: {e.message}" for e in check.iter_errors(response.get_json())]
        assert not errors, (url, errors[:5])
        checked.add(name)
    assert checked == {"SearchResponse", "Item", "Meeting", "Case", "PeopleList", "Person"}


def test_the_document_closes_every_object(client):
    """An object schema without additionalProperties would let undeclared keys pass."""
    document = client.get("/api/openapi.json").get_json()

    def objects(node: Any):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    open_ones = [json.dumps(o)[:120] for o in objects(document["components"]) if o.get("additionalProperties") is not False]
    assert not open_ones


def test_an_undeclared_key_fails(client):
    """The closed schemas do reject: a live item with one key more is invalid."""
    document = client.get("/api/openapi.json").get_json()
    hit = client.get("/api/search?q=tilsyn").get_json()["results"][0]
    record = client.get(hit["url"].replace("/punkt/", "/api/items/")).get_json()
    check = _validator(document, "Item")
    assert check.is_valid(record) and not check.is_valid({**record, "undeclared": 1})
    assert not _validator(document, "Hit").is_valid({**hit, "score": 1.0})
