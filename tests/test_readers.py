"""Readers: every supported format comes out as repaired text, every bad file as a ReadError."""

from __future__ import annotations

import hashlib
import io
import pickle
import re
from pathlib import Path

import pytest

from indexer.readers import SUPPORTED_SUFFIXES, ReadError, SourceText, read_document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEEDS = sorted(CORPUS.glob("*/*.txt"))
# Tests run from a checkout at /work/main; the shared samples live beside it.
FORMATS = Path(__file__).resolve().parents[2] / "shared" / "formats"
AARHUS = FORMATS / "aarhus_byraad_2025-10-08_dagsorden.html"
BALLERUP_PDF = FORMATS / "ballerup_sfu_2012-12-04_referat.pdf"
SYDDJURS_PDF = FORMATS / "syddjurs_puk_2013-06-20_referat.pdf"

DANISH = (
    "Økonomiudvalget behandlede forslaget om et nyt plejecenter i Åbyhøj.\n\n"
    "Beslutning: Ærø Kommune og Brønshøj deltager; § 17, stk. 4. Æbler, øl og ål."
)
CP1252_ONLY = "Indstilling – “godkendt” … pris 5 € pr. måned"
MIXED_WORD = re.compile(r"\w*(?:[A-Za-zÆØÅæøå][\u0370-\u052f]|[\u0370-\u052f][A-Za-zÆØÅæøå])\w*")


def needs(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is missing: the shared format samples live in /work/shared/formats beside the checkout")
    return path


def blocks(text: str) -> list[str]:
    return text.split("\n\n")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- API ------------------------------------------------------------------------


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == frozenset({".txt", ".text", ".html", ".htm", ".pdf", ".json"})


def test_read_error_reads_path_colon_reason():
    error = ReadError(Path("corpus/x/a.pdf"), "PDF is encrypted")
    assert str(error) == "corpus/x/a.pdf: PDF is encrypted"
    assert error.path == Path("corpus/x/a.pdf") and error.reason == "PDF is encrypted"
    copy = pickle.loads(pickle.dumps(error))  # ingest workers may send it between processes
    assert str(copy) == str(error)


def test_unknown_suffix(tmp_path: Path):
    path = write(tmp_path, "budget.docx", b"PK\x03\x04")
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert str(caught.value).startswith(f"{path}: unsupported file type .docx")


def test_missing_file(tmp_path: Path):
    with pytest.raises(ReadError, match="file not found"):
        read_document(tmp_path / "nope.txt")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write(tmp_path, "locked.txt", b"tekst")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert caught.value.reason == "file is unreadable: permission denied"
    assert str(caught.value) == f"{path}: file is unreadable: permission denied"


@pytest.mark.parametrize("name", ["tom.txt", "tom.html", "tom.pdf", "tom.text"])
def test_empty_file(tmp_path: Path, name: str):
    path = write(tmp_path, name, b"")
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: empty file"


# --- plain text -------------------------------------------------------------------


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_reads_and_repairs(path: Path):
    source = read_document(path)
    assert isinstance(source, SourceText)
    assert source.format == "txt" and source.path == path
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(source.text) > 1000
    assert not MIXED_WORD.search(source.text)
    assert "Å§" not in source.text
    assert not [line for line in source.text.split("\n") if line.strip() in {"Å", "?"}]


def test_seed_maglemosen():
    text = read_document(CORPUS / "ballerup" / "socialudvalget-2025-05-06-referat.txt").text
    assert "Punkt 5: Tilsyn på Maglemosen" in text
    assert "Magleмосen" not in text


@pytest.mark.parametrize(
    ("encoding", "bom", "text"),
    [
        ("utf-8", b"", DANISH + "\n" + CP1252_ONLY),
        ("utf-8", b"\xef\xbb\xbf", DANISH + "\n" + CP1252_ONLY),
        ("utf-16-le", b"\xff\xfe", DANISH + "\n" + CP1252_ONLY),
        ("utf-16-be", b"\xfe\xff", DANISH + "\n" + CP1252_ONLY),
        ("cp1252", b"", DANISH + "\n" + CP1252_ONLY),
        ("latin-1", b"", DANISH),
        ("utf-16-le", b"", DANISH),  # Windows tools sometimes drop the BOM
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1252", "latin1", "utf16le-no-bom"],
)
def test_encodings_decode_exactly(tmp_path: Path, encoding: str, bom: bytes, text: str):
    raw = bom + (text + "\r\n").replace("\n", "\r\n").encode(encoding)
    path = write(tmp_path, "referat.txt", raw)
    source = read_document(path)
    assert source.text == text
    assert source.sha256 == hashlib.sha256(raw).hexdigest()


def test_short_cp1252_danish_is_not_mistaken_for_another_code_page(tmp_path: Path):
    path = write(tmp_path, "kort.txt", "Mødested: Rådhuset, lokale 1.11 – Ærø".encode("cp1252"))
    assert read_document(path).text == "Mødested: Rådhuset, lokale 1.11 – Ærø"


def test_dos_code_page_falls_back_to_detection(tmp_path: Path):
    text = "Referat fra mødet i udvalget for børn og unge. Sagen blev godkendt af udvalget, og der blev ført følgende til protokol: Økonomien er på plads, og området får ekstra ressourcer til de ældre."
    path = write(tmp_path, "dos.txt", text.encode("cp850"))
    decoded = read_document(path).text
    assert "ø" in decoded and "‘" not in decoded and "›" not in decoded


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"Referat\x00\x00\x01\x02 med NUL-bytes",
        bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 50,
    ],
    ids=["all-bytes", "png", "nul", "controls"],
)
def test_binary_garbage_is_rejected_naming_the_file(tmp_path: Path, data: bytes):
    path = write(tmp_path, "skrald.txt", data)
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert caught.value.path == path
    assert str(caught.value) == f"{path}: not valid text: binary content"


