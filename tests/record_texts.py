"""What the index searches of an item, read straight from its record: the
plain-scan side of the phrase and morphology measurements (tests/test_phrases.py,
tests/morphology_set.py), kept in one place so both scan the same texts."""

from __future__ import annotations


def item_texts(record: dict) -> list[str]:
    """Title, sections, decision and notes (attendance, absences, votes, earlier treatments)."""
    notes = [*record.get("attendance", []), *record.get("absent", [])]
    votes = record.get("votes") or {}
    notes += [*votes.get("for", []), *votes.get("against", []), *votes.get("abstained", [])]
    for t in record.get("prior_treatments", []):
        notes += [t.get("note") or "", t.get("decision") or ""]
    return [record["title"], *(s["text"] for s in record["sections"]), record.get("decision") or "", *notes]
