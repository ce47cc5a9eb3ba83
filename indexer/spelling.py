"""Typo answers: the closest word the archive itself holds.

Whoosh's corrector compares the typed word with every indexed word that
shares its first letter, one Python edit-distance call each, per segment:
on the real archive (Greve + seeds) a typo search's p95 was 512 ms, the
slowest query kind by far (bench/RESULTS.md, 2026-12-01). Here the
vocabulary of the `spell` field is read once per index generation, grouped
by first letter, and compared in C++ by rapidfuzz with the same measure
(optimal string alignment: Damerau-Levenshtein without repeated edits of one
substring, which is Whoosh's `distance`). The choice is the closest word, the
most frequent of equally close ones (Whoosh's ReaderCorrector ranked every
word within the distance by frequency alone, so "bidraager" could become the
commoner "bidrage" two edits away rather than "bidrager" one edit away).
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA


class Vocabulary:
    """Words and their frequencies, grouped by their first `prefix` letters."""

    def __init__(self, words: Iterable[tuple[str, int]], prefix: int = 1) -> None:
        self.prefix = prefix
        self.groups: dict[str, tuple[list[str], list[int]]] = {}
        for word, frequency in words:
            words_of, freqs = self.groups.setdefault(word[:prefix], ([], []))
            words_of.append(word)
            freqs.append(frequency)

    @classmethod
    def of_field(cls, reader, fieldname: str, prefix: int = 1) -> Vocabulary:
        """Every term of one field of a Whoosh reader, with its frequency."""
        def terms():
            for raw, info in reader.iter_field(fieldname):  # one pass: term and its stats
                word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                yield word, int(info.weight() or 1)
        return cls(terms(), prefix)

    def closest(self, word: str, maxdist: int = 2) -> str | None:
        """The closest other word sharing the prefix (fewest edits, at most
        `maxdist`), the most frequent of those, ties alphabetically; or None."""
        group = self.groups.get(word[:self.prefix])
        if not group:
            return None
        words, freqs = group
        found = process.extract(word, words, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
        candidates = [(edits, -freqs[index], choice) for choice, edits, index in found if choice != word]
        return min(candidates)[2] if candidates else None