@pytest.mark.parametrize("data", [b"   \n\n\t  \r\n", b"\xef\xbb\xbf  \n", "  \n".encode("utf-16")])
def test_blank_text_is_empty(tmp_path: Path, data: bytes):
    path = write(tmp_path, "blank.txt", data)
    with pytest.raises(ReadError, match="empty file"):
        read_document(path)


def test_text_suffix_and_upper_case(tmp_path: Path):
    assert read_document(write(tmp_path, "a.text", b"Dagsorden")).format == "txt"
    assert read_document(write(tmp_path, "B.TXT", b"Dagsorden")).text == "Dagsorden"


# --- HTML -------------------------------------------------------------------------

AGENDA_PAGE = """<!DOCTYPE html>
<html lang="da"><head>
<meta charset="utf-8"><title>Byrådet – dagsorden</title>
<style>.hemmelig { color: red } body::before { content: "STYLE-TEKST" }</style>
<script>var tekst = "SCRIPT-TEKST"; document.write("<p>SKREVET-AF-SCRIPT</p>");</script>
</head>
<body>
<nav><ul><li><a href="/">Forside</a></li><li>NAV-MENU</li></ul></nav>
<header class="site-header"><a href="/">Kommunens logo og HEADER-CHROME</a></header>
<noscript>NOSCRIPT-TEKST</noscript>
<template><p>TEMPLATE-TEKST</p></template>
<div class="container">
  <h1>Dagsorden 8. oktober 2025</h1>
  <div class="meta">Byrådet <span>– Byrådssalen</span></div>
  <p>Mødet <b>begynder</b> kl. 16.00.<br>Mødet er offentligt.</p>
  <div hidden>SKJULT-ATTRIBUT</div>
  <div style="display: none">SKJULT-STIL</div>
  <span aria-hidden="true">SKJULT-ARIA</span>
  <span class="sr-only">KUN-SKÆRMLÆSER</span>
  <button type="button">KNAP-TEKST</button>
  <ul class="dropdown-menu" role="menu"><li><a href="#">Hent som PDF</a></li></ul>
  <h2>Punkt 1: Godkendelse af dagsorden</h2>
  <div>Direkte tekst i en div
    <div>Indlejret afsnit</div>
    efterfølgende tekst
  </div>
  <ul><li>Første punkt</li><li>Andet <i>punkt</i></li></ul>
  <dl><dt>Udvalg:</dt><dd>Magistraten</dd></dl>
  <table><tr><th>Parti</th><th>Stemmer</th></tr><tr><td>A</td><td>5</td></tr></table>
  <form action="/send"><label>Din e-mail</label><input value="FORMULAR-VÆRDI"><textarea>FORMULAR-TEKST</textarea></form>
  <svg><text>SVG-TEKST</text></svg>
  <!-- KOMMENTAR -->
</div>
<div class="modal" role="dialog"><h4>Der opstod en fejl</h4><p>MODAL-TEKST</p></div>
<footer>Kontakt os · FOOTER-CHROME</footer>
<script>window.localizationKeys = {"x": "SCRIPT-TO"};</script>
</body></html>
"""


