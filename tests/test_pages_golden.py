"""Golden tests for four municipalities' published minutes pages (../shared/formats/pages/),
written from reading the pages. Each is the beginning of a page (about 2,000
characters), so the last item is cut off; the municipality is the part of the
file name before "_" and becomes the corpus folder here, as a user would lay it out."""

from __future__ import annotations

import shutil

import pytest

from indexer.ingest import parse_file


@pytest.fixture()
def page(shared_formats, tmp_path):
    def parse(name: str):
        municipality = name.split("_", 1)[0]
        target = tmp_path / municipality / name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(shared_formats / "pages" / name, target)
        return parse_file(target, tmp_path).meeting

    return parse


def by_number(meeting):
    return {item.number: item for item in meeting.items}


BRONDERSLEV_ABSENT = ["Martin Bech", "Bettina Bøcker Kjeldsen", "Niels Vestergaard Salling"]


def test_bronderslev_byraad(page):
    m = page("bronderslev_byraadet-2020-01-29-referat.uddrag.txt")
    assert (m.municipality, m.council, m.kind, m.date, m.time) == ("Bronderslev", "Byrådet", "referat", "2020-01-29", "19:00")
    assert m.location == "Byrådssalen, Brønderslev Rådhus"
    assert [(i.number, i.title) for i in m.items] == [
        (1, "Fraværende"),
        (2, "Bemærkninger/ændringer til dagsordenen"),
        (3, "Godkendelse af indkaldte stedfortrædere"),
        (4, "Spørgetid for byrådsmedlemmer"),
    ]
    items = by_number(m)
    assert items[1].absent == BRONDERSLEV_ABSENT  # the item "Fraværende" lists them as its decision
    assert items[2].decision == "Ingen." and items[2].absent == BRONDERSLEV_ABSENT
    assert items[3].decision == "Kim Østergaard og Ole Andersen godkendt" and items[3].decision_kind == "godkendt"
    assert items[3].absent == BRONDERSLEV_ABSENT
    assert items[4].decision.startswith("• Markedsføring/branding af kommunen")
    text = " ".join(i.body_text() + (i.decision or "") for i in m.items)
    assert "cookie" not in text.lower() and "Til toppen" not in text  # page chrome is gone
    assert [s.heading for s in items[3].sections] == ["Resume", "Sagsfremstilling", "Personale"]


def test_bronderslev_handicapraad(page):
    m = page("bronderslev_handicapraadet-2020-10-27-referat.uddrag.txt")
    assert (m.council, m.kind, m.date, m.time, m.location) == (
        "Handicaprådet", "referat", "2020-10-27", "14:00", "Byrådssalen, Brønderslev Rådhus")
    assert [i.number for i in m.items] == [1, 2, 3]
    items = by_number(m)
    assert items[1].absent == ["Bettina Bøcker Kjeldsen", "Lars Peter Petersen"]
    assert items[2].decision == "Intet." and items[2].absent == ["Bettina Bøcker Kjeldsen", "Lars Peter Petersen"]
    assert items[3].title == "Hjælpemidler og vedligehold" and items[3].decision is None  # cut off before it
    assert "Visitationschef Ellen Lykke" in items[3].body_text()


def test_fredensborg_item_page(page):
    """One item page: the council, date and kind come from the file name; the
    Økonomiudvalg's decision is an earlier treatment, the Byråd's is the decision."""
    m = page("fredensborg_byraadet-2015-02-23-referat-punkt-25.txt")
    assert (m.municipality, m.council, m.kind, m.date) == ("Fredensborg", "Byrådet", "referat", "2015-02-23")
    assert len(m.items) == 1
    item = m.items[0]
    assert (item.number, item.title, item.case_number) == (
        25, "Ændring af mødedatoer for Byrådet og Økonomiudvalget i december 2015", "15/3331")
    assert item.decision == "Økonomiudvalgets indstilling vedtaget." and item.decision_kind == "godkendt"
    assert item.decided_by == "Byrådet"
    earlier = [(t.council, t.date, t.decision) for t in item.prior_treatments if t.source == "tidligere behandling"]
    assert earlier == [("Økonomiudvalget", "2015-02-16", "Økonomiudvalget godkender indstillingens punkt 2, og anbefaler indstillingens punkt 1.")]
    headings = [s.heading for s in item.sections]
    assert headings[1:] == ["Beslutningstema", "Sagsfremstilling og økonomi", "Bevilling", "Retsgrundlag", "Kompetence", "Indstilling"]
    # the numbered list under "Indstilling" is text, not two more items
    assert "1. At mødet i Byrådet den 21. december 2015 flyttes" in item.body_text()
    assert "styrelsesloven § 20" in item.law_refs


def test_holbaek_labelled_header(page):
    m = page("holbaek_handicapraadet-2015-11-03-referat.uddrag.txt")
    assert (m.municipality, m.council, m.kind, m.date, m.time) == ("Holbaek", "Handicaprådet", "referat", "2015-11-03", "16:30")
    assert m.location == "Elmelunden, Lunderosevej 5, 4450 Jyderup"
    assert [(i.number, i.title) for i in m.items] == [
        (1, "Orientering og rundvisning Elmelunden"),
        (2, "Godkendelse af dagsorden og referat"),  # cut off on the page; the list of items has it whole
    ]
    assert m.truncated  # the list names ten items, the page shows two
    first = m.items[0]
    assert first.decision.startswith("Centerleder Kirsten Becker viste Handicaprådet rundt på Elmelunden")
    assert first.decided_by == "Handicaprådet"
    assert [s.heading for s in first.sections][:3] == ["Sagsgang og sagstype", "Indstilling", "Beskrivelse af sagen"]
    assert "Sagsfremstilling" not in first.decision


def test_partial_attendance_and_case_numbers_in_headings(tmp_path):
    """Layout features the four pages show only in part, in one small made-up minute."""
    from indexer.parser import parse_text

    text = "\n\n".join([
        "Handicaprådet - Referat", "Dato: 3. marts 2025", "Tidspunkt: Kl. 16:00",
        "1. 27.69.48-P35-1-25 Fraværende", "Beslutning", "Anne Hansen og Bo Jensen var fraværende.",
        "Karl Madsen deltog under pkt. 1-2.",
        "2. Orientering om budget (Sagsnr. 25/1234)", "Beslutning", "Taget til efterretning.",
        "3. Eventuelt", "Beslutning", "Intet.",
    ])
    m = parse_text(text, municipality="Testkommune")
    assert (m.council, m.kind, m.date, m.time) == ("Handicaprådet", "referat", "2025-03-03", "16:00")
    items = by_number(m)
    assert (items[1].title, items[1].case_number) == ("Fraværende", "27.69.48-P35-1-25")
    assert (items[2].title, items[2].case_number) == ("Orientering om budget", "25/1234")
    assert items[1].absent == ["Anne Hansen", "Bo Jensen"]
    assert "Karl Madsen" in items[3].absent and "Karl Madsen" not in items[2].absent
    assert items[2].decision_kind == "taget til efterretning"
