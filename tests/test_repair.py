"""repair_text: the debris found in the seed corpus, and legitimate Danish left alone."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.repair import repair_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEEDS = sorted(CORPUS.glob("*/*.txt"))
SOCIAL = CORPUS / "ballerup" / "socialudvalget-2025-05-06-referat.txt"
PSYK_2025 = CORPUS / "ballerup" / "psykiatriraadet-2025-11-06-dagsorden.txt"

# A Latin letter and a Cyrillic/Greek letter inside one word, in either order.
MIXED_WORD = re.compile(
    r"\w*(?:[A-Za-zÆØÅæøå][\u0370-\u052f]|[\u0370-\u052f][A-Za-zÆØÅæøå])\w*"
)


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- the seed corpus ------------------------------------------------------------


def test_there_are_seeds():
    assert len(SEEDS) >= 5


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_repairs_cleanly(path: Path):
    repaired = repair_text(seed_text(path))
    assert repaired.strip()
    assert not MIXED_WORD.search(repaired), MIXED_WORD.search(repaired)
    assert "Å§" not in repaired and "Â" not in repaired
    lines = repaired.split("\n")
    assert not [line for line in lines if line.strip() in {"Å", "?", "??", "."}]
    assert "\n\n\n" not in repaired and "\r" not in repaired and "\u00a0" not in repaired
    assert unicodedata.is_normalized("NFC", repaired)
    assert repair_text(repaired) == repaired  # idempotent


def test_seed_cyrillic_lookalikes_become_maglemosen():
    original = seed_text(SOCIAL)
    assert "Magleмосen" in original  # the debris really is in the seed
    repaired = repair_text(original)
    assert "Magleмосen" not in repaired
    assert "Tilsyn på Maglemosen" in repaired
    assert "Maglemosens STU har god kvalitet" in repaired


def test_seed_section_sign_and_lone_aring_lines():
    repaired = repair_text(seed_text(PSYK_2025))
    assert "- Voksne - kontante tilskud § 95" in repaired
    assert "- Voksne - merudgifter § 100." in repaired
    assert "Serviceoven.\n" in repaired and "Serviceoven.Å" not in repaired
    assert "\nÅ\n" not in f"\n{repaired}\n"


def test_seed_question_mark_debris():
    repaired = repair_text(seed_text(SOCIAL))
    assert "\n?\n" not in f"\n{repaired}\n"
    assert "for at sikre kapacitetsudnyttelse.\n" in repaired
    assert "omlægning af tilbuddene.\n" in repaired
    assert "\nSagen forelægges ligeledes til godkendelse" in repaired
    # real questions stay questions
    assert "Yderligere deltagelse på mødet?" in repaired


def test_seed_legitimate_text_is_untouched():
    """Apart from debris and whitespace, a clean seed comes back word for word."""
    original = seed_text(CORPUS / "ballerup" / "psykiatriraadet-2021-04-22-referat.txt")
    repaired = repair_text(original)
    assert repaired.split() == original.split()


# --- Cyrillic and Greek look-alikes --------------------------------------------------


def test_lookalikes_use_spelling_found_elsewhere_in_document():
    text = "Tilsyn på Magleмосen.\n\nUCC Maglemosen har svaret."
    assert repair_text(text) == "Tilsyn på Maglemosen.\n\nUCC Maglemosen har svaret."


def test_visual_lookalikes_without_other_evidence():
    assert repair_text("Bоrgerrådgiver") == "Borgerrådgiver"  # Cyrillic о
    assert repair_text("Kommunalbestуrelsen") == "Kommunalbestyrelsen"  # Cyrillic у
    assert repair_text("ΚOMMUNE") == "KOMMUNE"  # Greek Kappa


@pytest.mark.parametrize("word", ["Москва", "Αθήνα", "Мoсква", "дом"])
def test_genuine_cyrillic_and_greek_words_stay(word: str):
    assert repair_text(f"Delegationen fra {word} deltog.") == f"Delegationen fra {word} deltog."


def test_word_with_foreign_letter_without_latin_twin_stays():
    assert repair_text("Magleжsen") == "Magleжsen"


# --- extraction debris ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Å§ 95 og Â§ 96", "§ 95 og § 96"),
        ("Serviceoven.Å\n\nNæste", "Serviceoven.\n\nNæste"),
        ("første\n\nÅ\n\nanden", "første\n\nanden"),
        ("første\n?\nanden", "første\nanden"),
        ("kapacitetsudnyttelse.??", "kapacitetsudnyttelse."),
        ("tilbuddene.? Næste sætning", "tilbuddene. Næste sætning"),
        ("følgende emner:?\n- a", "følgende emner:\n- a"),
        ("?Sagen forelægges", "Sagen forelægges"),
        ("Hvem spiller bolden?\nHvad så?", "Hvem spiller bolden?\nHvad så?"),
        ("social\u00adudvalget", "socialudvalget"),
        ("Magle\u200bmosen\ufeff", "Maglemosen"),
        ("kl.\u00a013.00\u202fi salen", "kl. 13.00 i salen"),
        ("a   b\t\tc   ", "a b\t\tc"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("\n\n  \n\ntekst\n\n\t\n", "tekst"),
        ("a\u2028b\u000cc", "a\nb\nc"),
        ("ﬁnansiering og ﬂytning", "finansiering og flytning"),
        ("Ã¦Ã¸Ã¥ Ã†Ã˜Ã… Â§ 5 â€“ â€œciteretâ€\x9d", "æøå ÆØÅ § 5 – “citeret”"),
        ("pris: \x80 100 \x96 eller mere", "pris: € 100 – eller mere"),
        ("\uf0b7 Hvad vil du gerne have opnået?", "- Hvad vil du gerne have opnået?"),
        ("bel\x00ø\x07b", "beløb"),
    ],
)
def test_debris(raw: str, expected: str):
    assert repair_text(raw) == expected


def test_nfc():
    decomposed = unicodedata.normalize("NFD", "Århus Ø æble")
    assert decomposed != "Århus Ø æble"
    assert repair_text(decomposed) == "Århus Ø æble"


@pytest.mark.parametrize(
    "text",
    [
        "Åbne meddelelser",
        "Vejle Å løber gennem byen. Helhedsplan for Aarhus Å som grøn kile",
        "Brande Åbo\t5,0\t4,0",
        "Vejle Å”",
        "jf. § 97 og §§ 103-104 i Serviceloven.",
        "Hvad vil det kræve? – og af hvem?",
        "Arbejdsmarkeds-, Psykiatri- og Handicapudvalget",
        "Social- og Sundhedsudvalget",
        "1. Godkendelse af dagsorden\n\n2. Meddelelser",
        "Beløb: 1.316.000 kr. … “citat” – ’enkelt’",
        "Zürich, Málaga, Œuvre, façade",
        "https://ballerup.dk/borger?side=2&x=3",
        "\t\tTilgang\tAfgang",
    ],
)
def test_legitimate_danish_is_left_alone(text: str):
    assert repair_text(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcæøåÅÂ§?.:; \t\n\r\u00a0\u00adмосΚЖ-Ã¸\x96\uf0b7")), max_size=60))
def test_idempotent(text: str):
    once = repair_text(text)
    assert repair_text(once) == once


def test_fast_on_large_text():
    """The indexer feeds whole documents of tens of megabytes through repair_text."""
    big = "\n\n".join(seed_text(path) for path in SEEDS) * 40  # about 7.5 MB
    started = time.perf_counter()
    repaired = repair_text(big)
    elapsed = time.perf_counter() - started
    assert "Maglemosen" in repaired
    assert elapsed < 5.0, f"repair_text took {elapsed:.1f}s for {len(big) / 1e6:.1f} MB"