def test_html_blocks_and_chrome(tmp_path: Path):
    text = read_document(write(tmp_path, "side.html", AGENDA_PAGE.encode("utf-8"))).text
    assert blocks(text) == [
        "Dagsorden 8. oktober 2025",
        "Byrådet – Byrådssalen",
        "Mødet begynder kl. 16.00.\nMødet er offentligt.",
        "Punkt 1: Godkendelse af dagsorden",
        "Direkte tekst i en div",
        "Indlejret afsnit",
        "efterfølgende tekst",
        "Første punkt",
        "Andet punkt",
        "Udvalg:",
        "Magistraten",
        "Parti Stemmer",
        "A 5",
    ]


def test_html_script_and_style_never_reach_text(tmp_path: Path):
    text = read_document(write(tmp_path, "side.htm", AGENDA_PAGE.encode("utf-8"))).text
    for leaked in ("SCRIPT", "STYLE", "SKREVET-AF-SCRIPT", "color: red", "NOSCRIPT", "TEMPLATE", "SVG-TEKST",
                   "NAV-MENU", "HEADER-CHROME", "FOOTER-CHROME", "SKJULT", "KUN-SKÆRMLÆSER", "KNAP-TEKST",
                   "Hent som PDF", "FORMULAR", "Din e-mail", "MODAL-TEKST", "Der opstod en fejl", "KOMMENTAR",
                   "localizationKeys", "Byrådet – dagsorden"):
        assert leaked not in text, leaked


def test_html_layout_table_puts_item_number_before_heading(tmp_path: Path):
    page = """<html><body><table>
      <thead><tr><th>Punkt</th><th>Titel</th></tr></thead>
      <tbody>
        <tr><td><span class="label">1</span></td>
            <td><h2>Godkendelse af dagsorden</h2><div><span>EMN-2023-009832</span><p>Resume</p></div></td></tr>
        <tr><td><span>2</span></td><td><h2>Budget 2026</h2><p>Tekst</p></td></tr>
      </tbody></table>
      <table><tr><td>7</td><td><h3>Uden kolonnenavn</h3></td></tr></table></body></html>"""
    text = read_document(write(tmp_path, "tabel.html", page.encode("utf-8"))).text
    assert blocks(text) == [
        "Punkt 1: Godkendelse af dagsorden", "EMN-2023-009832", "Resume",
        "Punkt 2: Budget 2026", "Tekst",
        "7. Uden kolonnenavn",
    ]


def test_html_declared_cp1252(tmp_path: Path):
    page = '<html><head><meta charset="windows-1252"></head><body><p>Ærø – “Åbyhøj”</p></body></html>'
    path = write(tmp_path, "gammel.html", page.encode("cp1252"))
    assert read_document(path).text == "Ærø – “Åbyhøj”"


