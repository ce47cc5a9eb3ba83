"""Typo answers from the archive's own vocabulary (indexer/spelling.py)."""

from __future__ import annotations

from indexer.spelling import Vocabulary

WORDS = [("bidrager", 5), ("bidrage", 40), ("bidrag", 90), ("magtanvendelse", 3), ("tilsyn", 50),
         ("tilsynet", 20), ("kilsyn", 999)]


def test_the_closest_word_wins_then_the_most_frequent():
    vocabulary = Vocabulary(WORDS)
    assert vocabulary.closest("bidraager") == "bidrager"  # one edit beats the commoner "bidrage" (two)
    assert vocabulary.closest("bidrg") == "bidrag"  # one edit from "bidrag"; "bidrage" is two
    assert vocabulary.closest("magtanvendlse") == "magtanvendelse"
    assert vocabulary.closest("tilsynn") == "tilsyn"


def test_transpositions_count_one_edit_and_the_first_letter_is_kept():
    vocabulary = Vocabulary(WORDS)
    assert vocabulary.closest("tilysn") == "tilsyn"  # swapped letters: one edit, as Whoosh counts them
    assert vocabulary.closest("ailsyn") is None  # "kilsyn"/"tilsyn" start with other letters
    assert vocabulary.closest("tilsyn") == "tilsynet"  # never the word itself
    assert vocabulary.closest("xyzzy") is None and Vocabulary([]).closest("tilsyn") is None


def test_ties_are_alphabetical():
    vocabulary = Vocabulary([("kasse", 7), ("kassa", 7)])
    assert vocabulary.closest("kassx") == "kassa"
