"""Danish words: what a word is, its normal form, letter variants, stop words.

Normalising a word is lowercase + NFC + Cyrillic look-alike letters repaired
(`repair.py` found them in real PDFs) + "aa"/"ae"/"oe" read as "å"/"æ"/"ø"
when only that reading is a word the Danish lexicon knows ("Handicapraadet"
typed on a foreign keyboard); a word the lexicon knows is never touched, so
"boede" (lived) never meets "bøde" (fine). No Whoosh here: the analyzers in
`indexer.analysis` compose these functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import combinations

from ..lexicon import load_lexicon
from .morphology import STOP_WORDS, _best_split, _part_words

__all__ = ["STOP_WORDS", "WORD_PATTERN", "fold_variants", "is_known_word", "normalise_word", "split_compound"]

# --- words ------------------------------------------------------------------------

# A word is letters and digits ("2021", "covid19", "p35"); combining marks are
# kept inside it so a decomposed "å" (a + U+030A) is one token until NFC.
# Numbers keep their inner dots and commas ("1.000", "2,5", "27.69.48").
# (Measured: this form is twice as fast as an alternation of number|word.)
WORD_PATTERN = r"[^\W_][\w\u0300-\u036f]*(?:[.,]\d+)*"




# --- letter variants -------------------------------------------------------------------

VARIANTS = {"aa": "å", "ae": "æ", "oe": "ø"}
_VARIANT_PAIR = re.compile("aa|ae|oe")
MAX_VARIANT_PAIRS = 4  # a word with more pairs than this is left alone

# Cyrillic letters that broken PDF text puts into Danish words: "Magleмосen"
# is "Maglemosen" transliterated letter by letter, so transliterate back.
_HOMOGLYPHS = str.maketrans("абвгдезийклмнопрстуфхцыэ", "abvgdezijklmnoprstufhcye")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[a-zæøå]")


def _ascii_or_nfc(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _fix_homoglyphs(word: str) -> str:
    """Only words that mix scripts are touched; a Russian word stays Russian."""
    if _CYRILLIC.search(word) and _LATIN.search(word):
        return word.translate(_HOMOGLYPHS)
    return word


def normalise_word(raw: str) -> str:
    """The form every later step sees: lowercase, NFC, scripts fixed, variants folded."""
    word = _fix_homoglyphs(_ascii_or_nfc(raw.lower()))
    return fold_variants(word)


def fold_variants(word: str) -> str:
    """"handicapraadet" → "handicaprådet" when only the folded form is Danish.

    Folding both index and query text the same way makes the two spellings
    meet; asking the lexicon first keeps real words with these letter pairs
    ("poesi", "boede", "koordinere", "ekstraarbejde") apart from the words
    they would otherwise collide with. Of several candidates the one with the
    fewest replacements wins.
    """
    if not _VARIANT_PAIR.search(word):
        return word
    lexicon = load_lexicon()
    if not lexicon or is_known_word(word):
        return word
    for candidate in _variant_candidates(word):
        if is_known_word(candidate):
            return candidate
    return word


def _variant_candidates(word: str) -> Iterator[str]:
    """Every way to replace some of the pairs, fewest replacements first."""
    spots = [i for i in range(len(word) - 1) if word[i : i + 2] in VARIANTS]
    if len(spots) > MAX_VARIANT_PAIRS:
        return
    for count in range(1, len(spots) + 1):
        for chosen in combinations(spots, count):
            if any(b - a < 2 for a, b in zip(chosen, chosen[1:], strict=False)):
                continue  # overlapping pairs ("aae") cannot both be replaced
            pieces, last = [], 0
            for spot in chosen:
                pieces += [word[last:spot], VARIANTS[word[spot : spot + 2]]]
                last = spot + 2
            yield "".join(pieces) + word[last:]


def is_known_word(word: str) -> bool:
    """A lexicon word, or a compound of lexicon words."""
    lexicon = load_lexicon()
    return lexicon.is_word(word) or _best_split(word) is not None


def split_compound(word: str) -> list[str] | None:
    """Surface parts of a Danish compound, or None if it is not one.

    The first and middle parts are given as dictionary words without their
    linking letter, the last part as written (after the same normalising as
    the analyzers, so "Handicapraadet" → ["handicap", "rådet"]):
    "tomgangspladser" → ["tomgang", "pladser"],
    "tilsynsrapporterne" → ["tilsyn", "rapporterne"].
    """
    parts = _best_split(normalise_word(word.strip()))
    if parts is None:
        return None
    return list(_part_words(parts))