def test_html_without_text(tmp_path: Path):
    path = write(tmp_path, "tom.html", b"<html><head><script>var a = 1;</script></head><body><nav>Menu</nav></body></html>")
    with pytest.raises(ReadError, match="HTML page has no readable text"):
        read_document(path)


@pytest.fixture(scope="module")
def aarhus() -> str:
    return read_document(needs(AARHUS)).text


def test_aarhus_meeting_header(aarhus: str):
    head = blocks(aarhus)[:8]
    assert head[0] == "Dagsorden 8. oktober 2025 kl. 16.00"
    assert "Aarhus Byråd - Byrådssalen" in head
    assert "Udvalg: Aarhus Byråd" in head
    assert "Mødedato: onsdag den 8. oktober 2025 kl. 16.00" in head


def test_aarhus_items_headings_and_case_numbers(aarhus: str):
    parts = blocks(aarhus)
    headings = [b for b in parts if re.fullmatch(r"Punkt \d+: .+", b)]
    assert len(headings) == 33
    assert headings[:3] == [
        "Punkt 1: Godkendelse af dagsorden",
        "Punkt 2: Forslag til budget 2026-2029",
        "Punkt 3: Materiale til Magistratens 1. tekniske behandling af budget 2026",
    ]
    assert "Punkt 11: Svar på forslag fra S, SF, RV, M og ALT om vindmøller på Aarhus Havn" in headings
    # each item heading is followed by its case number, on a block of its own
    after = {parts[i]: parts[i + 1] for i, b in enumerate(parts) if b in headings}
    assert after["Punkt 1: Godkendelse af dagsorden"] == "EMN-2023-009832"
    assert after["Punkt 2: Forslag til budget 2026-2029"] == "EMN-2025-008308"
    assert all(re.fullmatch(r"EMN-\d{4}-\d{6}", case) for case in after.values())


def test_aarhus_sagsforloeb(aarhus: str):
    parts = blocks(aarhus)
    start = parts.index("Sagsforløb:")
    assert parts[start + 1: start + 4] == ["Udvalg: Magistraten", "Dato: 02-09-2025", "Punktnummer: 3"]
    assert parts[start + 4].startswith("Fremsendes til Aarhus Byråd med bemærkning, at Magistraten")
    assert aarhus.count("Sagsforløb:") >= 20


def test_aarhus_has_no_page_chrome(aarhus: str):
    for chrome in ("Hent som PDF", "Kopier link", "Tilbage til forsiden", "Hent hele dagsordenen",
                   "window.localizationKeys", "Der opstod en fejl", "Annuller", "Abonnér", "Punkt Titel"):
        assert chrome not in aarhus, chrome
    assert not [b for b in blocks(aarhus) if b in {"PDF", "×", "OK", "Send", "."} or b.isdigit()]


# --- PDF: real minutes -------------------------------------------------------------


@pytest.fixture(scope="module")
def ballerup() -> str:
    return read_document(needs(BALLERUP_PDF)).text


@pytest.fixture(scope="module")
def syddjurs() -> str:
    return read_document(needs(SYDDJURS_PDF)).text


def test_ballerup_pdf_items(ballerup: str):
    parts = blocks(ballerup)
    items = [
        "1. Meddelelser",
        "2. Bygningsvedligeholdelse 2013 - anlægsbevilling",
        "3. Kvalitetsstandarder for stof- og alkoholbehandling 2012-2013",
        "4. Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013",
        "5. KL's opfølgningsproces vedrørende det nære sundhedsvæsen",
        "6. Prioritering af midler til kronisk syge borgere og hverdagsrehabilitering for ældre",
        "7. Etablering af aktivitetscenter på Solvej 6 i Ballerup",
        "8. Evaluering af rygestopkurser",
    ]
    positions = [parts.index(title, parts.index("Lukket referat")) for title in items]
    assert positions == sorted(positions)
    assert parts[positions[0] + 1: positions[0] + 3] == ["Sagsnr.: 2011-29298", "Dok.nr.: 2012-202935"]
    assert parts[positions[1] + 1] == "Sagsnr.: 2012-28504"
    assert len(re.findall(r"^Sagsnr\.: 20\d\d-\d+$", ballerup, re.M)) == 8


