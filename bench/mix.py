"""The query mix, drawn from the archive being measured.

Every query comes from the analysed items (`bench.analysed`) of the archive
itself — its words, phrases, the names its records hold and its case
numbers — so the same code gives a fitting mix for a generated archive and
for Greve's real one, and no list has to be kept in step with a corpus. The
draw reads the first `SAMPLE` items (deterministic; the generator and the
real archive both spread bodies and years through the corpus order).

Kinds (issue 10 and 14): one common word; three title words; a phrase of two
content words; phrases with small words (a small word inside, and one
starting with a small word); a compound's part; a word filtered by the
largest council; a person's name; a case number as written and in other
spellings (spaces for dashes, no leading zeros, no letter prefix, lower
case); typos of common words (a doubled and a swapped letter).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from indexer.analysis import STOP_WORDS, analyze
from indexer.extract import case_key
from indexer.schema import TEXT_FIELDS

from .analysed import read_analysed

SAMPLE = 4000
_ALPHA = re.compile(r"^[a-zæøåéü]+$")


@dataclass
class MixQuery:
    kind: str
    q: str
    council: str | None = None


def _content(word: str, length: int = 5) -> bool:
    return len(word) >= length and word not in STOP_WORDS and bool(_ALPHA.match(word))


def _near_share(counts: Counter, total: int, share: float, accept) -> str | None:
    """The accepted key whose document share is closest to `share` (ties: most frequent, then alphabetical)."""
    candidates = [(abs(n / total - share), -n, key) for key, n in counts.items() if accept(key)]
    return min(candidates)[2] if candidates else None


def spellings(case_number: str) -> list[str]:
    """Other ways people type `case_number` that must find the same case."""
    variants = [
        re.sub(r"[-–./]+", " ", case_number),  # spaces for dashes and dots
        re.sub(r"(?<![0-9A-Za-z])0+(?=\d)", "", case_number),  # no leading zeros
        re.sub(r"^[A-Za-zÆØÅæøå]{2,6}[-\s./]+", "", case_number),  # no letter prefix
        case_number.lower(),
    ]
    key = case_key(case_number)
    return [v for v in dict.fromkeys(variants) if v != case_number and case_key(v) == key]


def typos(word: str, vocabulary: set[str]) -> list[str]:
    """A doubled letter and a swap of two inner letters, neither a word of the archive."""
    middle = len(word) // 2
    made = [word[:middle] + word[middle] + word[middle:],
            word[:middle - 1] + word[middle] + word[middle - 1] + word[middle + 1:]]
    return [t for t in dict.fromkeys(made) if t != word and t not in vocabulary]


def draw_mix(analysed: Path, sample: int = SAMPLE) -> list[MixQuery]:
    items = list(islice(read_analysed(analysed), sample))
    total = len(items)
    if not total:
        return []
    word_df: Counter = Counter()
    stem_df: Counter = Counter()
    part_df: Counter = Counter()
    councils: Counter = Counter()
    cases: Counter = Counter()
    people: Counter = Counter()
    pairs: Counter = Counter()
    small_inside: Counter = Counter()
    small_first: Counter = Counter()
    for item in items:
        words = item.words.split()
        word_df.update(set(words))
        stem_df.update(set(" ".join(item.fields.get(name, "") for name in TEXT_FIELDS).split()))
        part_df.update(set(" ".join(item.fields.get(f"{name}_parts", "") for name in TEXT_FIELDS).split()))
        if item.council:
            councils[item.council] += 1
        if item.case_number:
            cases[item.case_number] += 1
        people.update(name for name in item.people if len(name.split()) >= 2)
        grams2, grams3 = set(zip(words, words[1:])), set(zip(words, words[1:], words[2:]))
        pairs.update(g for g in grams2 if _content(g[0]) and _content(g[1]))
        small_first.update(g for g in grams2 if g[0] in STOP_WORDS and _content(g[1], 6))
        small_inside.update(g for g in grams3 if g[1] in STOP_WORDS and _content(g[0], 4) and _content(g[2], 4))
    vocabulary = set(word_df)
    mix: list[MixQuery] = []

    def add(kind: str, q: str | None, council: str | None = None) -> None:
        if q:
            mix.append(MixQuery(kind, q, council))

    common = _near_share(word_df, total, 0.25, lambda w: _content(w, 6))
    add("ét ord", common)
    title_words = []
    for item in items:
        words = list(dict.fromkeys(w for w in item.title_text.lower().split() if _content(w) and w in vocabulary))
        if len(words) >= 3:
            title_words.append(tuple(words[:3]))
    if title_words:
        add("tre ord", " ".join(max(title_words, key=lambda t: (min(word_df[w] for w in t), t))))
    if pairs:
        add("frase", '"' + " ".join(max(pairs, key=lambda g: (pairs[g], g))) + '"')
    for grams in (small_inside, small_first):
        if grams:
            add("frase med småord", '"' + " ".join(_near_share(grams, total, 0.03, lambda g: True)) + '"')
    # a compound's part: a word whose stem the archive holds far more often as a part than whole
    surface: dict[str, str] = {}  # stem → its most frequent word
    for word in sorted(word_df, key=lambda w: (-word_df[w], w)):
        if _content(word, 4):
            stems = analyze(word)
            if len(stems) == 1:
                surface.setdefault(stems[0], word)
    part = max((p for p in part_df if p in surface), key=lambda p: (part_df[p] - stem_df[p], p), default=None)
    add("sammensat ords del", surface.get(part) if part else None)
    if councils:
        council = max(councils, key=lambda c: (councils[c], c))
        add("facetfiltreret", _near_share(word_df, total, 0.05, lambda w: _content(w, 6)), council)
    if people:
        add("personnavn", max(people, key=lambda n: (people[n], n)))
    if cases:
        def rank(number: str) -> tuple:
            return (len(spellings(number)), cases[number], number)

        case = max(cases, key=rank)
        add("sagsnummer", case)
        for variant in spellings(case):
            add("sagsnummer, anden stavning", variant)
    for word in (common, _near_share(word_df, total, 0.05, lambda w: _content(w, 8))):
        for typo in (typos(word, vocabulary) if word else [])[:1 if word == common else 2]:
            add("stavefejl", typo)
    return mix
