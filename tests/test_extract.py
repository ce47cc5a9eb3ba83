"""Field extractors on wording seen in real minutes (and close variants)."""

import pytest

from indexer import extract


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("22. april 2021", None, "2021-04-22"),
        ("den 18. februar", "2021-04-22", "2021-02-18"),
        ("den 18. december", "2021-04-22", "2020-12-18"),  # a date after the meeting is last year's
        ("04.12.2012", None, "2012-12-04"),
        ("22-04-2021", None, "2021-04-22"),
        ("2025-10-08", None, "2025-10-08"),
        ("31. februar 2021", None, None),
        ("ingen dato", None, None),
    ],
)
def test_parse_date(text, context, expected):
    assert extract.parse_date(text, context) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27.69.48-P35-1-21", "27.69.48-P35-1-21"),
        ("Sagsnr.: 2011-29298", "2011-29298"),
        ("Sagsnr.: 12/27845", "12/27845"),
        ("EMN-2025-008308", "EMN-2025-008308"),
        ("Sagsid: 00.30.14-G01-5-16", "00.30.14-G01-5-16"),
    ],
)
def test_case_numbers(text, expected):
    assert extract.find_case_number(text) == expected


def test_kle_only_for_kle_style():
    assert extract.kle_of("27.69.48-P35-1-21") == "27.69.48"
    assert extract.kle_of("EMN-2025-008308") is None


def test_votes_stated_count_wins():
    votes = extract.parse_votes("For stemte: 3, Anna Hansen (A) og Bo Jensen (V)\nImod stemte: 0")
    assert votes.counts == {"for": 3, "against": 0}
    assert votes.for_ == ["Anna Hansen (A)", "Bo Jensen (V)"]
    assert extract.parse_votes("Taget til efterretning") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Godkendt", "godkendt"),
        ("Indstillingen blev dermed godkendt.", "godkendt"),
        ("Taget til efterretning med følgende bemærkninger:", "taget til efterretning"),
        ("Anbefales.", "anbefales"),
        ("Sagen blev drøftet.", "drøftet"),
        ("Ingen bemærkninger", "ingen bemærkninger"),
        ("Sagen udsættes til næste møde.", "udsat"),
        ("Forslaget blev ikke godkendt.", "afvist"),
        ("Sagen oversendes til Økonomiudvalget.", "oversendt"),
        (None, None),
    ],
)
def test_decision_kinds(text, kind):
    assert extract.classify_decision(text) == kind


def test_absences():
    assert extract.parse_absence("Afbud Dorte Dahl (centerchef), Stine\nHollendsted (centerchef)") == ["Dorte Dahl", "Stine Hollendsted"]
    assert extract.parse_absence("Mustafa Arslan deltog ikke i sagens behandling pga. afbud.") == ["Mustafa Arslan"]
    assert extract.parse_absence("Sagen blev drøftet.") is None


def test_treatment_lines():
    t = extract.parse_treatment_line("Socialudvalget den 11. marts 2025 meddelsespunkt 1", "2025-05-06", "tidligere behandling")
    assert (t.council, t.date, t.item) == ("Socialudvalget", "2025-03-11", 1)
    step = extract.parse_path_line("Økonomi- og Planudvalget 12. marts 2024", "2024-03-06")
    assert (step.council, step.date) == ("Økonomi- og Planudvalget", "2024-03-12")


def test_mentions_in_running_text():
    found = extract.find_mentions(
        "Handicaprådet behandlede sagen på deres ordinære møde den 23. april 2025 med følgende bemærkninger. "
        "Sagen skal behandles i Kommunalbestyrelsen den 30. juni 2025.",
        "2025-05-06",
        "Socialudvalget",
    )
    assert [(t.council, t.date, t.source) for t in found] == [("Handicaprådet", "2025-04-23", "tekst")]


def test_law_refs():
    refs = extract.find_law_refs("efter servicelovens § 85 og §§ 103 og 104 samt § 79 a i retssikkerhedsloven")
    assert refs[0] == "serviceloven § 85"
    assert "serviceloven § 103" in refs and "serviceloven § 104" in refs  # the law carries over
    assert "retssikkerhedsloven § 79 a" in refs
    assert extract.find_law_refs("§ 97 i Serviceloven") == ["serviceloven § 97"]


def test_attendance_wordings():
    assert extract.parse_absence("Martin Bech, Bettina Bøcker Kjeldsen og Niels Vestergaard Salling var fraværende.") == [
        "Martin Bech", "Bettina Bøcker Kjeldsen", "Niels Vestergaard Salling"]
    assert extract.parse_absence("Ikke til stede: Liselott Blixt (UP-1)") == ["Liselott Blixt"]
    assert extract.parse_absence("Der er afbud fra Martin Bech pga. ferie.") == ["Martin Bech"]
    assert extract.parse_absence("Rådmand Nicolaj Bang deltog ikke i mødet.") == ["Nicolaj Bang"]
    assert extract.parse_absence("Udvalget var enige om at fortsætte arbejdet.") is None
    assert extract.parse_partial_attendance("Karstens Frederiksen deltog under pkt. 1-2 og delvis under pkt. 3.") == (
        "Karstens Frederiksen", {1, 2, 3}, None)
    assert extract.parse_partial_attendance("Anne Hansen deltog fra pkt. 4.") == ("Anne Hansen", None, 4)


def test_votes_as_sentences():
    votes = extract.parse_votes("Godkendt.\n(Ø) og (F) stemte imod indstillingen.\n(C) undlod at stemme.")
    assert votes.against == ["(Ø)", "(F)"] and votes.abstained == ["(C)"]
    votes = extract.parse_votes("For stemte (V), (A), (C), (D) og Liselott Blixt (UP).")
    assert votes.for_ == ["(V)", "(A)", "(C)", "(D)", "Liselott Blixt (UP)"]
    counted = extract.parse_votes("Med stemmerne 11 for og 8 imod besluttede byrådet ikke at sende forslaget videre.")
    assert counted.counts == {"for": 11, "against": 8}


def test_dated_treatment_groups():
    lines = ["17-01-2022 Klima-, Teknik- og Miljøudvalget", "Udvalget kan ikke følge indstillingen.",
             "Afbud: Heidi Serny Jacobsen 24-01-2022 Økonomiudvalget", "Økonomiudvalget anbefaler overfor Byrådet.",
             "04-04-2022 Byråd 2022", "Beslutning ikke frigivet"]
    found = extract.parse_treatment_lines(lines, "2022-05-01", "sagsforløb")
    assert [(t.council, t.date, t.decision_kind) for t in found] == [
        ("Klima-, Teknik- og Miljøudvalget", "2022-01-17", "afvist"),
        ("Økonomiudvalget", "2022-01-24", "anbefales"),
        ("Byråd", "2022-04-04", None),
    ]
    assert found[0].decision == "Udvalget kan ikke følge indstillingen." and found[2].decision is None


def test_council_key_and_letters():
    assert extract.council_key("Byråd 2022-2025") == extract.council_key("Byrådet") == extract.council_key("byraadet")
    assert extract.council_key("Økonomiudvalget") != extract.council_key("Byrådet")
    assert extract.restore_danish_letters("skole boerne og ungeudvalget") == "skole børne og ungeudvalget"
    assert extract.restore_danish_letters("socioekonomisk") == "socioekonomisk"
    assert extract.body_list("Skole-, Børne- og Ungeudvalget, Økonomiudvalget og Byrådet.") == [
        "Skole-, Børne- og Ungeudvalget", "Økonomiudvalget", "Byrådet"]