def test_ballerup_pdf_paragraphs(ballerup: str):
    parts = blocks(ballerup)
    assert (
        "Det årlige bygningssyn er nu afsluttet, og der er foretaget en prioritering af "
        "aktiviteter for bygningsvedligeholdelse 2013."
    ) in parts
    assert "Sammendrag" in parts and "Sagsfremstilling" in parts  # headings stand alone
    assert "c. Konference den 10. december 2012 - Forebyggelse af ulighed i sundhedsvæsenet" in parts
    assert "Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 8" in parts
    # contents rows stay one block each
    assert "2. Bygningsvedligeholdelse 2013 - anlægsbevilling 3" in parts
    assert "6. Prioritering af midler til kronisk syge borgere og hverdagsrehabilitering for ældre 10" in parts
    assert parts[:3] == ["Referat", "Sundheds- og Forebyggelsesudvalget", "tirsdag den 4. december 2012, kl. 13:00"]


def test_ballerup_pdf_has_no_running_headers(ballerup: str):
    lines = ballerup.split("\n")
    assert not [line for line in lines if re.fullmatch(r"Side \d+", line)]
    assert "Dato: 04.12.2012" not in ballerup
    assert ballerup.count("Åbent referat") == 2  # title page and contents, not 15 page headers


def test_ballerup_pdf_hyphenation(ballerup: str):
    assert not re.search(r"\w-\n", ballerup)
    assert "en del ikke-planlagte opgaver" in ballerup
    assert "under Sundheds- og Forebyggelsesudvalget godkendes" in ballerup
    assert "data på 6-måneders opfølgningen" in ballerup
    assert "\ufffe" not in ballerup


def test_syddjurs_pdf(syddjurs: str):
    parts = blocks(syddjurs)
    start = parts.index("715. Kulturkommune 2017. Politiske fokusområder")
    assert parts[start + 1: start + 4] == [
        "Sagsnr.: 12/27845",
        "Sagen afgøres i: Udvalget for plan, udvikling og kultur (PUK)",
        "Resumé",
    ]
    assert "- Hvad vil du gerne have opnået i 2017?" in parts
    assert "Beslutning i Udvalget for plan, udvikling og kultur (PUK) den 20-06-2013" in parts
    assert parts[:2] == ["Referat", "Udvalget for plan, udvikling og kultur (PUK)"]


def test_syddjurs_pdf_has_no_running_headers(syddjurs: str):
    assert "Referat For Udvalget" not in syddjurs
    assert not re.search(r"\b\d of 5\b", syddjurs)
    assert not re.search(r"^Side \d+$", syddjurs, re.M)
    assert syddjurs.count("20. juni 2013 - kl. 10:30") == 0


# --- PDF: built here ----------------------------------------------------------------


def make_pdf(pages: list[list[tuple[float, float, str, bool]]], *, size: float = 10.0, shapes: bool = False) -> bytes:
    """A small text PDF: each line is (x, distance from page top, text, bold).

    Courier is used because it is monospaced (0.6 em per character), so line
    widths are known without font metrics.
    """
    height = 842
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 2 * len(pages) + 1
    kids = []
    for lines in pages:
        ops = [b"0.5 g 40 40 515 760 re f"] if shapes else []
        for x, top, text, is_bold in lines:
            raw = text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"BT /F%d %.1f Tf %.1f %.1f Td (%s) Tj ET" % (2 if is_bold else 1, size, x, height - top, raw))
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>" % (pages_id, height, content, regular, bold)
        ))
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def paragraph_lines(top: float, *lines: str) -> list[tuple[float, float, str, bool]]:
    return [(72.0, top + 12 * i, line, False) for i, line in enumerate(lines)]


