"""The case timeline as the pages and the API show it.

`indexer.cases.case_timeline` orders treatments by date, council and agenda
number; here each entry gets its Danish relation label and readable links to
the items that reference it.
"""

from __future__ import annotations

from typing import Any

from indexer.cases import RELATION_LABELS, case_timeline
from indexer.records import ItemRecord
from indexer.search import Archive


def _reference_links(archive: Archive, item_ids: list[str], labels: dict[str, str | None]) -> list[dict[str, str]]:
    """The items that mention a treatment, labelled for people rather than by id.

    `labels` is the page's own memo (item id → label, None for no such item):
    one item referring to several treatments (a Byråd item quoting the whole
    Sagens forløb) is fetched and labelled once per page, not once per entry."""
    links = []
    for item_id in item_ids:
        if item_id not in labels:
            record = archive.item(item_id)
            labels[item_id] = None if record is None else (
                f"{record['council'] or 'Notat'} {record['date'] or ''}, punkt {record['number']}: {record['title']}")
        if labels[item_id] is not None:
            links.append({"id": item_id, "label": labels[item_id]})
    return links


def ordered_timeline(archive: Archive, case_number: str) -> dict[str, Any] | None:
    """case_timeline with labels and reference links for the pages."""
    timeline = case_timeline(archive, case_number)
    if timeline is None:
        return None
    labels: dict[str, str | None] = {}
    for entry in timeline["treatments"]:
        entry["relation_label"] = RELATION_LABELS.get(entry["relation"], entry["relation"])
        entry["referenced_by_links"] = _reference_links(archive, entry.get("referenced_by", []), labels)
    return timeline


def other_treatments(archive: Archive, item: ItemRecord) -> list[dict[str, Any]]:
    """Sagens forløb on an item page: every treatment of its case but itself."""
    case_number = item["case_number"]
    if not case_number:
        return []
    timeline = ordered_timeline(archive, case_number)
    if timeline is None:
        return []
    return [entry for entry in timeline["treatments"] if entry["item_id"] != item["id"]]


def dossier_entries(archive: Archive, timeline: dict[str, Any]) -> list[dict[str, Any]]:
    """The case dossier's treatments, in the timeline's date order, each with
    its whole item record (decision, sections, attachments, publication link).

    A section whose text an earlier treatment already showed word for word
    (a Byråd item repeating the fagudvalg's Sagsfremstilling) is not printed
    again but named (`repeated`), so the dossier stays readable on paper and
    still shows each body's own decision whole.
    """
    shown: dict[str, dict[str, Any]] = {}  # section text → the treatment that showed it first
    entries = []
    for treatment in timeline["treatments"]:
        record = archive.item(treatment["item_id"]) if treatment.get("item_id") else None
        sections, repeated = [], []
        for section in record["sections"] if record else []:
            key = " ".join(section["text"].split())
            if not key:
                continue
            if key in shown:
                repeated.append({"heading": section["heading"], **shown[key]})
            else:
                shown[key] = {"council": treatment.get("council"), "date": treatment.get("date")}
                sections.append(section)
        entries.append({**treatment, "record": record, "sections": sections, "repeated": repeated})
    return entries
