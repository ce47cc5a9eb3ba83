"""Greve's whole FirstAgenda archive (342 meetings, 5,106 items) against its own JSON.

Each expectation is read from the JSON with the plainest means (its fields,
and regular expressions over the item HTML), independently of the reader, so
the test measures what the reader and parser make of the document. Every
measure must reach 99 %; the figures are printed with -s.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from indexer.ingest import parse_file, try_parse
from indexer.readers import ReadError, read_document

THRESHOLD = 0.99


def plain(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def council_name(raw: str) -> str:
    """The body without its election period: "Byråd 2022-2025" → "Byråd"."""
    return re.sub(r"\s+(?:19|20)\d\d\s*-\s*(?:19|20)\d\d$", "", raw.strip()).strip(" .")


def points(document):
    return sorted(document["Dagsordenpunkter"], key=lambda p: p["Sorting"])


def item_html(point) -> str:
    return "".join(f.get("Html") or "" for f in point["Felter"])


ABSENCE_ONLY = re.compile(r"^(?:afbud|fraværende|ikke til stede)\b", re.I)


def decision_text(point) -> str | None:
    """The text under the item's <h3>Beslutning</h3>, less absence notes and stray punctuation."""
    match = re.search(r"<h3>\s*Beslutning\s*</h3>(.*?)</div>", item_html(point), re.S)
    if not match:
        return None
    lines = [plain(line) for line in re.split(r"<br\s*/?>|</p>", match.group(1))]
    kept = [line for line in lines if line.strip(" .") and not ABSENCE_ONLY.match(line)]
    return " ".join(kept) or None


def forloeb_entries(point) -> list[tuple[str, str]]:
    """(ISO date, body) of each <u>dd-mm-yyyy Body</u> entry in the item's "Sagens forløb"."""
    match = re.search(r"<span class='sagsforloeb'>(.*?)</span>\s*</div>", item_html(point), re.S)
    entries = []
    for entry in re.findall(r"<u>(.*?)</u>", match.group(1), re.S) if match else []:
        found = re.match(r"(\d\d)[-/](\d\d)[-/](\d{4})\s+(.*)", plain(entry))
        assert found, entry
        entries.append((f"{found[3]}-{found[2]}-{found[1]}", found[4]))
    return entries


def share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def report(name: str, hits: int, total: int) -> float:
    value = share(hits, total)
    print(f"{name}: {hits}/{total} = {value:.4f}")
    return value


def test_meeting_fields_match_the_json(greve_parsed):
    assert len(greve_parsed) == 342
    council = date = time = count = absent = 0
    for _, document, meeting in greve_parsed:
        moede = document["Moede"]
        council += meeting.council == council_name(document["Udvalg"]["Navn"])
        date += meeting.date == moede["Dato"][:10]
        time += meeting.time == moede["Dato"][11:16]
        count += len(meeting.items) == len(document["Dagsordenpunkter"])
        expected = {p["Name"].strip() for p in moede["Moededeltagere"] if p["Absent"] or p["ParticipationCancelled"]}
        absent += {p.name for p in meeting.participants if p.absent} == expected
    n = len(greve_parsed)
    for name, hits in (("council", council), ("date", date), ("time", time), ("item count", count), ("absences", absent)):
        assert report(name, hits, n) >= THRESHOLD, name


def test_items_match_the_json(greve_parsed):
    total = numbers = titles = cases = closed = 0
    for _, document, meeting in greve_parsed:
        for point, item in zip(points(document), meeting.items):
            total += 1
            numbers += item.number == int(point["Number"])
            caption = re.sub(r"\s+", " ", point["Caption"]).strip()
            shut = re.match(r"(?i)lukket\s*:\s*", caption)
            titles += item.title == (caption[shut.end():] if shut else caption)
            closed += item.closed == bool(shut)
            cases += item.case_number == ((point["CaseNumber"] or "").strip() or None)
    assert total == 5106
    for name, hits in (("numbers", numbers), ("titles", titles), ("case numbers", cases), ("closed", closed)):
        assert report(name, hits, total) >= THRESHOLD, name


def test_decisions_and_kinds(greve_parsed):
    expected = found = kinds = 0
    for _, document, meeting in greve_parsed:
        for point, item in zip(points(document), meeting.items):
            if decision_text(point) and not item.closed:
                expected += 1
                found += bool(item.decision)
                kinds += bool(item.decision) and item.decision_kind is not None
    assert report("decisions", found, expected) >= THRESHOLD
    assert report("decision kinds", kinds, found) >= THRESHOLD
    informative = sum(
        1 for _, _, m in greve_parsed for i in m.items if i.decision and i.decision_kind not in (None, "andet")
    )
    report("decision kinds other than 'andet'", informative, found)
    assert share(informative, found) >= 0.9