def test_pdf_hyphenation_and_paragraphs(tmp_path: Path):
    page = [(72.0, 80.0, "Punkt 3: Tilsyn med botilbud", True)]
    page += paragraph_lines(
        104,
        "Sagen behandles først i social-",
        "udvalget og derefter i Social-",
        "og Sundhedsudvalget samt i det",
        "Arbejdsmarkeds-, Psykiatri- og",
        "Handicapudvalget, og KKR-",
        "regi bliver orienteret om sagen.",
    )
    page += paragraph_lines(200, "Næste afsnit står for sig selv.")
    text = read_document(write(tmp_path, "orddeling.pdf", make_pdf([page]))).text
    assert blocks(text) == [
        "Punkt 3: Tilsyn med botilbud",
        "Sagen behandles først i socialudvalget og derefter i Social- og Sundhedsudvalget samt i det "
        "Arbejdsmarkeds-, Psykiatri- og Handicapudvalget, og KKR-regi bliver orienteret om sagen.",
        "Næste afsnit står for sig selv.",
    ]


def test_pdf_hyphen_kept_when_document_writes_it(tmp_path: Path):
    page = paragraph_lines(
        100,
        "Skolen har en grøn-blå profil, og den",
        "kommende plan gør skolen mere grøn-",
        "blå end i dag, som nævnt i planen.",
    )
    text = read_document(write(tmp_path, "bindestreg.pdf", make_pdf([page]))).text
    assert "mere grøn-blå end i dag" in text


def test_pdf_short_lines_stay_apart(tmp_path: Path):
    page = paragraph_lines(
        100,
        "Tidsplan:",
        "Juni 2012: Planlægning af projektet",
        "Juli 2012: Kultur-postkort til byrådet",
        "Sept. 2012: Temaworkshop for byrådet",
    ) + paragraph_lines(160, "Et langt afsnit, som fylder hele linjen ud til højre margen", "og fortsætter på næste linje.")
    text = read_document(write(tmp_path, "liste.pdf", make_pdf([page]))).text
    assert blocks(text) == [
        "Tidsplan:",
        "Juni 2012: Planlægning af projektet",
        "Juli 2012: Kultur-postkort til byrådet",
        "Sept. 2012: Temaworkshop for byrådet",
        "Et langt afsnit, som fylder hele linjen ud til højre margen og fortsætter på næste linje.",
    ]


def test_pdf_contents_and_table_rows_stay_apart(tmp_path: Path):
    page = [(72.0, 100.0, "Indholdsfortegnelse", True)]
    rows = [("1. Meddelelser", "3"), ("2. Bygningsvedligeholdelse 2013", "3"), ("3. Kvalitetsstandarder", "6")]
    for i, (title, number) in enumerate(rows):
        page += [(72.0, 124.0 + 12 * i, title, False), (500.0, 124.0 + 12 * i, number, False)]
    page += paragraph_lines(200, "Et langt afsnit, som fylder hele linjen ud til højre margen med ord", "og slutter.")
    text = read_document(write(tmp_path, "indhold.pdf", make_pdf([page]))).text
    assert blocks(text) == [
        "Indholdsfortegnelse",
        "1. Meddelelser 3",
        "2. Bygningsvedligeholdelse 2013 3",
        "3. Kvalitetsstandarder 6",
        "Et langt afsnit, som fylder hele linjen ud til højre margen med ord og slutter.",
    ]


