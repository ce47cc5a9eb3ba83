"""A Greve case that went from a fagudvalg through Økonomiudvalget to the Byråd,
built from the three meetings' FirstAgenda files (copied to a temporary corpus),
and files that are no documents beside them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from indexer.build import build

@pytest.fixture(scope="module")
def greve_case_app(greve_case_corpus, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(greve_case_corpus, corpus)
    (corpus / "greve" / "noise.txt").write_bytes(os.urandom(4096).replace(b"\x00", b"\x01"))
    (corpus / "greve" / "other.json").write_text('{"rows": []}', encoding="utf-8")
    index = tmp_path_factory.mktemp("index")
    summary = build(corpus, index)
    from webapp import create_app

    return corpus, summary, create_app(index, testing=True, corpus_dir=corpus)


def test_case_page_shows_every_body_in_date_order(greve_case_app):
    _, _, app = greve_case_app
    client = app.test_client()
    case = client.get("/api/cases/21-016074").get_json()
    archived = [(t["date"], t["council"], t["decision_kind"]) for t in case["treatments"] if t["in_archive"]]
    assert archived == [
        ("2022-01-10", "Beskæftigelses- og Erhvervsudvalget", "taget til efterretning"),
        ("2022-01-24", "Økonomiudvalget", "anbefales"),
        ("2022-01-31", "Byråd", "godkendt"),
    ]
    decisions = [t["decision"] for t in case["treatments"] if t["in_archive"]]
    assert decisions[1].startswith("Økonomiudvalget anbefaler overfor Byrådet")
    assert decisions[2] == "Byrådet godkendte Økonomiudvalgets indstilling."
    page = client.get("/sag/21-016074").get_data(as_text=True)
    positions = [page.index(body) for body in ("Beskæftigelses- og Erhvervsudvalget", "Økonomiudvalget anbefaler", "Byrådet godkendte")]
    assert positions == sorted(positions)


def test_quoted_decisions_of_meetings_outside_the_archive(greve_case_app):
    """The Aflandshage case's Sagens forløb quotes each body's decision; the
    bodies whose meetings are archived are linked, the rest keep the quote."""
    _, _, app = greve_case_app
    case = app.test_client().get("/api/cases/19-033355K").get_json()
    by_body = {(t["date"], t["council"]): t for t in case["treatments"]}
    ktm = by_body[("2022-01-17", "Klima-, Teknik- og Miljøudvalget")]
    assert not ktm["in_archive"] and ktm["decision"].startswith("Udvalget kan ikke følge indstillingen")
    assert by_body[("2022-01-24", "Økonomiudvalget")]["in_archive"]


def test_non_documents_are_reported_not_indexed(greve_case_app):
    corpus, summary, app = greve_case_app
    reasons = {entry["path"].rsplit("/", 1)[-1]: entry["reason"] for entry in summary.skipped}
    assert "not a document" in reasons["noise.txt"] or "binary" in reasons["noise.txt"]
    assert "not a FirstAgenda meeting" in reasons["other.json"]
    assert summary.meetings == 3 and summary.coverage["meetings"] == 3 and summary.coverage["failed"] == 2
    check = subprocess.run([sys.executable, "-m", "indexer", "parse", "--check", str(corpus)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 1
    lines = {line.split(":")[0].rsplit("/", 1)[-1]: line for line in check.stdout.splitlines()}
    assert lines["noise.txt"].startswith("FEJL") and lines["other.json"].startswith("FEJL")
    assert sum(line.startswith("ok") for line in check.stdout.splitlines()) == 3


def test_parse_report_totals(greve_case_app):
    corpus, _, _ = greve_case_app
    report = subprocess.run([sys.executable, "-m", "indexer", "parse", "--report", "--json", str(corpus)],
                            capture_output=True, text=True, timeout=120)
    assert "I alt 5 filer" in report.stdout and "råd 100 %" in report.stdout
    totals = __import__("json").loads(report.stdout[report.stdout.index("{"):])
    assert totals["meetings"] == 3 and totals["failed"] == 2 and totals["shares"]["council"] == 1.0


def test_case_page_shows_decisions_whole(greve_case_app):
    """Never cut at 300 characters: the Byråd's whole decision, to its last sentence."""
    _, _, app = greve_case_app
    client = app.test_client()
    case = client.get("/api/cases/21-016162").get_json()
    longest = max((t["decision"] or "" for t in case["treatments"]), key=len)
    assert len(longest) > 300
    page = client.get("/sag/21-016162").get_data(as_text=True)
    from html import unescape

    assert unescape(longest.split("\n")[-1]).strip()[-40:] in unescape(page)
