"""The held-out morphology set: how it is drawn and how recall@10 is measured.

Kept apart from the test module so the figures can be reproduced from the
command line (`PYTHONPATH=. python tests/morphology_set.py INDEX`) without
pytest. See tests/test_morphology.py for the definitions and the figures.
Not a test module itself (no test_ prefix): pytest imports it from the
test modules beside it.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from indexer.analysis import STOP_WORDS, WORD_PATTERN, normalise_word
from indexer.lexicon import SuffixRules, find_dictionary, read_aff, read_dic
from indexer.search import Archive, SearchRequest
from record_texts import item_texts

SEED = 20261201
SET_SIZE = 200
MIN_QUERY_LETTERS = 5
TOP = 10
WORD = re.compile(WORD_PATTERN)


@lru_cache(maxsize=1)
def lemma_of_forms() -> dict[str, frozenset[str]]:
    """Every hunspell da_DK form → the dictionary entries (lemmas) it is a form of.

    The same expansion as indexer.lexicon.expand (the root, one suffix, a
    suffix's own second suffix), keeping which entry each form came from.
    Independent of the stemmer under test: hunspell's affix rules, not Snowball's."""
    found = find_dictionary()
    if found is None:
        return {}
    dic, aff_path = found
    aff = read_aff(aff_path)
    rules = SuffixRules(aff)
    lemmas: dict[str, set[str]] = defaultdict(set)
    for word, flags in read_dic(dic, aff):
        if word.endswith("-") or not word.isalpha():
            continue
        lemma = word.lower()
        lemmas[lemma].add(lemma)
        for flag in flags:
            for strip, ending, cont in rules.rules_for(flag, word):
                form = word[: len(word) - strip] + ending
                lemmas[form.lower()].add(lemma)
                for second in cont:
                    for strip2, ending2, _ in rules.rules_for(second, form):
                        lemmas[(form[: len(form) - strip2] + ending2).lower()].add(lemma)
    return {form: frozenset(owners) for form, owners in lemmas.items()}


def item_words(record: dict) -> set[str]:
    return {normalise_word(w) for text in item_texts(record) for w in WORD.findall(text)}


@dataclass(frozen=True)
class MorphQuery:
    """One query form and the items that hold another form of its lemma but not the form itself."""

    form: str
    lemma: str
    relevant: frozenset[str]


def draw_set(records: Iterable[dict], size: int = SET_SIZE, seed: int = SEED) -> list[MorphQuery]:
    """The set, by a rule fixed before any measurement:

    * a query is a word form that occurs in the items, has at least
      MIN_QUERY_LETTERS letters, is no stop word, and is a form of exactly one
      hunspell entry (an ambiguous form has no single right answer);
    * its relevant items hold another form of that entry (itself a form of
      that entry only) and not the query form;
    * queries with at least one relevant item are candidates; `size` of them
      are drawn with random.Random(seed) from the sorted candidates.
    """
    owners = lemma_of_forms()
    where: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for word in item_words(record):
            where[word].add(record["id"])
    family: dict[str, list[str]] = defaultdict(list)
    for word in where:
        lemmas = owners.get(word)
        if lemmas and len(lemmas) == 1 and word.isalpha():
            family[next(iter(lemmas))].append(word)
    candidates = []
    for lemma, forms in family.items():
        if len(forms) < 2:
            continue
        for form in forms:
            if len(form) < MIN_QUERY_LETTERS or form in STOP_WORDS:
                continue
            relevant = set().union(*(where[f] for f in forms if f != form)) - where[form]
            if relevant:
                candidates.append(MorphQuery(form, lemma, frozenset(relevant)))
    candidates.sort(key=lambda q: q.form)
    return random.Random(seed).sample(candidates, min(size, len(candidates)))


def holders(records: Iterable[dict]) -> dict[str, set[str]]:
    """word → ids of the items holding it."""
    where: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for word in item_words(record):
            where[word].add(record["id"])
    return where


def recall_at_10(archive: Archive, query: MorphQuery, where: dict[str, set[str]]) -> float:
    """Share of the relevant items (at most TOP) among the first TOP results
    that do not hold the query form itself (those need no morphology)."""
    holding = where.get(query.form, set())
    ranked: list[str] = []
    page = 1
    while len(ranked) < TOP:
        response = archive.search(SearchRequest(q=query.form, page=page, per_page=100, snippets=False))
        ranked += [hit.id for hit in response.results if hit.id not in holding]
        if page * 100 >= response.total or not response.results:
            break
        page += 1
    top = set(ranked[:TOP])
    return len(top & query.relevant) / min(TOP, len(query.relevant))


def measure(archive: Archive, records: list[dict], queries: list[MorphQuery]) -> tuple[float, list[tuple[MorphQuery, float]]]:
    where = holders(records)
    scored = [(q, recall_at_10(archive, q, where)) for q in queries]
    return sum(s for _, s in scored) / max(1, len(scored)), scored


def all_records(archive: Archive) -> list[dict]:
    records, page = [], 1
    while True:
        response = archive.search(SearchRequest(q="", page=page, per_page=100, snippets=False))
        records += [archive.item(hit.id) for hit in response.results]
        if page * 100 >= response.total or not response.results:
            break
        page += 1
    return [r for r in records if r and not r.get("closed")]


def main(argv: list[str]) -> None:
    archive = Archive(argv[0])
    records = all_records(archive)
    queries = draw_set(records)
    score, scored = measure(archive, records, queries)
    print(f"{len(queries)} queries over {len(records)} items: recall@10 = {score:.3f}")
    for query, value in sorted(scored, key=lambda s: s[1])[:40]:
        print(f"  {value:.2f}  {query.form:<24} ({query.lemma}, {len(query.relevant)} relevant)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