def test_every_sagens_forloeb_entry_is_a_prior_treatment(greve_parsed):
    expected = found = with_decision = 0
    for _, document, meeting in greve_parsed:
        for point, item in zip(points(document), meeting.items):
            for when, body in forloeb_entries(point):
                expected += 1
                match = [t for t in item.prior_treatments if t.source == "sagsforløb" and t.date == when
                         and council_name(body).startswith(t.council[:8])]
                found += bool(match)
                with_decision += bool(match) and any(t.decision for t in match)
    assert expected > 2500
    assert report("Sagens forløb entries", found, expected) >= THRESHOLD
    report("... with that body's decision text", with_decision, found)


def test_concluded_meetings_are_minutes(greve_parsed):
    for _, document, meeting in greve_parsed:
        has_decisions = any(decision_text(p) for p in document["Dagsordenpunkter"])
        expected = "referat" if document["Moede"]["Afsluttet"] and has_decisions else "dagsorden"
        assert meeting.kind == expected, meeting.id


def test_one_council_across_election_periods(greve_parsed):
    byraad = [m for _, d, m in greve_parsed if d["Udvalg"]["Navn"].startswith("Byråd")]
    assert byraad and {m.council for m in byraad} == {"Byråd"} and {m.period for m in byraad} == {"2022-2025"}
    assert all(m.id.startswith("greve-byraad-") for m in byraad)


def test_a_byraad_item_read_by_hand(greve_dir):
    """Byrådet 31-01-2022, item 19 (the Aflandshage hearing), read from the JSON by hand."""
    meeting = parse_file(greve_dir / "byraad-2022-2025-2022-01-31-1900-779d518b.json", greve_dir).meeting
    assert (meeting.municipality, meeting.council, meeting.kind, meeting.date, meeting.time, meeting.location) == (
        "Greve", "Byråd", "referat", "2022-01-31", "19:00", "Byrådssalen")
    item = {i.number: i for i in meeting.items}[19]
    assert item.title == "Høringssvar til Energistyrelsen vedrørende VVM af havvindemøllepark ved Aflandshage"
    assert item.case_number == "19-033355K"
    assert item.decision.startswith("Byrådet godkendte Økonomiudvalgets indstilling.")
    assert item.decision_kind == "godkendt" and "Fraværende" not in item.decision
    assert item.absent == ["Tina Rottbøll"]
    assert [(t.council, t.date) for t in item.prior_treatments if t.source == "sagsforløb"] == [
        ("Klima-, Teknik- og Miljøudvalget", "2022-01-17"), ("Økonomiudvalget", "2022-01-24")]
    oekonomi = item.prior_treatments[-1]
    assert oekonomi.decision.startswith("Økonomiudvalget anbefaler overfor Byrådet") and oekonomi.decision_kind == "anbefales"
    assert [p.council for p in item.treatment_path] == ["Klima-, Teknik- og Miljøudvalget", "Økonomiudvalget", "Byrådet"]
    assert [a.title for a in item.attachments] == [
        "Bilag 1. Høringssvar Greve Kommune", "Bilag 2. Aflandshage-ikke teknisk resume", "Høringssvar til Aflandshage Vindmøllepark"]
    assert all(a.url and a.url.startswith("https://dagsordener.greve.dk/") for a in item.attachments)
    assert item.url.startswith("https://dagsordener.greve.dk/")
    sections = [s.heading for s in item.sections]
    assert sections[:3] == ["Sagsprocedure", "Resume", "Supplerende sagsfremstilling"] and "Tidsplan" in sections


def test_votes_from_the_decision(greve_parsed):
    """Greve writes votes as "(Ø) og (F) stemte imod indstillingen." and "For stemte (V), (A) …"."""
    voted = [i for _, _, m in greve_parsed for i in m.items if i.decision and re.search(r"stemte (?:imod|for)|[Ff]or stemte", i.decision)]
    assert len(voted) > 100
    assert share(sum(1 for i in voted if i.votes), len(voted)) >= THRESHOLD
    sample = next(i for i in voted if "(Ø) og (F) stemte imod indstillingen" in i.decision)
    assert sample.votes.against == ["(Ø)", "(F)"]


def test_json_that_is_not_firstagenda_is_reported(tmp_path):
    other = tmp_path / "kommune" / "data.json"
    other.parent.mkdir()
    other.write_text(json.dumps({"items": [1, 2, 3]}), encoding="utf-8")
    with pytest.raises(ReadError, match="not a FirstAgenda meeting"):
        read_document(other)
    broken = tmp_path / "kommune" / "broken.json"
    broken.write_text('{"Moede": {', encoding="utf-8")
    result = try_parse(broken, tmp_path)
    assert "not valid JSON" in result.reason and result.path.endswith("broken.json")
