"""Golden tests for the five seed documents, written from reading them.

Each expectation below was checked by hand against the text in corpus/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.ingest import parse_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PSYK_2021 = CORPUS / "ballerup/psykiatriraadet-2021-04-22-referat.txt"
PSYK_2025 = CORPUS / "ballerup/psykiatriraadet-2025-11-06-dagsorden.txt"
NOTAT = CORPUS / "ballerup/strateginotat-2016-10-30-notat.txt"
SOCIAL = CORPUS / "ballerup/socialudvalget-2025-05-06-referat.txt"
IKAST = CORPUS / "ikast-brande/arbejdsmarkeds-psykiatri-og-handicapudvalget-2024-03-06-referat.txt"


@pytest.fixture(scope="module")
def meetings():
    return {path: parse_file(path, CORPUS).meeting for path in (PSYK_2021, PSYK_2025, NOTAT, SOCIAL, IKAST)}


def items_by_number(meeting):
    return {item.number: item for item in meeting.items}


# --- Psykiatrirådet 2021-04-22 (referat) ----------------------------------------


def test_psyk_2021_header(meetings):
    m = meetings[PSYK_2021]
    assert m.id == "ballerup-psykiatriraadet-2021-04-22-referat"
    assert (m.municipality, m.council, m.kind, m.date, m.time, m.location) == (
        "Ballerup", "Psykiatrirådet", "referat", "2021-04-22", "17:00", "Virtuelt")
    assert len(m.participants) == 13
    absent = {p.name: p.affiliation for p in m.participants if p.absent}
    assert absent == {"Anja Nastasja Liljensø": "SIND", "Musa Kekec": "A"}
    michael = next(p for p in m.participants if p.name == "Michael Jensen")
    assert michael.affiliation == "O" and not michael.absent
    assert m.source.format == "txt" and len(m.source.sha256) == 64
    assert not m.truncated


def test_psyk_2021_titles_come_from_headings_not_toc(meetings):
    titles = [item.title for item in meetings[PSYK_2021].items]
    assert len(titles) == 14
    assert titles[0] == "Godkendelse af dagsorden"
    assert titles[5] == "Borgerinddragelse"
    assert titles[10] == "Danmarkskort over omgjorte sager i Ankestyrelsen på servicelovens områder"
    # the table of contents says "Evaluerings af …"; the heading is right
    assert titles[13] == "Evaluering af Psykiatrirådets møde"


def test_psyk_2021_item_6_borgerinddragelse(meetings):
    item = items_by_number(meetings[PSYK_2021])[6]
    assert item.id == "ballerup-psykiatriraadet-2021-04-22-referat-6"
    assert item.case_number == "27.69.48-P35-1-21" and item.kle == "27.69.48"
    assert item.decided_by == "Psykiatrirådet"
    assert item.decision.startswith("Sagen blev drøftet med følgende bemærkning:")
    assert item.decision_kind == "drøftet"
    assert item.votes is None
    assert [(a.title, a.recommended) for a in item.attachments] == [
        ("Sæt samarbejde og tillid i centrum på handicapområdet", True),
        ("Endeligt forståelsespapir partnerskab på handicapområdet", False),
    ]
    assert item.attachment_count == 2
    headings = [s.heading for s in item.sections]
    assert "Sagsfremstilling" in headings and "Indstilling" in headings
    assert "Beslutning" not in headings  # the decision has its own field


def test_psyk_2021_decision_kinds(meetings):
    kinds = {i.number: i.decision_kind for i in meetings[PSYK_2021].items}
    assert kinds[1] == "godkendt"  # "Indstillingen godkendt"
    assert kinds[2] == "taget til efterretning"
    assert kinds[3] == "ingen bemærkninger"
    assert kinds[9] == "taget til efterretning"  # "… med følgende bemærkninger"
    assert kinds[7] == "drøftet"  # "Sagen blev drøftet og følgende besluttet"


def test_psyk_2021_prior_treatment_takes_year_from_context(meetings):
    items = items_by_number(meetings[PSYK_2021])
    first = items[5].prior_treatments[0]
    assert (first.council, first.date, first.item, first.source) == ("Psykiatrirådet", "2021-02-18", 5, "tidligere behandling")
    ks = items[11].prior_treatments[0]
    assert (ks.council, ks.date, ks.item) == ("Kommunalbestyrelsen", "2021-02-22", 12)


def test_psyk_2021_institutions_and_law(meetings):
    items = items_by_number(meetings[PSYK_2021])
    assert items[5].institutions[:2] == ["Brydehuset", "Støberiet"]
    tilsyn = items[9]
    for name in ("Brydehuset", "Skolehaven", "Sønderhaven", "Rødbo", "Stokholtbuen", "Torvevej"):
        assert name in tilsyn.institutions
    assert "Helhedstilbuddet Stokholtbuen" not in tilsyn.institutions  # alias → canonical
    assert "lov om socialtilsyn § 6" in tilsyn.law_refs
    assert len(tilsyn.attachments) == 10 and tilsyn.attachment_count == 10


def test_psyk_2021_multiline_attachment_title(meetings):
    item = items_by_number(meetings[PSYK_2021])[12]
    assert len(item.attachments) == 1
    attachment = item.attachments[0]
    assert attachment.recommended
    assert attachment.title.startswith("Kapitel 9, side 94-96.")
    assert attachment.title.endswith("Evalueringsrapport fra VIVE om Frikommune.")


# --- Psykiatrirådet 2025-11-06 (dagsorden, truncated) -----------------------------


def test_dagsorden_is_agenda_without_decisions(meetings):
    m = meetings[PSYK_2025]
    assert (m.kind, m.date, m.time) == ("dagsorden", "2025-11-06", "16:00")
    assert m.location == "Mødecenter A, Lokale 3 på Ballerup Rådhus"
    assert all(item.decision is None and item.decision_kind is None for item in m.items)


def test_truncated_agenda_parses_as_far_as_it_goes(meetings):
    m = meetings[PSYK_2025]
    assert m.truncated
    assert [i.number for i in m.items] == list(range(1, 10))
    assert m.items[-1].title == "Eventuelt"  # cut off as "Eventuell"; the TOC has the full title


def test_dagsorden_references(meetings):
    items = items_by_number(meetings[PSYK_2025])
    assert items[3].case_number == "15.00.00-P05-15-25"
    assert (items[7].prior_treatments[0].council, items[7].prior_treatments[0].date, items[7].prior_treatments[0].item) == (
        "Kommunalbestyrelsen", "2024-09-30", 10)
    listed = [t for t in items[6].prior_treatments if t.source == "tidligere behandling"]
    assert [(t.council, t.date, t.item) for t in listed] == [("Socialudvalget", "2023-05-30", 4)]
    assert "serviceloven § 85" in items[5].law_refs
    assert items[7].decided_by == "Kommunalbestyrelsen"
    # "Å§ 95" debris is repaired to "§ 95"
    assert "§ 95" in items[7].law_refs
    assert "Å" not in items[7].body_text().split()


# --- Strateginotat 2016 (a note) ----------------------------------------------------


def test_note(meetings):
    m = meetings[NOTAT]
    assert (m.kind, m.date, m.council) == ("notat", "2016-10-30", None)
    assert m.id == "ballerup-strateginotat-2016-10-30-notat"
    assert len(m.items) == 1
    item = m.items[0]
    assert item.title == "Strateginotat ramme 50.54"
    assert item.case_number == "00.30.14-G01-5-16" and item.kle == "00.30.14"
    assert "§ 85" in item.law_refs and "§ 107" in item.law_refs
    assert "hjemtagning" in item.body_text()
    assert "vla@balk.dk" not in item.body_text()


# --- Socialudvalget 2025-05-06 (referat) ----------------------------------------------


def test_social_header(meetings):
    m = meetings[SOCIAL]
    assert (m.council, m.date, m.time) == ("Socialudvalget", "2025-05-06", "13:00")
    johan = next(p for p in m.participants if p.name == "Johan Müller")
    assert johan.affiliation == "A" and johan.role == "1. viceborgmester"
    assert {p.name for p in m.participants if p.absent} == {"Dorte Dahl", "Stine Margrethe Hollendsted"}
    assert len(m.items) == 10


def test_stokholtbuen_case(meetings):
    item = items_by_number(meetings[SOCIAL])[4]
    assert item.title == "Skærpet tilsyn for Stokholtbuen"
    assert item.case_number == "00.01.10-P35-3-24"
    treatments = [(t.council, t.date, t.item, t.source) for t in item.prior_treatments]
    assert treatments == [
        ("Socialudvalget", "2025-03-11", 1, "tidligere behandling"),
        ("Handicaprådet", "2025-04-23", None, "tekst"),
    ]
    assert "Stokholtbuen" in item.institutions
    assert item.absent == ["Dorte Dahl", "Stine Margrethe Hollendsted"]
    assert [a.recommended for a in item.attachments] == [True, True, True, False]
    assert "lov om socialtilsyn § 8" in item.law_refs


def test_cyrillic_lookalikes_repaired_in_title(meetings):
    item = items_by_number(meetings[SOCIAL])[5]
    assert item.title == "Tilsyn på Maglemosen"
    assert "Maglemosen" in item.institutions
    assert item.prior_treatments[0].date == "2024-05-07"


def test_vote_with_sloppy_list(meetings):
    item = items_by_number(meetings[SOCIAL])[6]
    votes = item.votes
    assert votes.counts == {"for": 5, "against": 1, "abstained": 1}
    assert votes.for_ == ["Maria Assov (A)", "Lolan Ottesen (A)", "Johan Müller (A)", "Per Mortensen (A)", "Miasser Hawwa (løsgænger)"]
    assert votes.against == ["Kate Svarrer (løsgænger)"]
    assert votes.abstained == ["André Amingsø (D)"]
    assert item.decision_kind == "godkendt"
    assert "styrelsesloven § 23" in item.law_refs and "serviceloven § 107" in item.law_refs
    assert {"Klakkebo", "Egebjerg Bygade"} <= set(item.institutions)


def test_case_appears_three_times_in_one_meeting(meetings):
    items = items_by_number(meetings[SOCIAL])
    assert {items[n].case_number for n in (6, 7, 8)} == {"00.22.00-A26-1-24"}
    assert len({items[n].id for n in (6, 7, 8)}) == 3


def test_running_text_treatment(meetings):
    item = items_by_number(meetings[SOCIAL])[8]
    assert [(t.council, t.date, t.source) for t in item.prior_treatments] == [("Psykiatrirådet", "2025-04-23", "tekst")]
    assert item.decision == "Indstillingen godkendt" and item.decision_kind == "godkendt"


def test_law_refs_normalised(meetings):
    item = items_by_number(meetings[SOCIAL])[9]
    assert "serviceloven § 100" in item.law_refs
    assert "retssikkerhedsloven § 79 a" in item.law_refs
    assert item.prior_treatments[0].date == "2024-08-13"


# --- Ikast-Brande 2024-03-06 -------------------------------------------------------------


def test_ikast_header_and_items(meetings):
    m = meetings[IKAST]
    assert m.municipality == "Ikast-Brande"
    assert (m.council, m.date, m.time, m.location) == (
        "Arbejdsmarkeds-, Psykiatri- og Handicapudvalget", "2024-03-06", "08:00", "Ikast Rådhus - lokale 201")
    assert [i.number for i in m.items] == list(range(1, 17))
    assert m.items[2].title == "'Kend din Kommune 2024' – nøgletal for Socialafdelingen og Arbejdsmarkedsafdelingen"
    assert m.items[7].title.endswith("(fleksibel arbejdstilrettelæggelse, prioritering af ledelse og kompetenceudvikling)")


def test_ikast_treatment_path_and_absence(meetings):
    items = items_by_number(meetings[IKAST])
    first = items[1]
    assert [(s.council, s.date) for s in first.treatment_path] == [
        ("Arbejdsmarkeds-, Psykiatri- og Handicapudvalget", "2024-03-06"),
        ("Handicaprådet", "2024-04-04"),
    ]
    assert first.absent == ["Mustafa Arslan"]
    assert first.decision == "Taget til efterretning."
    assert len(first.attachments) == 9
    for name in ("Marienlund", "Bellisbo", "Brande Åbo", "Ørbæklund", "Fasanvej", "Hagelskærvej", "Center for Rusmiddelbehandling"):
        assert name in first.institutions
    second = items[2]
    assert second.decision_kind == "anbefales"
    assert [s.council for s in second.treatment_path][-1] == "Byrådet"
    assert second.treatment_path[-1].date == "2024-03-18"


def test_ikast_dot_decisions_and_closed_item(meetings):
    items = items_by_number(meetings[IKAST])
    assert items[11].decision_kind == "godkendt"
    assert items[15].title == "Åbne meddelelser"
    closed = items[16]
    assert closed.closed and closed.title == "Lukkede meddelelser"
    assert closed.sections == [] and closed.decision is None


def test_rusmiddelkonference_text_is_kept(meetings):
    assert "Rusmiddelkonference" in items_by_number(meetings[IKAST])[15].body_text()


# --- the CLI contract -----------------------------------------------------------------------


def test_cli_parse_prints_the_record_as_utf8_json():
    out = subprocess.run(
        [sys.executable, "-m", "indexer", "parse", str(SOCIAL)], capture_output=True, check=True, cwd=ROOT
    ).stdout.decode("utf-8")
    record = json.loads(out)
    assert "Skærpet tilsyn" in out  # not ASCII-escaped
    assert record["id"] == "ballerup-socialudvalget-2025-05-06-referat"
    item = record["items"][5]
    assert item["votes"]["for"][0] == "Maria Assov (A)"
    assert set(item) >= {"id", "number", "title", "case_number", "kle", "sections", "decided_by", "decision",
                         "decision_kind", "votes", "absent", "attachments", "prior_treatments", "treatment_path",
                         "institutions", "law_refs", "closed"}
    assert record["source"]["path"].startswith("corpus/ballerup/")


def test_cli_check_reports_each_file_and_exit_code(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "indexer", "parse", "--check", "corpus"], capture_output=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.decode().count("\nok ") + ok.stdout.decode().startswith("ok ") == 5
    (tmp_path / "kommune").mkdir()
    (tmp_path / "kommune" / "tom.txt").write_bytes(b"")
    (tmp_path / "kommune" / "god.txt").write_text(SOCIAL.read_text(encoding="utf-8"), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "indexer", "parse", "--check", str(tmp_path)], capture_output=True, cwd=ROOT)
    assert bad.returncode == 1
    lines = bad.stdout.decode().splitlines()
    assert any("tom.txt" in line and line.startswith("FEJL") for line in lines)
    assert any("god.txt" in line and line.startswith("ok") for line in lines)
    usage = subprocess.run([sys.executable, "-m", "indexer", "parse"], capture_output=True, cwd=ROOT)
    assert usage.returncode == 2
