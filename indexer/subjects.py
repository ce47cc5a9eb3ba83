"""Does one case number carry items about clearly different subjects?

Some municipalities file unrelated items under one case number: Greve's
"collective" numbers gather a committee's briefings of a year ("Oplæg om
Træningsenheden", "Drøftelse af visitationskriterier for ældreboliger", …
all 23-001975). A case page that shows them as one history misleads, so it
says so. The measure works on the titles alone and can be explained in one
sentence: *two titles are about the same subject when at least a fifth of
either title's subject words occur in the other; the case is mixed when its
titles fall into two or more groups that no such link joins.*

- Subject words are the title's words without Danish stop words, numbers,
  one-letter words and council-speak (`COUNCIL_SPEAK`: procedure words such
  as godkendelse, orientering, status, temamøde, høring, behandling and the
  words for municipality, plus the municipality's own name) which occur in
  titles of every subject. A year (2021) is a subject word: it names the
  period a yearly case is about ("Drifts- og anlægsoverførsler 2021 til
  2022" and "Politiske handleplaner regnskab 2021" are one year-end case).
- Words match by Snowball stem or by a compound part (the index's own
  lexicon split, parts of three letters or more): "Budgetopfølgning" meets
  "Budget 2025-28", and "Karlslunde Stationsområde" meets "Karlslunde Parkvej".
- Titles with no subject word left ("Orientering", "Eventuelt") tell nothing
  and join no group.
- Groups are the connected components of the "same subject" links, so a
  case whose titles drift step by step (a lokalplan's forslag, høring,
  endelig vedtagelse) stays one group.

Measured on Greve's FirstAgenda archive (342 meetings, 5,106 items, 1,469
case numbers; 267 of them carry two or more distinct titles), with
`python -m indexer.subjects ../shared/greve`: 30 case numbers are flagged
(30 at link thresholds 0.01 and 0.2, 32 at 0.25, 58 at 0.34, 64 at 0.5:
above a fifth, longer titles need two shared words). Read by hand, 25 of the
30 are collective numbers or plainly unrelated items (23-001975 gathers a
year of briefings, 23-010617 holds "Birkelyparken, ungdomsboliger" and
"Klub Havana, ombygning", 24-004681 a handicap car and a hygiene
organisation); 5 are related by topic without a shared word ("Dyrehold" /
"Fritløbsområde for hunde", "Ansøgning om orlov" / "…indtræden i Greve
Byråd") or by a word the lexicon does not split ("realkreditlån" / "Lån i
Birkehegnet"). Counting years as subject words removed 8 such false alarms
(all year-end and loan cases) and no true one. Of 40 unflagged multi-title
numbers drawn at random (seed 11) none mixes subjects: their titles differ
by wording only ("Huskeliste/orientering" / "Huskeliste og orientering",
"VEKS I/S - godkendelse af vedtægter"). The page words a flag as "the titles
fall into groups", never as an error, and lists the groups so a reader can judge.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from .analysis import STOP_WORDS, WORD_PATTERN, compound_parts, normalise_word, stem_word

LINK_THRESHOLD = 0.2  # share of the shorter title's subject words found in the other
MIN_PART = 3  # shortest compound part that counts ("lån", "vej")
# Procedure words of agenda titles: they say what a body does with a case,
# not what the case is about (the most frequent title words in Greve's
# archive that name no subject, plus the words for the municipality itself).
COUNCIL_SPEAK = frozenset("""
godkendelse godkend godkendt orientering status ved vedr vedrørende beslutning forslag drøftelse drøfte
opfølgning endelig ændring ændringer ny nye nyt evaluering vedtagelse høring høringssvar temamøde dialogmøde
sag sager behandling indstilling anbefaling kommune kommunen kommunens kommunal punkt punkter eventuelt
meddelelser orienteringssag beslutningssag
""".split())
_WORD = re.compile(WORD_PATTERN)
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d.,])")


@lru_cache(maxsize=1 << 14)
def _speak_stems() -> frozenset[str]:
    return frozenset(stem_word(normalise_word(word)) for word in COUNCIL_SPEAK)


def subject_words(title: str, ignore: Iterable[str] = ()) -> list[frozenset[str]]:
    """Each subject word of a title as the set of forms it matches by:
    its stem and its compound parts. `ignore` adds words to leave out
    (the municipality's name: "Greve" is in half of Greve's titles)."""
    speak = _speak_stems() | {stem_word(normalise_word(word)) for word in ignore}
    words = []
    for raw in _WORD.findall(title):
        word = normalise_word(raw)
        if word in STOP_WORDS or not word.isalpha() or len(word) < 2:
            continue
        stem = stem_word(word)
        if stem in speak:
            continue
        parts = {part for part in compound_parts(word) if len(part) >= MIN_PART and part not in speak}
        words.append(frozenset({stem, *parts}))
    words.extend(frozenset({year}) for year in dict.fromkeys(_YEAR.findall(title)))
    return words


def similarity(a: list[frozenset[str]], b: list[frozenset[str]]) -> float:
    """The larger share of either title's subject words found in the other
    (an overlap coefficient over words that match by stem or compound part)."""
    if not a or not b:
        return 0.0
    forms_a, forms_b = frozenset().union(*a), frozenset().union(*b)
    return max(sum(1 for w in a if w & forms_b) / len(a), sum(1 for w in b if w & forms_a) / len(b))


@dataclass
class SubjectGroup:
    titles: list[str]
    item_ids: list[str] = field(default_factory=list)


@dataclass
class Subjects:
    """`mixed` when the titles fall into two or more unlinked groups."""

    mixed: bool
    groups: list[SubjectGroup]
    measure: str = ("to titler handler om det samme, når mindst en femtedel af den enes emneord findes i den anden "
                    "(samme ordstamme, sammensætningsled eller årstal; procesord som godkendelse og orientering tæller ikke)")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def subject_groups(items: list[dict[str, Any]], ignore: Iterable[str] = (), threshold: float = LINK_THRESHOLD) -> Subjects:
    """Group a case's items (records with "id" and "title") by subject, in the items' order."""
    titles: dict[str, list[str]] = {}
    for item in items:
        title = " ".join((item.get("title") or "").split())
        if title:
            titles.setdefault(title, []).append(item["id"])
    ignore = tuple(ignore)
    known = [(title, ids, subject_words(title, ignore)) for title, ids in titles.items()]
    known = [entry for entry in known if entry[2]]
    parent = list(range(len(known)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(known)):
        for j in range(i + 1, len(known)):
            if similarity(known[i][2], known[j][2]) >= threshold:
                parent[root(i)] = root(j)
    groups: dict[int, SubjectGroup] = {}
    for i, (title, ids, _) in enumerate(known):
        group = groups.setdefault(root(i), SubjectGroup(titles=[]))
        group.titles.append(title)
        group.item_ids.extend(ids)
    ordered = list(groups.values())
    return Subjects(mixed=len(ordered) > 1, groups=ordered)


def main(argv: list[str] | None = None) -> int:
    """`python -m indexer.subjects DIR`: the measure over a folder's parsed meetings."""
    import sys
    from collections import defaultdict
    from pathlib import Path

    from .ingest import parse_file
    from .readers import SUPPORTED_SUFFIXES

    folder = Path((argv or sys.argv[1:])[0])
    cases: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file()):
        try:
            meeting = parse_file(path, folder).meeting
        except Exception as error:  # a report over a folder: one bad file is a line, not the end
            print(f"FEJL {path}: {error}", file=sys.stderr)
            continue
        for item in meeting.items:
            if item.case_number:
                cases[(meeting.municipality, item.case_number)].append({"id": item.id, "title": item.title})
    several = {key: items for key, items in cases.items() if len({i["title"] for i in items}) > 1}
    flagged = 0
    for (municipality, number), items in sorted(several.items()):
        result = subject_groups(items, ignore=[municipality])
        if result.mixed:
            flagged += 1
            print(number, " || ".join(" | ".join(g.titles) for g in result.groups))
    print(f"{len(cases)} sagsnumre, {len(several)} med flere titler, {flagged} med forskellige emner")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
