"""Published minutes in other layouts parse into meetings through the same
parser (the files are read from ../shared/formats, never copied in)."""

from __future__ import annotations


from indexer.ingest import parse_file


def parse(shared_formats, name):
    return parse_file(shared_formats / name).meeting


def test_aarhus_html_agenda(shared_formats):
    m = parse(shared_formats, "aarhus_byraad_2025-10-08_dagsorden.html")
    assert (m.council, m.kind, m.date, m.time, m.location) == ("Aarhus Byråd", "dagsorden", "2025-10-08", "16:00", "Byrådssalen")
    assert m.source.format == "html"
    numbers = [i.number for i in m.items]
    assert numbers[:3] == [1, 2, 3] and len(m.items) >= 33
    items = {i.number: i for i in m.items}
    assert items[2].title == "Forslag til budget 2026-2029"
    assert items[2].case_number == "EMN-2025-008308" and items[2].kle is None
    assert items[3].case_number == "EMN-2025-008308"  # the same case on two items
    assert items[22].title == "Udviklingsplan Aarhus Ø - endelig vedtagelse"
    assert items[22].case_number == "EMN-2025-009242"
    assert all(i.decision is None for i in m.items)  # an agenda: nothing decided yet


def test_aarhus_sagsforloeb(shared_formats):
    items = {i.number: i for i in parse(shared_formats, "aarhus_byraad_2025-10-08_dagsorden.html").items}
    history = [(t.council, t.date, t.item, t.source) for t in items[2].prior_treatments]
    assert history == [
        ("Magistraten", "2025-09-02", 3, "sagsforløb"),
        ("Aarhus Byråd", "2025-09-10", 2, "sagsforløb"),
        ("Magistraten", "2025-09-16", 3, "sagsforløb"),
        ("Magistraten", "2025-09-30", 2, "sagsforløb"),
    ]
    assert items[2].prior_treatments[0].note.startswith("Fremsendes til Aarhus Byråd")
    # absences reported in the Sagsforløb belong to those earlier meetings, not this one
    assert items[2].absent == []
    assert ("Teknisk Udvalg", "2025-10-01", 2) in [(t.council, t.date, t.item) for t in items[22].prior_treatments]


def test_aarhus_scripts_never_become_text(shared_formats):
    m = parse(shared_formats, "aarhus_byraad_2025-10-08_dagsorden.html")
    text = " ".join(i.body_text() for i in m.items)
    assert "function(" not in text and "<script" not in text and "{" not in text[:2000]


def test_ballerup_2012_pdf(shared_formats):
    m = parse(shared_formats, "ballerup_sfu_2012-12-04_referat.pdf")
    assert (m.council, m.kind, m.date, m.time) == ("Sundheds- og Forebyggelsesudvalget", "referat", "2012-12-04", "13:00")
    assert m.location == "Mødecenter C, Lokale 32 på Ballerup Rådhus"
    assert m.source.format == "pdf"
    present = [p.name for p in m.participants if not p.absent]
    assert present[0] == "Lolan Ottesen" and m.participants[0].role == "formand" and len(present) == 7
    assert [i.number for i in m.items] == list(range(1, 9))
    items = {i.number: i for i in m.items}
    assert items[1].case_number == "2011-29298"  # not the "Dok.nr." below it
    assert items[2].title == "Bygningsvedligeholdelse 2013 - anlægsbevilling"
    assert items[2].case_number == "2012-28504"
    assert items[2].decision == "Indstillingen godkendt" and items[2].decision_kind == "godkendt"
    assert items[2].decided_by == "Sundheds- og Forebyggelsesudvalget"
    assert items[3].decided_by == "Kommunalbestyrelsen" and items[3].decision_kind == "anbefales"
    assert items[4].title == "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013"
    assert "Torvevej" in items[4].institutions
    assert items[8].case_number == "2010-3082"
    # page headers ("Side 3", "Dato: 04.12.2012") are gone from the text
    assert not any("Side 3" == line.strip() for i in m.items for line in i.body_text().splitlines())


def test_syddjurs_2013_pdf(shared_formats):
    m = parse(shared_formats, "syddjurs_puk_2013-06-20_referat.pdf")
    assert (m.council, m.date, m.time) == ("Udvalget for plan, udvikling og kultur (PUK)", "2013-06-20", "10:30")
    assert [p.name for p in m.participants][:2] == ["Jesper Mathiesen", "Ole Bollesen"]
    assert len(m.items) == 1
    item = m.items[0]
    assert (item.number, item.title, item.case_number) == (715, "Kulturkommune 2017. Politiske fokusområder", "12/27845")
    assert item.decided_by == "Udvalget for plan, udvikling og kultur (PUK)"
    # this meeting's decision; the ones from earlier meetings are prior treatments
    assert item.decision.startswith("Punktet blev drøftet") and item.decision_kind == "drøftet"
    assert [t.date for t in item.prior_treatments][:1] == ["2013-04-10"]
    assert len(item.attachments) >= 2