def test_pdf_running_headers_footers_and_page_numbers_removed(tmp_path: Path):
    pages = []
    for number in range(1, 4):
        lines = [
            (300.0, 40.0, "Socialudvalget - referat", False),
            (300.0, 52.0, "Dato: 06.05.2025", False),
        ]
        if number == 1:
            lines.append((72.0, 140.0, "Socialudvalget - referat", True))  # the title page's own heading
        lines += paragraph_lines(200, f"Indholdet af side {number} er en sætning,", "som slutter her.")
        lines.append((260.0, 800.0, f"Side {number} af 3", False))
        pages.append(lines)
    text = read_document(write(tmp_path, "sider.pdf", make_pdf(pages))).text
    assert blocks(text) == [
        "Socialudvalget - referat",
        "Indholdet af side 1 er en sætning, som slutter her.",
        "Indholdet af side 2 er en sætning, som slutter her.",
        "Indholdet af side 3 er en sætning, som slutter her.",
    ]


def test_pdf_without_text_layer(tmp_path: Path):
    path = write(tmp_path, "scannet.pdf", make_pdf([[], []], shapes=True))
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: PDF has no text layer (scanned?)"


def test_pdf_with_only_page_numbers_has_no_text_layer(tmp_path: Path):
    pages = [[(500.0, 20.0, f"{n} of 3", False)] for n in range(1, 4)]
    with pytest.raises(ReadError, match=re.escape("PDF has no text layer (scanned?)")):
        read_document(write(tmp_path, "stempel.pdf", make_pdf(pages, shapes=True)))


def test_truncated_pdf(tmp_path: Path):
    data = make_pdf([paragraph_lines(100, "Et referat.")])
    path = write(tmp_path, "afbrudt.pdf", data[: len(data) // 2])
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert caught.value.reason.startswith("PDF is damaged or truncated")
    assert str(caught.value).startswith(f"{path}: ")


def test_truncated_real_pdf(tmp_path: Path):
    data = needs(BALLERUP_PDF).read_bytes()
    with pytest.raises(ReadError, match="PDF is damaged or truncated"):
        read_document(write(tmp_path, "afbrudt.pdf", data[: len(data) * 2 // 3]))


def test_not_a_pdf(tmp_path: Path):
    path = write(tmp_path, "forklaedt.pdf", b"<html><body>Ikke en PDF</body></html>")
    with pytest.raises(ReadError, match=re.escape("not a PDF file (no %PDF header)")):
        read_document(path)


def test_encrypted_pdf(tmp_path: Path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf([paragraph_lines(100, "Fortroligt referat.")])))
    writer.encrypt(user_password="hemmelig", owner_password="ejer", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path, "laast.pdf", buffer.getvalue())
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: PDF is encrypted"


def test_pdf_with_owner_password_only_is_read(tmp_path: Path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf([paragraph_lines(100, "Offentligt referat.")])))
    writer.encrypt(user_password="", owner_password="ejer", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert read_document(write(tmp_path, "rettigheder.pdf", buffer.getvalue())).text == "Offentligt referat."


def test_random_bytes_are_no_document(tmp_path: Path):
    """Random bytes named .txt never become a note (issue: a random file was indexed as "DDDD…")."""
    import random

    rng = random.Random(20261201)
    for size in (16, 64, 300, 4096, 65536):
        for trial in range(20):
            path = write(tmp_path, f"r{size}-{trial}.txt", rng.randbytes(size))
            with pytest.raises(ReadError):
                read_document(path)
    with pytest.raises(ReadError, match="not a document"):
        read_document(write(tmp_path, "d.txt", b"D" * 5000))


def test_document_shares_are_counted_per_character() -> None:
    """`looks_like_document` counts prose and Latin letters by regex scans;
    they count exactly what a test per character counts, over every script."""
    import random

    from indexer.readers import _BEYOND_LATIN, _NOT_PROSE, _PROSE_CHARS

    rng = random.Random(14)
    for top in (0x80, 0x300, 0x3000, 0x10FFFF):
        text = "".join(chr(rng.randrange(0, top)) for _ in range(20_000)).encode("utf-8", "replace").decode("utf-8", "replace")
        assert len(_PROSE_CHARS.findall(text)) + len(_NOT_PROSE.findall(text)) == len(text)
        assert len(text) - len(_BEYOND_LATIN.findall(text)) == sum(1 for ch in text if ch < "\u0250")
